/* A map from 64-bit keys (customer codes) to longs (line numbers), open addressing with
 * linear probing; key 0 marks a free slot, which no customer code can be. */
#include <stdint.h>
#include <stdlib.h>

#include "import_kind.h"

static size_t slot(const struct i64map *m, int64_t key)
{
	uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 17) & (m->cap - 1);
}

static int grow(struct i64map *m)
{
	struct i64map bigger = {0};
	bigger.cap = m->cap ? m->cap * 2 : 1024;
	bigger.keys = calloc(bigger.cap, sizeof *bigger.keys);
	bigger.vals = calloc(bigger.cap, sizeof *bigger.vals);
	if (!bigger.keys || !bigger.vals) {
		free(bigger.keys);
		free(bigger.vals);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i])
			i64map_put(&bigger, m->keys[i], m->vals[i], NULL);
	i64map_free(m);
	*m = bigger;
	return 0;
}

/* 1 when key was there (*old gets its value, which is kept); 0 when added; -1 no memory. */
int i64map_put(struct i64map *m, int64_t key, long val, long *old)
{
	size_t i;
	if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
		return -1;
	for (i = slot(m, key); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			if (old)
				*old = m->vals[i];
			return 1;
		}
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return 0;
}

int i64map_set(struct i64map *m, int64_t key, long val)
{
	size_t i;
	if (m->cap) {
		for (i = slot(m, key); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
			if (m->keys[i] == key) {
				m->vals[i] = val;
				return 1;
			}
		}
	}
	return i64map_put(m, key, val, NULL);
}

int i64map_get(const struct i64map *m, int64_t key, long *val)
{
	if (!m->cap)
		return 0;
	for (size_t i = slot(m, key); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			if (val)
				*val = m->vals[i];
			return 1;
		}
	}
	return 0;
}

void i64map_free(struct i64map *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->n = 0;
}
