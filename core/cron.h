/* Cron expressions and time zones (Base layer: no database, no Lua).
 *
 * Owns: parsing a 5-field cron expression (lists, ranges, steps, month and weekday names,
 * @hourly/@daily/@weekly/@monthly/@yearly), the next slot of one in a named time zone,
 * ISO 8601 instants, and the check of a zone name against tzdata.
 *
 * Promises: instants are Unix seconds (int64); a zone is a tzdata name ("Asia/Shanghai",
 * "UTC") checked by kam_tz_valid before use.  Day-of-month and day-of-week follow cron's
 * rule: when both are restricted (neither starts with '*'), a day matching either one
 * matches; otherwise both must match.  Across daylight-saving changes a slot runs once:
 * one in a skipped hour at the first minute after the gap, one in a repeated hour at its
 * first occurrence.  The zone is switched through TZ for the call and restored after:
 * not for use from two threads at once. */
#ifndef KAM_CRON_H
#define KAM_CRON_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct kam_cron {
	uint64_t minute;    /* bit m: minute m, 0-59 */
	uint32_t hour;      /* bit h: hour h, 0-23 */
	uint32_t dom;       /* bit d: day d of the month, 1-31 */
	uint16_t month;     /* bit m: month m, 1-12 */
	uint8_t dow;        /* bit d: weekday d, 0-6, 0 = Sunday */
	int dom_star, dow_star; /* the field started with '*' (cron's rule for the OR) */
};

/* Parse expr; -1 and a usage error naming the field ("field 'minute': '61' is out of
 * range 0-59") when it is not one. */
int kam_cron_parse(struct kam_cron *c, const char *expr, kam_err *e);

/* The first slot of c strictly after `after`, in zone tz, into *next; -1 and e when none
 * comes within 50 years or the zone cannot be used. */
int kam_cron_next(const struct kam_cron *c, const char *tz, int64_t after, int64_t *next, kam_err *e);

/* The slots of c in (after, until]: count (counting stops at max, then capped is set),
 * the first (which may lie after until: then count is 0), the last, and the one before
 * the last (0 when fewer than two).  One switch of the zone for the whole walk. */
struct kam_cron_span {
	int count, capped;
	int64_t first, last, prev;
};
int kam_cron_span(const struct kam_cron *c, const char *tz, int64_t after, int64_t until, int max,
		  struct kam_cron_span *sp, kam_err *e);

/* Nonzero when name is a zone tzdata holds (a TZif file under $TZDIR or
 * /usr/share/zoneinfo), or "UTC". */
int kam_tz_valid(const char *name);
/* The machine's zone: $TZ when it names a valid zone, else /etc/timezone, else where
 * /etc/localtime points, else "UTC". */
void kam_tz_machine(char *buf, size_t size);

/* An ISO 8601 instant with its offset: 2026-01-05T02:00:00+08:00, 2026-01-05T02:00Z,
 * seconds optional, 'T' or a space; -1 and a usage error naming what is wrong. */
int kam_time_parse(const char *s, int64_t *t, kam_err *e);
/* t as local time in tz, ISO 8601 with its offset ("2026-01-05T02:00:00+08:00"); the
 * zone's abbreviation ("CST") into abbr when not NULL.  buf needs 32 bytes, abbr 16. */
int kam_time_format(int64_t t, const char *tz, char *buf, size_t size, char *abbr, size_t abbr_size,
		    kam_err *e);
/* t in UTC, "2026-01-04T18:00:00Z" (buf of 32 bytes). */
void kam_time_utc(int64_t t, char *buf, size_t size);

#endif
