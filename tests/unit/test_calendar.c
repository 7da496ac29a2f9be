/* test_calendar — working days, split hours, holidays, extra working days and business
 * seconds across DST changes.
 *
 * The zones are written by the test as footer-only TZif files (today's rules, the same
 * as tzdata's for 2026), so the results do not depend on the system's tzdata:
 *   Test/Berlin    CET-1CEST,M3.5.0,M10.5.0/3   (2026: summer time 03-29 01:00 UTC to
 *                                                10-25 01:00 UTC)
 *   Test/Shanghai  CST-8
 * Instants are written as the local time and its UTC offset in hours, worked out by hand
 * (+1 in winter, +2 in summer for Berlin), and converted with glibc's timegm, so that the
 * expected values do not go through lib/tz.c.  Weekdays of the dates used (checked against
 * a printed calendar): 2026-03-02 Mon, 03-06 Fri, 03-27 Fri, 03-29 Sun, 04-02 Thu,
 * 04-03 Fri, 04-06 Mon, 10-09 Fri, 10-10 Sat, 10-25 Sun, 09-25 Fri, 09-27 Sun. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "supportkpi/calendar.h"
#include "supportkpi/tz.h"
#include "unit.h"

#define H 3600
#define MIN 60

static char tmpdir[64];
static skpi_tz *berlin, *shanghai;

/* ---- helpers ---- */

/* The instant of local time y-mo-d h:mi in a zone that is off hours east of UTC. */
static int64_t at(int y, int mo, int d, int h, int mi, int off)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi };
	return (int64_t)timegm(&tm) - (int64_t)off * H;
}

static unsigned char *put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return p + 4;
}

/* A TZif header and a data block with no transitions and one local time type. */
static unsigned char *tzif_block(unsigned char *p, int32_t off)
{
	memcpy(p, "TZif2", 5);
	memset(p + 5, 0, 15);
	p += 20;
	p = put32(p, 0);   /* isutcnt */
	p = put32(p, 0);   /* isstdcnt */
	p = put32(p, 0);   /* leapcnt */
	p = put32(p, 0);   /* timecnt */
	p = put32(p, 1);   /* typecnt */
	p = put32(p, 4);   /* charcnt */
	p = put32(p, (uint32_t)off);
	*p++ = 0;          /* isdst */
	*p++ = 0;          /* abbreviation index */
	memcpy(p, "ZZZ", 4);
	return p + 4;
}

static void write_zone(const char *name, int32_t off, const char *footer)
{
	unsigned char buf[512], *p = buf;
	char path[256];
	FILE *fp;

	p = tzif_block(p, off);
	p = tzif_block(p, off);
	*p++ = '\n';
	memcpy(p, footer, strlen(footer));
	p += strlen(footer);
	*p++ = '\n';
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	fp = fopen(path, "wb");
	CHECK(fp != NULL);
	if (!fp)
		return;
	fwrite(buf, 1, (size_t)(p - buf), fp);
	fclose(fp);
}

/* A calendar from "key=value" strings (NULL-terminated), in zone tz (may be NULL). */
static skpi_cal *make(const skpi_tz *tz, const char *const *kv)
{
	skpi_cal *cal = NULL;
	skpi_diag d;

	CHECK_INT(cal_new(&cal), SKPI_OK);
	if (!cal)
		return NULL;
	cal_set_zone(cal, tz);
	for (; kv && *kv; kv++) {
		char key[64];
		const char *eq = strchr(*kv, '=');
		size_t n = (size_t)(eq - *kv);

		memcpy(key, *kv, n);
		key[n] = '\0';
		if (cal_set(cal, key, eq + 1, &d) != SKPI_OK) {
			unit_fail(__FILE__, __LINE__, d.msg);
		}
	}
	return cal;
}

