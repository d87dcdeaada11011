/* Storage of backups: SQLite's online backup API from the open connection into a new
 * file, checked, then moved into place.
 *
 * Promises: the copy is one snapshot (the backup runs in a single step, which is one read
 * transaction on the source: in WAL mode writers are not blocked and a transaction
 * committed meanwhile is in the copy whole or not at all); the destination appears only
 * complete and checked (temporary file beside it, fsync, rename or link); the copy is
 * readable by its owner only, as the database is; nothing is left behind on failure. */
#include "store_backup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

/* The copy's own connection failed: its message, naming the destination. */
static int copy_fail(sqlite3 *h, int rc, const char *dest, const char *what, kam_err *e)
{
	return kam_errf(e, "%s: %s: %s", dest, what, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
}

static int sync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC), rc;
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* The directory part of path ("." for a bare name), malloc'ed. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* integrity_check gives "ok" alone, or the problems one a row. */
static int check_copy(sqlite3 *h, const char *dest, struct kam_backup_info *info, kam_err *e)
{
	sqlite3_stmt *st;
	int rc, ok = 0;
	const char *first = NULL;
	char *problem = NULL;

	rc = sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return copy_fail(h, rc, dest, "check the copy", e);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		first = (const char *)sqlite3_column_text(st, 0);
		if (first && strcmp(first, "ok") == 0)
			ok = 1;
		else if (!problem)
			problem = strdup(first ? first : "?");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(problem);
		return copy_fail(h, rc, dest, "check the copy", e);
	}
	if (!ok || problem) {
		kam_errf(e, "%s: the copy fails its integrity check (%s); nothing written", dest,
			 problem ? problem : "no answer");
		free(problem);
		return -1;
	}
	rc = sqlite3_prepare_v2(h, "SELECT (SELECT user_version FROM pragma_user_version), "
				"(SELECT page_count FROM pragma_page_count), "
				"(SELECT page_size FROM pragma_page_size)", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		info->schema_version = sqlite3_column_int(st, 0);
		info->pages = sqlite3_column_int64(st, 1);
		info->bytes = info->pages * sqlite3_column_int64(st, 2);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return copy_fail(h, rc, dest, "read the copy's schema version", e);
	return 0;
}

/* Each table of the copy and its rows, for the report. */
static int count_tables(sqlite3 *h, const char *dest, kam_backup_table_fn fn, void *arg, kam_err *e)
{
	sqlite3_stmt *names, *count = NULL;
	int rc;

	/* The ledger counts as one: the view over its month tables and ledger_rows. */
	rc = sqlite3_prepare_v2(h, "SELECT name FROM sqlite_schema WHERE (type = 'table' OR name = 'ledger') AND "
				"name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT GLOB 'ledger_[0-9]*' AND "
				"name <> 'ledger_rows' ORDER BY name", -1, &names, NULL);
	if (rc != SQLITE_OK)
		return copy_fail(h, rc, dest, "list the copy's tables", e);
	while ((rc = sqlite3_step(names)) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(names, 0);
		/* A table's name cannot be bound: quoted as an identifier, by SQLite (%w). */
		char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", table ? table : "");
		if (!sql) {
			rc = SQLITE_NOMEM;
			break;
		}
		rc = sqlite3_prepare_v2(h, sql, -1, &count, NULL);
		sqlite3_free(sql);
		if (rc == SQLITE_OK && (rc = sqlite3_step(count)) == SQLITE_ROW) {
			if (fn && fn(arg, table, sqlite3_column_int64(count, 0)) < 0) {
				sqlite3_finalize(count);
				sqlite3_finalize(names);
				return kam_errf(e, "%s: out of memory", dest);
			}
			rc = SQLITE_OK;
		}
		sqlite3_finalize(count);
		if (rc != SQLITE_OK)
			break;
	}
	sqlite3_finalize(names);
	if (rc != SQLITE_DONE)
		return copy_fail(h, rc, dest, "count the copy's rows", e);
	return 0;
}

/* Pages copied between two looks at Ctrl-C (4 MB of 4 KB pages). */
#define COPY_STEP 1024

