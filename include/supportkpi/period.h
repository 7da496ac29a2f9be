/* period — the reporting periods of `--period` and `--from/--to`, resolved to local dates.
 *
 * A period is a half-open range of local calendar days [from, to) in the database's time
 * zone.  Its bounds are also kept as "YYYY-MM-DD" text, which compares correctly with the
 * stored local wall-clock text "YYYY-MM-DD HH:MM:SS":
 *     created_at >= from AND created_at < to
 * holds exactly for the timestamps on the days from .. to-1.
 *
 * Accepted specifications (period_parse):
 *     2026-10        a month
 *     2026-Q3        a quarter (Q1 = January to March; q3 is accepted too)
 *     2026           a year
 *     this-month, last-month, this-quarter, last-quarter, this-year, last-year
 *                    relative to `today` (a local day the caller computes, see period_today)
 * and with period_from_to, two dates YYYY-MM-DD, the second excluded.
 * Years run from 1900 to 9999.
 *
 * Everything here is plain values: no allocation, nothing to free. */
#ifndef SUPPORTKPI_PERIOD_H
#define SUPPORTKPI_PERIOD_H

#include <stdint.h>

#include "supportkpi/err.h"
#include "supportkpi/tz.h"

typedef enum period_kind {
	PERIOD_MONTH,
	PERIOD_QUARTER,
	PERIOD_YEAR,
	PERIOD_RANGE         /* --from/--to */
} period_kind;

typedef struct skpi_period {
	period_kind kind;
	int64_t from_day;    /* first day, days since 1970-01-01 (local calendar) */
	int64_t to_day;      /* first day after the period */
	char from[11];       /* from_day as "YYYY-MM-DD" (included) */
	char to[11];         /* to_day as "YYYY-MM-DD" (excluded) */
	char label[32];      /* "2026-10", "2026-Q3", "2026", "2026-09-01..2026-09-14" (the days
	                      * included: --from 2026-09-01 --to 2026-09-15), "2026-09-01" */
} skpi_period;

/* Parse spec (see above) into *p.  today is the local day that "this-"/"last-" refer to.
 * An unknown or impossible spec returns SKPI_ERR_USAGE with the value in d. */
skpi_err period_parse(const char *spec, int64_t today, skpi_period *p, skpi_diag *d);

/* The range [from, to) given as two local dates YYYY-MM-DD; to must be after from.
 * SKPI_ERR_USAGE otherwise. */
skpi_err period_from_to(const char *from, const char *to, skpi_period *p, skpi_diag *d);

/* The period n periods later (n < 0: earlier) of the same kind: months for a month,
 * quarters, years, and for a range the same number of days.  Used for the previous period
 * (n = -1) in comparisons and for 12-month trends. */
void period_shift(const skpi_period *p, int n, skpi_period *out);

/* period_shift(p, -1, out). */
void period_previous(const skpi_period *p, skpi_period *out);

/* The local day (days since 1970-01-01) in zone tz at instant now (Unix seconds). */
int64_t period_today(const skpi_tz *tz, int64_t now);

/* Parse a local time "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS" (a 'T' may
 * stand for the space) in zone tz into Unix seconds; a date alone means its midnight.
 * "now" gives now.  SKPI_ERR_USAGE when it is not such a time.  what names the option in
 * the message (e.g. "--as-of"). */
skpi_err period_parse_time(const char *s, const skpi_tz *tz, int64_t now, const char *what,
			   int64_t *ts, skpi_diag *d);

#endif
