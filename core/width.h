/* Display widths of UTF-8 text: how many columns a string takes on a terminal or in a
 * spreadsheet column.  Base layer: no knowledge of anything above it.
 *
 * Owns: the one width rule kam uses everywhere (kam.format's aligned text, the xlsx
 * writer's column widths, and the REPL and reports to come), computed from utf8proc's
 * Unicode tables, never from the locale, so that output is the same under LANG=C (cron)
 * as under a UTF-8 locale.  Plugins reach it through kam_host_api.text_width (ABI 4).
 *
 * Promises: the width of a grapheme cluster (what a terminal shows in one place) is its
 * widest code point: 2 for East Asian wide and fullwidth characters (中, ，, 。) and for
 * emoji shown as emoji, 0 for combining marks and format characters on their own, 1 for
 * the rest (East Asian ambiguous characters count 1, as on a non-CJK terminal); a
 * character followed by the emoji variation selector U+FE0F, and a flag (a pair of
 * regional indicators), take 2; an emoji sequence joined with U+200D takes 2.  Control
 * characters take 0: a caller that shows them escapes them and counts the escape. */
#ifndef KAM_WIDTH_H
#define KAM_WIDTH_H

#include <stddef.h>
#include <stdint.h>

/* Columns of the n bytes at s; -1 when they are not valid UTF-8 (overlong forms,
 * surrogates and values past U+10FFFF included), with *bad (when not NULL) set to the
 * offset of the first malformed byte. */
long kam_text_width(const char *s, size_t n, size_t *bad);

/* Decode the code point at s[*i] (n bytes in all) and step past it; -1 when malformed. */
int32_t kam_utf8_next(const char *s, size_t n, size_t *i);

#endif
