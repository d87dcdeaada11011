/* How a masked export says so in its file (issue 23): an export whose confidential cells
 * read "***" for its reader carries a marker at its top, and kam import refuses a file
 * that carries one before reading any row, so that masking never overwrites what it hides.
 * CSV: a first line (after a byte-order mark) starting with KAM_MASKED_CSV.  JSON: a
 * top-level object whose first key is KAM_MASKED_JSON_KEY (the rows under "rows"), where
 * an unmasked export is an array.  XLSX carries no marker: there the '***' check on each
 * cell (import_archive.c, and each money kind's amount check) stands alone. */
#ifndef KAM_MASKED_FILE_H
#define KAM_MASKED_FILE_H

#define KAM_MASKED_CSV "# kam: masked export"
#define KAM_MASKED_JSON_KEY "kam_masked_export"

#endif
