/* kam_text_width (core/width.c): the one display-width rule of kam, through utf8proc.
 * Chinese, full-width punctuation, combining marks, emoji and the sequences a terminal
 * shows in one place; invalid UTF-8 with the offset of its first bad byte; and the
 * same answers whatever the locale. */
#include <locale.h>
#include <string.h>

#include "tap.h"
#include "width.h"

static const struct { const char *s; long w; const char *what; } cases[] = {
	{"", 0, "empty"},
	{"abc", 3, "ASCII"},
	{"\xE5\xB9\xBF\xE5\xB7\x9E\xE5\xB8\x82\xE9\x82\xAE\xE6\x94\xBF\xE5\xB1\x80", 12, "Chinese 广州市邮政局"},
	{"\xF0\xA0\x80\x80", 2, "CJK extension B"},
	{"\xEF\xBC\x8C", 2, "full-width comma ，"},
	{"\xE3\x80\x82", 2, "ideographic full stop 。"},
	{"\xEF\xBC\x88\xE6\x9C\x89\xE9\x99\x90\xEF\xBC\x89", 8, "（有限） in full-width parentheses"},
	{"\xE3\x80\x80", 2, "ideographic space"},
	{"\xEF\xBD\xB1", 1, "halfwidth katakana"},
	{"\xEF\xBC\xA1\xEF\xBC\xA2", 4, "fullwidth Latin ＡＢ"},
	{"e\xCC\x81", 1, "e + combining acute"},
	{"a\xCC\x81\xCC\xA3" "b", 2, "two combining marks on a letter, then a letter"},
	{"\xCC\x81", 0, "a combining mark on its own"},
	{"\xE4\xB8\xAD\xCC\x81", 2, "a Chinese character with a combining mark"},
	{"\xF0\x9F\x98\x80", 2, "emoji 😀"},
	{"\xF0\x9F\x93\xAE", 2, "emoji 📮"},
	{"\xE2\x9D\xA4", 1, "heart, text presentation"},
	{"\xE2\x9D\xA4\xEF\xB8\x8F", 2, "heart + VS16, emoji presentation"},
	{"\xF0\x9F\x87\xA8\xF0\x9F\x87\xB3", 2, "flag: two regional indicators"},
	{"\xF0\x9F\x87\xA8\xF0\x9F\x87\xB3\xF0\x9F\x87\xAD\xF0\x9F\x87\xB0", 4, "two flags"},
	{"\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7", 2, "ZWJ family"},
	{"\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", 2, "thumbs up + skin tone"},
	{"\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8", 2, "Hangul jamo L V T"},
	{"\xED\x95\x9C\xEA\xB5\xAD", 4, "Hangul syllables"},
	{"a\tb\n", 2, "controls count 0"},
	{"\xE2\x80\x8B", 0, "zero width space"},
	{"\xE2\x94\x80", 1, "box drawing (East Asian ambiguous) counts 1"},
	{"\xC3\xA1\xE1\xB8\x80", 2, "lead bytes 0xC3 and 0xE1 (the old xlsx writer counted 0xE1 as wide)"},
	{"\xE2\x82\xAC" "100", 4, "euro sign: lead byte 0xE2 yet one column"},
};

static void run_cases(const char *locale)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t bad = 99;
		is_int(kam_text_width(cases[i].s, strlen(cases[i].s), &bad), cases[i].w, "%s: %s",
		       locale, cases[i].what);
	}
}

static void bad_utf8(void)
{
	static const struct { const char *s; size_t at; const char *what; } bad[] = {
		{"ab\xE5\xB9", 2, "a truncated sequence"},
		{"\xED\xA0\x80", 0, "a surrogate"},
		{"x\xC0\xAF", 1, "an overlong form"},
		{"\xE4\xB8\xAD\xFF", 3, "a byte that is never UTF-8"},
		{"\xF4\x90\x80\x80", 0, "past U+10FFFF"},
		{"\xE4\xB8\xAD\x80", 3, "a stray continuation byte"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t at = 99;
		is_int(kam_text_width(bad[i].s, strlen(bad[i].s), &at), -1, "invalid: %s", bad[i].what);
		is_int(at, bad[i].at, "... at byte offset %zu", bad[i].at);
	}
	is_int(kam_text_width("\xFF", 1, NULL), -1, "bad may be NULL");
	is_int(kam_text_width("\xE4\xB8\xAD", 2, NULL), -1, "the length counts, not a NUL");
	is_int(kam_text_width("a\0b", 3, NULL), 2, "an embedded NUL is a control: 0 columns");
}

int main(void)
{
	run_cases("C");
	if (setlocale(LC_ALL, "C.UTF-8"))  /* Debian always has it; the plan says whether it ran */
		run_cases("C.UTF-8");
	bad_utf8();
	return done_testing();
}
