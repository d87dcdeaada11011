/* Running a named statement (store_stmt.h). */
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_rows_impl.h"
#include "store_stmt.h"

int kam_store_stmt_run(kam_db *db, const struct kam_store_stmt *s, const kam_store_value *v, int n,
		       kam_store_row_fn each, void *arg, kam_err *e)
{
	struct kam_store_val fixed[24] = {{0, 0, NULL}}, *p = fixed;
	int rc;
	if (n > (int)(sizeof fixed / sizeof fixed[0]) && !(p = malloc(sizeof *p * (size_t)n)))
		return kam_errf(e, "%s: out of memory", s->what);
	for (int i = 0; i < n; i++)
		p[i] = v[i].type == KAM_STORE_INT ? KAM_SV_INT(v[i].i)
		     : v[i].type == KAM_STORE_TEXT ? KAM_SV_TEXT(v[i].s) : KAM_SV_TEXT(NULL);
	const struct kam_store_stmt_secret *sec = kam_store_secret_stmts;
	while (sec->name && strcmp(sec->name, s->name) != 0)
		sec++;
	if (sec->name) {
		/* The customer read, when the statement is about one (its first parameter). */
		struct kam_store_secret secret = {sec->topic, n > 0 && s->params[0] == 'c' && v[0].type == KAM_STORE_INT ? v[0].i : 0,
						  sec->cols};
		rc = kam_store_walk_secret(db, s->sql, p, n, &secret, each, arg, s->what, e);
	} else {
		rc = kam_store_walk(db, s->sql, p, n, each, arg, s->what, e);
	}
	if (p != fixed)
		free(p);
	return rc;
}

const struct kam_store_stmt *kam_store_stmt_find(const struct kam_store_stmt *t, const char *name)
{
	for (; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}
