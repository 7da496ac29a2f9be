/* test_tz — TZif reading, POSIX footers, wall-time conversion and civil dates.
 *
 * glibc is the oracle: only here, in the test, TZ is set and localtime_r/mktime/timegm used.
 * Zone files written by the test itself cover footer-only ("slim"), version 1 and damaged
 * files without depending on what the system's tzdata package ships. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "supportkpi/tz.h"
#include "unit.h"

#define H 3600
#define DAY 86400

static char tmpdir[64];
static int reported;   /* mismatch lines printed in this test, to keep a failure readable */

/* ---- helpers ---- */

/* Independent of lib/tz.c: UTC instant of a civil date and time, via glibc's timegm. */
static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi, .tm_sec = s };
	return (int64_t)timegm(&tm);
}

static void glibc_zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* glibc's offset at t, and its wall time in *wall. */
static long glibc_offset(int64_t t, int64_t *wall)
{
	time_t tt = (time_t)t;
	struct tm tm;

	long off;

	localtime_r(&tt, &tm);
	off = tm.tm_gmtoff;   /* before timegm, which resets it */
	*wall = (int64_t)timegm(&tm);
	return off;
}

static int glibc_isdst(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	return tm.tm_isdst;
}

/* glibc's mktime of a wall time, with tm_isdst = -1 (let the zone decide). */
static int64_t glibc_mktime(int64_t wall)
{
	time_t tt = (time_t)wall;
	struct tm tm;

	gmtime_r(&tt, &tm);
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static void mismatch(const char *zone, int64_t t, const char *what, long long got, long long want)
{
	char m[256];

	unit_case_failed = 1;
	if (reported++ >= 8)
		return;
	snprintf(m, sizeof m, "%s at t=%lld: %s = %lld, want %lld", zone, (long long)t, what, got,
		 want);
	unit_fail(__FILE__, __LINE__, m);
}

static skpi_tz *load(const char *name, const char *dir)
{
	skpi_tz *tz = NULL;
	skpi_diag d;

	if (skpi_tz_load(name, dir, &tz, &d) != SKPI_OK) {
		char m[1024];
		snprintf(m, sizeof m, "loading %s: %s", name, d.msg);
		unit_fail(__FILE__, __LINE__, m);
	}
	return tz;
}

/* Offset and wall time at t against glibc, and the way back from the wall time. */
static void check_instant(const skpi_tz *tz, const char *zone, int64_t t, int with_mktime)
{
	int64_t gw, w, r, rw;
	long go = glibc_offset(t, &gw);
	int gap = -1;

	if (skpi_tz_offset(tz, t) != go)
		mismatch(zone, t, "offset", skpi_tz_offset(tz, t), go);
	if ((w = skpi_tz_to_wall(tz, t)) != gw)
		mismatch(zone, t, "to_wall", w, gw);
	r = skpi_tz_from_wall(tz, gw, &gap);
	if (gap != 0)
		mismatch(zone, t, "gap flag of an existing wall time", gap, 0);
	if (r != t) {
		/* only a fold may give another instant: an earlier one showing the same wall */
		glibc_offset(r, &rw);
		if (r > t || rw != gw)
			mismatch(zone, t, "from_wall(to_wall(t))", r, t);
	} else if (with_mktime && glibc_mktime(gw) != t) {
		glibc_offset(glibc_mktime(gw), &rw);   /* a fold: mktime may pick the later */
		if (rw != gw)
			mismatch(zone, t, "from_wall vs mktime", r, glibc_mktime(gw));
	}
}

/* glibc found the offset changing from before to after at instant T: check both sides, and
 * the wall times in the gap or fold it leaves. */
static void check_transition(const skpi_tz *tz, const char *zone, int64_t T, long before,
			     long after)
{
	int gap;

	for (int64_t dt = -1; dt <= 1; dt++)
		check_instant(tz, zone, T + dt, 1);
	if (after > before) {   /* clocks go forward: walls [T+before, T+after) do not exist */
		long ks[4] = { 0, 1, (after - before) / 2, after - before - 1 };
		for (int i = 0; i < 4; i++) {
			int64_t w = T + before + ks[i], want = w - before;
			int64_t got = skpi_tz_from_wall(tz, w, &gap);
			if (got != want || gap != 1)
				mismatch(zone, w, "from_wall in a gap", got, want);
			/* glibc's mktime reads a gap with the earlier offset when the change is
			 * from standard to summer time; other changes (CEST to CEMT in 1945, or
			 * Dublin's "negative DST" in spring) it reads the other way */
			if (!glibc_isdst(T - 1) && glibc_isdst(T) && glibc_mktime(w) != want)
				mismatch(zone, w, "mktime in a gap (oracle)", glibc_mktime(w), want);
		}
	} else if (after < before) {   /* clocks go back: walls [T+after, T+before) occur twice */
		long ks[3] = { 0, 1, before - after - 1 };
		for (int i = 0; i < 3; i++) {
			int64_t w = T + after + ks[i];
			int64_t got = skpi_tz_from_wall(tz, w, &gap);
			if (got != w - before || gap != 0)
				mismatch(zone, w, "from_wall in a fold", got, w - before);
		}
		if (skpi_tz_from_wall(tz, T + before, &gap) != T + before - after)
			mismatch(zone, T, "from_wall just after a fold", skpi_tz_from_wall(tz, T + before, &gap),
				 T + before - after);
		if (skpi_tz_from_wall(tz, T + after - 1, &gap) != T - 1 - (before - after))
			mismatch(zone, T, "from_wall just before a fold", skpi_tz_from_wall(tz, T + after - 1, &gap),
				 T - 1 - (before - after));
	}
}

/* Compare tz with glibc's reading of TZ=glibc_tz over [from, to): samples every 3 h 17 s,
 * every transition glibc shows (found by bisection) and every one lib/tz.c reports. */
static int compare_span(const skpi_tz *tz, const char *zone, const char *glibc_tz, int64_t from,
			int64_t to)
{
	const int64_t step = 3 * H + 17;
	int64_t t, w, until;
	long prev, cur;
	int transitions = 0, n = 0;

	glibc_zone(glibc_tz);
	prev = glibc_offset(from, &w);
	for (t = from; t < to; t += step, n++) {
		check_instant(tz, zone, t, n % 64 == 0);
		cur = glibc_offset(t + step, &w);
		if (cur != prev) {
			int64_t lo = t, hi = t + step;   /* offset(lo) == prev, offset(hi) == cur */
			while (hi - lo > 1) {
				int64_t mid = lo + (hi - lo) / 2;
				if (glibc_offset(mid, &w) == prev)
					lo = mid;
				else
					hi = mid;
			}
			check_transition(tz, zone, hi, prev, cur);
			transitions++;
			prev = cur;
		}
	}
	for (t = from; skpi_tz_offset_until(tz, t, &until), until < to; t = until) {
		if (until <= t)
			mismatch(zone, t, "offset_until does not advance", until, t + 1);
		check_instant(tz, zone, until - 1, 0);
		check_instant(tz, zone, until, 0);
	}
	return transitions;
}

/* ---- zone files written by the test ---- */

static unsigned char *put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
	return p + 4;
}

