/* The schema, as the steps that build it.  Step N takes a database from user_version N
 * to N+1.  A released step is never edited: a change is a new step at the end, written
 * so that every row survives it.  Money is integer fen; months are YYYYMM integers. */
#include "store.h"

const char *const kam_schema_steps[] = {
	/* 0 -> 1: settings, customer archive, monthly revenue ledger */
	"CREATE TABLE meta ("
	"  key   TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE customers ("
	"  code         INTEGER PRIMARY KEY"
	"               CHECK (code BETWEEN 10000000000000 AND 99999999999999),"
	"  name         TEXT NOT NULL CHECK (length(name) > 0),"
	"  place        TEXT NOT NULL CHECK (place IN ('capital', 'city', 'county')),"
	"  city         TEXT,"
	"  county       TEXT,"
	"  admin_code   TEXT CHECK (admin_code GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]'),"
	"  industry     TEXT,"
	"  nature       TEXT,"
	"  reach        TEXT CHECK (reach IN ('province', 'regional')),"
	"  agreement    INTEGER NOT NULL DEFAULT 0 CHECK (agreement IN (0, 1)),"
	"  account      TEXT CHECK (account IN ('on_account', 'cash')),"
	"  important    TEXT CHECK (important IN ('province', 'city', 'county')),"
	"  potential    TEXT CHECK (potential IN ('province', 'city', 'county')),"
	"  network_wide INTEGER NOT NULL DEFAULT 0 CHECK (network_wide IN (0, 1)),"
	"  one_time     INTEGER NOT NULL DEFAULT 0 CHECK (one_time IN (0, 1))"
	");"
	"CREATE INDEX customers_bureau ON customers(city, county);"
	/* The ledger is the big table (millions of rows): one B-tree in key order, no second
	 * index, and CHECKs written so that they cost little per row (an IN list is slow). */
	"CREATE TABLE ledger ("
	"  code   INTEGER NOT NULL REFERENCES customers(code),"
	"  month  INTEGER NOT NULL CHECK (month % 100 BETWEEN 1 AND 12"
	"                                 AND month BETWEEN 190001 AND 299912),"
	"  line   TEXT NOT NULL CHECK (instr(' express logistics letters parcels savings billing"
	" philately newspapers same_city international freight forwarding ', ' ' || line || ' ') > 0"
	"                            AND instr(line, ' ') = 0),"
	"  amount INTEGER NOT NULL,"
	"  volume INTEGER CHECK (volume >= 0),"
	"  PRIMARY KEY (code, month, line)"
	") WITHOUT ROWID;",

	/* 1 -> 2: the import log (who loaded which file, when, and what it did) */
	"CREATE TABLE imports ("
	"  id          INTEGER PRIMARY KEY,"
	"  kind        TEXT NOT NULL,"
	"  file        TEXT NOT NULL,"
	"  format      TEXT NOT NULL,"
	"  encoding    TEXT,"
	"  rows        INTEGER NOT NULL,"
	"  inserted    INTEGER NOT NULL,"
	"  updated     INTEGER NOT NULL,"
	"  unchanged   INTEGER NOT NULL,"
	"  rejected    INTEGER NOT NULL,"
	"  replaced    TEXT,"
	"  user        TEXT NOT NULL,"
	"  finished_at TEXT NOT NULL"
	");",
};

const int kam_schema_latest = sizeof kam_schema_steps / sizeof kam_schema_steps[0];
