/*
 * Text encodings of imported files: strict UTF-8 validation, byte-order marks, conversion
 * of any iconv encoding (GB18030 above all) to UTF-8, and the full-width checks that
 * import validation needs. Pure C, no locale: iconv is always opened with explicit names,
 * so everything here behaves the same under LANG=C as under a UTF-8 locale.
 *
 * Detection policy for import (PRODUCT.md): "UTF-8 with or without BOM; a file that is
 * not valid UTF-8 is read as GB18030". Files can be hundreds of MB, so nothing here needs
 * the whole input: kam_enc_guess() decides from a prefix (csvread uses its first 1 MiB
 * read), and the stream is then validated as it goes. When an invalid byte turns up past
 * the prefix, the reader starts over as GB18030 from the beginning of the file (see
 * KAM_CSV_RESTART in csvread.h); a pipe that cannot be re-read gets an error with an
 * --encoding hint instead.
 */
#ifndef KAM_TEXTENC_H
#define KAM_TEXTENC_H

#include <stddef.h>

#include "err.h"

/* Results of kam_utf8_scan(). */
enum { KAM_UTF8_OK = 0, KAM_UTF8_PARTIAL = 1, KAM_UTF8_BAD = 2 };

/*
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
 * Sets *good to the length of the valid prefix and returns KAM_UTF8_OK (all n bytes valid),
 * KAM_UTF8_PARTIAL (valid, but the last sequence is cut at the end of the buffer: call
 * again with more bytes) or KAM_UTF8_BAD (the sequence starting at *good is invalid).
 */
int kam_utf8_scan(const void *s, size_t n, size_t *good);

/* 1 when s[0..n) is entirely valid UTF-8; else 0 and *bad (if not NULL) = first bad offset. */
int kam_utf8_valid(const void *s, size_t n, size_t *bad);

/* Code points in s[0..n) (continuation bytes are not counted), for columns in messages. */
size_t kam_utf8_chars(const void *s, size_t n);

/*
 * A byte-order mark at the start of s: returns the encoding it announces ("UTF-8",
 * "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE") and sets *len to its size, or returns
 * NULL and sets *len to 0. The UTF-32LE mark is checked before UTF-16LE, which it starts with.
 */
const char *kam_bom(const void *s, size_t n, size_t *len);

/*
 * The import's encoding decision from the start of a file (or all of it when complete):
 * a byte-order mark wins; otherwise "UTF-8" if s[0..n) is valid UTF-8 (when !complete, a
 * sequence cut at the end is not held against it), else "GB18030". *bom_len gets the
 * mark's size (0 without one).
 */
const char *kam_enc_guess(const void *s, size_t n, int complete, size_t *bom_len);

/* 1 if name means UTF-8 ("UTF-8", "utf8", any case). */
int kam_enc_is_utf8(const char *name);

/*
 * A streaming decoder from an iconv encoding to UTF-8. glibc iconv with explicit names does
 * not look at the locale. Names are iconv's (GB18030, GBK, GB2312, BIG5, UTF-16, ...);
 * "//TRANSLIT" and "//IGNORE" suffixes are refused, since they would change data silently.
 */
typedef struct kam_conv kam_conv;

/* NULL with "unknown encoding 'NAME' (iconv -l lists the known ones)" when iconv has none. */
kam_conv *kam_conv_open(const char *from, kam_err *e);
const char *kam_conv_name(const kam_conv *cv);
void kam_conv_close(kam_conv *cv);

/* Results of kam_conv_step(). */
enum { KAM_CONV_OK = 0, KAM_CONV_PARTIAL = 1, KAM_CONV_FULL = 2, KAM_CONV_BAD = 3 };

/*
 * Converts in[0..n) into out[0..cap). *inused and *outused get the bytes consumed and
 * produced. Returns KAM_CONV_OK (all input consumed), KAM_CONV_PARTIAL (stopped before a
 * sequence cut at the end of the input: keep those bytes and add more, or at end of input
 * report them as truncated), KAM_CONV_FULL (out is full: drain it and call again) or
 * KAM_CONV_BAD (the bytes at in + *inused are not valid in this encoding).
 */
int kam_conv_step(kam_conv *cv, const void *in, size_t n, size_t *inused,
		  char *out, size_t cap, size_t *outused);

/*
 * Converts a whole buffer to a malloc'd, NUL-terminated UTF-8 string. On an invalid or
 * truncated sequence returns -1, sets *bad (if not NULL) to its byte offset and fills e:
 * "invalid GB18030 byte sequence 0x81 0x20 at byte 1234" or
 * "truncated GB18030 byte sequence 0x81 at byte 1234 (end of input)".
 */
int kam_conv_buffer(const char *from, const void *in, size_t n, char **out, size_t *outlen,
		    size_t *bad, kam_err *e);

/*
 * Writes up to 4 bytes of s[0..n) as "0x81 0x20" into buf (for messages); returns buf.
 * bufsz >= 20 holds four bytes.
 */
char *kam_hexbytes(const void *s, size_t n, char *buf, size_t bufsz);

/*
 * Full-width ASCII variants U+FF01..U+FF5E (digits like '４', letters, '，', '．', '－'),
 * which Chinese input methods produce and which must never pass as codes or amounts.
 * Returns the byte offset of the first one in s[0..n), or -1 when there is none.
 */
long kam_utf8_find_fullwidth(const void *s, size_t n);

/*
 * For hints only ("did you mean '4201'?"), never to accept data: copies s to out with each
 * U+FF01..U+FF5E replaced by its ASCII character, NUL-terminated, truncated to outsz.
 * Returns out.
 */
char *kam_fullwidth_fold(const char *s, char *out, size_t outsz);

#endif