/* Header and data block: nt transitions, nty types (offsets; isdst 0), one abbreviation. */
static unsigned char *tzif_block(unsigned char *p, char version, int tsz, const int64_t *at,
				 const unsigned char *idx, int nt, const int32_t *off, int nty)
{
	memcpy(p, "TZif", 4);
	p[4] = (unsigned char)version;
	memset(p + 5, 0, 15);
	p = put32(put32(put32(p + 20, 0), 0), 0);   /* isut, isstd, leap */
	p = put32(put32(put32(p, (uint32_t)nt), (uint32_t)nty), 4);
	for (int i = 0; i < nt; i++) {
		if (tsz == 8)
			p = put32(p, (uint32_t)((uint64_t)at[i] >> 32));
		p = put32(p, (uint32_t)at[i]);
	}
	for (int i = 0; i < nt; i++)
		*p++ = idx[i];
	for (int i = 0; i < nty; i++) {
		p = put32(p, (uint32_t)off[i]);
		*p++ = 0, *p++ = 0;
	}
	memcpy(p, "ZZZ", 4);
	return p + 4;
}

/* Write tmpdir/name.  version '\0' or '1': 32-bit data only.  Otherwise a version-1 block
 * with only a decoy type (a reader that uses it gets decoy_off everywhere), the 64-bit
 * block, and the footer; cut > 0 writes only the first cut bytes. */
