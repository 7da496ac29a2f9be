/* test_period — periods, their bounds at month and year ends, relative periods, shifts
 * and --as-of times.  Day numbers are worked out by hand in the comments. */
#include "supportkpi/period.h"
#include "unit.h"

/* 2026-01-01 is day 56*365 + 14 leap days (1972 .. 2024) = 20454;
 * 2026-10-01 is 273 days later (Jan..Sep = 31+28+31+30+31+30+31+31+30) = 20727. */
#define D_2026_01_01 20454
#define D_2026_10_01 20727

/* CHECK_STR on a diag's 768-byte message trips -Wformat-truncation: compare here */
#define CHECK_MSG(d, want) do { if (strcmp((d).msg, (want)) != 0) { char m_[512]; \
		snprintf(m_, sizeof m_, "msg == \"%.200s\", want \"%.200s\"", (d).msg, (want)); \
		unit_fail(__FILE__, __LINE__, m_); } } while (0)

static void check_period(const char *spec, int64_t today, const char *from, const char *to,
			 const char *label)
{
	skpi_period p;
	skpi_diag d;

	skpi_diag_clear(&d);
	CHECK_INT(period_parse(spec, today, &p, &d), SKPI_OK);
	CHECK_STR(p.from, from);
	CHECK_STR(p.to, to);
	CHECK_STR(p.label, label);
}

TEST(month_quarter_year)
{
	skpi_period p;

	check_period("2026-10", 0, "2026-10-01", "2026-11-01", "2026-10");
	CHECK_INT(period_parse("2026-10", 0, &p, NULL), SKPI_OK);
	CHECK_INT(p.kind, PERIOD_MONTH);
	CHECK_INT(p.from_day, D_2026_10_01);
	CHECK_INT(p.to_day, D_2026_10_01 + 31);
	check_period("2026-Q3", 0, "2026-07-01", "2026-10-01", "2026-Q3");
	check_period("2026-q1", 0, "2026-01-01", "2026-04-01", "2026-Q1");
	check_period("2026", 0, "2026-01-01", "2027-01-01", "2026");
	CHECK_INT(period_parse("2026", 0, &p, NULL), SKPI_OK);
	CHECK_INT(p.kind, PERIOD_YEAR);
	CHECK_INT(p.from_day, D_2026_01_01);
	CHECK_INT(p.to_day - p.from_day, 365);
}

TEST(bounds_at_year_and_february_ends)
{
	skpi_period p;

	check_period("2026-12", 0, "2026-12-01", "2027-01-01", "2026-12");
	check_period("2026-Q4", 0, "2026-10-01", "2027-01-01", "2026-Q4");
	CHECK_INT(period_parse("2024-02", 0, &p, NULL), SKPI_OK);
	CHECK_STR(p.to, "2024-03-01");
	CHECK_INT(p.to_day - p.from_day, 29);        /* leap year */
	CHECK_INT(period_parse("2026-02", 0, &p, NULL), SKPI_OK);
	CHECK_INT(p.to_day - p.from_day, 28);
	CHECK_INT(period_parse("2024", 0, &p, NULL), SKPI_OK);
	CHECK_INT(p.to_day - p.from_day, 366);
}

TEST(text_bounds_compare_with_stored_timestamps)
{
	skpi_period p;

	CHECK_INT(period_parse("2026-10", 0, &p, NULL), SKPI_OK);
	/* the first and last second of October are inside, midnight of November 1 is not */
	CHECK(strcmp("2026-10-01 00:00:00", p.from) >= 0);
	CHECK(strcmp("2026-10-31 23:59:59", p.to) < 0);
	CHECK(strcmp("2026-11-01 00:00:00", p.to) >= 0);
	CHECK(strcmp("2026-09-30 23:59:59", p.from) < 0);
}

