#include "textenc.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HIGHBITS 0x8080808080808080ULL

/* Length of a valid sequence starting at s[i], 0 if invalid, -1 if cut by the end. */
static int utf8_seq(const unsigned char *s, size_t i, size_t n)
{
	unsigned char c = s[i], lo = 0x80, hi = 0xBF;
	int len, k;
	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;               /* stray continuation byte or overlong 2-byte lead */
	if (c < 0xE0)
		len = 2;
	else if (c < 0xF0) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;      /* overlong */
		else if (c == 0xED)
			hi = 0x9F;      /* UTF-16 surrogates */
	} else if (c < 0xF5) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;      /* overlong */
		else if (c == 0xF4)
			hi = 0x8F;      /* above U+10FFFF */
	} else
		return 0;
	for (k = 1; k < len; k++) {
		unsigned char b;
		if (i + k >= n)
			return -1;
		b = s[i + k];
		if (b < lo || b > hi)
			return 0;
		lo = 0x80;
		hi = 0xBF;
	}
	return len;
}

int kam_utf8_scan(const void *buf, size_t n, size_t *good)
{
	const unsigned char *s = buf;
	size_t i = 0;
	while (i < n) {
		int len;
		/* CSV is mostly ASCII: skip it eight bytes at a time. */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & HIGHBITS)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		len = utf8_seq(s, i, n);
		if (len <= 0) {
			*good = i;
			return len < 0 ? KAM_UTF8_PARTIAL : KAM_UTF8_BAD;
		}
		i += (size_t)len;
	}
	*good = n;
	return KAM_UTF8_OK;
}

int kam_utf8_valid(const void *s, size_t n, size_t *bad)
{
	size_t good;
	if (kam_utf8_scan(s, n, &good) == KAM_UTF8_OK)
		return 1;
	if (bad)
		*bad = good;
	return 0;
}

size_t kam_utf8_chars(const void *buf, size_t n)
{
	const unsigned char *s = buf;
	size_t i, count = 0;
	for (i = 0; i < n; i++)
		count += (s[i] & 0xC0) != 0x80;
	return count;
}

const char *kam_bom(const void *buf, size_t n, size_t *len)
{
	const unsigned char *s = buf;
	*len = 0;
	if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		return *len = 3, "UTF-8";
	if (n >= 4 && s[0] == 0xFF && s[1] == 0xFE && s[2] == 0 && s[3] == 0)
		return *len = 4, "UTF-32LE";
	if (n >= 4 && s[0] == 0 && s[1] == 0 && s[2] == 0xFE && s[3] == 0xFF)
		return *len = 4, "UTF-32BE";
	if (n >= 2 && s[0] == 0xFF && s[1] == 0xFE)
		return *len = 2, "UTF-16LE";
	if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF)
		return *len = 2, "UTF-16BE";
	return NULL;
}

const char *kam_enc_guess(const void *s, size_t n, int complete, size_t *bom_len)
{
	const char *bom = kam_bom(s, n, bom_len);
	size_t good;
	int r;
	if (bom)
		return bom;
	r = kam_utf8_scan(s, n, &good);
	if (r == KAM_UTF8_OK || (r == KAM_UTF8_PARTIAL && !complete))
		return "UTF-8";
	return "GB18030";
}

int kam_enc_is_utf8(const char *name)
{
	return name && (strcasecmp(name, "UTF-8") == 0 || strcasecmp(name, "UTF8") == 0);
}

struct kam_conv {
	iconv_t cd;
	char name[64];
};

kam_conv *kam_conv_open(const char *from, kam_err *e)
{
	kam_conv *cv;
	iconv_t cd;
	size_t i;
	if (!from || !*from || strlen(from) >= sizeof cv->name || strchr(from, '/')) {
		kam_errf(e, "unknown encoding '%s' (iconv -l lists the known ones)", from ? from : "");
		return NULL;
	}
	cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1) {
		if (errno == EINVAL)
			kam_errf(e, "unknown encoding '%s' (iconv -l lists the known ones)", from);
		else
			kam_errf(e, "encoding '%s': %s", from, strerror(errno));
		return NULL;
	}
	cv = malloc(sizeof *cv);
	if (!cv) {
		iconv_close(cd);
		kam_errf(e, "out of memory");
		return NULL;
	}
	cv->cd = cd;
	/* upper case for messages: "invalid GBK byte sequence", whatever the user typed */
	for (i = 0; from[i]; i++)
		cv->name[i] = (char)toupper((unsigned char)from[i]);
	cv->name[i] = '\0';
	return cv;
}

const char *kam_conv_name(const kam_conv *cv)
{
	return cv->name;
}

