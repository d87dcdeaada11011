/* Users, roles and the audit log (store_access.h says what it owns and promises). */
#include "store_access.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sha256.h"
#include "store.h"

static const char *const role_names[] = {NULL, "admin", "center", "manager", "viewer"};

const char *kam_role_name(int role)
{
	return role > 0 && role <= KAM_ROLE_VIEWER ? role_names[role] : "";
}

int kam_role_parse(const char *name)
{
	for (int r = KAM_ROLE_ADMIN; r <= KAM_ROLE_VIEWER; r++)
		if (name && strcmp(name, role_names[r]) == 0)
			return r;
	return 0;
}

/* ---- users ---- */

static int has_table(sqlite3 *h, const char *name, int *yes)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(h, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1", -1, &st,
				    NULL);
	if (rc != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC)) == SQLITE_OK) {
		rc = sqlite3_step(st);
		*yes = rc == SQLITE_ROW;
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(st);
	return rc;
}

int kam_users_count(kam_db *db, long *n, kam_err *e)
{
	sqlite3_stmt *st;
	int rc, yes = 0;
	*n = 0;
	if ((rc = has_table(db->h, "users", &yes)) != SQLITE_OK)
		return kam_db_fail(db, rc, "read the users", e);
	if (!yes)
		return 0;
	if (kam_db_prepare(db, "SELECT count(*) FROM users", &st, e) < 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : kam_db_fail(db, rc, "read the users", e);
}

static void copy_col(sqlite3_stmt *st, int c, char *out, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, c);
	snprintf(out, size, "%s", s ? (const char *)s : "");
}

static void user_of(sqlite3_stmt *st, struct kam_user *u)
{
	char role[16];
	copy_col(st, 0, u->name, sizeof u->name);
	copy_col(st, 1, u->login, sizeof u->login);
	copy_col(st, 2, role, sizeof role);
	u->role = kam_role_parse(role);
	copy_col(st, 3, u->manager, sizeof u->manager);
	u->disabled = sqlite3_column_int(st, 4);
	copy_col(st, 5, u->created_at, sizeof u->created_at);
	copy_col(st, 6, u->created_by, sizeof u->created_by);
	copy_col(st, 7, u->level, sizeof u->level);
}

#define USER_COLS "name, login, role, manager, disabled, created_at, created_by, level"

int kam_user_find(kam_db *db, int by_login, const char *key, struct kam_user *u, int *found, kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	*found = 0;
	if (kam_db_prepare(db, by_login ? "SELECT " USER_COLS " FROM users WHERE login = ?1"
					: "SELECT " USER_COLS " FROM users WHERE name = ?1",
			   &st, e) < 0)
		return -1;
	if ((rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT)) == SQLITE_OK &&
	    (rc = sqlite3_step(st)) == SQLITE_ROW) {
		user_of(st, u);
		*found = 1;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : kam_db_fail(db, rc, "read the users", e);
}

int kam_users_each(kam_db *db, int (*each)(void *arg, const struct kam_user *u, kam_err *e), void *arg,
		   kam_err *e)
{
	sqlite3_stmt *st;
	struct kam_user u;
	int rc;
	if (kam_db_prepare(db, "SELECT " USER_COLS " FROM users ORDER BY name", &st, e) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		user_of(st, &u);
		if (each(arg, &u, e) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : kam_db_fail(db, rc, "read the users", e);
}

#define ISO_SIZE 64
static void now_iso(char out[ISO_SIZE])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, ISO_SIZE, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

/* The length of the UTF-8 sequence s starts (1 to 4), 0 when it starts none. */
static int utf8_len(const unsigned char *s)
{
	int n = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
		: s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0))) ||
	    (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))))
		return 0;   /* overlong, a surrogate, or past U+10FFFF */
	return n;
}

/* A JSON string of s into out (quotes and control characters escaped, a byte that is no
 * UTF-8 as U+FFFD, never a sequence cut at the end), so that every detail in the log is
 * JSON whatever text it quotes. */
