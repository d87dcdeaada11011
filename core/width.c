/* Display widths through utf8proc (see width.h for the rule).  utf8proc rather than
 * wcwidth(3): wcwidth depends on the locale (it answers -1 for every Chinese character
 * under LANG=C, cron's locale) and on the C library's Unicode version; utf8proc carries
 * its own tables and grapheme-cluster rules, and Debian ships it (libutf8proc-dev). */
#include "width.h"

#include <utf8proc.h>

static int is_regional_indicator(int32_t cp)
{
	return cp >= 0x1F1E6 && cp <= 0x1F1FF;
}

/* One code point on its own: controls (category Cc) 0, else utf8proc's width. */
static int char_width(int32_t cp)
{
	if (utf8proc_category(cp) == UTF8PROC_CATEGORY_CC)
		return 0;
	return utf8proc_charwidth(cp);
}

int32_t kam_utf8_next(const char *s, size_t n, size_t *i)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;
	if (*i >= n)
		return -1;
	/* Four bytes at most: a length past SSIZE_MAX is never handed to utf8proc. */
	k = utf8proc_iterate((const utf8proc_uint8_t *)s + *i,
			     n - *i < 4 ? (utf8proc_ssize_t)(n - *i) : 4, &cp);
	if (k <= 0 || cp < 0)
		return -1;
	*i += (size_t)k;
	return cp;
}

long kam_text_width(const char *s, size_t n, size_t *bad)
{
	long w = 0;
	int cluster = 0, regional = 0, started = 0;
	utf8proc_int32_t prev = 0, state = 0;
	size_t i = 0;

	while (i < n) {
		size_t at = i;
		int32_t cp = kam_utf8_next(s, n, &i);
		int cw;
		if (cp < 0) {
			if (bad)
				*bad = at;
			return -1;
		}
		if (!started || utf8proc_grapheme_break_stateful(prev, cp, &state)) {
			w += cluster;
			cluster = regional = 0;
		}
		started = 1;
		prev = cp;
		cw = char_width(cp);
		if (cp == 0xFE0F && cluster > 0)
			cw = 2;                 /* VS16: the character before it shown as emoji */
		else if (is_regional_indicator(cp) && ++regional == 2)
			cw = 2;                 /* a flag */
		if (cw > cluster)
			cluster = cw;
	}
	return w + cluster;
}