/* cal_set's error for key = value: the code, and the message in msg */
static skpi_err set_error(const char *key, const char *value, char *msg, size_t n)
{
	skpi_cal *cal = NULL;
	skpi_diag d;
	skpi_err e;

	skpi_diag_clear(&d);
	cal_new(&cal);
	e = cal_set(cal, key, value, &d);
	snprintf(msg, n, "%s", d.msg);
	cal_free(cal);
	return e;
}

/* Brute force: count the minutes in [from, to) whose local wall time falls on a worked day
 * inside the hours given as (start, end) minute pairs.  Independent of the piecewise
 * counting in lib/calendar.c; used on minute-aligned spans. */
static int64_t oracle(const skpi_cal *cal, const skpi_tz *tz, const int *spans, int nspans,
		      int64_t from, int64_t to)
{
	int64_t t, sum = 0;
	int i;

	for (t = from; t < to; t += MIN) {
		int64_t wall = tz ? skpi_tz_to_wall(tz, t) : t;
		int64_t day = wall >= 0 ? wall / 86400 : -((-wall + 86399) / 86400);
		int64_t m = (wall - day * 86400) / MIN;

		if (!cal_is_workday(cal, day))
			continue;
		for (i = 0; i < nspans; i++)
			if (m >= spans[2 * i] && m < spans[2 * i + 1])
				sum += MIN;
	}
	return sum;
}

/* CHECK_STR for a diagnostic's message (long buffers) */
#define CHECK_MSG(got, want) check_msg((got), (want), __LINE__)
static void check_msg(const char *got, const char *want, int line)
{
	char m[600];

	if (strcmp(got, want) == 0)
		return;
	snprintf(m, sizeof m, "message \"%.250s\", want \"%.250s\"", got, want);
	unit_fail(__FILE__, line, m);
}

/* ---- tests ---- */

TEST(defaults_are_mon_to_fri_nine_to_five)
{
	skpi_cal *cal = make(NULL, NULL);

	if (!cal)
		return;
	CHECK_INT(cal_day_seconds(cal), 8 * H);
	/* 1970-01-01 was a Thursday: days 0 Thu, 2 Sat, 3 Sun, 4 Mon */
	CHECK_INT(cal_is_workday(cal, 0), 1);
	CHECK_INT(cal_is_workday(cal, 2), 0);
	CHECK_INT(cal_is_workday(cal, 3), 0);
	CHECK_INT(cal_is_workday(cal, 4), 1);
	/* UTC: Mon 2026-03-02 08:00 to 18:00 is 09:00-17:00 = 8 h */
	CHECK_INT(cal_business_seconds(cal, at(2026, 3, 2, 8, 0, 0), at(2026, 3, 2, 18, 0, 0)), 8 * H);
	cal_free(cal);
}

TEST(empty_and_reversed_spans_are_zero)
{
	skpi_cal *cal = make(berlin, NULL);
	int64_t t = at(2026, 3, 2, 10, 0, 1);

	if (!cal)
		return;
	CHECK_INT(cal_business_seconds(cal, t, t), 0);
	CHECK_INT(cal_business_seconds(cal, t + H, t), 0);
	CHECK_INT(cal_business_seconds(cal, t, t + 1), 1);
	cal_free(cal);
}

TEST(one_week_is_five_working_days)
{
	skpi_cal *cal = make(berlin, NULL);

	if (!cal)
		return;
	/* Mon 2026-03-02 00:00 to Mon 03-09 00:00 (winter, +1): 5 x 8 h */
	CHECK_INT(cal_business_seconds(cal, at(2026, 3, 2, 0, 0, 1), at(2026, 3, 9, 0, 0, 1)),
		  5 * 8 * H);
	cal_free(cal);
}

