#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Who holds the write lock: SQLite's WAL write lock is byte 120 of the -shm file (the
 * WAL_WRITE_LOCK slot after the 120-byte index header, wal.c), a POSIX lock, so
 * F_GETLK names its process.  A lock held by this process does not show (POSIX locks
 * are per process): then it is another connection of ours. */
static void lock_holder(kam_db *db, char *out, size_t size)
{
	struct flock fl = {0};
	int fd;
	snprintf(out, size, "another connection");
	if (!db->shm_fd_open) {
		/* Opened once and kept: closing it would drop SQLite's own locks on the -shm
		 * file (POSIX locks are per process and file), and a process that then finds
		 * no lock on it truncates it under this one's map (SIGBUS). */
		char *shm = malloc(strlen(db->path) + 5);
		if (!shm)
			return;
		sprintf(shm, "%s-shm", db->path);
		fd = open(shm, O_RDONLY | O_CLOEXEC);
		free(shm);
		if (fd < 0)
			return;
		db->shm_fd = fd, db->shm_fd_open = 1;
	}
	fd = db->shm_fd;
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 120;
	fl.l_len = 1;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK && fl.l_pid > 0) {
		char comm_path[64], comm[64] = "";
		FILE *f;
		snprintf(comm_path, sizeof comm_path, "/proc/%ld/comm", (long)fl.l_pid);
		if ((f = fopen(comm_path, "r"))) {
			if (fgets(comm, sizeof comm, f))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
		if (strcmp(comm, "kam") == 0)
			snprintf(out, size, "another kam process (pid %ld)", (long)fl.l_pid);
		else if (comm[0])
			snprintf(out, size, "process %ld (%s)", (long)fl.l_pid, comm);
		else
			snprintf(out, size, "process %ld", (long)fl.l_pid);
	}
}

/* A wait shorter than this passes without a word (another command's commit). */
#define ANNOUNCE_AFTER 2.0

/* SQLite's busy handler: wait up to wait_ms, in growing naps, and say once (after
 * ANNOUNCE_AFTER seconds) whom for.  Returning 0 ends the wait with SQLITE_BUSY. */
static int on_busy(void *arg, int count)
{
	kam_db *db = arg;
	double now = mono_now(), waited;
	if (count == 0) {
		db->wait_start = now;
		db->wait_said = 0;
		db->waited_out = 0;
	}
	waited = now - db->wait_start;
	if (waited * 1000 >= db->wait_ms) {
		db->waited_out = 1;
		return 0;
	}
	if (!db->wait_said && waited >= ANNOUNCE_AFTER) {
		char who[128];
		const char *base = strrchr(db->path, '/');
		lock_holder(db, who, sizeof who);
		kam_log(KAM_LOG_WARN, "%s is writing to %s; waiting up to %d s (--wait SECONDS or $KAM_WAIT to change)",
			who, base ? base + 1 : db->path, db->wait_ms / 1000);
		db->wait_said = 1;
	}
	sqlite3_sleep(count < 10 ? 5 * (count + 1) : 100);
	return 1;
}

void kam_db_set_wait(kam_db *db, int seconds)
{
	if (seconds < 0)
		seconds = 0;
	if (seconds > KAM_DB_WAIT_MAX)
		seconds = KAM_DB_WAIT_MAX;
	db->wait_ms = seconds * 1000;
}

int kam_db_parse_wait(const char *cmd, const char *s, int *seconds, kam_err *e)
{
	char *end;
	long v;
	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < 0 || v > KAM_DB_WAIT_MAX)
		return kam_usagef(e, "%s%s--wait '%s' must be whole seconds from 0 to %d", cmd ? cmd : "",
				  cmd ? ": " : "", s, KAM_DB_WAIT_MAX);
	*seconds = (int)v;
	return 0;
}