static void write_zone(const char *name, char version, const int64_t *at, const unsigned char *idx,
		       int nt, const int32_t *off, int nty, const char *footer, int32_t decoy_off,
		       size_t cut)
{
	static unsigned char buf[16384];
	unsigned char *p = buf;
	char path[256];
	FILE *fp;

	if (version == '\0' || version == '1') {
		p = tzif_block(p, version, 4, at, idx, nt, off, nty);
	} else {
		p = tzif_block(p, version, 4, NULL, NULL, 0, &decoy_off, 1);
		p = tzif_block(p, version, 8, at, idx, nt, off, nty);
		*p++ = '\n';
		memcpy(p, footer, strlen(footer));
		p += strlen(footer);
		*p++ = '\n';
	}
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	fp = fopen(path, "wb");
	CHECK(fp != NULL);
	if (!fp)
		return;
	fwrite(buf, 1, cut ? cut : (size_t)(p - buf), fp);
	fclose(fp);
}

static void write_footer_zone(const char *name, const char *footer)
{
	int32_t off = 0;

	write_zone(name, '3', NULL, NULL, 0, &off, 1, footer, 12345, 0);
}

/* ---- tests ---- */

/* Walk the calendar one day at a time with month lengths written out here, and compare. */
TEST(civil_dates_agree_with_a_plain_day_count)
{
	static const int md[13] = { 0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = 1600, m = 1, d = 1, yy, mm, dd, bad = 0;
	int64_t days = skpi_days_from_civil(1600, 1, 1);

	/* 1600-01-01 to 1970-01-01: 370 years with 90 leap days (1700, 1800, 1900 not) */
	CHECK_INT(days, -(370 * 365 + 90));
	for (; y < 2500; days++) {
		skpi_civil_from_days(days, &yy, &mm, &dd);
		if (yy != y || mm != m || dd != d || skpi_days_from_civil(y, m, d) != days)
			bad++;
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		if (++d > md[m] + (m == 2 && leap)) {
			d = 1;
			if (++m > 12)
				m = 1, y++;
		}
	}
	CHECK_INT(bad, 0);
	CHECK_INT(skpi_days_from_civil(1970, 1, 1), 0);
	CHECK_INT(skpi_days_from_civil(1969, 12, 31), -1);
	CHECK_INT(skpi_days_from_civil(2000, 3, 1) - skpi_days_from_civil(2000, 2, 28), 2);
	CHECK_INT(skpi_days_from_civil(1900, 3, 1) - skpi_days_from_civil(1900, 2, 28), 1);
	CHECK_INT(skpi_days_from_civil(2100, 3, 1) - skpi_days_from_civil(2100, 2, 28), 1);
	CHECK_INT(skpi_days_from_civil(2024, 3, 1) - skpi_days_from_civil(2024, 2, 28), 2);
	CHECK(skpi_valid_date(2000, 2, 29));
	CHECK(skpi_valid_date(2024, 2, 29));
	CHECK(!skpi_valid_date(1900, 2, 29));
	CHECK(!skpi_valid_date(2100, 2, 29));
	CHECK(!skpi_valid_date(2026, 2, 29));
	CHECK(!skpi_valid_date(2026, 4, 31));
	CHECK(!skpi_valid_date(2026, 13, 1));
	CHECK(!skpi_valid_date(2026, 0, 1));
	CHECK(!skpi_valid_date(2026, 1, 0));
	CHECK(skpi_valid_date(2026, 12, 31));
	CHECK_INT(skpi_weekday(0), 4);                                   /* Thursday */
	CHECK_INT(skpi_weekday(-1), 3);
	CHECK_INT(skpi_weekday(skpi_days_from_civil(2026, 3, 29)), 0);   /* Sunday */
	CHECK_INT(skpi_weekday(skpi_days_from_civil(2000, 1, 1)), 6);    /* Saturday */
	CHECK_INT(skpi_weekday(skpi_days_from_civil(1900, 1, 1)), 1);    /* Monday */
	CHECK_INT(skpi_weekday(skpi_days_from_civil(2100, 12, 31)), 5);  /* Friday */
}

TEST(wall_format)
{
	char buf[20];

	skpi_wall_format(utc(2026, 3, 29, 2, 30, 0), buf);
	CHECK_STR(buf, "2026-03-29 02:30:00");
	skpi_wall_format(-1, buf);
	CHECK_STR(buf, "1969-12-31 23:59:59");
	skpi_wall_format(utc(2000, 2, 29, 23, 59, 58), buf);
	CHECK_STR(buf, "2000-02-29 23:59:58");
	skpi_wall_format(0, buf);
	CHECK_STR(buf, "1970-01-01 00:00:00");
}

TEST(names_are_checked)
{
	const char *bad[] = { "../etc/passwd", "/etc/localtime", "Europe/../UTC", "", "Europe/Berlin/..",
			      "Mars/Olympus_Mons", "Europe", "zone.tab" };
	skpi_tz *tz = (skpi_tz *)&tz;
	skpi_diag d;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_INT(skpi_tz_load(bad[i], NULL, &tz, &d), SKPI_ERR_CONFIG);
		CHECK(tz == NULL);
		CHECK_INT(d.code, SKPI_ERR_CONFIG);
		CHECK(strstr(d.msg, bad[i]) != NULL);
	}
	CHECK_INT(skpi_tz_load(NULL, NULL, &tz, &d), SKPI_ERR_CONFIG);
	CHECK_INT(skpi_tz_load("Mars/Olympus_Mons", NULL, &tz, &d), SKPI_ERR_CONFIG);
	CHECK(strcmp(d.msg, "unknown time zone 'Mars/Olympus_Mons'") == 0);   /* CHECK_STR warns on char[768] */
	CHECK_STR(d.value, "Mars/Olympus_Mons");
}

