/* Users, roles and the audit log.
 *
 * Owns: the users table (a kam user: name, the login it is for, its role, the manager
 * record it is, disabled) and the audit table (who did what, when, through which command,
 * to which customer; and what was refused).  Promises: once a user exists, a connection
 * acts as one user (kam_db_set_actor); a viewer's write transaction is refused in
 * kam_db_begin, and the refusal logged, whatever command asked; every committed write
 * transaction is logged with the rows it changed; the log is append-only (triggers), and
 * each entry's hash is SHA-256 over the previous entry's hash and its own fields, so
 * kam_audit_verify finds an entry edited or removed around the triggers. */
#ifndef KAM_STORE_ACCESS_H
#define KAM_STORE_ACCESS_H

#include <stdint.h>

#include "store_db.h"

enum kam_role { KAM_ROLE_NONE = 0, KAM_ROLE_ADMIN, KAM_ROLE_CENTER, KAM_ROLE_MANAGER, KAM_ROLE_VIEWER };

/* "admin", "center", "manager", "viewer"; the role of a name, 0 when none. */
const char *kam_role_name(int role);
int kam_role_parse(const char *name);

#define KAM_USER_TEXT 257
struct kam_user {
	char name[KAM_USER_TEXT], login[KAM_USER_TEXT], manager[KAM_USER_TEXT]; /* manager "" when none */
	char level[KAM_USER_TEXT];   /* approval level (a name of the policy's discount_levels), "" when none */
	char created_at[32], created_by[KAM_USER_TEXT];
	int role, disabled;
};

/* How many users there are (0 on a database older than users). */
int kam_users_count(kam_db *db, long *n, kam_err *e);
/* The user of that login (by_login) or of that name; *found 0 when none. */
int kam_user_find(kam_db *db, int by_login, const char *key, struct kam_user *u, int *found, kam_err *e);
/* Every user, by name. */
int kam_users_each(kam_db *db, int (*each)(void *arg, const struct kam_user *u, kam_err *e), void *arg,
		   kam_err *e);
/* Add u (created now, by the actor); change a role; disable or enable.  Inside the
 * caller's write transaction; each is logged. */
int kam_user_add(kam_db *db, const struct kam_user *u, kam_err *e);
int kam_user_set_role(kam_db *db, const char *name, int role, kam_err *e);
int kam_user_set_disabled(kam_db *db, const char *name, int disabled, kam_err *e);
/* level NULL: the user answers at no level any more. */
int kam_user_set_level(kam_db *db, const char *name, const char *level, kam_err *e);
/* Enabled admins other than `except` (NULL: all). */
int kam_users_admins(kam_db *db, const char *except, long *n, kam_err *e);

/* The user this connection acts as, its role (KAM_ROLE_NONE before any user exists) and
 * the command it runs ("import ledger"), for the log. */
int kam_db_set_actor(kam_db *db, const char *user, int role, const char *command, kam_err *e);
/* A manager user's manager record: the customers assigned to it (current_assignments) are
 * the ones whose confidential fields it reads; another's read as masked, the refusal
 * logged. */
int kam_db_set_manager(kam_db *db, const char *manager, kam_err *e);
int kam_db_role(const kam_db *db);
const char *kam_db_actor(const kam_db *db);
/* The acting user's approval level: set by whoever decides the actor (access.c); NULL
 * when it has none (or before users exist). */
int kam_db_set_level(kam_db *db, const char *level, kam_err *e);
const char *kam_db_level(const kam_db *db);

/* An answer given at `level` (a discount's): before users exist, any level the policy
 * allows (the caller asks the policy); once they exist, only the acting user's own level.
 * 0, or -1 with the refusal logged and e saying why. */
int kam_access_answer_level(kam_db *db, const char *level, const char *what, kam_err *e);

/* Whether confidential fields of customer (0: several) would read masked for the acting
 * user: 1 masked, 0 readable, -1 on error.  Asks only (nothing is logged): a caller that
 * must say so before any row is read (a masked export's marker) asks this first. */
int kam_access_masks(kam_db *db, int64_t customer, kam_err *e);

/* Log an entry: action "read" (a confidential field), "refused", "users" or "change";
 * customer 0 when none; detail a JSON text.  In the caller's write transaction when one
 * is open, else in one of its own. */
int kam_audit_add(kam_db *db, const char *action, int64_t customer, const char *detail, kam_err *e);

/* Log a refusal, on a connection of its own so that it outlives the refused work's
 * rollback (best effort: a database kam cannot write logs nothing). */
void kam_audit_refused(kam_db *db, const char *detail);
/* The same with the detail {"why": why} (why any text). */
void kam_audit_refused_why(kam_db *db, const char *why);

struct kam_audit_entry {
	long long id;
	const char *at, *user, *command, *action, *detail, *prev, *hash;
	int64_t customer; /* 0: none */
};
struct kam_audit_filter {
	const char *user;  /* NULL: anyone */
	int64_t customer;  /* 0: any */
	const char *since; /* ISO time or date; NULL: from the start */
	long limit;        /* the newest `limit` entries; 0: all */
};
/* The entries the filter selects, oldest first. */
int kam_audit_each(kam_db *db, const struct kam_audit_filter *f,
		   int (*each)(void *arg, const struct kam_audit_entry *a, kam_err *e), void *arg, kam_err *e);

struct kam_audit_check {
	long long entries;   /* read */
	long long broken;    /* the first broken entry's id, 0 when the chain holds */
	char why[256];       /* what is wrong with it */
	char head[65];       /* the newest entry's hash (note it elsewhere: a removed tail shows
			      * only against it) */
};
int kam_audit_verify(kam_db *db, struct kam_audit_check *c, kam_err *e);

#endif
