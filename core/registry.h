/* A small table of named formats (import sources, export sinks): the built-in ones and
 * those plugins add.  The function is stored untyped; each user casts it back. */
#ifndef KAM_REGISTRY_H
#define KAM_REGISTRY_H

#define KAM_REGISTRY_MAX 8

typedef void (*kam_any_fn)(void);

struct kam_registry {
	struct kam_registry_entry {
		const char *name;
		kam_any_fn fn;
		void *data;
	} e[KAM_REGISTRY_MAX];
};

/* 0, or -1 when the name is taken or the table is full. */
int kam_registry_add(struct kam_registry *r, const char *name, kam_any_fn fn, void *data);
/* The entry named (exactly, or case-insensitively with nocase), or NULL. */
const struct kam_registry_entry *kam_registry_find(const struct kam_registry *r, const char *name, int nocase);

#endif