TEST(utc_is_built_in)
{
	const char *names[] = { "UTC", "Etc/UTC" };
	skpi_tz *tz;
	skpi_diag d;
	int gap;

	for (int i = 0; i < 2; i++) {
		CHECK_INT(skpi_tz_load(names[i], "/nonexistent", &tz, &d), SKPI_OK);
		if (!tz)
			continue;
		CHECK_STR(skpi_tz_name(tz), names[i]);
		CHECK_INT(skpi_tz_offset(tz, 1774747800), 0);
		CHECK_INT(skpi_tz_to_wall(tz, -123456789), -123456789);
		CHECK_INT(skpi_tz_from_wall(tz, 1774747800, &gap), 1774747800);
		CHECK_INT(gap, 0);
		skpi_tz_free(tz);
	}
}

TEST(hand_worked_instants)
{
	skpi_tz *tz;
	int gap = -1;

	if ((tz = load("Europe/Berlin", NULL))) {
		/* 2026-03-29: 02:00 CET -> 03:00 CEST at 01:00 UTC */
		CHECK_INT(skpi_tz_offset(tz, utc(2026, 3, 29, 0, 59, 59)), 3600);
		CHECK_INT(skpi_tz_offset(tz, utc(2026, 3, 29, 1, 0, 0)), 7200);
		CHECK_INT(skpi_tz_from_wall(tz, utc(2026, 3, 29, 2, 30, 0), &gap), utc(2026, 3, 29, 1, 30, 0));
		CHECK_INT(gap, 1);
		CHECK_INT(skpi_tz_from_wall(tz, utc(2026, 3, 29, 1, 59, 59), &gap), utc(2026, 3, 29, 0, 59, 59));
		CHECK_INT(gap, 0);
		CHECK_INT(skpi_tz_from_wall(tz, utc(2026, 3, 29, 3, 0, 0), &gap), utc(2026, 3, 29, 1, 0, 0));
		CHECK_INT(gap, 0);
		/* 2026-10-25: 03:00 CEST -> 02:00 CET at 01:00 UTC; 02:30 happens twice */
		CHECK_INT(skpi_tz_from_wall(tz, utc(2026, 10, 25, 2, 30, 0), &gap), utc(2026, 10, 25, 0, 30, 0));
		CHECK_INT(gap, 0);
		CHECK_INT(skpi_tz_to_wall(tz, utc(2026, 10, 25, 1, 30, 0)), utc(2026, 10, 25, 2, 30, 0));
		CHECK_INT(skpi_tz_from_wall(tz, utc(2026, 10, 25, 3, 0, 0), &gap), utc(2026, 10, 25, 2, 0, 0));
		/* a summer and a winter day; the rules from the footer, far beyond 2037 */
		CHECK_INT(skpi_tz_offset(tz, utc(2026, 7, 1, 12, 0, 0)), 7200);
		CHECK_INT(skpi_tz_offset(tz, utc(2026, 1, 15, 12, 0, 0)), 3600);
		CHECK_INT(skpi_tz_offset(tz, utc(2300, 7, 1, 12, 0, 0)), 7200);
		/* 2300-03-25 is the last Sunday of March (2300-01-01 is a Sunday + 83 days) */
		CHECK_INT(skpi_tz_offset(tz, utc(2300, 3, 25, 0, 59, 59)), 3600);
		CHECK_INT(skpi_tz_offset(tz, utc(2300, 3, 25, 1, 0, 0)), 7200);
		skpi_tz_free(tz);
	}
	if ((tz = load("America/New_York", NULL))) {
		/* 2026-03-08 02:30 does not exist: 03:30 EDT = 07:30 UTC */
		CHECK_INT(skpi_tz_from_wall(tz, utc(2026, 3, 8, 2, 30, 0), &gap), utc(2026, 3, 8, 7, 30, 0));
		CHECK_INT(gap, 1);
		/* 2026-11-01 01:30 happens twice: the EDT one, 05:30 UTC */
		CHECK_INT(skpi_tz_from_wall(tz, utc(2026, 11, 1, 1, 30, 0), &gap), utc(2026, 11, 1, 5, 30, 0));
		CHECK_INT(gap, 0);
		skpi_tz_free(tz);
	}
	if ((tz = load("Australia/Lord_Howe", NULL))) {
		/* 2026-04-05 02:00 +11 -> 01:30 +10:30, at 2026-04-04 15:00 UTC */
		CHECK_INT(skpi_tz_offset(tz, utc(2026, 4, 4, 14, 59, 59)), 11 * H);
		CHECK_INT(skpi_tz_offset(tz, utc(2026, 4, 4, 15, 0, 0)), 10 * H + 1800);
		CHECK_INT(skpi_tz_from_wall(tz, utc(2026, 4, 5, 1, 45, 0), &gap), utc(2026, 4, 4, 14, 45, 0));
		CHECK_INT(gap, 0);
		/* 2026-10-04 02:00 +10:30 -> 02:30 +11: 02:15 does not exist, read as +10:30 */
		CHECK_INT(skpi_tz_from_wall(tz, utc(2026, 10, 4, 2, 15, 0), &gap), utc(2026, 10, 3, 15, 45, 0));
		CHECK_INT(gap, 1);
		skpi_tz_free(tz);
	}
	if ((tz = load("America/Sao_Paulo", NULL))) {
		/* 2018-11-04 00:00 -03 -> 01:00 -02: 00:30 does not exist -> 01:30 -02 = 03:30 UTC */
		CHECK_INT(skpi_tz_from_wall(tz, utc(2018, 11, 4, 0, 30, 0), &gap), utc(2018, 11, 4, 3, 30, 0));
		CHECK_INT(gap, 1);
		CHECK_INT(skpi_tz_offset(tz, utc(2026, 1, 15, 12, 0, 0)), -3 * H);   /* no DST since 2019 */
		skpi_tz_free(tz);
	}
	if ((tz = load("Asia/Kolkata", NULL))) {
		CHECK_INT(skpi_tz_offset(tz, utc(2026, 6, 1, 0, 0, 0)), 5 * H + 1800);
		CHECK_INT(skpi_tz_from_wall(tz, utc(2026, 6, 1, 5, 30, 0), &gap), utc(2026, 6, 1, 0, 0, 0));
		skpi_tz_free(tz);
	}
	if ((tz = load("Asia/Shanghai", NULL))) {
		CHECK_INT(skpi_tz_offset(tz, utc(2026, 6, 1, 0, 0, 0)), 8 * H);
		CHECK_INT(skpi_tz_offset(tz, utc(1988, 6, 1, 0, 0, 0)), 9 * H);   /* DST 1986-1991 */
		skpi_tz_free(tz);
	}
}