static int default_wait(void)
{
	const char *env = getenv("KAM_WAIT");
	int seconds;
	kam_err e;
	if (env && *env && kam_db_parse_wait("KAM_WAIT", env, &seconds, &e) == 0)
		return seconds;
	return KAM_DB_WAIT_DEFAULT;
}

int kam_db_fail(kam_db *db, int rc, const char *what, kam_err *e)
{
	const char *path = db ? db->path : "database";
	const char *msg = db && db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc);
	int primary = rc & 0xff, sys = db && db->h ? sqlite3_system_errno(db->h) : 0;

	/* The connection's message can be stale when rc came from elsewhere. */
	if (db && db->h && (sqlite3_extended_errcode(db->h) & 0xff) != primary)
		msg = sqlite3_errstr(rc);
	switch (primary) {
	case SQLITE_READONLY:
		/* Opened read-only because kam cannot write there: say why. */
		if (db && db->ro_why && (rc == SQLITE_READONLY || rc == SQLITE_READONLY_DIRECTORY))
			return kam_errf(e, "%s: the database is read-only here: %s (nothing written)",
					path, db->ro_why);
		/* Plain READONLY is the file (its mode, a read-only mount); the extended codes
		 * (a directory kam cannot write, a moved file, recovery) keep SQLite's words. */
		if (rc == SQLITE_READONLY)
			return kam_errf(e, "%s: the database file is read-only: kam cannot write it "
					"(nothing written)", path);
		return kam_errf(e, "%s: %s", path, msg);
	case SQLITE_BUSY:
		if (rc == SQLITE_BUSY_SNAPSHOT && db)
			db->snapshot_lost = 1;
		if (rc == SQLITE_BUSY_SNAPSHOT)
			return kam_errf(e, "%s: another process wrote to the database after this "
					"transaction began reading; nothing written; run it again", path);
		if (db && db->waited_out) {
			char who[128];
			lock_holder(db, who, sizeof who);
			db->waited_out = 0;
			return kam_errf(e, "%s: %s kept the write lock longer than the %d s this command "
					"waits; nothing written; try again when it is done, or wait longer "
					"with --wait SECONDS (or $KAM_WAIT)", path, who, db->wait_ms / 1000);
		}
		return kam_errf(e, "%s: %s", path, msg);
	case SQLITE_FULL:
		return kam_errf(e, "%s: database or disk is full", path);
	case SQLITE_IOERR:
		if (sys)
			return kam_errf(e, "%s: disk I/O error (%s)", path, strerror(sys));
		return kam_errf(e, "%s: disk I/O error", path);
	case SQLITE_NOTADB: case SQLITE_CORRUPT: case SQLITE_CANTOPEN:
	case SQLITE_PERM: case SQLITE_LOCKED:
		/* About the file, not the statement. */
		return kam_errf(e, "%s: %s", path, msg);
	default:
		if (!what)
			return kam_errf(e, "%s: %s", path, msg);
		return kam_errf(e, "%s: %s: %s", path, what, msg);
	}
}

int kam_db_prepare(kam_db *db, const char *sql, sqlite3_stmt **st, kam_err *e)
{
	int rc = sqlite3_prepare_v2(db->h, sql, -1, st, NULL);
	if (rc != SQLITE_OK)
		return kam_db_fail(db, rc, "prepare", e);
	return 0;
}