TEST(times_before_after_and_between_working_hours)
{
	static const char *const kv[] = { "hours=08:30-12:00, 13:30-17:30", NULL };
	skpi_cal *plain = make(berlin, NULL), *split = make(berlin, kv);

	if (!plain || !split)
		goto out;
	/* before: Mon 07:00 to 10:30 counts 09:00-10:30 = 1.5 h */
	CHECK_INT(cal_business_seconds(plain, at(2026, 3, 2, 7, 0, 1), at(2026, 3, 2, 10, 30, 1)),
		  90 * MIN);
	/* after: Mon 18:00 to Tue 09:45 counts Tue 09:00-09:45 */
	CHECK_INT(cal_business_seconds(plain, at(2026, 3, 2, 18, 0, 1), at(2026, 3, 3, 9, 45, 1)),
		  45 * MIN);
	/* both outside, same evening: nothing */
	CHECK_INT(cal_business_seconds(plain, at(2026, 3, 2, 17, 0, 1), at(2026, 3, 2, 23, 0, 1)), 0);
	/* split hours: 3.5 h + 4 h a day */
	CHECK_INT(cal_day_seconds(split), 7 * H + 30 * MIN);
	/* in the lunch break: 12:15 to 13:45 counts 13:30-13:45 */
	CHECK_INT(cal_business_seconds(split, at(2026, 3, 2, 12, 15, 1), at(2026, 3, 2, 13, 45, 1)),
		  15 * MIN);
	/* across it: 11:00-12:00 and 13:30-14:00 */
	CHECK_INT(cal_business_seconds(split, at(2026, 3, 2, 11, 0, 1), at(2026, 3, 2, 14, 0, 1)),
		  90 * MIN);
	/* both ends in the break: nothing */
	CHECK_INT(cal_business_seconds(split, at(2026, 3, 2, 12, 0, 1), at(2026, 3, 2, 13, 30, 1)), 0);
out:
	cal_free(plain);
	cal_free(split);
}

TEST(spans_over_a_weekend)
{
	skpi_cal *cal = make(berlin, NULL);

	if (!cal)
		return;
	/* Fri 03-06 16:00 to Mon 03-09 10:00: Fri 16-17 and Mon 9-10 */
	CHECK_INT(cal_business_seconds(cal, at(2026, 3, 6, 16, 0, 1), at(2026, 3, 9, 10, 0, 1)), 2 * H);
	/* created on Saturday, answered on Sunday: nothing */
	CHECK_INT(cal_business_seconds(cal, at(2026, 3, 7, 10, 0, 1), at(2026, 3, 8, 15, 0, 1)), 0);
	cal_free(cal);
}

TEST(holidays_are_not_worked)
{
	static const char *const kv[] = { "holidays=2026-04-03", "holidays=2026-04-06", NULL };
	skpi_cal *cal = make(berlin, kv);

	if (!cal)
		return;
	CHECK_INT(cal_is_workday(cal, skpi_days_from_civil(2026, 4, 2)), 1);
	CHECK_INT(cal_is_workday(cal, skpi_days_from_civil(2026, 4, 3)), 0);
	CHECK_INT(cal_is_workday(cal, skpi_days_from_civil(2026, 4, 6)), 0);
	/* Easter 2026 (summer time, +2): Thu 04-02 16:00 to Tue 04-07 10:00 = Thu 1 h + Tue 1 h */
	CHECK_INT(cal_business_seconds(cal, at(2026, 4, 2, 16, 0, 2), at(2026, 4, 7, 10, 0, 2)), 2 * H);
	cal_free(cal);
}

TEST(an_extra_working_saturday_is_worked)
{
	static const char *const kv[] = { "extra_working_days=2026-10-10", NULL };
	skpi_cal *cal = make(berlin, kv);

	if (!cal)
		return;
	CHECK_INT(cal_is_workday(cal, skpi_days_from_civil(2026, 10, 10)), 1);
	CHECK_INT(cal_is_workday(cal, skpi_days_from_civil(2026, 10, 11)), 0);
	/* Fri 10-09 16:00 to Mon 10-12 10:00 (+2): Fri 1 h + Sat 8 h + Mon 1 h */
	CHECK_INT(cal_business_seconds(cal, at(2026, 10, 9, 16, 0, 2), at(2026, 10, 12, 10, 0, 2)),
		  10 * H);
	cal_free(cal);
}