TEST(zones_match_glibc)
{
	const char *zones[] = { "Europe/Berlin", "America/New_York", "Asia/Shanghai",
				"Australia/Lord_Howe", "America/Sao_Paulo", "Asia/Kolkata" };
	/* transitions glibc shows 1970-2040 (counted from the tzdata sources), at least */
	const int min_transitions[] = { 120, 140, 12, 110, 60, 0 };

	reported = 0;
	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		skpi_tz *tz = load(zones[i], NULL);
		int n;
		if (!tz)
			continue;
		compare_span(tz, zones[i], zones[i], utc(1900, 1, 1, 0, 0, 0), utc(1970, 1, 1, 0, 0, 0));
		n = compare_span(tz, zones[i], zones[i], utc(1970, 1, 1, 0, 0, 0), utc(2040, 1, 1, 0, 0, 0));
		CHECK(n >= min_transitions[i]);
		compare_span(tz, zones[i], zones[i], utc(2290, 1, 1, 0, 0, 0), utc(2300, 1, 1, 0, 0, 0));
		skpi_tz_free(tz);
	}
	unsetenv("TZ");
	tzset();
}

/* Files whose only rule is the footer, against glibc reading the same string from TZ. */
TEST(footer_rules_match_glibc)
{
	const char *rules[] = {
		"CET-1CEST,M3.5.0,M10.5.0/3",
		"EST5EDT,M3.2.0,M11.1.0",
		"<+08>-8",
		"<-03>3",
		"IST-5:30",
		"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
		"AAA3BBB,J60/2,J300/2",                  /* Jn: Feb 29 not counted */
		"AAA3BBB,59/2,299/2",                    /* n: zero-based, Feb 29 counted */
		"<-02>2<-01>,M3.5.0/-1,M10.5.0/0",       /* negative hours */
		"<+0330>-3:30<+0430>,J79/24,J263/24",    /* 24:00 */
		"AAA3BBB,M3.2.0/100,M11.1.0/-100",       /* beyond a day either way */
		"IST-1GMT0,M10.5.0,M3.5.0/1",            /* negative DST (Europe/Dublin) */
		"NZST-12NZDT,M9.5.0,M4.1.0/3",
		"AAA-1BBB-3:15:30,M3.5.0/1:30:15,M10.5.0/4",
	};
	char name[32];

	reported = 0;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		skpi_tz *tz;
		snprintf(name, sizeof name, "Test/Rule%zu", i);
		write_footer_zone(name, rules[i]);
		if (!(tz = load(name, tmpdir)))
			continue;
		compare_span(tz, rules[i], rules[i], utc(1970, 1, 1, 0, 0, 0), utc(2040, 1, 1, 0, 0, 0));
		compare_span(tz, rules[i], rules[i], utc(2398, 1, 1, 0, 0, 0), utc(2402, 1, 1, 0, 0, 0));
		skpi_tz_free(tz);
	}
	unsetenv("TZ");
	tzset();
}

