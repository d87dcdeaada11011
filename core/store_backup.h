/* Online backup of a province's database: a consistent copy taken while others read and
 * write.  Plain C types; no sqlite3.h. */
#ifndef KAM_STORE_BACKUP_H
#define KAM_STORE_BACKUP_H

#include <stdint.h>

#include "store_db.h"

/* What the copy holds, read back from the copy itself. */
struct kam_backup_info {
	int64_t bytes;           /* the file's size */
	int64_t pages;
	int schema_version;
};

/* Called once per table of the copy with its row count (tables in name order). */
typedef int (*kam_backup_table_fn)(void *arg, const char *table, int64_t rows);

/* Copy db to dest as one snapshot (writers go on meanwhile; the copy holds what was
 * committed when it began reading).  The copy is written to a temporary file beside dest
 * and renamed over it only once checked (integrity_check, the schema version the database
 * had when opened): dest is
 * never seen half written.  An existing dest is refused unless overwrite; dest may not be
 * the database itself.  On success info is filled and each table of the copy is passed
 * to fn (may be NULL). */
int kam_db_backup(kam_db *db, const char *dest, int overwrite, struct kam_backup_info *info,
		  kam_backup_table_fn fn, void *arg, kam_err *e);

#endif
