/* period — reporting periods resolved to local dates (see period.h). */
#include <stdio.h>
#include <string.h>

#include "supportkpi/period.h"

#define PERIOD_HINT "give YYYY-MM, YYYY-Qn, YYYY, this-month, last-month, this-quarter, " \
	"last-quarter, this-year, last-year, or --from DATE --to DATE"

/* Read exactly n decimal digits at s into *v; 1 on success. */
static int digits(const char *s, int n, int *v)
{
	int x = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 1;
}

static void day_text(int64_t day, char buf[11])
{
	int y, m, d;

	skpi_civil_from_days(day, &y, &m, &d);
	snprintf(buf, 11, "%04d-%02d-%02d", y, m, d);
}

/* Months since year 0, so that month arithmetic is integer arithmetic. */
static long month_index(int y, int m)
{
	return (long)y * 12 + (m - 1);
}

static int64_t month_start(long idx)
{
	long y = idx / 12, m = idx % 12 + 1;

	return skpi_days_from_civil((int)y, (int)m, 1);
}

/* Fill p for a period of `months` months starting at month index idx. */
static void set_months(skpi_period *p, period_kind kind, long idx)
{
	long span = kind == PERIOD_MONTH ? 1 : kind == PERIOD_QUARTER ? 3 : 12;
	int y = (int)(idx / 12), m = (int)(idx % 12 + 1);

	p->kind = kind;
	p->from_day = month_start(idx);
	p->to_day = month_start(idx + span);
	day_text(p->from_day, p->from);
	day_text(p->to_day, p->to);
	if (kind == PERIOD_MONTH)
		snprintf(p->label, sizeof p->label, "%04d-%02d", y, m);
	else if (kind == PERIOD_QUARTER)
		snprintf(p->label, sizeof p->label, "%04d-Q%d", y, (m - 1) / 3 + 1);
	else
		snprintf(p->label, sizeof p->label, "%04d", y);
}

static void set_range(skpi_period *p, int64_t from, int64_t to)
{
	p->kind = PERIOD_RANGE;
	p->from_day = from;
	p->to_day = to;
	day_text(from, p->from);
	day_text(to, p->to);
	/* for people the last day is the one included (as in a holiday range FROM..TO), not
	 * the excluded end that --to names */
	if (to - from == 1) {
		snprintf(p->label, sizeof p->label, "%s", p->from);
	} else {
		char last[11];

		day_text(to - 1, last);
		snprintf(p->label, sizeof p->label, "%s..%s", p->from, last);
	}
}

static int year_ok(int y)
{
	return y >= 1900 && y <= 9999;
}

static skpi_err bad_period(const char *spec, skpi_diag *d, const char *why)
{
	skpi_diag_set(d, SKPI_ERR_USAGE, NULL, 0, "period '%s' %s", spec, why);
	skpi_diag_value(d, "--period", spec, strlen(spec));
	skpi_diag_hint(d, PERIOD_HINT);
	return SKPI_ERR_USAGE;
}

skpi_err period_parse(const char *spec, int64_t today, skpi_period *p, skpi_diag *d)
{
	size_t n;
	int y, m, q;
	int ty, tm, td;

	if (!spec)
		return bad_period("", d, "is empty");
	n = strlen(spec);
	skpi_civil_from_days(today, &ty, &tm, &td);
	if (strcmp(spec, "this-month") == 0 || strcmp(spec, "last-month") == 0) {
		set_months(p, PERIOD_MONTH, month_index(ty, tm) - (spec[0] == 'l'));
		return SKPI_OK;
	}
	if (strcmp(spec, "this-quarter") == 0 || strcmp(spec, "last-quarter") == 0) {
		long qi = month_index(ty, tm - (tm - 1) % 3);

		set_months(p, PERIOD_QUARTER, qi - (spec[0] == 'l' ? 3 : 0));
		return SKPI_OK;
	}
	if (strcmp(spec, "this-year") == 0 || strcmp(spec, "last-year") == 0) {
		set_months(p, PERIOD_YEAR, month_index(ty - (spec[0] == 'l'), 1));
		return SKPI_OK;
	}
	if (n == 4 && digits(spec, 4, &y)) {
		if (!year_ok(y))
			return bad_period(spec, d, "is outside the years 1900-9999");
		set_months(p, PERIOD_YEAR, month_index(y, 1));
		return SKPI_OK;
	}
	if (n == 7 && digits(spec, 4, &y) && spec[4] == '-' && digits(spec + 5, 2, &m)) {
		if (!year_ok(y))
			return bad_period(spec, d, "is outside the years 1900-9999");
		if (m < 1 || m > 12)
			return bad_period(spec, d, "has no such month");
		set_months(p, PERIOD_MONTH, month_index(y, m));
		return SKPI_OK;
	}
	if (n == 7 && digits(spec, 4, &y) && spec[4] == '-' && (spec[5] == 'Q' || spec[5] == 'q') &&
	    digits(spec + 6, 1, &q)) {
		if (!year_ok(y))
			return bad_period(spec, d, "is outside the years 1900-9999");
		if (q < 1 || q > 4)
			return bad_period(spec, d, "has no such quarter (Q1 to Q4)");
		set_months(p, PERIOD_QUARTER, month_index(y, (q - 1) * 3 + 1));
		return SKPI_OK;
	}
	return bad_period(spec, d, "is not a period");
}

