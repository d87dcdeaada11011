/* Customer codes (DOMAIN §2): AAAAAA SSSSS BBB, the division, the sequence within it and
 * the branch.  Owns no table: it reads the codes stored in `customers` (deactivated ones
 * included: a code is never given twice).  Promises the largest sequence used under a
 * division and the largest branch used under a head office; the next code is the
 * caller's arithmetic (scripts/commands/code.lua), and so is "the division is full". */
#include "store_stmt.h"

const struct kam_store_stmt kam_store_codes_stmts[] = {
	/* The largest sequence (SSSSS) used under a division (integer AAAAAA); none: no row. */
	{"code_max_sequence", "i", KAM_STMT_ROW,
	 "SELECT max(code / 1000 % 100000) AS sequence FROM customers"
	 " WHERE code BETWEEN ?1 * 100000000 AND ?1 * 100000000 + 99999999 HAVING count(*) > 0",
	 "read the codes"},
	/* The largest branch (BBB) used under a head office (its first 11 digits, an integer). */
	{"code_max_branch", "i", KAM_STMT_ROW,
	 "SELECT max(code % 1000) AS branch FROM customers WHERE code BETWEEN ?1 * 1000 AND ?1 * 1000 + 999"
	 " HAVING count(*) > 0", "read the codes"},
	{NULL, NULL, 0, NULL, NULL},
};