/* RFC 8536: DST from January 1 00:00 to December 31 24:00 + 1 h is DST all year.  (glibc
 * reads this as standard time around New Year, so it is no oracle here.) */
TEST(all_year_dst_footer)
{
	skpi_tz *tz;
	int gap;

	write_footer_zone("Test/AllYear", "EST5EDT,0/0,J365/25");
	if (!(tz = load("Test/AllYear", tmpdir)))
		return;
	for (int y = 2024; y <= 2027; y++) {
		CHECK_INT(skpi_tz_offset(tz, utc(y, 1, 1, 0, 0, 0)), -4 * H);
		CHECK_INT(skpi_tz_offset(tz, utc(y, 1, 1, 4, 59, 59)), -4 * H);
		CHECK_INT(skpi_tz_offset(tz, utc(y, 1, 1, 5, 0, 0)), -4 * H);
		CHECK_INT(skpi_tz_offset(tz, utc(y, 7, 1, 0, 0, 0)), -4 * H);
		CHECK_INT(skpi_tz_offset(tz, utc(y, 12, 31, 23, 59, 59)), -4 * H);
	}
	CHECK_INT(skpi_tz_from_wall(tz, utc(2026, 1, 1, 0, 30, 0), &gap), utc(2026, 1, 1, 4, 30, 0));
	CHECK_INT(gap, 0);
	skpi_tz_free(tz);
}

/* DST without a rule: US rules, as tzcode.  (glibc takes them from the "posixrules" file
 * instead, i.e. America/New_York's history, so it is no oracle before 2007.) */
