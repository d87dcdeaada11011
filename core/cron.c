/* Cron expressions, their next slot in a time zone, ISO 8601 instants (cron.h).
 *
 * The next slot is found on the wall clock first (the calendar of the zone, without any
 * offset), and each matching wall-clock minute is then placed on the timeline: at its
 * first occurrence when the zone repeats it, at the end of the gap when the zone skips
 * it.  Placing is monotone, so the first wall-clock match placed after `after` is the
 * answer, and several skipped minutes that land on the same instant run once. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cron.h"

/* ---- parsing ------------------------------------------------------------------------ */

static const char *const FIELD[] = {"minute", "hour", "day-of-month", "month", "day-of-week"};
static const int LO[] = {0, 0, 1, 1, 0}, HI[] = {59, 23, 31, 12, 7};
static const char *const MONTHS[] = {"jan", "feb", "mar", "apr", "may", "jun",
				     "jul", "aug", "sep", "oct", "nov", "dec"};
static const char *const DAYS[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

/* One value of field f at *p (a number, or a name in the month and weekday fields). */
static int value(const char **p, int f, int *v, const char *expr, kam_err *e)
{
	const char *s = *p;
	if (isdigit((unsigned char)*s)) {
		long n = 0;
		while (isdigit((unsigned char)*s) && n < 1000)
			n = n * 10 + (*s++ - '0');
		if (isdigit((unsigned char)*s) || n < LO[f] || n > HI[f])
			return kam_usagef(e, "cron expression '%s': field '%s': '%.*s' is out of range %d-%d",
					  expr, FIELD[f], (int)strspn(*p, "0123456789"), *p, LO[f], HI[f]);
		*v = (int)n;
		*p = s;
		return 0;
	}
	if ((f == 3 || f == 4) && isalpha((unsigned char)s[0])) {
		const char *const *names = f == 3 ? MONTHS : DAYS;
		int n = f == 3 ? 12 : 7;
		size_t len = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
		for (int i = 0; len == 3 && i < n; i++)
			if (strncasecmp(s, names[i], 3) == 0) {
				*v = f == 3 ? i + 1 : i;
				*p = s + 3;
				return 0;
			}
		return kam_usagef(e, "cron expression '%s': field '%s': '%.*s' is not a %s name", expr, FIELD[f],
				  (int)len, s, f == 3 ? "month" : "weekday");
	}
	return kam_usagef(e, "cron expression '%s': field '%s': '%.*s' is not a number%s", expr, FIELD[f],
			  (int)strcspn(s, ",-/"), s, f == 3 || f == 4 ? " or a name" : "");
}

/* One field (text[0..len)) into *bits. */
static int field(const char *text, size_t len, int f, uint64_t *bits, const char *expr, kam_err *e)
{
	char *copy = strndup(text, len), *item, *save = NULL;
	int rc = 0;
	if (!copy)
		return kam_errf(e, "cron expression: not enough memory");
	*bits = 0;
	if (copy[0] == ',' || copy[len - 1] == ',' || strstr(copy, ",,")) {
		kam_usagef(e, "cron expression '%s': field '%s': an empty item in '%s'", expr, FIELD[f], copy);
		free(copy);
		return -1;
	}
	for (item = strtok_r(copy, ",", &save); item && rc == 0; item = strtok_r(NULL, ",", &save)) {
		const char *p = item;
		int a, b, step = 1;
		if (*p == '*') {
			a = LO[f], b = HI[f] == 7 ? 6 : HI[f];
			p++;
		} else {
			if ((rc = value(&p, f, &a, expr, e)) < 0)
				break;
			b = a;
			if (*p == '-') {
				p++;
				if ((rc = value(&p, f, &b, expr, e)) < 0)
					break;
				if (b < a && !(f == 4 && b == 0)) {
					rc = kam_usagef(e, "cron expression '%s': field '%s': range '%s' runs backwards",
							expr, FIELD[f], item);
					break;
				}
				if (f == 4 && b == 0 && a > 0)
					b = 7;  /* mon-sun: Sunday as 7 */
			} else if (*p == '/') {
				b = HI[f];  /* a/step: from a to the end */
			}
		}
		if (*p == '/') {
			long n = 0;
			const char *s = ++p;
			while (isdigit((unsigned char)*p) && n < 1000)
				n = n * 10 + (*p++ - '0');
			if (p == s || *p || n < 1 || n > HI[f]) {
				rc = kam_usagef(e, "cron expression '%s': field '%s': step '%s' is not a number from "
						"1 to %d", expr, FIELD[f], s, HI[f]);
				break;
			}
			step = (int)n;
		}
		if (*p) {
			rc = kam_usagef(e, "cron expression '%s': field '%s': unexpected '%s' in '%s'", expr, FIELD[f],
					p, item);
			break;
		}
		for (int v = a; v <= b; v += step)
			*bits |= (uint64_t)1 << (f == 4 && v == 7 ? 0 : v);
	}
	if (rc == 0 && !*bits)
		rc = kam_usagef(e, "cron expression '%s': field '%s' is empty", expr, FIELD[f]);
	free(copy);
	return rc;
}

static const struct {
	const char *name, *expr;
} MACROS[] = {
	{"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
	{"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
	{"@hourly", "0 * * * *"},
};

static const int MDAYS[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}; /* at most */

int kam_cron_parse(struct kam_cron *c, const char *expr, kam_err *e)
{
	const char *p = expr;
	uint64_t bits[5];
	int f = 0;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '@') {
		size_t n = strcspn(p, " \t\n");
		for (size_t i = 0; i < sizeof MACROS / sizeof MACROS[0]; i++)
			if (strlen(MACROS[i].name) == n && strncasecmp(p, MACROS[i].name, n) == 0 &&
			    p[n + strspn(p + n, " \t\n")] == '\0')
				return kam_cron_parse(c, MACROS[i].expr, e);
		return kam_usagef(e, "cron expression '%s': unknown '%.*s' (@hourly, @daily, @weekly, @monthly, "
				  "@yearly)", expr, (int)n, p);
	}
	memset(c, 0, sizeof *c);
	while (*p) {
		size_t n = strcspn(p, " \t\n");
		if (f == 5)
			return kam_usagef(e, "cron expression '%s': more than 5 fields (minute hour day-of-month "
					  "month day-of-week)", expr);
		if (field(p, n, f, &bits[f], expr, e) < 0)
			return -1;
		if (f == 2)
			c->dom_star = *p == '*';
		if (f == 4)
			c->dow_star = *p == '*';
		f++;
		p += n;
		while (isspace((unsigned char)*p))
			p++;
	}
	if (f < 5)
		return kam_usagef(e, "cron expression '%s': %d field%s, need 5 (minute hour day-of-month month "
				  "day-of-week)", expr, f, f == 1 ? "" : "s");
	c->minute = bits[0], c->hour = (uint32_t)bits[1], c->dom = (uint32_t)bits[2];
	c->month = (uint16_t)bits[3], c->dow = (uint8_t)bits[4];
	/* A day of the month no month named has ("0 0 31 2 *") never comes: say so now. */
	if (!c->dom_star && c->dow_star) {
		int some = 0;
		for (int m = 1; m <= 12 && !some; m++)
			if (c->month & (1u << m))
				some = (c->dom & ((2u << MDAYS[m - 1]) - 2)) != 0;
		if (!some)
			return kam_usagef(e, "cron expression '%s': field 'day-of-month': no month named has "
					  "that day", expr);
	}
	return 0;
}

/* ---- calendar arithmetic ------------------------------------------------------------ */

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in(int y, int m)
{
	return m == 2 ? 28 + leap(y) : MDAYS[m - 1];
}

struct wall {
	int y, mon, d, h, min;
};

static int64_t wall_key(const struct wall *w)
{
	return ((((int64_t)w->y * 13 + w->mon) * 32 + w->d) * 24 + w->h) * 60 + w->min;
}

static int day_matches(const struct kam_cron *c, const struct wall *w)
{
	int wd = (int)((days_from_civil(w->y, w->mon, w->d) % 7 + 11) % 7); /* 1970-01-01: Thursday */
	int dom = (c->dom >> w->d) & 1, dow = (c->dow >> wd) & 1;
	if (c->dom_star || c->dow_star)
		return dom && dow;
	return dom || dow;
}

/* The first wall-clock minute at or after *w that c names, within limit_year. */
static int wall_next(const struct kam_cron *c, struct wall *w, int limit_year)
{
	while (w->y <= limit_year) {
		if (!(c->month & (1u << w->mon)) || w->d > days_in(w->y, w->mon)) {
			w->d = 1, w->h = 0, w->min = 0;
			if (++w->mon > 12)
				w->mon = 1, w->y++;
		} else if (!day_matches(c, w)) {
			w->d++, w->h = 0, w->min = 0;
		} else if (!(c->hour & (1u << w->h))) {
			w->min = 0;
			if (++w->h > 23)
				w->h = 0, w->d++;
		} else if (!(c->minute & ((uint64_t)1 << w->min))) {
			if (++w->min > 59) {
				w->min = 0;
				if (++w->h > 23)
					w->h = 0, w->d++;
			}
		} else {
			return 0;
		}
	}
	return -1;
}

/* ---- time zones --------------------------------------------------------------------- */

/* The zone is switched through TZ for a call and put back after. */
struct tz_saved {
	char *old;
	int had;
};

static int tz_push(const char *tz, struct tz_saved *s, kam_err *e)
{
	const char *old = getenv("TZ");
	s->had = old != NULL;
	s->old = old ? strdup(old) : NULL;
	if ((old && !s->old) || setenv("TZ", tz, 1) != 0) {
		free(s->old);
		return kam_errf(e, "time zone '%s': not enough memory", tz);
	}
	tzset();
	return 0;
}

static void tz_pop(struct tz_saved *s)
{
	if (s->had)
		setenv("TZ", s->old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(s->old);
}

static int wall_of(int64_t t, struct wall *w)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (!localtime_r(&tt, &tm))
		return -1;
	*w = (struct wall){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min};
	return 0;
}

/* The instant of wall-clock minute w in the current zone: its first occurrence, or the
 * end of the gap when the zone skips it. */
static int place(const struct wall *w, int64_t *t)
{
	int64_t cand[2], key = wall_key(w), best = 0;
	int found = 0;
	for (int dst = 0; dst < 2; dst++) {
		struct tm tm = {.tm_min = w->min, .tm_hour = w->h, .tm_mday = w->d, .tm_mon = w->mon - 1,
				.tm_year = w->y - 1900, .tm_isdst = dst};
		struct wall back;
		time_t tt = mktime(&tm);  /* -1 is also a time: the check below decides */
		cand[dst] = tt;
		if (wall_of(tt, &back) == 0 && wall_key(&back) == key && (!found || tt < best))
			best = tt, found = 1;
	}
	if (!found) {
		/* Skipped: the first instant whose wall clock is past w lies between the two
		 * readings of it (one offset puts it before the gap, the other after). */
		int64_t lo = cand[0] < cand[1] ? cand[0] : cand[1], hi = cand[0] ^ cand[1] ^ lo;
		struct wall x;
		if (wall_of(lo, &x) < 0 || wall_key(&x) >= key || wall_of(hi, &x) < 0 || wall_key(&x) <= key) {
			lo -= 86400, hi += 86400;  /* an odd zone: search a wider window */
			if (wall_of(lo, &x) < 0 || wall_key(&x) >= key || wall_of(hi, &x) < 0 || wall_key(&x) <= key)
				return -1;
		}
		while (hi - lo > 1) {
			int64_t mid = lo + (hi - lo) / 2;
			if (wall_of(mid, &x) < 0)
				return -1;
			if (wall_key(&x) > key)
				hi = mid;
			else
				lo = mid;
		}
		best = hi;
	}
	*t = best;
	return 0;
}

/* Placing fast: most minutes are at the offset of the one placed before, with no change
 * of offset in the four hours before them (no daylight-saving shift is longer), so they
 * are neither skipped nor repeated; two conversions check that, and anything else goes
 * the slow way.  glibc's mktime is costly (for instants past the zone's table it parses
 * the zone's rule string again on each of its conversions). */
struct placer {
	long off;
	int have;
};

static int place_fast(struct placer *p, const struct wall *w, int64_t *t)
{
	int64_t u = days_from_civil(w->y, w->mon, w->d) * 86400 + w->h * 3600 + w->min * 60;
	struct tm tm;
	time_t tt;
	if (p->have) {
		struct wall back;
		tt = (time_t)(u - p->off);
		if (localtime_r(&tt, &tm) && tm.tm_gmtoff == p->off) {
			back = (struct wall){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min};
			tt -= 4 * 3600;
			if (wall_key(&back) == wall_key(w) && localtime_r(&tt, &tm) && tm.tm_gmtoff == p->off) {
				*t = u - p->off;
				return 0;
			}
		}
	}
	if (place(w, t) < 0)
		return -1;
	tt = (time_t)*t;
	if (localtime_r(&tt, &tm))
		p->off = tm.tm_gmtoff, p->have = 1;
	return 0;
}

static void minute_on(struct wall *w)
{
	if (++w->min > 59) {
		w->min = 0;
		if (++w->h > 23)
			w->h = 0, w->d++;
	}
}

/* From wall-clock minute *w on, the first slot placed after `after` (*w is left at it). */
static int next_walk(const struct kam_cron *c, const char *tz, struct wall *w, struct placer *pl, int64_t after,
		     int64_t *next, kam_err *e)
{
	for (int limit = w->y + 50;;) {
		int64_t t;
		if (wall_next(c, w, limit) < 0)
			return kam_errf(e, "the cron expression names no time in the 50 years after that");
		if (place_fast(pl, w, &t) < 0)
			return kam_errf(e, "%04d-%02d-%02d %02d:%02d cannot be placed in zone '%s'", w->y, w->mon, w->d,
					w->h, w->min, tz);
		if (t > after) {
			*next = t;
			return 0;
		}
		minute_on(w);
	}
}

/* The first slot after `after` in the zone set now; -1 and e when none comes in 50 years.
 * It starts at after's own wall-clock minute: placing is monotone, so no earlier minute
 * can land after `after` (one in a gap already passed lands on the gap's end, one in a
 * repeat on its first occurrence, both not after `after`). */
static int next_here(const struct kam_cron *c, const char *tz, int64_t after, int64_t *next, kam_err *e)
{
	struct placer pl = {0, 0};
	struct wall w;
	if (wall_of(after, &w) < 0)
		return kam_errf(e, "time %lld cannot be read in zone '%s'", (long long)after, tz);
	return next_walk(c, tz, &w, &pl, after, next, e);
}

int kam_cron_next(const struct kam_cron *c, const char *tz, int64_t after, int64_t *next, kam_err *e)
{
	struct tz_saved saved;
	int rc;
	if (!kam_tz_valid(tz))
		return kam_errf(e, "time zone '%s' is not one tzdata knows", tz);
	if (tz_push(tz, &saved, e) < 0)
		return -1;
	rc = next_here(c, tz, after, next, e);
	tz_pop(&saved);
	return rc;
}

/* Counting, then (past max) the last slots found from close to `until`. */
static int span_here(const struct kam_cron *c, const char *tz, int64_t after, int64_t until, int max,
		     struct kam_cron_span *sp, kam_err *e)
{
	struct placer pl = {0, 0};
	struct wall w;
	int64_t t;
	memset(sp, 0, sizeof *sp);
	if (wall_of(after, &w) < 0)
		return kam_errf(e, "time %lld cannot be read in zone '%s'", (long long)after, tz);
	if (next_walk(c, tz, &w, &pl, after, &t, e) < 0)
		return -1;
	sp->first = t;
	while (t <= until && sp->count < max) {
		sp->prev = sp->last, sp->last = t;
		sp->count++;
		minute_on(&w);
		if (next_walk(c, tz, &w, &pl, t, &t, e) < 0)
			return -1;
	}
	if (t > until)
		return 0;
	sp->capped = 1;
	for (int64_t span = 86400;; span *= 2) {
		int64_t from = until - span > sp->last ? until - span : sp->last;
		if (next_here(c, tz, from, &t, e) < 0)
			return -1;
		if (t <= until || from == sp->last)
			break;
	}
	while (t <= until) {
		sp->prev = sp->last, sp->last = t;
		if (next_here(c, tz, t, &t, e) < 0)
			return -1;
	}
	return 0;
}

int kam_cron_span(const struct kam_cron *c, const char *tz, int64_t after, int64_t until, int max,
		  struct kam_cron_span *sp, kam_err *e)
{
	struct tz_saved saved;
	int rc;
	if (!kam_tz_valid(tz))
		return kam_errf(e, "time zone '%s' is not one tzdata knows", tz);
	if (tz_push(tz, &saved, e) < 0)
		return -1;
	rc = span_here(c, tz, after, until, max < 1 ? 1 : max, sp, e);
	tz_pop(&saved);
	return rc;
}

static const char *tzdir(void)
{
	const char *d = getenv("TZDIR");
	return d && *d ? d : "/usr/share/zoneinfo";
}

int kam_tz_valid(const char *name)
{
	char *path;
	char magic[4];
	FILE *f;
	int ok;
	if (!name || !*name || strlen(name) > 200 || name[0] == '/' || name[0] == '.' || strstr(name, ".."))
		return 0;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
			return 0;
	if (strcmp(name, "UTC") == 0)
		return 1;
	if (asprintf(&path, "%s/%s", tzdir(), name) < 0)
		return 0;
	f = fopen(path, "rb");
	free(path);
	if (!f)
		return 0;
	ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

void kam_tz_machine(char *buf, size_t size)
{
	const char *env = getenv("TZ");
	char link[4096];
	ssize_t n;
	FILE *f;
	if (env && kam_tz_valid(env[0] == ':' ? env + 1 : env)) {
		snprintf(buf, size, "%s", env[0] == ':' ? env + 1 : env);
		return;
	}
	if ((f = fopen("/etc/timezone", "r"))) {
		char line[256];
		if (fgets(line, sizeof line, f)) {
			line[strcspn(line, "\r\n")] = '\0';
			if (kam_tz_valid(line)) {
				fclose(f);
				snprintf(buf, size, "%s", line);
				return;
			}
		}
		fclose(f);
	}
	if ((n = readlink("/etc/localtime", link, sizeof link - 1)) > 0) {
		const char *z;
		link[n] = '\0';
		if ((z = strstr(link, "zoneinfo/")) && kam_tz_valid(z + 9)) {
			snprintf(buf, size, "%s", z + 9);
			return;
		}
	}
	snprintf(buf, size, "UTC");
}

/* ---- ISO 8601 ------------------------------------------------------------------------ */

static int digits(const char **p, int n, int *v)
{
	int x = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		x = x * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = x;
	return 0;
}

int kam_time_parse(const char *s, int64_t *t, kam_err *e)
{
	const char *p = s;
	int y, mon, d, h, min, sec = 0, oh = 0, om = 0, sign = 0;
	if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mon) < 0 || *p++ != '-' ||
	    digits(&p, 2, &d) < 0 || (*p != 'T' && *p != 't' && *p != ' ') || (p++, digits(&p, 2, &h)) < 0 ||
	    *p++ != ':' || digits(&p, 2, &min) < 0)
		goto bad;
	if (*p == ':' && (p++, digits(&p, 2, &sec)) < 0)
		goto bad;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh) < 0)
			goto bad;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om) < 0)
			goto bad;
	} else if (*p == '\0') {
		return kam_usagef(e, "time '%s' has no offset: add one (Z, +08:00)", s);
	}
	if (*p)
		goto bad;
	if (mon < 1 || mon > 12 || d < 1 || d > days_in(y, mon) || h > 23 || min > 59 || sec > 59 || oh > 23 ||
	    om > 59)
		return kam_usagef(e, "time '%s' is not a date and time that exists", s);
	*t = days_from_civil(y, mon, d) * 86400 + h * 3600 + min * 60 + sec - sign * (oh * 3600 + om * 60);
	return 0;