TEST(dst_changes_at_night_leave_the_hours_alone)
{
	skpi_cal *cal = make(berlin, NULL);

	if (!cal)
		return;
	/* Fri 03-27 09:00 CET (+1) to Mon 03-30 17:00 CEST (+2): two full days, 16 h.  Reading
	 * Monday with the winter offset would lose its last hour. */
	CHECK_INT(cal_business_seconds(cal, at(2026, 3, 27, 9, 0, 1), at(2026, 3, 30, 17, 0, 2)),
		  16 * H);
	/* Mon 03-30 09:00 CEST is 07:00 UTC: an hour from 07:00 UTC is an hour of work */
	CHECK_INT(cal_business_seconds(cal, at(2026, 3, 30, 7, 0, 0), at(2026, 3, 30, 8, 0, 0)), H);
	/* autumn: Fri 10-23 16:00 CEST (+2) to Mon 10-26 10:00 CET (+1): 2 h */
	CHECK_INT(cal_business_seconds(cal, at(2026, 10, 23, 16, 0, 2), at(2026, 10, 26, 10, 0, 1)),
		  2 * H);
	/* four weeks across the spring change: Mon 03-02 00:00 (+1) to Mon 03-30 00:00 (+2) */
	CHECK_INT(cal_business_seconds(cal, at(2026, 3, 2, 0, 0, 1), at(2026, 3, 30, 0, 0, 2)),
		  20 * 8 * H);
	cal_free(cal);
}

TEST(dst_changes_inside_the_hours_change_the_day)
{
	static const char *const all[] = { "working_days=mon-sun", "hours=00:00-24:00", NULL };
	static const char *const night[] = { "extra_working_days=2026-03-29, 2026-10-25",
					     "hours=01:00-04:00", NULL };
	skpi_cal *c24 = make(berlin, all), *cn = make(berlin, night);

	if (!c24 || !cn)
		goto out;
	CHECK_INT(cal_day_seconds(c24), 24 * H);
	/* Sun 03-29: 00:00 CET (+1) to Mon 00:00 CEST (+2) is a 23-hour day */
	CHECK_INT(cal_business_seconds(c24, at(2026, 3, 29, 0, 0, 1), at(2026, 3, 30, 0, 0, 2)),
		  23 * H);
	/* Sun 10-25: 00:00 CEST (+2) to Mon 00:00 CET (+1) is a 25-hour day */
	CHECK_INT(cal_business_seconds(c24, at(2026, 10, 25, 0, 0, 2), at(2026, 10, 26, 0, 0, 1)),
		  25 * H);
	/* 01:00-04:00 on 03-29: 01:00-02:00 CET, then the clock jumps to 03:00 CEST: 2 h */
	CHECK_INT(cal_business_seconds(cn, at(2026, 3, 29, 0, 0, 1), at(2026, 3, 30, 0, 0, 2)),
		  2 * H);
	/* 01:00-04:00 on 10-25: 01:00-03:00 CEST, then 02:00-04:00 CET again: 4 h */
	CHECK_INT(cal_business_seconds(cn, at(2026, 10, 25, 0, 0, 2), at(2026, 10, 26, 0, 0, 1)),
		  4 * H);
	/* only the second 02:00-03:00 (CET, 01:00-02:00 UTC) */
	CHECK_INT(cal_business_seconds(cn, at(2026, 10, 25, 2, 0, 1), at(2026, 10, 25, 3, 0, 1)), H);
out:
	cal_free(c24);
	cal_free(cn);
}

