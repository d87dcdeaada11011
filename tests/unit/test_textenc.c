/* textenc: strict UTF-8, byte-order marks, iconv decoding (any locale), full-width checks. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "textenc.h"

static int scan(const char *s, size_t n, size_t *good)
{
	return kam_utf8_scan(s, n, good);
}

static void test_utf8(void)
{
	size_t good;
	static const struct {
		const char *s;
		size_t n;
		int want;
		size_t good;
		const char *what;
	} cases[] = {
		{"", 0, KAM_UTF8_OK, 0, "empty"},
		{"plain ascii, 1234", 17, KAM_UTF8_OK, 17, "ascii"},
		{"\xE4\xB8\xAD\xE6\x96\x87", 6, KAM_UTF8_OK, 6, "中文"},
		{"\xF0\xA0\x80\x80", 4, KAM_UTF8_OK, 4, "U+20000 (4 bytes)"},
		{"\xF4\x8F\xBF\xBF", 4, KAM_UTF8_OK, 4, "U+10FFFF, the last code point"},
		{"\xED\x9F\xBF", 3, KAM_UTF8_OK, 3, "U+D7FF, just below the surrogates"},
		{"\xEF\xBF\xBF", 3, KAM_UTF8_OK, 3, "U+FFFF"},
		{"\xC2\x80", 2, KAM_UTF8_OK, 2, "U+0080, the first 2-byte"},
		{"\xC0\x80", 2, KAM_UTF8_BAD, 0, "overlong NUL C0 80"},
		{"\xC1\xBF", 2, KAM_UTF8_BAD, 0, "overlong C1"},
		{"ab\xE0\x80\x80", 5, KAM_UTF8_BAD, 2, "overlong 3-byte"},
		{"\xF0\x80\x80\x80", 4, KAM_UTF8_BAD, 0, "overlong 4-byte"},
		{"x\xED\xA0\x80", 4, KAM_UTF8_BAD, 1, "surrogate U+D800"},
		{"\xED\xBF\xBF", 3, KAM_UTF8_BAD, 0, "surrogate U+DFFF"},
		{"\xF4\x90\x80\x80", 4, KAM_UTF8_BAD, 0, "above U+10FFFF"},
		{"\xF5\x80\x80\x80", 4, KAM_UTF8_BAD, 0, "F5 lead"},
		{"\xFF", 1, KAM_UTF8_BAD, 0, "FF"},
		{"abc\x80", 4, KAM_UTF8_BAD, 3, "stray continuation byte"},
		{"\xE4\xB8" "a", 3, KAM_UTF8_BAD, 0, "ASCII inside a sequence"},
		{"\xD6\xD0\xCE\xC4", 4, KAM_UTF8_BAD, 0, "GBK 中文"},
		{"ab\xE4\xB8", 4, KAM_UTF8_PARTIAL, 2, "sequence cut at the end"},
		{"\xF0\xA0\x80", 3, KAM_UTF8_PARTIAL, 0, "4-byte sequence cut after 3"},
	};
	size_t i;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		good = 99;
		is_int(scan(cases[i].s, cases[i].n, &good), cases[i].want, "utf8_scan: %s", cases[i].what);
		is_int(good, cases[i].good, "utf8_scan: %s: offset", cases[i].what);
	}

	/* the 8-byte ASCII fast path must not skip over a bad byte */
	{
		char buf[100];
		size_t k, bad = 0;
		for (k = 0; k < 64; k++) {
			memset(buf, 'a', sizeof buf);
			buf[k] = (char)0xFF;
			if (kam_utf8_valid(buf, sizeof buf, &bad) || bad != k)
				break;
		}
		is_int(k, 64, "bad byte found at every offset 0..63 past ASCII runs");
		memset(buf, 'a', sizeof buf);
		ok(kam_utf8_valid(buf, sizeof buf, NULL), "100 ASCII bytes are valid");
	}
	is_int(kam_utf8_chars("a\xE4\xB8\xAD" "b\xF0\xA0\x80\x80", 9), 4, "utf8_chars counts code points");
}