bad:
	return kam_usagef(e, "time '%s' is not ISO 8601 (like 2026-01-05T02:00:00+08:00 or 2026-01-04T18:00Z)", s);
}

int kam_time_format(int64_t t, const char *tz, char *buf, size_t size, char *abbr, size_t abbr_size,
		    kam_err *e)
{
	struct tz_saved saved;
	struct tm tm;
	time_t tt = (time_t)t;
	long off;
	if (!kam_tz_valid(tz))
		return kam_errf(e, "time zone '%s' is not one tzdata knows", tz);
	if (tz_push(tz, &saved, e) < 0)
		return -1;
	if (!localtime_r(&tt, &tm)) {
		tz_pop(&saved);
		return kam_errf(e, "time %lld cannot be read in zone '%s'", (long long)t, tz);
	}
	off = tm.tm_gmtoff;
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', labs(off) / 3600,
		 labs(off) % 3600 / 60);
	if (abbr)
		snprintf(abbr, abbr_size, "%s", tm.tm_zone ? tm.tm_zone : "");
	tz_pop(&saved);
	return 0;
}

void kam_time_utc(int64_t t, char *buf, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (!gmtime_r(&tt, &tm)) {
		snprintf(buf, size, "%lld", (long long)t);
		return;
	}
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec);
}