TEST(hours_may_end_at_midnight)
{
	static const char *const kv[] = { "hours=20:00-24:00", NULL };
	skpi_cal *cal = make(berlin, kv);

	if (!cal)
		return;
	CHECK_INT(cal_day_seconds(cal), 4 * H);
	/* Mon 22:00 to Tue 21:00: Mon 22-24 and Tue 20-21 */
	CHECK_INT(cal_business_seconds(cal, at(2026, 3, 2, 22, 0, 1), at(2026, 3, 3, 21, 0, 1)), 3 * H);
	/* Fri 23:00 to Mon 21:00: Fri 23-24, Mon 20-21 */
	CHECK_INT(cal_business_seconds(cal, at(2026, 3, 6, 23, 0, 1), at(2026, 3, 9, 21, 0, 1)), 2 * H);
	cal_free(cal);
}

TEST(a_year_with_german_holidays)
{
	/* 2026 has 365 days from a Thursday: 52 weeks and one Thursday, 261 weekdays.  Of the
	 * holidays below, 10-03 and 12-26 fall on a Saturday, leaving 7 on weekdays: 254 days. */
	static const char *const kv[] = {
		"holidays=2026-01-01, 2026-04-03, 2026-04-06, 2026-05-01, 2026-05-14",
		"holidays=2026-05-25, 2026-10-03, 2026-12-25, 2026-12-26", NULL };
	skpi_cal *cal = make(berlin, kv);
	int64_t from = at(2026, 1, 1, 0, 0, 1), to = at(2027, 1, 1, 0, 0, 1);

	if (!cal)
		return;
	CHECK_INT(cal_business_seconds(cal, from, to), 254 * 8 * H);
	cal_free(cal);
}

TEST(golden_week_in_shanghai)
{
	/* 2026-09-25 (Fri) to 10-12 (Mon) 00:00 CST (+8): Sep 25, Sun 27 (extra), 28, 29, 30,
	 * Oct 1-7 off, 8, 9, Sat 10 (extra): 8 days of 3 h + 5 h */
	static const char *const kv[] = { "hours=09:00-12:00,13:00-18:00",
					  "holidays=2026-10-01..2026-10-07",
					  "extra_working_days=2026-09-27, 2026-10-10", NULL };
	skpi_cal *cal = make(shanghai, kv);

	if (!cal)
		return;
	CHECK_INT(cal_business_seconds(cal, at(2026, 9, 25, 0, 0, 8), at(2026, 10, 12, 0, 0, 8)),
		  8 * 8 * H);
	/* created 30 Sep 17:00, answered 8 Oct 09:30: 1 h + 30 min */
	CHECK_INT(cal_business_seconds(cal, at(2026, 9, 30, 17, 0, 8), at(2026, 10, 8, 9, 30, 8)),
		  90 * MIN);
	cal_free(cal);
}

TEST(long_spans_add_up)
{
	static const char *const kv[] = { "hours=08:30-12:00, 13:30-17:30",
					  "holidays=2026-12-24..2027-01-01",
					  "extra_working_days=2027-01-02", NULL };
	skpi_cal *cal = make(berlin, kv);
	int64_t a = at(1990, 5, 17, 11, 7, 2), b = at(2026, 12, 30, 10, 0, 1);
	int64_t c = at(2090, 2, 3, 15, 45, 1), whole, lo, hi;

	if (!cal)
		return;
	whole = cal_business_seconds(cal, a, c);
	CHECK_INT(whole, cal_business_seconds(cal, a, b) + cal_business_seconds(cal, b, c));
	/* a hundred years have between 49 and 53 weeks of 5 days a year */
	lo = (int64_t)99 * 49 * 5 * cal_day_seconds(cal);
	hi = (int64_t)100 * 53 * 5 * cal_day_seconds(cal);
	CHECK(whole > lo && whole < hi);
	/* the largest span there is: instants are clamped to the years 0001-9999 */
	CHECK_INT(cal_business_seconds(cal, INT64_MIN, INT64_MAX),
		  cal_business_seconds(cal, at(1, 1, 1, 0, 0, 0), at(10000, 1, 1, 0, 0, 0)));
	CHECK(cal_business_seconds(cal, INT64_MIN, INT64_MAX) > 9000 * 49 * 5 * cal_day_seconds(cal));
	cal_free(cal);
}