static void json_str(char *out, size_t size, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	if (size < 3)
		return;
	out[n++] = '"';
	while (*p && n + 8 < size) {
		int len = utf8_len(p);
		if (*p == '"' || *p == '\\') {
			out[n++] = '\\';
			out[n++] = (char)*p++;
		} else if (*p < 0x20) {
			n += (size_t)snprintf(out + n, size - n, "\\u%04x", *p++);
		} else if (len == 0) {
			n += (size_t)snprintf(out + n, size - n, "\\ufffd");
			p++;
		} else {
			memcpy(out + n, p, (size_t)len);
			n += (size_t)len;
			p += len;
		}
	}
	out[n++] = '"';
	out[n] = '\0';
}

int kam_user_add(kam_db *db, const struct kam_user *u, kam_err *e)
{
	sqlite3_stmt *st;
	char at[ISO_SIZE], detail[2000], name[600], login[600], level[600];
	int rc;
	now_iso(at);
	if (kam_db_prepare(db, "INSERT INTO users(" USER_COLS ") VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7)", &st, e) < 0)
		return -1;
	if ((rc = sqlite3_bind_text(st, 1, u->name, -1, SQLITE_TRANSIENT)) != SQLITE_OK ||
	    (rc = sqlite3_bind_text(st, 2, u->login, -1, SQLITE_TRANSIENT)) != SQLITE_OK ||
	    (rc = sqlite3_bind_text(st, 3, kam_role_name(u->role), -1, SQLITE_STATIC)) != SQLITE_OK ||
	    (rc = u->manager[0] ? sqlite3_bind_text(st, 4, u->manager, -1, SQLITE_TRANSIENT)
				: sqlite3_bind_null(st, 4)) != SQLITE_OK ||
	    (rc = sqlite3_bind_text(st, 5, at, -1, SQLITE_TRANSIENT)) != SQLITE_OK ||
	    (rc = sqlite3_bind_text(st, 6, kam_db_actor(db), -1, SQLITE_TRANSIENT)) != SQLITE_OK ||
	    (rc = u->level[0] ? sqlite3_bind_text(st, 7, u->level, -1, SQLITE_TRANSIENT)
			      : sqlite3_bind_null(st, 7)) != SQLITE_OK ||
	    (rc = sqlite3_step(st)) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return kam_db_fail(db, rc, "add the user", e);
	}
	sqlite3_finalize(st);
	json_str(name, sizeof name, u->name);
	json_str(login, sizeof login, u->login);
	json_str(level, sizeof level, u->level);
	snprintf(detail, sizeof detail, "{\"added\": %s, \"login\": %s, \"role\": \"%s\", \"level\": %s}", name,
		 login, kam_role_name(u->role), u->level[0] ? level : "null");
	return kam_audit_add(db, "users", 0, detail, e);
}

/* One field of a user changed, logged: to the text value, else to number (a flag), or to
 * NULL when number is negative. */
static int user_set(kam_db *db, const char *sql, const char *name, const char *value, int number,
		    const char *what, kam_err *e)
{
	sqlite3_stmt *st;
	char detail[1400], jname[600], jvalue[600];
	int rc;
	if (kam_db_prepare(db, sql, &st, e) < 0)
		return -1;
	if ((rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT)) != SQLITE_OK ||
	    (rc = value ? sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT)
			: number < 0 ? sqlite3_bind_null(st, 2) : sqlite3_bind_int(st, 2, number)) != SQLITE_OK ||
	    (rc = sqlite3_step(st)) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return kam_db_fail(db, rc, "change the user", e);
	}
	sqlite3_finalize(st);
	if (sqlite3_changes(db->h) == 0)
		return kam_errf(e, "no user '%s' (kam user list)", name);
	json_str(jname, sizeof jname, name);
	if (value)
		json_str(jvalue, sizeof jvalue, value);
	snprintf(detail, sizeof detail, "{\"user\": %s, \"%s\": %s}", jname, what,
		 value ? jvalue : number < 0 ? "null" : number ? "true" : "false");
	return kam_audit_add(db, "users", 0, detail, e);
}

int kam_user_set_role(kam_db *db, const char *name, int role, kam_err *e)
{
	return user_set(db, "UPDATE users SET role = ?2 WHERE name = ?1", name, kam_role_name(role), 0, "role", e);
}

int kam_user_set_disabled(kam_db *db, const char *name, int disabled, kam_err *e)
{
	return user_set(db, "UPDATE users SET disabled = ?2 WHERE name = ?1", name, NULL, disabled != 0, "disabled",
			e);
}

