/*
 * csvread: RFC 4180 records with physical line numbers, every encoding path, every error.
 * Each case runs with reads of 1, 2, 3, 5, 7 and 64 bytes as well as the default 1 MiB,
 * so sequences, CRLF pairs and quotes split between reads are all exercised, and the
 * result must not depend on where the reads fall.
 */
#include <fcntl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csvread.h"
#include "tap.h"

#define FIX "tests/fixtures/csv/"

/* A growing string for dumps. */
typedef struct {
	char *s;
	size_t n, cap;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void puts_(sbuf *b, const char *s)
{
	put(b, s, strlen(s));
}

/*
 * Every record as "LINE:f1|f2;" ("LINE-END:" when it spans lines), line breaks shown as
 * \n and \r, then "ERR:message" if reading failed. On KAM_CSV_RESTART the dump starts
 * over, as the importer does.
 */
static char *dump(kam_csv *c)
{
	sbuf b = {0};
	kam_csv_rec r;
	kam_err e = {0};
	int rc;
	put(&b, "", 0);
	while ((rc = kam_csv_next(c, &r, &e)) != 0) {
		size_t i, k;
		char head[64];
		if (rc == KAM_CSV_RESTART) {
			b.n = 0;
			b.s[0] = '\0';
			continue;
		}
		if (rc < 0) {
			puts_(&b, "ERR:");
			puts_(&b, e.msg);
			break;
		}
		if (r.end_line != r.line)
			snprintf(head, sizeof head, "%ld-%ld:", r.line, r.end_line);
		else
			snprintf(head, sizeof head, "%ld:", r.line);
		puts_(&b, head);
		for (i = 0; i < r.n; i++) {
			if (i)
				puts_(&b, "|");
			if (strlen(r.f[i]) != r.len[i])
				puts_(&b, "<len mismatch>");
			for (k = 0; k < r.len[i]; k++) {
				if (r.f[i][k] == '\n')
					puts_(&b, "\\n");
				else if (r.f[i][k] == '\r')
					puts_(&b, "\\r");
				else
					put(&b, r.f[i] + k, 1);
			}
		}
		puts_(&b, ";");
	}
	return b.s;
}

static const size_t chunks[] = {0, 1, 2, 3, 5, 7, 64};
#define NCHUNKS (sizeof chunks / sizeof *chunks)

static char *dump_mem(const char *buf, size_t n, const kam_csv_opts *o)
{
	kam_err e = {0};
	kam_csv *c = kam_csv_open_mem(buf, n, o, &e);
	char *s;
	if (!c)
		return strdup(e.msg);
	s = dump(c);
	kam_csv_close(c);
	return s;
}

/* One case, every chunk size; reports the first size that differs. */
static void check_opts(const char *what, const char *buf, size_t n, kam_csv_opts o, const char *want)
{
	size_t i;
	o.restart = 1;
	for (i = 0; i < NCHUNKS; i++) {
		char *got;
		o.chunk_size = chunks[i];
		got = dump_mem(buf, n, &o);
		if (strcmp(got, want) != 0) {
			ok(0, "%s (reads of %zu bytes)", what, chunks[i]);
			printf("#   got  '%s'\n#   want '%s'\n", got, want);
			free(got);
			return;
		}
		free(got);
	}
	ok(1, "%s", what);
}

static void check(const char *what, const char *buf, const char *want)
{
	kam_csv_opts o = {0};
	check_opts(what, buf, strlen(buf), o, want);
}

static void check_enc(const char *what, const char *enc, const char *buf, size_t n, const char *want)
{
	kam_csv_opts o = {0};
	o.encoding = enc;
	check_opts(what, buf, n, o, want);
}

static void test_records(void)
{
	check("LF", "a,b,c\n1,2,3\n", "1:a|b|c;2:1|2|3;");
	check("CRLF", "a,b,c\r\n1,2,3\r\n", "1:a|b|c;2:1|2|3;");
	check("no final LF", "a,b\n1,2", "1:a|b;2:1|2;");
	check("no final CRLF", "a,b\r\n1,2", "1:a|b;2:1|2;");
	check("CR at the very end", "a,b\r\n1,2\r", "1:a|b;2:1|2;");
	check("quotes, doubled quotes, commas",
	      "\"x,y\",\"he said \"\"hi\"\"\",z\n", "1:x,y|he said \"hi\"|z;");
	check("quoted LF: the next record is on line 3",
	      "a,\"l1\nl2\",b\nnext,1,2\n", "1-2:a|l1\\nl2|b;3:next|1|2;");
	check("quoted CRLF kept as data in a CRLF file",
	      "a,\"l1\r\nl2\"\r\nb\r\n", "1-2:a|l1\\r\\nl2;3:b;");
	check("quoted field over three lines, last record without LF",
	      "\"a\n\nb\"\nc", "1-3:a\\n\\nb;4:c;");
	check("quoted bare CR is data", "\"a\rb\",c\n", "1:a\\rb|c;");
	check("blank lines are not records, trailing ones neither",
	      "a\n\n\nb\n\n\n", "1:a;4:b;");
	check("blank CRLF lines", "\r\n\r\na\r\n\r\n", "3:a;");
	check("whitespace kept", " a , b \t\n", "1: a | b \t;");
	check("empty fields", ",,\n\"\",x\na,\n", "1:||;2:|x;3:a|;");
	check("quoted last field without LF", "\"abc\"", "1:abc;");
	check("UTF-8 BOM dropped", "\xEF\xBB\xBF" "code,名称\n1,武汉\n", "1:code|名称;2:1|武汉;");
	check("a BOM only at the start", "a,\xEF\xBB\xBF" "b\n", "1:a|\xEF\xBB\xBF" "b;");
	check("header only", "code,name\n", "1:code|name;");
	check("GBK bytes are read as GB18030", "code,name\n1,\xCE\xE4\xBA\xBA\n",
	      "1:code|name;2:1|武汉;");
	/* past the 64-byte sniff: small reads start as UTF-8 and restart */
	check("GBK bytes after 70 ASCII bytes",
	      "code,name\n1,0123456789012345678901234567890123456789012345678901234567\n2,\xCE\xE4\n",
	      "1:code|name;2:1|0123456789012345678901234567890123456789012345678901234567;3:2|武;");
	check_enc("forced GB18030, 4-byte sequence", "GB18030", "x,\x95\x32\x82\x36\n", 7,
		  "1:x|\xF0\xA0\x80\x80;");
	check_enc("forced UTF-16LE with its BOM", "UTF-16LE", "\xFF\xFE" "a\0,\0-N\n\0", 10,
		  "1:a|中;");
	check_enc("forced gbk, quoted comma", "gbk", "\"\xCE\xE4,\xBA\xBA\",x\n", 10, "1:武,汉|x;");
}

static void test_errors(void)
{
	char buf[2048];
	sbuf want = {0};
	int i;

	/* a quote opened on line 41 and never closed */
	buf[0] = '\0';
	put(&want, "", 0);
	for (i = 1; i <= 40; i++) {
		char line[32];
		snprintf(line, sizeof line, "r,%d\n", i);
		strcat(buf, line);
		snprintf(line, sizeof line, "%d:r|%d;", i, i);
		puts_(&want, line);
	}
	strcat(buf, "\"unclosed,x\ny\n");
	puts_(&want, "ERR:line 41: unterminated quoted field (truncated file?)");
	check("unterminated quote", buf, want.s);
	free(want.s);

	{
		kam_csv_opts o = {0};
		check_opts("NUL byte (buffer with the NUL)", "a,b\nc,d\nabc,de\0f\n", 17, o,
			   "1:a|b;2:c|d;ERR:line 3, column 7: NUL byte in the file (not a text CSV?)");
		check_opts("NUL after Chinese: columns count characters", "名称,\xE6\x96\x87\0\n", 11, o,
			   "ERR:line 1, column 5: NUL byte in the file (not a text CSV?)");
	}
	check("quote in an unquoted field", "a,b\"c,d\n",
	      "ERR:line 1, column 4: quote inside an unquoted field (quote the whole field and "
	      "double the quotes in it)");
	check("text after a closing quote", "\"ab\"x,c\n",
	      "ERR:line 1, column 5: unexpected character after the closing quote of a field");
	check("space after a closing quote", "\"ab\" ,c\n",
	      "ERR:line 1, column 5: unexpected character after the closing quote of a field");
	check("error after a multi-line field: physical line and column", "h\n\"a\nb\"x\n",
	      "1:h;ERR:line 3, column 3: unexpected character after the closing quote of a field");
	check("bare CR", "a,b\rc,d\n",
	      "ERR:line 1: carriage return (CR) alone outside quotes: lines must end with LF or CRLF");
	check("bare CR before the last field", "x\na,b\rc",
	      "1:x;ERR:line 2: carriage return (CR) alone outside quotes: lines must end with LF or CRLF");
	{
		kam_csv_opts o = {0};
		o.max_field = 4;
		check_opts("field over max_field", "abcd,abcd\nabcd,abcde\n", 21, o,
			   "1:abcd|abcd;ERR:line 2: field longer than 4 bytes");
		check_opts("quoted field over max_field", "\"abcdef\"\n", 9, o,
			   "ERR:line 1: field longer than 4 bytes");
		o.max_field = 8;
		check_opts("runaway quote over max_field", "h\n\"aaaa\nbbbb\ncccc\n", 18, o,
			   "1:h;ERR:line 2: field longer than 8 bytes (a quote never closed? the record "
			   "runs on to line 3)");
		o.max_field = 0;
		o.max_fields = 3;
		check_opts("too many fields", "a,b,c\na,b,c,d\n", 14, o,
			   "1:a|b|c;ERR:line 2: record with more than 3 fields");
	}
	check_enc("forced UTF-8: invalid byte", "UTF-8", "a,b\nc,\xFF\n", 8,
		  "1:a|b;ERR:line 2, column 3: invalid UTF-8 byte sequence 0xFF (a GB18030 file? "
		  "pass --encoding GB18030)");
	check_enc("forced UTF-8: GBK text", "utf8", "a,b\nc,\xCE\xE4\xBA\xBA,d\n", 12,
		  "1:a|b;ERR:line 2, column 3: invalid UTF-8 byte sequence 0xCE 0xE4 (a GB18030 "
		  "file? pass --encoding GB18030)");
	check_enc("forced UTF-8: truncated at the end", "UTF-8", "a,\xE4\xB8", 4,
		  "ERR:line 1, column 3: truncated UTF-8 byte sequence 0xE4 0xB8 at end of file");
	check("neither UTF-8 nor GB18030", "a\nb,\xFF\xFF\n",
	      "1:a;ERR:line 2, column 3: invalid GB18030 byte sequence 0xFF 0xFF (the file is neither "
	      "UTF-8 nor GB18030: pass --encoding NAME)");
	check("GB18030 cut at the end", "a\nb,\xCE",
	      "1:a;ERR:line 2, column 3: truncated GB18030 byte sequence 0xCE at end of file");
	check_enc("forced GBK refuses 䶮", "GBK", "a\nb,c\xFE\x9F\n", 8,
		  "1:a;ERR:line 2, column 4: invalid GBK byte sequence 0xFE 0x9F");
	check("empty file", "", "ERR:file is empty");
	check("only a BOM", "\xEF\xBB\xBF", "ERR:file is empty");
	check("only blank lines", "\n\r\n\n", "ERR:file has no records, only blank lines");
	{
		kam_csv_opts o = {0};
		o.allow_empty = 1;
		check_opts("empty file allowed", "", 0, o, "");
		o.name = "ledger.csv";
		o.allow_empty = 0;
		check_opts("empty file, named", "", 0, o, "ERR:ledger.csv: file is empty");
		check_opts("named: file:line:column", "a,b\nc,d\nabc,de\0f\n", 17, o,
			   "1:a|b;2:c|d;ERR:ledger.csv:3:7: NUL byte in the file (not a text CSV?)");
		check_opts("named: file:line", "a\n\"b\n", 5, o,
			   "1:a;ERR:ledger.csv:2: unterminated quoted field (truncated file?)");
	}
	check("ZIP (XLSX) refused", "PK\x03\x04\x14\0\0\0",
	      "ERR:this file is a ZIP archive (an XLSX or ODS workbook?), not CSV: save it as CSV");
	check("gzip refused", "\x1F\x8B\x08", "ERR:this file is gzip-compressed: decompress it first");
	{
		kam_csv_opts o = {0};
		check_opts("XLS refused", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 10, o,
			   "ERR:this file is an Excel 97-2003 workbook (.xls), not CSV: save it as CSV");
		check_opts("UTF-16LE without BOM: NUL with a hint", "c\0o\0d\0e\0,\0n\0\n\0", 14, o,
			   "ERR:line 1, column 2: NUL byte in the file (UTF-16LE without a byte-order mark? "
			   "pass --encoding UTF-16LE)");
	}

	/* where the error was, as numbers */
	{
		kam_err e = {0};
		kam_csv_rec r;
		long line = -1, col = -1;
		kam_csv *c = kam_csv_open_mem("a,b\nc,d\nabc,de\0f\n", 17, NULL, &e);
		while (kam_csv_next(c, &r, &e) > 0)
			;
		kam_csv_where(c, &line, &col);
		ok(line == 3 && col == 7, "kam_csv_where: line 3, column 7");
		is_int(kam_csv_next(c, &r, &e), -1, "after an error next() fails again");
		kam_csv_close(c);
	}
	/* an unknown encoding is wrong usage, found at open */
	{
		kam_err e = {0};
		kam_csv_opts o = {0};
		o.encoding = "NOPE-42";
		ok(kam_csv_open_mem("a\n", 2, &o, &e) == NULL, "unknown encoding: open fails");
		is_str(e.msg, "unknown encoding 'NOPE-42' (iconv -l lists the known ones)",
		       "unknown encoding: message");
		is_int(e.status, KAM_USAGE, "unknown encoding: usage status");
	}
}

/* The sequence of kam_csv_next() results, e.g. "11R1110". */
static char *results(kam_csv *c, char *out, size_t outsz, kam_err *e)
{
	kam_csv_rec r;
	size_t n = 0;
	int rc;
	do {
		rc = kam_csv_next(c, &r, e);
		out[n++] = rc == KAM_CSV_RESTART ? 'R' : rc < 0 ? 'E' : (char)('0' + rc);
	} while (rc != 0 && rc != -1 && n + 1 < outsz);
	out[n] = '\0';
	return out;
}

static void test_restart(void)
{
	/* the GB18030 bytes come after the first 64 (the sniffed start) */
	static const char late[] = "code,name\n1,abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdef\n"
				   "2,\xCE\xE4\xBA\xBA\n";
	char seq[32];
	kam_err e = {0};
	kam_csv_opts o = {0};
	kam_csv *c;
	int fds[2];

	/* UTF-8 judged from 16 bytes, GB18030 on line 3: start over */
	o.chunk_size = 16;
	o.restart = 1;
	c = kam_csv_open_mem(late, sizeof late - 1, &o, &e);
	is_str(results(c, seq, sizeof seq, &e), "11R1110", "late GB18030 byte: restart, then all records");
	is_str(kam_csv_encoding(c), "GB18030", "restarted as GB18030");
	is_int(kam_csv_count(c), 3, "three records after the restart");
	kam_csv_close(c);

	/* the caller did not ask for restarts */
	o.restart = 0;
	c = kam_csv_open_mem(late, sizeof late - 1, &o, &e);
	is_str(results(c, seq, sizeof seq, &e), "11E", "without restart: an error");
	is_str(e.msg, "line 3, column 3: invalid UTF-8 byte sequence 0xCE 0xE4 in a file that "
	       "started as UTF-8: pass --encoding GB18030 (or the file's encoding)", "without restart: message");
	kam_csv_close(c);

	/* nothing delivered yet: the switch is silent */
	{
		char first[100];
		memset(first, 'a', 70);
		memcpy(first + 70, "\xCE\xE4,c\n", 5);
		o.chunk_size = 4;
		o.restart = 0;
		c = kam_csv_open_mem(first, 75, &o, &e);
		is_str(results(c, seq, sizeof seq, &e), "10", "bad byte in the first record: no restart seen");
		is_str(kam_csv_encoding(c), "GB18030", "... and read as GB18030");
		kam_csv_close(c);
	}

	/* a pipe cannot be read twice */
	if (pipe(fds) == 0) {
		ok(write(fds[1], late, sizeof late - 1) == (ssize_t)(sizeof late - 1), "pipe written");
		close(fds[1]);
		o.chunk_size = 16;
		o.restart = 1;
		c = kam_csv_open(fds[0], &o, &e);
		is_str(results(c, seq, sizeof seq, &e), "11E", "pipe: an error, not a restart");
		ok(strstr(e.msg, "pass --encoding GB18030") != NULL, "pipe: --encoding hint");
		kam_csv_close(c);
		close(fds[0]);
	}

	/* a regular file is rewound to where the reader started */
	{
		char path[] = "/tmp/kam-csvread-XXXXXX";
		int fd = mkstemp(path);
		ok(fd >= 0 && write(fd, "skip", 4) == 4 && write(fd, late, sizeof late - 1) ==
		   (ssize_t)(sizeof late - 1) && lseek(fd, 4, SEEK_SET) == 4, "temp file written");
		c = kam_csv_open(fd, &o, &e);
		is_str(results(c, seq, sizeof seq, &e), "11R1110", "file: restart from the opening offset");
		kam_csv_close(c);
		close(fd);
		unlink(path);
	}
}

/* A fixture through a file descriptor, under every read size. */
static void check_file(const char *what, const char *file, const char *enc, const char *want,
		       const char *want_enc)
{
	size_t i;
	for (i = 0; i < NCHUNKS; i++) {
		kam_err e = {0};
		kam_csv_opts o = {0};
		int fd = open(file, O_RDONLY);
		kam_csv *c;
		char *got;
		o.encoding = enc;
		o.chunk_size = chunks[i];
		o.restart = 1;
		o.name = strrchr(file, '/') + 1;
		if (fd < 0 || !(c = kam_csv_open(fd, &o, &e))) {
			ok(0, "%s: open %s: %s", what, file, fd < 0 ? "cannot open" : e.msg);
			if (fd >= 0)
				close(fd);
			return;
		}
		got = dump(c);
		if (strcmp(got, want) != 0 || (want_enc && strcmp(kam_csv_encoding(c), want_enc) != 0)) {
			ok(0, "%s (reads of %zu bytes)", what, chunks[i]);
			printf("#   got  '%s' (%s)\n#   want '%s' (%s)\n", got, kam_csv_encoding(c), want,
			       want_enc ? want_enc : "-");
			free(got);
			kam_csv_close(c);
			close(fd);
			return;
		}
		free(got);
		kam_csv_close(c);
		close(fd);
	}
	ok(1, "%s", what);
}

static void test_fixtures(const char *locale)
{
	char what[128];
#define W(s) (snprintf(what, sizeof what, "[%s] %s", locale, s), what)
	check_file(W("GBK file, auto"), FIX "customers_gbk.csv", NULL,
		   "1:客户代码|客户名称|所在地|地市;2:42010000001000|武汉市邮政分公司|省会|武汉;"
		   "3:42050000002000|宜昌三峡物流,有限公司|地市|宜昌;", "GB18030");
	check_file(W("GB18030 file with 䶮 and 𠀀, auto"), FIX "customers_gb18030.csv", NULL,
		   "1:客户代码|客户名称|所在地|地市;2:42010000001000|䶮记商行|省会|武汉;"
		   "3-4:42050000002000|宜昌\"三峡\"物流\\n二分部|地市|宜昌;"
		   "5:42060000003000|襄阳\xF0\xA0\x80\x80货运|地市|襄阳;", "GB18030");
	check_file(W("GB18030 file read as GBK: 䶮 refused"), FIX "customers_gb18030.csv", "GBK",
		   "1:客户代码|客户名称|所在地|地市;ERR:customers_gb18030.csv:2:16: invalid GBK byte "
		   "sequence 0xFE 0x9F", NULL);
	check_file(W("GBK file, --encoding GB2312"), FIX "customers_gbk.csv", "GB2312",
		   "1:客户代码|客户名称|所在地|地市;2:42010000001000|武汉市邮政分公司|省会|武汉;"
		   "3:42050000002000|宜昌三峡物流,有限公司|地市|宜昌;", "GB2312");
	check_file(W("UTF-8 BOM and CRLF"), FIX "ledger_bom_crlf.csv", NULL,
		   "1:code|month|line|amount|volume;2:42010000001000|2025-01|express|12,345.60|17;"
		   "3:42010000001000|2025-02|letters|-5.00|;", "UTF-8");
	check_file(W("UTF-16LE with BOM, auto"), FIX "customers_utf16le_bom.csv", NULL,
		   "1:code|name;2:42010000001000|武汉;", "UTF-16LE");
	check_file(W("UTF-16LE without BOM, forced"), FIX "customers_utf16le_nobom.csv", "UTF-16LE",
		   "1:code|name;2:42010000001000|武汉;", "UTF-16LE");
	check_file(W("UTF-16LE without BOM, auto: refused with a hint"), FIX "customers_utf16le_nobom.csv",
		   NULL, "ERR:customers_utf16le_nobom.csv:1:2: NUL byte in the file (UTF-16LE without a "
		   "byte-order mark? pass --encoding UTF-16LE)", NULL);
	check_file(W("XLSX refused"), FIX "workbook.xlsx", NULL, "ERR:workbook.xlsx: this file is a ZIP "
		   "archive (an XLSX or ODS workbook?), not CSV: save it as CSV", NULL);
#undef W
}

/* A 10 MB field is refused once it passes 1 MiB, without reading the rest of the file. */
static void test_big_field(void)
{
	char path[] = "/tmp/kam-csvread-XXXXXX";
	size_t big = 10 * 1024 * 1024;
	char *buf = malloc(big + 16), seq[16];
	kam_err e = {0};
	kam_csv *c;
	struct timespec t0, t1;
	off_t at;
	int fd = mkstemp(path);
	memcpy(buf, "a,b\n", 4);
	memset(buf + 4, 'x', big);
	memcpy(buf + 4 + big, ",c\n", 3);
	ok(fd >= 0 && write(fd, buf, big + 7) == (ssize_t)(big + 7) && lseek(fd, 0, SEEK_SET) == 0,
	   "10 MB field written");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = kam_csv_open(fd, NULL, &e);
	is_str(results(c, seq, sizeof seq, &e), "1E", "10 MB field: header, then an error");
	is_str(e.msg, "line 2: field longer than 1048576 bytes", "10 MB field: message");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	at = lseek(fd, 0, SEEK_CUR);
	ok(at > 0 && at <= 3 * 1024 * 1024, "stopped after %lld of %zu bytes", (long long)at, big + 7);
	ok(t1.tv_sec - t0.tv_sec < 20, "refused within 20 s (generous)");
	kam_csv_close(c);
	close(fd);
	unlink(path);

	/* 300 KB fields (within the limit, over the 64 KiB pieces) come through whole */
	{
		size_t flen = 300 * 1024, i;
		char *doc = malloc(2 * flen + 16), seen[2] = {0};
		kam_csv_rec r;
		kam_csv_opts o = {0};
		size_t sizes[] = {0, 4096, 65537};
		memset(doc, 'y', flen);
		doc[flen] = ',';
		doc[flen + 1] = '"';
		memset(doc + flen + 2, 'z', flen);
		doc[flen / 2 + flen + 2] = '\n';        /* a line break inside the quoted field */
		memcpy(doc + 2 * flen + 2, "\"\n", 2);
		for (i = 0; i < 3; i++) {
			o.chunk_size = sizes[i];
			c = kam_csv_open_mem(doc, 2 * flen + 4, &o, &e);
			if (kam_csv_next(c, &r, &e) == 1 && r.n == 2 && r.len[0] == flen && r.len[1] == flen &&
			    r.f[0][flen - 1] == 'y' && r.f[1][flen / 2] == '\n' && r.line == 1 && r.end_line == 2 &&
			    kam_csv_next(c, &r, &e) == 0)
				seen[0]++;
			kam_csv_close(c);
		}
		is_int(seen[0], 3, "300 KB fields whole at read sizes 1 MiB, 4096, 65537");
		free(doc);
	}
	free(buf);
}

/*
 * Random records through a writer that quotes what needs quoting, LF or CRLF line ends:
 * each must come back with the line number counted from the text.
 */
static void test_random(void)
{
	static const char *bits[] = {"a", "b", ",", "\"", "\n", "\r\n", " ", "中", "\t", "x1"};
	unsigned seed = 12345;
	int round, failures = 0;
	for (round = 0; round < 40; round++) {
		sbuf doc = {0}, want = {0};
		long line = 1;
		int rec, crlf = round & 1;
		put(&doc, "", 0);
		put(&want, "", 0);
		for (rec = 0; rec < 30; rec++) {
			int nf = 1 + (int)((seed = seed * 1103515245 + 12345) >> 16) % 4, f;
			long start = line;
			sbuf fields = {0};
			put(&fields, "", 0);
			for (f = 0; f < nf; f++) {
				sbuf v = {0};
				int nb = (int)((seed = seed * 1103515245 + 12345) >> 16) % 4, k, quote = 0;
				size_t j;
				put(&v, "", 0);
				for (k = 0; k < nb; k++)
					puts_(&v, bits[((seed = seed * 1103515245 + 12345) >> 16) % 10]);
				quote = strpbrk(v.s, ",\"\r\n") != NULL || (nf == 1 && v.n == 0) ||
					((seed >> 20) & 1);
				if (f)
					puts_(&doc, ",");
				if (quote)
					puts_(&doc, "\"");
				for (j = 0; j < v.n; j++) {
					if (v.s[j] == '"')
						puts_(&doc, "\"");
					put(&doc, v.s + j, 1);
					line += v.s[j] == '\n';
				}
				if (quote)
					puts_(&doc, "\"");
				if (f)
					puts_(&fields, "|");
				for (j = 0; j < v.n; j++)
					puts_(&fields, v.s[j] == '\n' ? "\\n" : v.s[j] == '\r' ? "\\r" : (char[2]){v.s[j], 0});
				free(v.s);
			}
			{
				char head[64];
				if (line != start)
					snprintf(head, sizeof head, "%ld-%ld:", start, line);
				else
					snprintf(head, sizeof head, "%ld:", start);
				puts_(&want, head);
				puts_(&want, fields.s);
				puts_(&want, ";");
			}
			free(fields.s);
			if (rec < 29 || round % 3)
				puts_(&doc, crlf ? "\r\n" : "\n");
			line++;
		}
		{
			size_t i;
			kam_csv_opts o = {0};
			for (i = 0; i < NCHUNKS; i++) {
				char *got;
				o.chunk_size = chunks[i];
				got = dump_mem(doc.s, doc.n, &o);
				if (strcmp(got, want.s) != 0 && failures++ == 0)
					printf("# round %d, reads of %zu:\n#   got  '%s'\n#   want '%s'\n", round,
					       chunks[i], got, want.s);
				free(got);
			}
		}
		free(doc.s);
		free(want.s);
	}
	is_int(failures, 0, "40 random documents x %zu read sizes", NCHUNKS);
}

int main(void)
{
	test_records();
	test_errors();
	test_restart();
	/* iconv with explicit names must not care about the locale */
	setlocale(LC_ALL, "C");
	test_fixtures("C");
	if (setlocale(LC_ALL, "C.UTF-8") || setlocale(LC_ALL, "C.utf8"))
		test_fixtures("C.UTF-8");
	setlocale(LC_ALL, "C");
	test_big_field();
	test_random();
	return done_testing();
}