/* Every boundary is minute-aligned, so counting minutes is exact: compare random spans in
 * 2026, crossing both DST changes, with the brute force. */
TEST(random_spans_match_minute_counting)
{
	static const char *const kv[] = { "working_days=mon-fri, sun",
					  "hours=00:00-01:30, 02:15-02:45, 08:30-12:00, 13:30-24:00",
					  "holidays=2026-03-27, 2026-10-26",
					  "extra_working_days=2026-03-28", NULL };
	static const int spans[] = { 0, 90, 135, 165, 510, 720, 810, 1440 };
	skpi_cal *cal = make(berlin, kv);
	int64_t base[2] = { at(2026, 3, 20, 0, 0, 1), at(2026, 10, 18, 0, 0, 2) };
	unsigned seed = 12345;
	int i, bad = 0;

	if (!cal)
		return;
	for (i = 0; i < 400 && bad < 5; i++) {
		int64_t from, to, got, want;

		seed = seed * 1103515245u + 12345u;
		from = base[i % 2] + (int64_t)(seed >> 8) % (14 * 1440) * MIN;
		seed = seed * 1103515245u + 12345u;
		to = from + (int64_t)(seed >> 8) % (6 * 1440) * MIN;
		got = cal_business_seconds(cal, from, to);
		want = oracle(cal, berlin, spans, 4, from, to);
		if (got != want) {
			char m[128];

			snprintf(m, sizeof m, "span %lld..%lld: %lld, want %lld", (long long)from,
				 (long long)to, (long long)got, (long long)want);
			unit_fail(__FILE__, __LINE__, m);
			bad++;
		}
	}
	cal_free(cal);
}

TEST(repeated_keys_add_to_the_list)
{
	static const char *const kv[] = { "working_days=mon-wed", "working_days=Fri",
					  "hours=13:00-17:00", "hours=08:00-12:00", NULL };
	skpi_cal *cal = make(NULL, kv);
	int64_t mon = skpi_days_from_civil(2026, 3, 2);

	if (!cal)
		return;
	CHECK_INT(cal_is_workday(cal, mon), 1);
	CHECK_INT(cal_is_workday(cal, mon + 2), 1);
	CHECK_INT(cal_is_workday(cal, mon + 3), 0);   /* Thursday */
	CHECK_INT(cal_is_workday(cal, mon + 4), 1);
	CHECK_INT(cal_day_seconds(cal), 8 * H);
	/* Mon 07:00 to 14:00 UTC: 08-12 and 13-14 */
	CHECK_INT(cal_business_seconds(cal, at(2026, 3, 2, 7, 0, 0), at(2026, 3, 2, 14, 0, 0)), 5 * H);
	cal_free(cal);
}

TEST(weekday_ranges_may_wrap)
{
	static const char *const kv[] = { "working_days=sun - thu", NULL };
	skpi_cal *cal = make(NULL, kv);
	int64_t sun = skpi_days_from_civil(2026, 3, 1);

	if (!cal)
		return;
	CHECK_INT(cal_is_workday(cal, sun), 1);
	CHECK_INT(cal_is_workday(cal, sun + 4), 1);   /* Thursday */
	CHECK_INT(cal_is_workday(cal, sun + 5), 0);
	CHECK_INT(cal_is_workday(cal, sun + 6), 0);
	cal_free(cal);
}