int kam_db_exec(kam_db *db, const char *sql, kam_err *e)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int primary = rc & 0xff;
		if (primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_READONLY ||
		    primary == SQLITE_BUSY || !msg)
			kam_db_fail(db, rc, "exec", e);
		else
			kam_errf(e, "%s: %s", db->path, msg);
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* One-row, one-integer query (pragmas). */
static int query_int(kam_db *db, const char *sql, int *out, kam_err *e)
{
	sqlite3_stmt *st;
	int rc;
	if (kam_db_prepare(db, sql, &st, e) < 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	else if (rc != SQLITE_DONE) {
		kam_db_fail(db, rc, sql, e);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : kam_errf(e, "%s: '%s' returned no row", db->path, sql);
}

static int set_wal(kam_db *db, kam_err *e)
{
	sqlite3_stmt *st;
	int rc, ok = 0;
	if (kam_db_prepare(db, "PRAGMA journal_mode=WAL", &st, e) < 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *mode = (const char *)sqlite3_column_text(st, 0);
		ok = mode && strcmp(mode, "wal") == 0;
	} else {
		kam_db_fail(db, rc, "set WAL journal mode", e);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	if (!ok)
		return kam_errf(e, "%s: cannot use write-ahead logging on this file system", db->path);
	return 0;
}

static int configure(kam_db *db, kam_err *e)
{
	int on = 0;
	sqlite3_extended_result_codes(db->h, 1);
	kam_db_set_wait(db, default_wait());
	if (sqlite3_busy_handler(db->h, on_busy, db) != SQLITE_OK)
		return kam_db_fail(db, SQLITE_ERROR, "busy handler", e);
	/* Refuse the tricks that can corrupt a file through ordinary SQL. */
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	if (kam_db_exec(db, "PRAGMA foreign_keys=ON", e) < 0)
		return -1;
	if (query_int(db, "PRAGMA foreign_keys", &on, e) < 0)
		return -1;
	if (!on)
		return kam_errf(e, "%s: this SQLite cannot enforce foreign keys", db->path);
	if (!db->readonly && set_wal(db, e) < 0)
		return -1;
	return 0;
}

/* Only kam init creates or adopts a database: every other command opens a file kam made,
 * and refuses someone else's SQLite file before it changes anything in it (not even the
 * journal mode).  A kam database has a schema version and the meta table. */
static int check_kam_file(kam_db *db, int create, kam_err *e)
{
	sqlite3_stmt *st;
	int rc, version = 0, meta = 0, ntables = 0;
	sqlite3_str *names;
	char *list;

	if (kam_db_user_version(db, &version, e) < 0)
		return -1;
	if (kam_db_prepare(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
			   "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", &st, e) < 0)
		return -1;
	names = sqlite3_str_new(db->h);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (name && strcmp(name, "meta") == 0)
			meta = 1;
		if (++ntables <= 5)
			sqlite3_str_appendf(names, "%s'%s'", ntables > 1 ? ", " : "", name ? name : "");
	}
	sqlite3_finalize(st);
	list = sqlite3_str_finish(names);
	if (rc != SQLITE_DONE) {
		sqlite3_free(list);
		return kam_db_fail(db, rc, "read the schema", e);
	}
	if ((version > 0 && meta) || (create && version == 0)) {
		sqlite3_free(list);
		return 0;
	}
	if (create) {
		/* Another application's versioned schema: kam's steps would not fit on it. */
		kam_errf(e, "%s: not a kam database: it has tables of its own (%s%s) and their schema "
			 "version %d; kam init adopts only an unversioned file", db->path,
			 list ? list : "?", ntables > 5 ? ", ..." : "", version);
		sqlite3_free(list);
		return -1;
	}
	if (ntables == 0)
		kam_errf(e, "%s: not a kam database (an SQLite file without tables); "
			 "'kam init' makes it one", db->path);
	else
		kam_errf(e, "%s: not a kam database (it has tables of its own: %s%s); "
			 "only 'kam init' adopts a database", db->path,
			 list ? list : "?", ntables > 5 ? ", ..." : "");
	sqlite3_free(list);
	return -1;
}

/* The file an SQLite URI names ("file:x.db?immutable=1" -> "x.db", "file:///a/x.db" ->
 * "/a/x.db"), or path itself; malloc'ed.  No %-decoding: a name that needs it is given
 * as a plain path instead. */
static char *file_of(const char *path)
{
	const char *p = path;
	if (strncmp(p, "file:", 5) != 0)
		return strdup(path);
	p += 5;
	if (strncmp(p, "//", 2) == 0) {
		p += 2;
		p += strcspn(p, "/"); /* the authority: "" or "localhost" */
	}
	return strndup(p, strcspn(p, "?#"));
}

/* The file f exists and kam may write it; or it does not exist and dir lets kam make it. */
static int can_write(const char *f, const char *suffix, int dir_ok)
{
	char *p = malloc(strlen(f) + strlen(suffix) + 1);
	int ok;
	if (!p)
		return 0;
	sprintf(p, "%s%s", f, suffix);
	ok = access(p, W_OK) == 0 || (errno == ENOENT && dir_ok);
	free(p);
	return ok;
}

/* Whether kam, asked for a writable connection, can only read file (1), and why (*why
 * NULL when it is the file's own mode, which the plain read-only message names).
 * Writing a WAL database needs the file, and its -wal and -shm files beside it (made in
 * its directory when missing). */
static int must_read_only(const char *file, const char **why)
{
	const char *slash = strrchr(file, '/');
	char *dir;
	int dir_ok;
	*why = NULL;
	if (access(file, W_OK) != 0) {
		if (errno == EROFS)
			*why = "it is on a read-only file system";
		return 1;
	}
	dir = slash ? strndup(file, slash == file ? 1 : (size_t)(slash - file)) : strdup(".");
	dir_ok = dir && access(dir, W_OK) == 0;
	free(dir);
	if (can_write(file, "-wal", dir_ok) && can_write(file, "-shm", dir_ok))
		return 0;
	*why = "kam cannot write in its directory, where a database in WAL mode keeps its -wal "
	       "and -shm files";
	return 1;
}

/* A read-only connection to a WAL database fails at its first read when SQLite can
 * neither open nor create the -shm file beside it: say so, and what to do. */
static int wal_unreadable(kam_db *db, kam_err *e)
{
	int rc = sqlite3_extended_errcode(db->h);
	char *shm;
	int missing;
	if (!db->readonly || ((rc & 0xff) != SQLITE_READONLY && (rc & 0xff) != SQLITE_CANTOPEN))
		return 0;
	if (!(shm = malloc(strlen(db->file) + 5)))
		return 0;
	sprintf(shm, "%s-shm", db->file);
	missing = access(shm, F_OK) != 0;
	free(shm);
	kam_errf(e, "%s: kam can only read this database here (%s), and SQLite cannot read a "
		 "database in WAL mode without %s its -shm file beside it; copy the file where kam "
		 "can write, or, when nothing writes it meanwhile, open it as --db 'file:%s?immutable=1'",
		 db->path, db->ro_why ? db->ro_why : "the file is read-only for it",
		 missing ? "creating" : "opening", db->file);
	return 1;
}

int kam_db_open(kam_db **out, const char *path, int flags, kam_err *e)
{
	struct stat sb;
	kam_db *db;
	int oflags, rc, exists, uri = strncmp(path, "file:", 5) == 0;
	mode_t old_mask = 0;
	char *file;

	*out = NULL;
	if (!(file = file_of(path)))
		return kam_errf(e, "%s: out of memory", path);
	exists = stat(file, &sb) == 0;
	if (!exists && !(flags & KAM_DB_CREATE)) {
		free(file);
		return kam_errf(e, "%s: no such database (create it with 'kam init')", path);
	}
	if (exists && S_ISDIR(sb.st_mode)) {
		free(file);
		return kam_errf(e, "%s: is a directory, not a database", path);
	}
	if (exists && S_ISREG(sb.st_mode) && sb.st_size == 0 && !(flags & KAM_DB_CREATE)) {
		free(file);
		return kam_errf(e, "%s: an empty file, not a kam database (create it with 'kam init')",
				path);
	}
	db = calloc(1, sizeof *db);
	if (!db || !(db->path = strdup(path))) {
		free(db);
		free(file);
		return kam_errf(e, "%s: out of memory", path);
	}
	db->file = file;
	db->readonly = (flags & (KAM_DB_READONLY | KAM_DB_AS_IS)) != 0;
	/* A command that only reads works where kam cannot write: the connection is then
	 * read-only, and a write says why.  init (CREATE) needs to write: it fails instead. */
	if (!db->readonly && !(flags & KAM_DB_CREATE) && must_read_only(file, &db->ro_why))
		db->readonly = 1;
	if (uri && (strstr(path, "immutable=1") || strstr(path, "mode=ro"))) {
		db->readonly = 1;
		db->ro_why = "its name opens it read-only";
	}
	oflags = db->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (flags & KAM_DB_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	oflags |= SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
	if (uri)
		oflags |= SQLITE_OPEN_URI;
	/* Archives are trade secrets: a new file and its WAL are for the owner only. */
	if (!exists)
		old_mask = umask(077);
	rc = sqlite3_open_v2(path, &db->h, oflags, NULL);
	if (rc == SQLITE_OK) {
		/* The file check below reads already: it waits for a writer (or for the last
		 * connection's closing checkpoint) like any read, not failing "locked". */
		kam_db_set_wait(db, default_wait());
		sqlite3_busy_handler(db->h, on_busy, db);
	}
	if (rc != SQLITE_OK)
		kam_db_fail(db, rc, "open", e);
	else if (check_kam_file(db, (flags & KAM_DB_CREATE) != 0, e) < 0) {
		wal_unreadable(db, e);
		rc = SQLITE_ERROR; /* before configure: someone else's file is left as it was */
	} else
		rc = configure(db, e) < 0 ? SQLITE_ERROR : SQLITE_OK;
	if (!exists)
		umask(old_mask);
	if (rc != SQLITE_OK) {
		kam_db_close(db);
		return -1;
	}
	if ((flags & KAM_DB_AS_IS) ? kam_db_user_version(db, &db->opened_version, e) < 0
				   : kam_db_migrate(db, &db->opened_version, e) < 0) {
		kam_db_close(db);
		return -1;
	}
	/* Archives are trade secrets: say so when others can read them. */
	if (exists && S_ISREG(sb.st_mode) && (sb.st_mode & 077))
		kam_log(KAM_LOG_WARN, "%s can be read by others (mode %04o): chmod 600 %s", db->file,
			(unsigned)(sb.st_mode & 07777), db->file);
	*out = db;
	return 0;
}

void kam_db_close(kam_db *db)
{
	if (!db)
		return;
	if (db->h) {
		kam_db_rollback_all(db);
		/* Statements that committed one by one (kam run --autocommit) are logged at the
		 * end, all together, as no transaction of kam's ended with them. */
		if (!db->readonly && kam_audit_changes(db, NULL) < 0)
			kam_log(KAM_LOG_WARN, "%s: the changes of this run could not be written to the audit log",
				db->path);
		/* _v2: a statement still alive (its owner closes later) must not fail the close. */
		sqlite3_close_v2(db->h);
	}
	free(db->actor);
	free(db->command);
	free(db->manager);
	free(db->level);
	free(db->path);
	free(db->file);
	free(db);
}

int kam_db_begin(kam_db *db, kam_err *e)
{
	char sql[64];
	if (kam_access_may_write(db, e) < 0)
		return -1;
	if (db->depth == 0 && !sqlite3_get_autocommit(db->h))
		return kam_errf(e, "%s: a transaction is already open (opened with raw SQL)", db->path);
	if (db->depth == 0)
		snprintf(sql, sizeof sql, "BEGIN IMMEDIATE");
	else
		snprintf(sql, sizeof sql, "SAVEPOINT kam_%d", db->depth);
	if (kam_db_exec(db, sql, e) < 0)
		return -1;
	if (db->depth == 0)
		db->immediate = 1;
	db->depth++;
	return 0;
}

int kam_db_autocommit(const kam_db *db)
{
	return db->depth == 0 && sqlite3_get_autocommit(db->h);
}

int kam_db_holds_write_lock(const kam_db *db)
{
	return db->depth > 0 && db->immediate && !sqlite3_get_autocommit(db->h);
}

int kam_db_begin_deferred(kam_db *db, kam_err *e)
{
	if (db->depth != 0 || !sqlite3_get_autocommit(db->h))
		return kam_errf(e, "%s: a transaction is already open", db->path);
	if (kam_db_exec(db, "BEGIN DEFERRED", e) < 0)
		return -1;
	db->depth = 1;
	db->immediate = 0;
	db->snapshot_lost = 0;
	return 0;
}

int kam_db_commit(kam_db *db, kam_err *e)
{
	char sql[64];
	if (db->depth <= 0)
		return kam_errf(e, "%s: commit without a transaction", db->path);
	if (db->depth == 1)
		snprintf(sql, sizeof sql, "COMMIT");
	else
		snprintf(sql, sizeof sql, "RELEASE kam_%d", db->depth - 1);
	/* What the transaction changed goes into the audit log with it, or neither does. */
	if ((db->depth == 1 && kam_audit_changes(db, e) < 0) || kam_db_exec(db, sql, e) < 0) {
		/* A failed COMMIT (disk full) leaves the transaction open: undo it whole. */
		kam_db_rollback(db);
		return -1;
	}
	db->depth--;
	if (db->depth == 0)
		kam_audit_flush_refusals(db);
	return 0;
}

void kam_db_rollback(kam_db *db)
{
	char sql[96];
	if (db->depth <= 0)
		return;
	if (db->depth == 1) {
		if (!sqlite3_get_autocommit(db->h))
			sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		db->audited = sqlite3_total_changes64(db->h);   /* undone: nothing to log */
		db->depth--;
		kam_audit_flush_refusals(db);   /* a refusal is kept whatever was undone */
		return;
	} else {
		snprintf(sql, sizeof sql, "ROLLBACK TO kam_%d; RELEASE kam_%d", db->depth - 1,
			 db->depth - 1);
		sqlite3_exec(db->h, sql, NULL, NULL, NULL);
	}
	db->depth--;
}

void kam_db_rollback_all(kam_db *db)
{
	if (!db->h)
		return;
	if (!sqlite3_get_autocommit(db->h)) {
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		db->audited = sqlite3_total_changes64(db->h);   /* undone: nothing to log */
	}
	db->depth = 0;
	kam_audit_flush_refusals(db);
}

int kam_db_user_version(kam_db *db, int *version, kam_err *e)
{
	return query_int(db, "PRAGMA user_version", version, e);
}

int kam_db_migrate(kam_db *db, int *from, kam_err *e)
{
	int version, target = kam_schema_latest;
	char sql[64];

	if (kam_db_user_version(db, &version, e) < 0)
		return -1;
	if (from)
		*from = version;
	if (version == target)
		return 0;
	if (version > target)
		return kam_errf(e, "%s: schema version %d is newer than this kam knows (%d); upgrade kam",
				db->path, version, target);
	if (db->readonly)
		return kam_errf(e, "%s: schema version %d needs an upgrade to %d; open it writable once",
				db->path, version, target);
	if (kam_db_begin(db, e) < 0)
		return -1;
	/* Re-read under the write lock: another kam may have migrated meanwhile. */
	if (kam_db_user_version(db, &version, e) < 0)
		goto fail;
	for (int v = version; v < target; v++) {
		if (kam_db_exec(db, kam_schema_steps[v], e) < 0) {
			kam_err_prefix(e, "schema upgrade %d -> %d", v, v + 1);
			goto fail;
		}
	}
	snprintf(sql, sizeof sql, "PRAGMA user_version=%d", target);
	if (kam_db_exec(db, sql, e) < 0 || kam_db_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	kam_db_rollback(db);
	return -1;
}