int kam_user_set_level(kam_db *db, const char *name, const char *level, kam_err *e)
{
	return user_set(db, "UPDATE users SET level = ?2 WHERE name = ?1", name, level, -1, "level", e);
}

int kam_users_admins(kam_db *db, const char *except, long *n, kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	*n = 0;
	if (kam_db_prepare(db, "SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled AND name IS NOT ?1",
			   &st, e) < 0)
		return -1;
	if ((rc = except ? sqlite3_bind_text(st, 1, except, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, 1)) ==
		    SQLITE_OK &&
	    (rc = sqlite3_step(st)) == SQLITE_ROW)
		*n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : kam_db_fail(db, rc, "read the users", e);
}

/* ---- the acting user ---- */

int kam_db_set_actor(kam_db *db, const char *user, int role, const char *command, kam_err *e)
{
	char *a = strdup(user ? user : ""), *c = strdup(command ? command : "kam");
	if (!a || !c) {
		free(a);
		free(c);
		return kam_errf(e, "out of memory");
	}
	free(db->actor);
	free(db->command);
	db->actor = a;
	db->command = c;
	db->role = role;
	db->audited = sqlite3_total_changes64(db->h);
	return 0;
}

/* *slot = a copy of value, NULL when value is NULL or empty. */
static int set_text(char **slot, const char *value, kam_err *e)
{
	char *v = value && *value ? strdup(value) : NULL;
	if (value && *value && !v)
		return kam_errf(e, "out of memory");
	free(*slot);
	*slot = v;
	return 0;
}

int kam_db_set_manager(kam_db *db, const char *manager, kam_err *e)
{
	return set_text(&db->manager, manager, e);
}