TEST(relative_periods_cross_the_year)
{
	int64_t jan15 = D_2026_01_01 + 14, feb10 = D_2026_01_01 + 40, oct1 = D_2026_10_01;

	check_period("last-month", jan15, "2025-12-01", "2026-01-01", "2025-12");
	check_period("this-month", jan15, "2026-01-01", "2026-02-01", "2026-01");
	check_period("last-month", oct1, "2026-09-01", "2026-10-01", "2026-09");
	check_period("this-quarter", feb10, "2026-01-01", "2026-04-01", "2026-Q1");
	check_period("last-quarter", feb10, "2025-10-01", "2026-01-01", "2025-Q4");
	check_period("this-quarter", oct1, "2026-10-01", "2027-01-01", "2026-Q4");
	check_period("last-year", feb10, "2025-01-01", "2026-01-01", "2025");
	check_period("this-year", feb10, "2026-01-01", "2027-01-01", "2026");
}

TEST(bad_periods_are_usage_errors)
{
	const char *bad[] = { "2026-13", "2026-00", "2026-Q5", "2026-Q0", "26-10", "2026-1",
			      "2026/10", "", "last-week", "1899", "2026-10-01", "2026-10 ",
			      "Q3-2026", "２026" };
	skpi_period p;
	skpi_diag d;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		skpi_diag_clear(&d);
		CHECK_INT(period_parse(bad[i], 0, &p, &d), SKPI_ERR_USAGE);
		CHECK(strstr(d.msg, "period '") == d.msg);
		CHECK(d.hint[0] != '\0');
	}
	CHECK_INT(period_parse(NULL, 0, &p, NULL), SKPI_ERR_USAGE);
	skpi_diag_clear(&d);
	period_parse("2026-13", 0, &p, &d);
	CHECK_MSG(d, "period '2026-13' has no such month");
}

TEST(from_to_is_half_open)
{
	skpi_period p;
	skpi_diag d;

	CHECK_INT(period_from_to("2026-09-01", "2026-09-15", &p, NULL), SKPI_OK);
	CHECK_INT(p.kind, PERIOD_RANGE);
	CHECK_STR(p.from, "2026-09-01");
	CHECK_STR(p.to, "2026-09-15");
	CHECK_INT(p.to_day - p.from_day, 14);
	/* the label names the days included: the 1st to the 14th */
	CHECK_STR(p.label, "2026-09-01..2026-09-14");
	CHECK_INT(period_from_to("2026-12-31", "2027-01-01", &p, NULL), SKPI_OK);
	CHECK_INT(p.to_day - p.from_day, 1);
	CHECK_STR(p.label, "2026-12-31"); /* one day */
	CHECK_INT(period_from_to("2026-02-27", "2026-03-01", &p, NULL), SKPI_OK);
	CHECK_STR(p.label, "2026-02-27..2026-02-28"); /* across a month end, not a leap year */
	skpi_diag_clear(&d);
	CHECK_INT(period_from_to("2026-09-15", "2026-09-15", &p, &d), SKPI_ERR_USAGE);
	CHECK(strstr(d.msg, "is not after") != NULL);
	CHECK_INT(period_from_to("2026-02-30", "2026-03-15", &p, NULL), SKPI_ERR_USAGE);
	CHECK_INT(period_from_to("2026-02-01", "2026-3-15", &p, NULL), SKPI_ERR_USAGE);
	CHECK_INT(period_from_to("2026-02-01", NULL, &p, NULL), SKPI_ERR_USAGE);
}

TEST(previous_and_shifted_periods)
{
	skpi_period p, q;

	period_parse("2026-01", 0, &p, NULL);
	period_previous(&p, &q);
	CHECK_STR(q.label, "2025-12");
	CHECK_STR(q.to, "2026-01-01");
	period_parse("2026-10", 0, &p, NULL);
	period_shift(&p, -12, &q);
	CHECK_STR(q.label, "2025-10");
	period_shift(&p, 3, &q);
	CHECK_STR(q.label, "2027-01");
	period_parse("2026-Q1", 0, &p, NULL);
	period_previous(&p, &q);
	CHECK_STR(q.label, "2025-Q4");
	CHECK_STR(q.from, "2025-10-01");
	CHECK_INT(q.kind, PERIOD_QUARTER);
	period_parse("2026", 0, &p, NULL);
	period_previous(&p, &q);
	CHECK_STR(q.label, "2025");
	period_from_to("2026-09-01", "2026-09-15", &p, NULL);
	period_previous(&p, &q);
	CHECK_STR(q.from, "2026-08-18");             /* 14 days earlier */
	CHECK_STR(q.to, "2026-09-01");
}