TEST(footer_without_a_rule_uses_us_rules)
{
	skpi_tz *tz;

	write_footer_zone("Test/NoRule", "AAA3BBB");
	if (!(tz = load("Test/NoRule", tmpdir)))
		return;
	/* 2026-03-08 (second Sunday) 02:00 -03 = 05:00 UTC; 2026-11-01 02:00 -02 = 04:00 UTC */
	CHECK_INT(skpi_tz_offset(tz, utc(2026, 3, 8, 4, 59, 59)), -3 * H);
	CHECK_INT(skpi_tz_offset(tz, utc(2026, 3, 8, 5, 0, 0)), -2 * H);
	CHECK_INT(skpi_tz_offset(tz, utc(2026, 11, 1, 3, 59, 59)), -2 * H);
	CHECK_INT(skpi_tz_offset(tz, utc(2026, 11, 1, 4, 0, 0)), -3 * H);
	/* 1970: the same rule, not the US law of the day (last Sunday of April) */
	CHECK_INT(skpi_tz_offset(tz, utc(1970, 3, 8, 5, 0, 0)), -2 * H);
	skpi_tz_free(tz);
}

/* A "slim" file: old transitions listed, today's rules only in the footer. */
TEST(slim_file_uses_the_footer_after_its_last_transition)
{
	/* LMT +0:53:28 until 1893-04-01 (CET); DST 1980-04-06 to 09-28; the last transition
	 * starts DST on 1996-03-31, where the footer's rule takes over (as zic writes it) */
	const int64_t at[] = { utc(1893, 3, 31, 23, 6, 32), utc(1980, 4, 6, 1, 0, 0),
			       utc(1980, 9, 28, 1, 0, 0), utc(1996, 3, 31, 1, 0, 0) };
	const unsigned char idx[] = { 1, 2, 1, 2 };
	const int32_t off[] = { 3208, 3600, 7200 };
	skpi_tz *slim, *fat;

	write_zone("Test/SlimBerlin", '2', at, idx, 4, off, 3, "CET-1CEST,M3.5.0,M10.5.0/3", 0, 0);
	if (!(slim = load("Test/SlimBerlin", tmpdir)))
		return;
	CHECK_INT(skpi_tz_offset(slim, utc(1800, 1, 1, 0, 0, 0)), 3208);
	CHECK_INT(skpi_tz_offset(slim, utc(1893, 3, 31, 23, 6, 31)), 3208);
	CHECK_INT(skpi_tz_offset(slim, utc(1893, 3, 31, 23, 6, 32)), 3600);
	CHECK_INT(skpi_tz_offset(slim, utc(1975, 7, 1, 0, 0, 0)), 3600);
	CHECK_INT(skpi_tz_offset(slim, utc(1980, 7, 1, 0, 0, 0)), 7200);
	CHECK_INT(skpi_tz_offset(slim, utc(1980, 10, 1, 0, 0, 0)), 3600);
	CHECK_INT(skpi_tz_offset(slim, utc(1990, 7, 1, 0, 0, 0)), 3600);   /* not in this file */
	CHECK_INT(skpi_tz_offset(slim, utc(1996, 3, 31, 0, 59, 59)), 3600);
	CHECK_INT(skpi_tz_offset(slim, utc(1996, 3, 31, 1, 0, 0)), 7200);
	CHECK_INT(skpi_tz_offset(slim, utc(1996, 10, 27, 0, 59, 59)), 7200);   /* from the rule */
	CHECK_INT(skpi_tz_offset(slim, utc(1996, 10, 27, 1, 0, 0)), 3600);
	CHECK_INT(skpi_tz_offset(slim, utc(2026, 7, 1, 0, 0, 0)), 7200);
	/* since 1996 Berlin follows the footer's rule: the system's file must agree */
	if ((fat = load("Europe/Berlin", NULL))) {
		int64_t t, bad = 0;
		for (t = utc(1996, 3, 31, 0, 0, 0); t < utc(2040, 1, 1, 0, 0, 0); t += 1800 + 7) {
			int64_t w = skpi_tz_to_wall(fat, t);
			bad += skpi_tz_offset(slim, t) != skpi_tz_offset(fat, t) ||
			       skpi_tz_from_wall(slim, w, NULL) != skpi_tz_from_wall(fat, w, NULL);
		}
		CHECK_INT(bad, 0);
		skpi_tz_free(fat);
	}
	skpi_tz_free(slim);
}