/* "YYYY-MM-DD" -> day number; 1 on success */
static int parse_date(const char *s, size_t n, int64_t *day)
{
	int y, m, dd;

	if (n != 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
	    !digits(s + 8, 2, &dd) || !year_ok(y) || !skpi_valid_date(y, m, dd))
		return 0;
	*day = skpi_days_from_civil(y, m, dd);
	return 1;
}

skpi_err period_from_to(const char *from, const char *to, skpi_period *p, skpi_diag *d)
{
	int64_t a, b;

	if (!from || !parse_date(from, strlen(from), &a)) {
		skpi_diag_set(d, SKPI_ERR_USAGE, NULL, 0, "--from '%s' is not a date", from ? from : "");
		skpi_diag_hint(d, "give a local date YYYY-MM-DD; the period runs from --from up to, not including, --to");
		return SKPI_ERR_USAGE;
	}
	if (!to || !parse_date(to, strlen(to), &b)) {
		skpi_diag_set(d, SKPI_ERR_USAGE, NULL, 0, "--to '%s' is not a date", to ? to : "");
		skpi_diag_hint(d, "give a local date YYYY-MM-DD; the period runs from --from up to, not including, --to");
		return SKPI_ERR_USAGE;
	}
	if (b <= a) {
		skpi_diag_set(d, SKPI_ERR_USAGE, NULL, 0, "--to '%s' is not after --from '%s'", to, from);
		skpi_diag_hint(d, "--to is excluded: for the single day %s give --to the day after", from);
		return SKPI_ERR_USAGE;
	}
	set_range(p, a, b);
	return SKPI_OK;
}

void period_shift(const skpi_period *p, int n, skpi_period *out)
{
	int y, m, dd;
	long span;

	if (p->kind == PERIOD_RANGE) {
		int64_t len = p->to_day - p->from_day;

		set_range(out, p->from_day + (int64_t)n * len, p->to_day + (int64_t)n * len);
		return;
	}
	span = p->kind == PERIOD_MONTH ? 1 : p->kind == PERIOD_QUARTER ? 3 : 12;
	skpi_civil_from_days(p->from_day, &y, &m, &dd);
	set_months(out, p->kind, month_index(y, m) + (long)n * span);
}

void period_previous(const skpi_period *p, skpi_period *out)
{
	period_shift(p, -1, out);
}

int64_t period_today(const skpi_tz *tz, int64_t now)
{
	int64_t wall = skpi_tz_to_wall(tz, now);

	/* floor division: walls before 1970 are negative */
	return wall >= 0 ? wall / 86400 : -((-wall + 86399) / 86400);
}

skpi_err period_parse_time(const char *s, const skpi_tz *tz, int64_t now, const char *what,
			   int64_t *ts, skpi_diag *d)
{
	size_t n = s ? strlen(s) : 0;
	int64_t day;
	int hh = 0, mm = 0, ss = 0;

	if (s && strcmp(s, "now") == 0) {
		*ts = now;
		return SKPI_OK;
	}
	if (n < 10 || !parse_date(s, 10, &day))
		goto bad;
	if (n > 10) {
		if ((s[10] != ' ' && s[10] != 'T') || n < 16 || !digits(s + 11, 2, &hh) ||
		    s[13] != ':' || !digits(s + 14, 2, &mm))
			goto bad;
		if (n > 16 && (n != 19 || s[16] != ':' || !digits(s + 17, 2, &ss)))
			goto bad;
		if (hh > 23 || mm > 59 || ss > 59)
			goto bad;
	}
	*ts = skpi_tz_from_wall(tz, day * 86400 + hh * 3600 + mm * 60 + ss, NULL);
	return SKPI_OK;
bad:
	skpi_diag_set(d, SKPI_ERR_USAGE, NULL, 0, "%s '%s' is not a local time", what, s ? s : "");
	skpi_diag_hint(d, "give YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS in the "
		       "configured time zone, or 'now'");
	return SKPI_ERR_USAGE;
}