/* Copy src into the (empty) file tmp: one read transaction on the source. */
static int copy_into(kam_db *db, const char *tmp, const char *dest, struct kam_backup_info *info,
		     kam_backup_table_fn fn, void *arg, kam_err *e)
{
	sqlite3 *h = NULL;
	sqlite3_backup *b;
	int rc = sqlite3_open_v2(tmp, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE, NULL);

	if (rc != SQLITE_OK) {
		copy_fail(h, rc, dest, "open the copy", e);
		sqlite3_close(h);
		return -1;
	}
	b = sqlite3_backup_init(h, "main", db->h, "main");
	if (!b) {
		copy_fail(h, sqlite3_errcode(h), dest, "start the backup", e);
		sqlite3_close(h);
		return -1;
	}
	/* The pages go in steps of COPY_STEP, so that Ctrl-C is seen between them; the source
	 * connection's read transaction (begun by the caller) keeps every step on one
	 * snapshot.  Busy is a writer in the middle of a checkpoint or a rollback-journal
	 * database: wait as any reader does. */
	for (int tries = 0;;) {
		if (db->interrupted) {
			sqlite3_backup_finish(b);
			sqlite3_close(h);
			kam_errf(e, "backup: interrupted; nothing written");
			e->interrupted = 1;
			return -1;
		}
		rc = sqlite3_backup_step(b, COPY_STEP);
		if (rc == SQLITE_OK)
			continue;
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || ++tries > 100)
			break;
		sqlite3_sleep(100);
	}
	if (rc != SQLITE_DONE) {
		sqlite3_backup_finish(b);
		if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
			kam_db_fail(db, rc, "backup", e);
		else
			copy_fail(h, rc, dest, "backup", e);
		sqlite3_close(h);
		return -1;
	}
	rc = sqlite3_backup_finish(b);
	if (rc != SQLITE_OK) {
		copy_fail(h, rc, dest, "backup", e);
		sqlite3_close(h);
		return -1;
	}
	if (check_copy(h, dest, info, e) < 0 || count_tables(h, dest, fn, arg, e) < 0) {
		sqlite3_close(h);
		return -1;
	}
	if (info->schema_version != db->opened_version) {
		sqlite3_close(h);
		return kam_errf(e, "%s: the copy has schema version %d, the database %d; nothing "
				"written", dest, info->schema_version, db->opened_version);
	}
	/* The copy keeps the source's WAL mode; its close checkpoints and removes the
	 * copy's own -wal and -shm, so the file alone is the whole copy. */
	rc = sqlite3_close(h);
	if (rc != SQLITE_OK)
		return kam_errf(e, "%s: close the copy: %s", dest, sqlite3_errstr(rc));
	return 0;
}

static void remove_tmp(const char *tmp)
{
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
		char *p = malloc(strlen(tmp) + 9);
		if (!p)
			continue;
		sprintf(p, "%s%s", tmp, sfx[i]);
		unlink(p);
		free(p);
	}
}

int kam_db_backup(kam_db *db, const char *dest, int overwrite, struct kam_backup_info *info,
		  kam_backup_table_fn fn, void *arg, kam_err *e)
{
	struct stat ss, ds;
	char *tmp = NULL, *dir = NULL;
	int fd, rc = -1, began = 0;
	mode_t old_mask;

	memset(info, 0, sizeof *info);
	if (stat(dest, &ds) == 0) {
		if (S_ISDIR(ds.st_mode))
			return kam_usagef(e, "backup: %s is a directory; name the backup file", dest);
		if (stat(db->file, &ss) == 0 && ss.st_dev == ds.st_dev && ss.st_ino == ds.st_ino)
			return kam_usagef(e, "backup: %s is the database itself", dest);
		if (!overwrite)
			return kam_usagef(e, "backup: %s exists; --force replaces it", dest);
	} else if (errno != ENOENT) {
		return kam_errf(e, "%s: %s", dest, strerror(errno));
	}
	if (!(tmp = malloc(strlen(dest) + 16)) || !(dir = dir_of(dest))) {
		free(tmp);
		return kam_errf(e, "%s: out of memory", dest);
	}
	/* Beside dest, so that the rename is atomic; the owner's only, as the database. */
	sprintf(tmp, "%s.tmp.XXXXXX", dest);
	old_mask = umask(077);
	fd = mkstemp(tmp);
	umask(old_mask);
	if (fd < 0) {
		kam_errf(e, "%s: cannot create the copy: %s", dest, strerror(errno));
		goto out;
	}
	close(fd);
	/* One snapshot for every step of the copy: a read transaction, begun by reading. */
	if (kam_db_autocommit(db)) {
		if (kam_db_begin_deferred(db, e) < 0)
			goto fail;
		began = 1;
		if (kam_db_exec(db, "SELECT count(*) FROM sqlite_schema", e) < 0)
			goto fail;
	}
	if (copy_into(db, tmp, dest, info, fn, arg, e) < 0)
		goto fail;
	if (began) {
		kam_db_rollback(db);   /* it only read */
		began = 0;
	}
	if (sync_path(tmp, O_RDONLY) < 0) {
		kam_errf(e, "%s: cannot write the copy to disk: %s", dest, strerror(errno));
		goto fail;
	}
	/* Without --force, link() refuses a dest that appeared meanwhile, atomically. */
	if (overwrite ? rename(tmp, dest) < 0 : link(tmp, dest) < 0) {
		if (errno == EEXIST)
			kam_usagef(e, "backup: %s exists; --force replaces it", dest);
		else
			kam_errf(e, "%s: cannot put the copy in place: %s", dest, strerror(errno));
		goto fail;
	}
	if (!overwrite)
		unlink(tmp);
	sync_path(dir, O_RDONLY | O_DIRECTORY); /* the new name itself reaches the disk */
	rc = 0;
	goto out;
fail:
	if (began)
		kam_db_rollback(db);
	remove_tmp(tmp);
out:
	free(tmp);
	free(dir);
	return rc;
}