TEST(version1_and_version2_blocks)
{
	const int64_t at[] = { 0, 1000000 };
	const unsigned char idx[] = { 1, 0 };
	const int32_t off[] = { 3600, 7200 };
	skpi_tz *tz;

	/* version 1: 32-bit times, no footer; the last type holds for ever */
	write_zone("Test/V1", '\0', at, idx, 2, off, 2, "", 0, 0);
	if ((tz = load("Test/V1", tmpdir))) {
		CHECK_INT(skpi_tz_offset(tz, -1), 3600);
		CHECK_INT(skpi_tz_offset(tz, 0), 7200);
		CHECK_INT(skpi_tz_offset(tz, 999999), 7200);
		CHECK_INT(skpi_tz_offset(tz, 1000000), 3600);
		CHECK_INT(skpi_tz_offset(tz, utc(2200, 1, 1, 0, 0, 0)), 3600);
		skpi_tz_free(tz);
	}
	/* version 2 whose version-1 block says +5:00 everywhere: the 64-bit block must win */
	write_zone("Test/V2", '2', at, idx, 2, off, 2, "", 5 * H, 0);
	if ((tz = load("Test/V2", tmpdir))) {
		CHECK_INT(skpi_tz_offset(tz, -1), 3600);
		CHECK_INT(skpi_tz_offset(tz, 500000), 7200);
		CHECK_INT(skpi_tz_offset(tz, 2000000), 3600);
		skpi_tz_free(tz);
	}
}

TEST(damaged_files_are_refused)
{
	const int64_t at[] = { 0, 1000000 };
	const unsigned char idx[] = { 1, 0 };
	const unsigned char bad_idx[] = { 1, 7 };
	const int64_t bad_order[] = { 1000000, 0 };
	const int32_t off[] = { 3600, 7200 };
	const char *cases[] = { "Test/Cut", "Test/Idx", "Test/Order", "Test/Rule", "Test/Text" };
	skpi_tz *tz = NULL;
	skpi_diag d;
	FILE *fp;
	char path[256];

	write_zone("Test/Cut", '2', at, idx, 2, off, 2, "CET-1", 0, 100);
	write_zone("Test/Idx", '2', at, bad_idx, 2, off, 2, "CET-1", 0, 0);
	write_zone("Test/Order", '2', bad_order, idx, 2, off, 2, "CET-1", 0, 0);
	write_zone("Test/Rule", '2', at, idx, 2, off, 2, "CET-1CEST,M13.5.0", 0, 0);
	snprintf(path, sizeof path, "%s/Test/Text", tmpdir);
	if ((fp = fopen(path, "w"))) {
		fputs("# not a zone\n", fp);
		fclose(fp);
	}
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK_INT(skpi_tz_load(cases[i], tmpdir, &tz, &d), SKPI_ERR_CONFIG);
		CHECK(tz == NULL);
		CHECK(strstr(d.msg, cases[i]) != NULL);
	}
}

/* Not a pass/fail test: how long from_wall takes, for the record. */
TEST(from_wall_speed)
{
	skpi_tz *tz = load("Europe/Berlin", NULL);
	int64_t sum = 0, w0 = utc(2026, 1, 1, 0, 0, 0);
	const int n = 2000000;
	clock_t c;

	if (!tz)
		return;
	c = clock();
	for (int i = 0; i < n; i++)
		sum += skpi_tz_from_wall(tz, w0 + (int64_t)i * 15, NULL);
	printf("# from_wall: %.0f ns per call (checksum %lld)\n",
	       (double)(clock() - c) / CLOCKS_PER_SEC * 1e9 / n, (long long)(sum & 0xff));
	skpi_tz_free(tz);
}

static void remove_tmpdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
}

int main(void)
{
	char sub[96];

	snprintf(tmpdir, sizeof tmpdir, "/tmp/skpi_tz_XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(sub, sizeof sub, "%s/Test", tmpdir);
	mkdir(sub, 0700);
	RUN(civil_dates_agree_with_a_plain_day_count);
	RUN(wall_format);
	RUN(names_are_checked);
	RUN(utc_is_built_in);
	RUN(hand_worked_instants);
	RUN(zones_match_glibc);
	RUN(footer_rules_match_glibc);
	RUN(all_year_dst_footer);
	RUN(footer_without_a_rule_uses_us_rules);
	RUN(slim_file_uses_the_footer_after_its_last_transition);
	RUN(version1_and_version2_blocks);
	RUN(damaged_files_are_refused);
	RUN(from_wall_speed);
	remove_tmpdir();
	return unit_done();
}