TEST(today_and_as_of_times)
{
	skpi_tz *utc = NULL, *sh = NULL, *be = NULL;
	skpi_diag d;
	int64_t ts = 0;
	/* 2026-09-30 20:00:00 UTC = day 20726 * 86400 + 20 h = 1790726400 + 72000 */
	int64_t t = 1790798400;

	if (skpi_tz_load("UTC", NULL, &utc, NULL) || skpi_tz_load("Asia/Shanghai", NULL, &sh, NULL) ||
	    skpi_tz_load("Europe/Berlin", NULL, &be, NULL)) {
		CHECK(!"time zones load");
		goto out;
	}
	CHECK_INT(period_today(utc, t), D_2026_10_01 - 1);
	CHECK_INT(period_today(sh, t), D_2026_10_01);   /* 04:00 on October 1 in Shanghai */
	CHECK_INT(period_today(utc, -1), -1);
	CHECK_INT(period_today(utc, 0), 0);

	/* 2026-10-01 08:30 UTC = 20727 * 86400 + 30600 = 1790812800 + 30600 */
	CHECK_INT(period_parse_time("2026-10-01 08:30", utc, 0, "--as-of", &ts, NULL), SKPI_OK);
	CHECK_INT(ts, 1790843400);
	CHECK_INT(period_parse_time("2026-10-01T08:30:15", utc, 0, "--as-of", &ts, NULL), SKPI_OK);
	CHECK_INT(ts, 1790843415);
	/* Berlin is on summer time (UTC+2) on October 1 */
	CHECK_INT(period_parse_time("2026-10-01 08:30:00", be, 0, "--as-of", &ts, NULL), SKPI_OK);
	CHECK_INT(ts, 1790843400 - 7200);
	CHECK_INT(period_parse_time("2026-10-01", sh, 0, "--as-of", &ts, NULL), SKPI_OK);
	CHECK_INT(ts, 1790812800 - 8 * 3600);
	CHECK_INT(period_parse_time("now", utc, 42, "--as-of", &ts, NULL), SKPI_OK);
	CHECK_INT(ts, 42);
	skpi_diag_clear(&d);
	CHECK_INT(period_parse_time("2026-10-01 8:30", utc, 0, "--as-of", &ts, &d), SKPI_ERR_USAGE);
	CHECK_MSG(d, "--as-of '2026-10-01 8:30' is not a local time");
	CHECK_INT(period_parse_time("2026-10-01 08:30:1", utc, 0, "--as-of", &ts, NULL), SKPI_ERR_USAGE);
	CHECK_INT(period_parse_time("2026-10-01 24:00", utc, 0, "--as-of", &ts, NULL), SKPI_ERR_USAGE);
	CHECK_INT(period_parse_time("2026-10-01 10:00x", utc, 0, "--as-of", &ts, NULL), SKPI_ERR_USAGE);
	CHECK_INT(period_parse_time("yesterday", utc, 0, "--as-of", &ts, NULL), SKPI_ERR_USAGE);
	CHECK_INT(period_parse_time(NULL, utc, 0, "--as-of", &ts, NULL), SKPI_ERR_USAGE);
out:
	skpi_tz_free(utc);
	skpi_tz_free(sh);
	skpi_tz_free(be);
}

int main(void)
{
	RUN(month_quarter_year);
	RUN(bounds_at_year_and_february_ends);
	RUN(text_bounds_compare_with_stored_timestamps);
	RUN(relative_periods_cross_the_year);
	RUN(bad_periods_are_usage_errors);
	RUN(from_to_is_half_open);
	RUN(previous_and_shifted_periods);
	RUN(today_and_as_of_times);
	return unit_done();
}