TEST(bad_values_are_refused)
{
	static const struct { const char *key, *value, *msg; } bad[] = {
		{ "weekdays", "mon", "unknown key 'weekdays' in [calendar]" },
		{ "working_days", "monday", "working_days: 'monday' is not a day of the week" },
		{ "working_days", "mon-", "working_days: 'mon-' is not a day of the week" },
		{ "working_days", "", "working_days: no day of the week is given" },
		{ "hours", "9-17", "hours: '9-17' is not a range of hours" },
		{ "hours", "09:00", "hours: '09:00' is not a range of hours" },
		{ "hours", "09:60-17:00", "hours: '09:60-17:00' is not a range of hours" },
		{ "hours", "22:00-24:30", "hours: '22:00-24:30' is not a range of hours" },
		{ "hours", "24:00-24:00", "hours: '24:00-24:00' is not a range of hours" },
		{ "hours", "17:00-09:00", "hours: '17:00-09:00' does not end after it starts" },
		{ "hours", "10:00-10:00", "hours: '10:00-10:00' does not end after it starts" },
		{ "hours", "08:00-12:00, 11:30-17:00", "hours: 08:00-12:00 overlaps 11:30-17:00" },
		{ "hours", "", "hours: no working hours are given" },
		{ "holidays", "2026-02-29", "holidays: '2026-02-29' is not a date" },
		{ "holidays", "1.10.2026", "holidays: '1.10.2026' is not a date" },
		{ "holidays", "2026-10-07..2026-10-01",
		  "holidays: '2026-10-07..2026-10-01' ends before it starts" },
		{ "holidays", "2026-01-01..2027-01-02",
		  "holidays: '2026-01-01..2027-01-02' is longer than a year" },
		{ "extra_working_days", "2026-13-01", "extra_working_days: '2026-13-01' is not a date" },
	};
	char msg[768];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_INT(set_error(bad[i].key, bad[i].value, msg, sizeof msg), SKPI_ERR_CONFIG);
		CHECK_MSG(msg, bad[i].msg);
	}
}

TEST(a_day_cannot_be_both_holiday_and_extra)
{
	skpi_cal *cal = NULL;
	skpi_diag d;

	cal_new(&cal);
	if (!cal)
		return;
	CHECK_INT(cal_set(cal, "holidays", "2026-10-01..2026-10-03", &d), SKPI_OK);
	CHECK_INT(cal_set(cal, "extra_working_days", "2026-10-02", &d), SKPI_ERR_CONFIG);
	CHECK_MSG(d.msg, "extra_working_days: 2026-10-02 is also a holiday");
	CHECK(d.hint[0] != '\0');
	/* a failed key changes nothing */
	CHECK_INT(cal_is_workday(cal, skpi_days_from_civil(2026, 10, 2)), 0);
	CHECK_INT(cal_set(cal, "hours", "08:00-12:00, 12:00-12:00", &d), SKPI_ERR_CONFIG);
	CHECK_INT(cal_day_seconds(cal), 8 * H);
	cal_free(cal);
}

/* Random values made of the characters the keys use: each is accepted or refused with
 * SKPI_ERR_CONFIG and a message, never more; what is accepted keeps the calendar sound (a
 * day has at most 24 working hours, no span counts more than its length). */
