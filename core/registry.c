#include "registry.h"

#include <string.h>
#include <strings.h>

int kam_registry_add(struct kam_registry *r, const char *name, kam_any_fn fn, void *data)
{
	for (int i = 0; i < KAM_REGISTRY_MAX; i++) {
		if (r->e[i].name && strcmp(r->e[i].name, name) == 0)
			return -1;
		if (!r->e[i].name) {
			r->e[i].name = name;
			r->e[i].fn = fn;
			r->e[i].data = data;
			return 0;
		}
	}
	return -1;
}

const struct kam_registry_entry *kam_registry_find(const struct kam_registry *r, const char *name, int nocase)
{
	for (int i = 0; i < KAM_REGISTRY_MAX && r->e[i].name; i++)
		if (nocase ? strcasecmp(r->e[i].name, name) == 0 : strcmp(r->e[i].name, name) == 0)
			return &r->e[i];
	return NULL;
}