static void test_bom_guess(void)
{
	size_t len = 99;
	is_str(kam_bom("\xEF\xBB\xBFx", 4, &len), "UTF-8", "UTF-8 BOM");
	is_int(len, 3, "UTF-8 BOM length");
	is_str(kam_bom("\xFF\xFEx\0", 4, &len), "UTF-16LE", "UTF-16LE BOM");
	is_int(len, 2, "UTF-16LE BOM length");
	is_str(kam_bom("\xFE\xFF\0x", 4, &len), "UTF-16BE", "UTF-16BE BOM");
	is_str(kam_bom("\xFF\xFE\0\0", 4, &len), "UTF-32LE", "UTF-32LE BOM before UTF-16LE");
	is_int(len, 4, "UTF-32LE BOM length");
	ok(kam_bom("\xEF\xBB", 2, &len) == NULL && len == 0, "a cut BOM is no BOM");
	ok(kam_bom("code", 4, &len) == NULL, "no BOM");

	is_str(kam_enc_guess("code,name\n", 10, 1, &len), "UTF-8", "guess: ASCII is UTF-8");
	is_str(kam_enc_guess("\xEF\xBB\xBF\xE4\xB8\xAD", 6, 1, &len), "UTF-8", "guess: BOM");
	is_int(len, 3, "guess: BOM length");
	is_str(kam_enc_guess("a,\xCE\xE4\xBA\xBA\n", 7, 1, &len), "GB18030", "guess: GBK bytes are GB18030");
	is_int(len, 0, "guess: no BOM");
	is_str(kam_enc_guess("a,\xE4\xB8", 4, 0, &len), "UTF-8", "guess: a prefix may end inside a character");
	is_str(kam_enc_guess("a,\xE4\xB8", 4, 1, &len), "GB18030", "guess: a whole file may not");
	ok(kam_enc_is_utf8("utf8") && kam_enc_is_utf8("UTF-8") && !kam_enc_is_utf8("UTF-16"),
	   "enc_is_utf8");
}

/* Everything here must be the same under any locale: called under C and C.UTF-8. */
static void test_conv(const char *locale)
{
	kam_err e = {0};
	char *out = NULL;
	size_t n = 0, bad = 0;
	kam_conv *cv;

	cv = kam_conv_open("NO-SUCH-CHARSET", &e);
	ok(cv == NULL, "[%s] unknown encoding refused", locale);
	is_str(e.msg, "unknown encoding 'NO-SUCH-CHARSET' (iconv -l lists the known ones)",
	       "[%s] unknown encoding message", locale);
	ok(kam_conv_open("GBK//IGNORE", &e) == NULL, "[%s] //IGNORE suffix refused", locale);
	ok(kam_conv_open("", &e) == NULL, "[%s] empty name refused", locale);

	/* 中文䶮: 䶮 U+4DAE is FE 9F in GB18030 and absent from GBK */
	ok(kam_conv_buffer("GB18030", "\xD6\xD0\xCE\xC4\xFE\x9F", 6, &out, &n, &bad, &e) == 0,
	   "[%s] GB18030 decodes", locale);
	is_str(out, "中文䶮", "[%s] GB18030 中文䶮", locale);
	is_int(n, 9, "[%s] GB18030 output length", locale);
	free(out);
	ok(kam_conv_buffer("gbk", "\xD6\xD0\xCE\xC4\xFE\x9F", 6, &out, &n, &bad, &e) < 0,
	   "[%s] GBK refuses 䶮", locale);
	is_int(bad, 4, "[%s] GBK: offset of the bad sequence", locale);
	is_str(e.msg, "invalid GBK byte sequence 0xFE 0x9F at byte 4", "[%s] GBK message", locale);
	ok(out == NULL, "[%s] no output on error", locale);
	ok(kam_conv_buffer("GB18030", "ab\xD6", 3, &out, &n, &bad, &e) < 0, "[%s] truncated", locale);
	is_str(e.msg, "truncated GB18030 byte sequence 0xD6 at byte 2 (end of input)",
	       "[%s] truncated message", locale);
	ok(kam_conv_buffer("GB18030", "\x95\x32\x82\x36", 4, &out, &n, &bad, &e) == 0,
	   "[%s] 4-byte GB18030", locale);
	is_str(out, "\xF0\xA0\x80\x80", "[%s] 95 32 82 36 is U+20000", locale);
	free(out);
	ok(kam_conv_buffer("BIG5", "\xA4\xA4\xA4\xE5", 4, &out, &n, NULL, &e) == 0, "[%s] BIG5", locale);
	is_str(out, "中文", "[%s] BIG5 中文", locale);
	free(out);
	ok(kam_conv_buffer("UTF-16LE", "-N\x87\x65", 4, &out, &n, NULL, &e) == 0, "[%s] UTF-16LE", locale);
	is_str(out, "中文", "[%s] UTF-16LE 中文", locale);
	free(out);
	ok(kam_conv_buffer("GB18030", "", 0, &out, &n, NULL, &e) == 0 && n == 0 && out && !*out,
	   "[%s] empty input gives an empty string", locale);
	free(out);

	/* streaming one byte at a time: cut sequences are kept and completed */
	{
		const char *in = "a\xD6\xD0,\x95\x32\x82\x36\xFE\x9F\n";
		size_t len = strlen(in), i, have = 0, used, made, outlen = 0;
		char carry[8], res[64];
		int r = KAM_CONV_OK, partials = 0;
		cv = kam_conv_open("GB18030", &e);
		ok(cv != NULL, "[%s] open GB18030", locale);
		for (i = 0; cv && i < len; i++) {
			carry[have++] = in[i];
			r = kam_conv_step(cv, carry, have, &used, res + outlen, sizeof res - outlen, &made);
			outlen += made;
			memmove(carry, carry + used, have - used);
			have -= used;
			partials += r == KAM_CONV_PARTIAL;
			if (r != KAM_CONV_OK && r != KAM_CONV_PARTIAL)
				break;
		}
		res[outlen] = '\0';
		is_int(r, KAM_CONV_OK, "[%s] byte-by-byte ends clean", locale);
		is_int(partials, 5, "[%s] five cut sequences waited for more", locale);
		is_str(res, "a中,\xF0\xA0\x80\x80䶮\n", "[%s] byte-by-byte result", locale);
		kam_conv_close(cv);
	}
	/* a small output buffer: FULL, drained, then continued */
	{
		size_t used, made;
		char res[4];
		cv = kam_conv_open("GB18030", &e);
		is_int(kam_conv_step(cv, "\xD6\xD0\xCE\xC4", 4, &used, res, sizeof res, &made), KAM_CONV_FULL,
		       "[%s] output full", locale);
		ok(used == 2 && made == 3 && memcmp(res, "中", 3) == 0, "[%s] one character made", locale);
		is_int(kam_conv_step(cv, "\xCE\xC4", 2, &used, res, sizeof res, &made), KAM_CONV_OK,
		       "[%s] then the rest", locale);
		is_int(kam_conv_step(cv, "\x80", 1, &used, res, sizeof res, &made), KAM_CONV_BAD,
		       "[%s] 0x80 alone is invalid GB18030", locale);
		kam_conv_close(cv);
	}
}