/* Whether customer is assigned now to the connection's manager (0 no, 1 yes, -1 error). */
static int own_customer(kam_db *db, int64_t customer, kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (!db->manager || !customer)
		return 0;
	if (kam_db_prepare(db, "SELECT 1 FROM current_assignments WHERE code = ?1 AND manager = ?2", &st, e) < 0)
		return -1;
	if ((rc = sqlite3_bind_int64(st, 1, customer)) == SQLITE_OK &&
	    (rc = sqlite3_bind_text(st, 2, db->manager, -1, SQLITE_TRANSIENT)) == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : kam_db_fail(db, rc, "read the assignments", e);
}

int kam_db_set_level(kam_db *db, const char *level, kam_err *e)
{
	return set_text(&db->level, level, e);
}

const char *kam_db_level(const kam_db *db)
{
	return db->level;
}

int kam_db_role(const kam_db *db)
{
	return db->role;
}

const char *kam_db_actor(const kam_db *db)
{
	return db->actor ? db->actor : "";
}

/* ---- the log ---- */

static void entry_hash(long long id, const char *at, const char *user, const char *command, const char *action,
		       int64_t customer, const char *detail, const char *prev, char hex[65])
{
	char cust[24] = "";
	char *text = NULL;
	int n;
	if (customer)
		snprintf(cust, sizeof cust, "%lld", (long long)customer);
	/* Fields apart by the unit separator, which no field holds. */
	n = asprintf(&text, "%lld\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", id, at, user, command, action, cust,
		     detail, prev);
	if (n < 0) {
		memset(hex, '0', 64);
		hex[64] = '\0';
		return;
	}
	kam_sha256_hex(text, (size_t)n, hex);
	free(text);
}

static const char zero_hash[] = "0000000000000000000000000000000000000000000000000000000000000000";

/* Append an entry on connection h (inside a write transaction). */
static int append(sqlite3 *h, const char *user, const char *command, const char *action, int64_t customer,
		  const char *detail)
{
	sqlite3_stmt *st;
	char at[ISO_SIZE], prev[65], hash[65];
	long long id = 1;
	int rc;
	now_iso(at);
	snprintf(prev, sizeof prev, "%s", zero_hash);
	if ((rc = sqlite3_prepare_v2(h, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", -1, &st, NULL)) !=
	    SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0) + 1;
		snprintf(prev, sizeof prev, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rc;
	entry_hash(id, at, user, command, action, customer, detail, prev, hash);
	if ((rc = sqlite3_prepare_v2(h,
				     "INSERT INTO audit(id, at, user, command, action, customer, detail, prev, hash)"
				     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
				     -1, &st, NULL)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_bind_int64(st, 1, id)) == SQLITE_OK &&
	    (rc = sqlite3_bind_text(st, 2, at, -1, SQLITE_TRANSIENT)) == SQLITE_OK &&
	    (rc = sqlite3_bind_text(st, 3, user, -1, SQLITE_TRANSIENT)) == SQLITE_OK &&
	    (rc = sqlite3_bind_text(st, 4, command, -1, SQLITE_TRANSIENT)) == SQLITE_OK &&
	    (rc = sqlite3_bind_text(st, 5, action, -1, SQLITE_STATIC)) == SQLITE_OK &&
	    (rc = customer ? sqlite3_bind_int64(st, 6, customer) : sqlite3_bind_null(st, 6)) == SQLITE_OK &&
	    (rc = sqlite3_bind_text(st, 7, detail, -1, SQLITE_TRANSIENT)) == SQLITE_OK &&
	    (rc = sqlite3_bind_text(st, 8, prev, -1, SQLITE_TRANSIENT)) == SQLITE_OK &&
	    (rc = sqlite3_bind_text(st, 9, hash, -1, SQLITE_TRANSIENT)) == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int kam_audit_add(kam_db *db, const char *action, int64_t customer, const char *detail, kam_err *e)
{
	int own = kam_db_autocommit(db), rc;
	if (db->readonly)
		return 0;   /* nothing can be written, so nothing was done that needs logging */
	if (own && kam_db_exec(db, "BEGIN IMMEDIATE", e) < 0)
		return -1;
	rc = append(db->h, kam_db_actor(db), db->command ? db->command : "kam", action, customer, detail);
	if (rc != SQLITE_OK) {
		if (own)
			sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		return kam_db_fail(db, rc, "write the audit log", e);
	}
	if (own && kam_db_exec(db, "COMMIT", e) < 0) {
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	db->audited = sqlite3_total_changes64(db->h);
	return 0;
}

struct kam_refusal {
	struct kam_refusal *next;
	char detail[];
};

/* Log a refusal on a connection of its own (db must hold no write lock). */
static void refused_now(kam_db *db, const char *detail)
{
	sqlite3 *h = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (strncmp(db->path, "file:", 5) == 0 ? SQLITE_OPEN_URI : 0);
	if (db->readonly || sqlite3_open_v2(db->path, &h, flags, NULL) != SQLITE_OK) {
		sqlite3_close(h);
		return;
	}
	sqlite3_busy_timeout(h, 10000);
	if (sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
		if (append(h, kam_db_actor(db), db->command ? db->command : "kam", "refused", 0, detail) == SQLITE_OK)
			sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
		else
			sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_close(h);
}

void kam_audit_refused(kam_db *db, const char *detail)
{
	struct kam_refusal *r, **end;
	if (db->readonly)
		return;
	if (sqlite3_txn_state(db->h, NULL) != SQLITE_TXN_WRITE) {
		refused_now(db, detail);
		return;
	}
	/* This connection holds the write lock: the other one would wait for it in vain. */
	if (!(r = malloc(sizeof *r + strlen(detail) + 1)))
		return;
	r->next = NULL;
	strcpy(r->detail, detail);
	for (end = &db->refusals; *end; end = &(*end)->next)
		;
	*end = r;
}

void kam_audit_flush_refusals(kam_db *db)
{
	while (db->refusals) {
		struct kam_refusal *r = db->refusals;
		db->refusals = r->next;
		if (db->h && sqlite3_txn_state(db->h, NULL) != SQLITE_TXN_WRITE)
			refused_now(db, r->detail);
		free(r);
	}
}

/* s as a JSON string, allocated (NULL when out of memory). */
static char *json_dup(const char *s)
{
	size_t size = strlen(s) * 6 + 3;
	char *out = malloc(size);
	if (out)
		json_str(out, size, s);
	return out;
}

void kam_audit_refused_why(kam_db *db, const char *why)
{
	char *q = json_dup(why), *detail = NULL;
	if (q && asprintf(&detail, "{\"why\": %s}", q) >= 0) {
		kam_audit_refused(db, detail);
		free(detail);
	}
	free(q);
}

int kam_access_answer_level(kam_db *db, const char *level, const char *what, kam_err *e)
{
	char *why = NULL;
	int n;
	if (db->role == KAM_ROLE_NONE)
		return 0;   /* single-user: the stated level, as the policy allows it */
	if (!db->level)
		n = asprintf(&why, "%s: user %s has no approval level; an admin gives it one: kam user level %s LEVEL",
			     what, kam_db_actor(db), kam_db_actor(db));
	else if (!level || strcmp(level, db->level) != 0)
		n = asprintf(&why, "%s: user %s answers at the %s level, not at the %s level", what, kam_db_actor(db),
			     db->level, level ? level : "(none)");
	else
		return 0;
	if (n < 0)
		return kam_errf(e, "out of memory");
	kam_audit_refused_why(db, why);
	kam_errf(e, "%s (the refusal is in the audit log)", why);
	free(why);
	return -1;
}

int kam_access_may_write(kam_db *db, kam_err *e)
{
	char detail[800], who[600];
	if (db->role != KAM_ROLE_VIEWER)
		return 0;
	json_str(who, sizeof who, kam_db_actor(db));
	snprintf(detail, sizeof detail, "{\"why\": \"a viewer does not change the database\", \"user\": %s}", who);
	kam_audit_refused(db, detail);
	return kam_errf(e, "%s: user %s is a viewer: a viewer reads, it does not change the database; nothing "
			"written (the refusal is in the audit log)", db->path, kam_db_actor(db));
}

int kam_access_masks(kam_db *db, int64_t customer, kam_err *e)
{
	int own;
	if (db->readonly || db->role == KAM_ROLE_VIEWER)
		return 1;
	if (db->role != KAM_ROLE_MANAGER)
		return 0;
	own = own_customer(db, customer, e);
	return own < 0 ? -1 : !own;
}

int kam_access_confidential(kam_db *db, const char *topic, int64_t customer, kam_err *e)
{
	char detail[600], t[200];
	sqlite3 *h = NULL;
	int rc, flags;
	if (db->readonly || db->role == KAM_ROLE_VIEWER)
		return 0;   /* a read that cannot be logged is not made; a viewer sees none */
	json_str(t, sizeof t, topic);
	if (db->role == KAM_ROLE_MANAGER) {
		/* A manager reads its own customers' confidential fields, one customer at a time. */
		int own = own_customer(db, customer, e);
		if (own < 0)
			return -1;
		if (!own) {
			snprintf(detail, sizeof detail, "{\"read\": %s, \"customer\": %lld, \"why\": \"not a customer of manager %.60s\"}", t, (long long)customer,
				 db->manager ? db->manager : "?");
			kam_audit_refused(db, detail);
			return 0;
		}
	}
	snprintf(detail, sizeof detail, "{\"read\": %s}", t);
	/* Inside this connection's write transaction, or (a reader must not take the write
	 * lock, nor lose the entry with its own rollback) on a connection of its own. */
	if (sqlite3_txn_state(db->h, NULL) == SQLITE_TXN_WRITE) {
		long long before = sqlite3_total_changes64(db->h);
		rc = append(db->h, kam_db_actor(db), db->command ? db->command : "kam", "read", customer, detail);
		/* Only the entry itself is accounted for: the transaction's own changes before
		 * it are still to be logged at its commit. */
		if (rc == SQLITE_OK)
			db->audited += sqlite3_total_changes64(db->h) - before;
		return rc == SQLITE_OK ? 1 : kam_db_fail(db, rc, "log the read", e);
	}
	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (strncmp(db->path, "file:", 5) == 0 ? SQLITE_OPEN_URI : 0);
	if ((rc = sqlite3_open_v2(db->path, &h, flags, NULL)) == SQLITE_OK) {
		sqlite3_busy_timeout(h, db->wait_ms > 0 ? db->wait_ms : 60000);
		if ((rc = sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL)) == SQLITE_OK) {
			rc = append(h, kam_db_actor(db), db->command ? db->command : "kam", "read", customer, detail);
			rc = sqlite3_exec(h, rc == SQLITE_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK ? rc
												      : SQLITE_ERROR;
		}
	}
	if (rc != SQLITE_OK) {
		kam_errf(e, "%s: the read of %s could not be logged (%s); nothing read", db->path, topic,
			 h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return -1;
	}
	sqlite3_close(h);
	return 1;
}

int kam_audit_changes(kam_db *db, kam_err *e)
{
	long long now = sqlite3_total_changes64(db->h);
	char detail[64];
	if (!db->actor || now <= db->audited)
		return 0;   /* nothing changed (or the connection's own upgrade, before anyone acts) */
	snprintf(detail, sizeof detail, "{\"rows\": %lld}", now - db->audited);
	return kam_audit_add(db, "change", 0, detail, e);
}

int kam_audit_each(kam_db *db, const struct kam_audit_filter *f,
		   int (*each)(void *arg, const struct kam_audit_entry *a, kam_err *e), void *arg, kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (kam_db_prepare(db,
			   "SELECT * FROM (SELECT id, at, user, command, action, customer, detail, prev, hash FROM audit"
			   " WHERE (?1 IS NULL OR user = ?1) AND (?2 = 0 OR customer = ?2) AND (?3 IS NULL OR at >= ?3)"
			   " ORDER BY id DESC LIMIT ?4) ORDER BY id",
			   &st, e) < 0)
		return -1;
	if ((rc = f->user ? sqlite3_bind_text(st, 1, f->user, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, 1)) !=
		    SQLITE_OK ||
	    (rc = sqlite3_bind_int64(st, 2, f->customer)) != SQLITE_OK ||
	    (rc = f->since ? sqlite3_bind_text(st, 3, f->since, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, 3)) !=
		    SQLITE_OK ||
	    (rc = sqlite3_bind_int64(st, 4, f->limit > 0 ? f->limit : -1)) != SQLITE_OK) {
		sqlite3_finalize(st);
		return kam_db_fail(db, rc, "read the audit log", e);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct kam_audit_entry a = {
			sqlite3_column_int64(st, 0),
			(const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2),
			(const char *)sqlite3_column_text(st, 3),
			(const char *)sqlite3_column_text(st, 4),
			(const char *)sqlite3_column_text(st, 6),
			(const char *)sqlite3_column_text(st, 7),
			(const char *)sqlite3_column_text(st, 8),
			sqlite3_column_int64(st, 5),
		};
		if (!a.at || !a.user || !a.command || !a.action || !a.detail || !a.prev || !a.hash) {
			sqlite3_finalize(st);
			return kam_errf(e, "%s: audit entry %lld has an empty field", db->path, a.id);
		}
		if (each(arg, &a, e) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : kam_db_fail(db, rc, "read the audit log", e);
}

static int check_one(void *arg, const struct kam_audit_entry *a, kam_err *e)
{
	struct kam_audit_check *c = arg;
	char want[65];
	(void)e;
	if (c->broken)
		return 0;
	if (a->id != c->entries + 1) {
		c->broken = c->entries + 1;
		snprintf(c->why, sizeof c->why, "entry %lld is missing (the next one is %lld)", c->entries + 1, a->id);
		return 0;
	}
	c->entries++;
	if (strcmp(a->prev, c->head) != 0) {
		c->broken = a->id;
		snprintf(c->why, sizeof c->why, "entry %lld does not follow entry %lld (its previous hash differs)",
			 a->id, a->id - 1);
		return 0;
	}
	entry_hash(a->id, a->at, a->user, a->command, a->action, a->customer, a->detail, a->prev, want);
	if (strcmp(want, a->hash) != 0) {
		c->broken = a->id;
		snprintf(c->why, sizeof c->why, "entry %lld was changed (its fields do not give its hash)", a->id);
		return 0;
	}
	snprintf(c->head, sizeof c->head, "%s", a->hash);
	return 0;
}

int kam_audit_verify(kam_db *db, struct kam_audit_check *c, kam_err *e)
{
	struct kam_audit_filter all = {NULL, 0, NULL, 0};
	memset(c, 0, sizeof *c);
	snprintf(c->head, sizeof c->head, "%s", zero_hash);
	return kam_audit_each(db, &all, check_one, c, e);
}
