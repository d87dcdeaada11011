/* Registrations of prospects (DOMAIN §7): a team claims a prospect before developing it;
 * while the claim stands no other team may.  Owns `registrations`.  Promises: at most one
 * standing ('held') registration per prospect (a unique index); a registration is ended
 * (released, transferred, expired) with who, when and why, never deleted; the prospect
 * is the 14-digit code when it has one, else its name as typed.  Expiry days are the
 * policy's (scripts/commands/register.lua). */
#include "store_stmt.h"

#define REG_COLUMNS "id, prospect, CASE WHEN code IS NOT NULL THEN printf('%014d', code) END AS code, team," \
	" claimed_on, expires_on, claimed_by, status, ended_on, ended_by, end_reason, transferred_to"

const struct kam_store_stmt kam_store_registration_stmts[] = {
	{"registration_held", "t", KAM_STMT_ROW,
	 "SELECT " REG_COLUMNS " FROM registrations WHERE prospect = ?1 AND status = 'held'",
	 "read the registrations"},
	/* prospect, code, team, claimed_on, expires_on, claimed_by */
	{"registration_add", "tCtttt", KAM_STMT_ROW,
	 "INSERT INTO registrations(prospect, code, team, claimed_on, expires_on, claimed_by)"
	 " VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id", "record the registration"},
	/* id, status, ended_on, ended_by, reason, transferred_to */
	{"registration_end", "ittTTI", KAM_STMT_NONE,
	 "UPDATE registrations SET status = ?2, ended_on = ?3, ended_by = ?4, end_reason = ?5,"
	 " transferred_to = ?6 WHERE id = ?1 AND status = 'held'", "end the registration"},
	/* The registration a transfer ended: which one took its place. */
	{"registration_link", "ii", KAM_STMT_NONE,
	 "UPDATE registrations SET transferred_to = ?2 WHERE id = ?1 AND status = 'transferred'"
	 " AND transferred_to IS NULL", "record the transfer"},
	{"registrations_of", "t", KAM_STMT_ROWS,
	 "SELECT " REG_COLUMNS " FROM registrations WHERE prospect = ?1 ORDER BY id", "read the registrations"},
	/* Standing registrations (?1 NULL), or those of one team; expiring by ?2 when given. */
	{"registrations_held", "TT", KAM_STMT_ROWS,
	 "SELECT " REG_COLUMNS " FROM registrations WHERE status = 'held' AND (?1 IS NULL OR team = ?1)"
	 " AND (?2 IS NULL OR expires_on <= ?2) ORDER BY expires_on, id", "read the registrations"},
	{NULL, NULL, 0, NULL, NULL},
};