TEST(random_values_are_accepted_or_refused_cleanly)
{
	static const char *const keys[] = { "working_days", "hours", "holidays",
					    "extra_working_days" };
	/* items of each key, right and wrong, put together at random */
	static const char *const items[4][10] = {
		{ "mon", "fri", "sun", "mon-fri", "sat-tue", "Wed", "monday", "mon-", "-", "" },
		{ "09:00-17:00", "00:00-24:00", "12:00-13:00", "8:30-12:00", "23:59-24:00",
		  "24:00-24:00", "17:00-09:00", "09:60-10:00", "9-17", "" },
		{ "2026-03-29", "2026-10-25", "2026-03-27..2026-04-02", "2024-02-29",
		  "2026-02-29", "2026-13-01", "2026-01-01..2027-01-01", "2026-01-01..2027-01-02",
		  "2026-04-02..2026-03-27", "" },
		{ "2026-03-28", "2026-03-29", "2026-03-25..2026-03-31", "2026-10-24", "2026-3-28",
		  "28.03.2026", "..", "2026-03-28..", "2026-03-28 ", "" },
	};
	unsigned seed = 777;
	int i, j, accepted = 0;

	for (i = 0; i < 4000; i++) {
		skpi_cal *cal = NULL;
		skpi_diag d;
		char value[256];
		size_t len = 0;
		int n, k = i % 4;
		skpi_err e;
		int64_t t0 = at(2026, 3, 23, 0, 0, 1), got;

		seed = seed * 1103515245u + 12345u;
		n = (int)((seed >> 16) % 4) + 1;
		for (j = 0; j < n; j++) {
			seed = seed * 1103515245u + 12345u;
			len += (size_t)snprintf(value + len, sizeof value - len, "%s%s", j ? ", " : "",
						items[k][(seed >> 16) % 10]);
		}
		value[len] = '\0';
		if (cal_new(&cal) != SKPI_OK)
			return;
		cal_set_zone(cal, berlin);
		e = cal_set(cal, keys[k], value, &d);
		if (e == SKPI_OK) {
			accepted++;
			CHECK(cal_day_seconds(cal) > 0 && cal_day_seconds(cal) <= 86400);
			/* the week of 2026-03-23 has a 23-hour Sunday */
			got = cal_business_seconds(cal, t0, t0 + 7 * 86400);
			CHECK(got >= 0 && got <= 7 * 86400 - 3600);
			CHECK(got <= 7 * cal_day_seconds(cal));
		} else {
			CHECK_INT(e, SKPI_ERR_CONFIG);
			CHECK(d.msg[0] != '\0');
		}
		cal_free(cal);
	}
	printf("# %d of 4000 random values accepted\n", accepted);
	CHECK(accepted > 0);
}

static skpi_tz *load(const char *name)
{
	skpi_tz *tz = NULL;
	skpi_diag d;

	if (skpi_tz_load(name, tmpdir, &tz, &d) != SKPI_OK)
		unit_fail(__FILE__, __LINE__, d.msg);
	return tz;
}

int main(void)
{
	char dir[128];
	int ok;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/skpi-cal-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dir, sizeof dir, "%s/Test", tmpdir);
	mkdir(dir, 0700);
	write_zone("Test/Berlin", 3600, "CET-1CEST,M3.5.0,M10.5.0/3");
	write_zone("Test/Shanghai", 8 * 3600, "CST-8");
	berlin = load("Test/Berlin");
	shanghai = load("Test/Shanghai");
	ok = berlin && shanghai;
	if (ok) {
		RUN(defaults_are_mon_to_fri_nine_to_five);
		RUN(empty_and_reversed_spans_are_zero);
		RUN(one_week_is_five_working_days);
		RUN(times_before_after_and_between_working_hours);
		RUN(spans_over_a_weekend);
		RUN(holidays_are_not_worked);
		RUN(an_extra_working_saturday_is_worked);
		RUN(dst_changes_at_night_leave_the_hours_alone);
		RUN(dst_changes_inside_the_hours_change_the_day);
		RUN(hours_may_end_at_midnight);
		RUN(a_year_with_german_holidays);
		RUN(golden_week_in_shanghai);
		RUN(long_spans_add_up);
		RUN(random_spans_match_minute_counting);
		RUN(repeated_keys_add_to_the_list);
		RUN(weekday_ranges_may_wrap);
		RUN(bad_values_are_refused);
		RUN(a_day_cannot_be_both_holiday_and_extra);
		RUN(random_values_are_accepted_or_refused_cleanly);
	}
	skpi_tz_free(berlin);
	skpi_tz_free(shanghai);
	snprintf(dir, sizeof dir, "%s/Test/Berlin", tmpdir);
	unlink(dir);
	snprintf(dir, sizeof dir, "%s/Test/Shanghai", tmpdir);
	unlink(dir);
	snprintf(dir, sizeof dir, "%s/Test", tmpdir);
	rmdir(dir);
	rmdir(tmpdir);
	if (!ok)
		return 1;
	return unit_done();
}