void kam_conv_close(kam_conv *cv)
{
	if (cv) {
		iconv_close(cv->cd);
		free(cv);
	}
}

int kam_conv_step(kam_conv *cv, const void *in, size_t n, size_t *inused,
		  char *out, size_t cap, size_t *outused)
{
	char *ip = (char *)in, *op = out;   /* iconv's prototype wants char **, not const */
	size_t il = n, ol = cap;
	int r = KAM_CONV_OK;
	if (iconv(cv->cd, &ip, &il, &op, &ol) == (size_t)-1) {
		if (errno == EILSEQ)
			r = KAM_CONV_BAD;
		else if (errno == EINVAL)
			r = KAM_CONV_PARTIAL;
		else
			r = KAM_CONV_FULL;   /* E2BIG */
	}
	*inused = n - il;
	*outused = cap - ol;
	return r;
}

char *kam_hexbytes(const void *buf, size_t n, char *out, size_t outsz)
{
	const unsigned char *s = buf;
	size_t i, pos = 0;
	if (!outsz)
		return out;
	out[0] = '\0';
	for (i = 0; i < n && i < 4 && pos + 6 <= outsz; i++)
		pos += (size_t)snprintf(out + pos, outsz - pos, "%s0x%02X", i ? " " : "", s[i]);
	return out;
}

int kam_conv_buffer(const char *from, const void *in, size_t n, char **out, size_t *outlen,
		    size_t *bad, kam_err *e)
{
	const unsigned char *s = in;
	kam_conv *cv = kam_conv_open(from, e);
	size_t cap = n + n / 2 + 16, len = 0, pos = 0;
	char *buf, hex[32];
	*out = NULL;
	if (!cv)
		return -1;
	buf = malloc(cap);
	if (!buf) {
		kam_conv_close(cv);
		return kam_errf(e, "out of memory");
	}
	for (;;) {
		size_t used, made;
		int r = kam_conv_step(cv, s + pos, n - pos, &used, buf + len, cap - len - 1, &made);
		pos += used;
		len += made;
		if (r == KAM_CONV_OK)
			break;
		if (r == KAM_CONV_FULL) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				kam_errf(e, "out of memory");
				goto fail;
			}
			buf = nb;
			cap *= 2;
			continue;
		}
		if (bad)
			*bad = pos;
		kam_hexbytes(s + pos, n - pos, hex, sizeof hex);
		if (r == KAM_CONV_BAD)
			kam_errf(e, "invalid %s byte sequence %s at byte %zu", cv->name, hex, pos);
		else
			kam_errf(e, "truncated %s byte sequence %s at byte %zu (end of input)",
				 cv->name, hex, pos);
		goto fail;
	}
	buf[len] = '\0';
	*out = buf;
	if (outlen)
		*outlen = len;
	kam_conv_close(cv);
	return 0;
fail:
	free(buf);
	kam_conv_close(cv);
	return -1;
}

/* U+FF01..U+FF5E are EF BC 81..BF and EF BD 80..9E. */
static int fullwidth_at(const unsigned char *s, size_t i, size_t n)
{
	if (i + 2 >= n || s[i] != 0xEF)
		return 0;
	if (s[i + 1] == 0xBC)
		return s[i + 2] >= 0x81 && s[i + 2] <= 0xBF;
	if (s[i + 1] == 0xBD)
		return s[i + 2] >= 0x80 && s[i + 2] <= 0x9E;
	return 0;
}

long kam_utf8_find_fullwidth(const void *buf, size_t n)
{
	const unsigned char *s = buf, *p = s;
	while ((p = memchr(p, 0xEF, n - (size_t)(p - s)))) {
		if (fullwidth_at(s, (size_t)(p - s), n))
			return (long)(p - s);
		p++;
	}
	return -1;
}

char *kam_fullwidth_fold(const char *in, char *out, size_t outsz)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, n = strlen(in), o = 0;
	if (!outsz)
		return out;
	while (i < n && o + 1 < outsz) {
		if (fullwidth_at(s, i, n)) {
			/* U+FF01..U+FF5E map onto '!'..'~' in order */
			unsigned cp = ((s[i] & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
			out[o++] = (char)(cp - 0xFEE0);
			i += 3;
		} else {
			/* copy a whole sequence or stop: never a cut one */
			size_t len = s[i] < 0xC0 ? 1 : s[i] < 0xE0 ? 2 : s[i] < 0xF0 ? 3 : 4;
			if (len > n - i)
				len = n - i;
			if (o + len >= outsz)
				break;
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
		}
	}
	out[o] = '\0';
	return out;
}