static void test_fullwidth(void)
{
	char buf[64];
	is_int(kam_utf8_find_fullwidth("4２01", strlen("4２01")), 1, "full-width digit found at byte 1");
	is_int(kam_utf8_find_fullwidth("42010000001000", 14), -1, "ASCII code has none");
	is_int(kam_utf8_find_fullwidth("中文客户", strlen("中文客户")), -1, "CJK is not full-width ASCII");
	is_int(kam_utf8_find_fullwidth("！", 3), 0, "U+FF01 is the first");
	is_int(kam_utf8_find_fullwidth("～", 3), 0, "U+FF5E is the last");
	is_int(kam_utf8_find_fullwidth("\xEF\xBD\x9F", 3), -1, "U+FF5F is not included");
	is_int(kam_utf8_find_fullwidth("\xEF\xBC\x80", 3), -1, "U+FF00 is not included");
	is_int(kam_utf8_find_fullwidth("a\xEF\xBC", 3), -1, "a cut sequence is not one");
	is_int(kam_utf8_find_fullwidth("\xEF\xBF\xA5" "5", 4), -1, "￥ (U+FFE5) is not in the range");
	is_str(kam_fullwidth_fold("４２０１", buf, sizeof buf), "4201", "fold full-width digits");
	is_str(kam_fullwidth_fold("Ａ，ｂ．中", buf, sizeof buf), "A,b.中", "fold letters, keep CJK");
	is_str(kam_fullwidth_fold("中文", buf, 5), "中", "fold never cuts a character");
	is_str(kam_hexbytes("\x81\x20\xFF\x00\x01", 5, buf, sizeof buf), "0x81 0x20 0xFF 0x00",
	       "hexbytes shows four bytes");
}

int main(void)
{
	test_utf8();
	test_bom_guess();
	/* iconv with explicit names must not care about the locale */
	setlocale(LC_ALL, "C");
	test_conv("C");
	if (setlocale(LC_ALL, "C.UTF-8") || setlocale(LC_ALL, "C.utf8"))
		test_conv("C.UTF-8");
	else
		ok(1, "# skip no C.UTF-8 locale");
	setlocale(LC_ALL, "C");
	test_fullwidth();
	return done_testing();
}
