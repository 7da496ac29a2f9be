/* test_config — the configuration file: sections, rules, targets, settings, and every error
 * with its line.
 *
 * Each case writes a small file into a temporary directory and loads it.  Expected values
 * are worked out here: e.g. split hours 08:30-12:00 and 13:30-17:30 make a working day of
 * 3.5 h + 4 h = 27000 s, so "10 working days" is 270000 s.  The settings table is tested
 * row by row (tests/unit/test_config.c does not know which rows other modules add): every
 * default is valid, every type refuses what it must, and every key is in docs/config.md. */
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "supportkpi/config.h"
#include "unit.h"

#define DOCS_MAX (1 << 21)

static char tmpdir[64];
static char cfgpath[128];
static char last_hint[384];   /* the hint of the last LOAD_FAILS */

/* ---- helpers ---- */

#define CHECK_MSG(got, want) check_msg((got), (want), __LINE__)
static void check_msg(const char *got, const char *want, int line)
{
	char m[600];

	if (got && strcmp(got, want) == 0)
		return;
	snprintf(m, sizeof m, "\"%.250s\", want \"%.250s\"", got ? got : "(null)", want);
	unit_fail(__FILE__, line, m);
}

static void write_file(const char *text)
{
	FILE *fp = fopen(cfgpath, "w");

	CHECK(fp != NULL);
	if (!fp)
		return;
	fputs(text, fp);
	fclose(fp);
}

/* Load text; NULL (and a failed check) when it does not load. */
static skpi_config *load_ok(const char *text, int line)
{
	skpi_config *cfg = NULL;
	skpi_diag d;

	write_file(text);
	if (config_load(cfgpath, &cfg, &d) != SKPI_OK) {
		char m[900];

		snprintf(m, sizeof m, "config_load: line %ld: %.700s", d.line, d.msg);
		unit_fail(__FILE__, line, m);
		return NULL;
	}
	return cfg;
}
#define LOAD_OK(text) load_ok((text), __LINE__)

/* Load text, which must fail with SKPI_ERR_CONFIG at want_line with message want_msg. */
static void load_fails(const char *text, long want_line, const char *want_msg, int line)
{
	skpi_config *cfg = NULL;
	skpi_diag d;
	skpi_err e;

	write_file(text);
	e = config_load(cfgpath, &cfg, &d);
	if (e != SKPI_ERR_CONFIG) {
		char m[128];

		snprintf(m, sizeof m, "config_load returned %d, want SKPI_ERR_CONFIG", (int)e);
		unit_fail(__FILE__, line, m);
		config_free(cfg);
		return;
	}
	CHECK(cfg == NULL);
	memcpy(last_hint, d.hint, sizeof last_hint);
	if (d.line != want_line) {
		char m[128];

		snprintf(m, sizeof m, "error on line %ld, want %ld", d.line, want_line);
		unit_fail(__FILE__, line, m);
	}
	check_msg(d.msg, want_msg, line);
	if (strcmp(d.file, cfgpath) != 0)
		unit_fail(__FILE__, line, "the error does not name the file");
}
#define LOAD_FAILS(text, line, msg) load_fails((text), (line), (msg), __LINE__)

/* The project's top directory: up from the test binary until docs/config.md is there. */
static int top_file(const char *rel, char *out, size_t n)
{
	char dir[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", dir, sizeof dir - 1);
	char *slash;

	if (len <= 0)
		return 0;
	dir[len] = '\0';
	while ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		int k = snprintf(out, n, "%s/%s", dir, rel);

		if (k > 0 && (size_t)k < n && access(out, R_OK) == 0)
			return 1;
	}
	return 0;
}

/* ---- tests ---- */

TEST(an_empty_config_has_every_default)
{
	skpi_config *cfg = NULL;
	skpi_diag d;

	CHECK_INT(config_empty(&cfg, &d), SKPI_OK);
	if (!cfg)
		return;
	CHECK(cfg->path == NULL);
	CHECK(cfg->cal == NULL);
	CHECK(cfg->timezone == NULL);
	CHECK_INT(cfg->nrules, 0);
	CHECK_STR(config_pause_statuses(cfg), ",pending,");
	CHECK_STR(config_str(cfg, "sla", "pause_statuses"), "pending");
	CHECK_INT(config_line(cfg, "sla", "pause_statuses"), 0);
	CHECK_INT(config_section_line(cfg, "sla"), 0);
	/* keys not in the table are a programming error: 0 and NULL */
	CHECK(config_str(cfg, "sla", "no_such_key") == NULL);
	CHECK_INT(config_int(cfg, "report", "no_such_key"), 0);
	CHECK(config_real(cfg, "ranking", "no_such_key") == 0.0);
	CHECK(config_path(cfg, "report", "no_such_key") == NULL);
	config_free(cfg);
	/* and with no config at all */
	CHECK_STR(config_pause_statuses(NULL), ",pending,");
	CHECK_STR(config_str(NULL, "sla", "pause_statuses"), "pending");
	CHECK_INT(config_check_timezone(NULL, "Europe/Berlin", &d), SKPI_OK);
	config_free(NULL);
}

TEST(a_full_file_is_read)
{
	static const char text[] =
		"; a centre in Berlin\n"                                   /* 1 */
		"[calendar]\n"                                             /* 2 */
		"timezone = Europe/Berlin\n"                               /* 3 */
		"working_days = mon-fri\n"                                 /* 4 */
		"hours = 08:30-12:00, 13:30-17:30\n"                       /* 5 */
		"holidays = 2026-10-03, 2026-12-25\n"                      /* 6 */
		"holidays = 2026-12-26\n"                                  /* 7 */
		"extra_working_days = 2026-10-10\n"                        /* 8 */
		"\n"                                                       /* 9 */
		"[sla]\n"                                                  /* 10 */
		"pause_statuses = Pending, open\n"                         /* 11 */
		"\n"                                                       /* 12 */
		"[sla complaints]\n"                                       /* 13 */
		"category = Complaint, Beschwerde\n"                       /* 14 */
		"first_response = 24 hours\n"                              /* 15 */
		"resolution = 30 days\n"                                   /* 16 */
		"\n"                                                       /* 17 */
		"[sla urgent]\n"                                           /* 18 */
		"priority = Urgent\n"                                      /* 19 */
		"priority = HIGH\n"                                        /* 20 */
		"channel = phone, chat\n"                                  /* 21 */
		"first_response = 30 business minutes\n"                   /* 22 */
		"\n"                                                       /* 23 */
		"[sla default]\n"                                          /* 24 */
		"resolution = 10 working days\n";                          /* 25 */
	skpi_config *cfg = LOAD_OK(text);
	const config_sla_rule *r;
	int64_t sat;

	if (!cfg)
		return;
	CHECK_STR(cfg->path, cfgpath);
	CHECK_STR(cfg->timezone, "Europe/Berlin");
	CHECK_INT(cfg->timezone_line, 3);
	CHECK(cfg->cal != NULL);
	CHECK_INT(config_section_line(cfg, "calendar"), 3);
	CHECK_INT(config_section_line(cfg, "sla"), 11);
	CHECK_INT(config_section_line(cfg, "sla urgent"), 19);
	CHECK_INT(config_section_line(cfg, "ranking"), 0);
	CHECK_INT(config_line(cfg, "calendar", "timezone"), 3);
	CHECK_STR(config_pause_statuses(cfg), ",pending,open,");
	CHECK_STR(config_str(cfg, "sla", "pause_statuses"), "Pending, open");
	CHECK_INT(config_line(cfg, "sla", "pause_statuses"), 11);
	if (cfg->cal) {
		/* 3.5 h + 4 h */
		CHECK_INT(cal_day_seconds(cfg->cal), 27000);
		sat = 20736;   /* 2026-10-10, a Saturday: 1970-2025 are 56 x 365 + 14 leap days, + 282 */
		CHECK_INT(cal_is_workday(cfg->cal, sat), 1);
		CHECK_INT(cal_is_workday(cfg->cal, sat + 1), 0);
		CHECK_INT(cal_is_workday(cfg->cal, sat + 2), 1);
		CHECK_INT(cal_is_workday(cfg->cal, sat - 7), 0);          /* 10-03, a Saturday */
		CHECK_INT(cal_is_workday(cfg->cal, sat + 76), 0);         /* 12-25, a Friday */
		/* the zone is Berlin's: Mon 2026-10-12 08:30 CEST is 06:30 UTC, so 06:00-07:00
		 * UTC holds 30 working minutes */
		CHECK_INT(cal_business_seconds(cfg->cal, (sat + 2) * 86400 + 6 * 3600,
					       (sat + 2) * 86400 + 7 * 3600), 1800);
	}
	CHECK_INT(cfg->nrules, 3);
	if (cfg->nrules != 3)
		goto out;
	r = &cfg->rules[0];
	CHECK_STR(r->name, "complaints");
	CHECK_INT(r->line, 14);
	CHECK(r->priority == NULL && r->channel == NULL);
	CHECK_STR(r->category, ",complaint,beschwerde,");
	CHECK_INT(r->first_response.set, 1);
	CHECK_INT(r->first_response.business, 0);
	CHECK_INT(r->first_response.seconds, 24 * 3600);
	CHECK_STR(r->first_response.text, "24 hours");
	CHECK_INT(r->first_response.line, 15);
	CHECK_INT(r->resolution.seconds, 30 * 86400);
	CHECK_STR(r->resolution.text, "30 days");
	r = &cfg->rules[1];
	CHECK_STR(r->name, "urgent");
	CHECK_STR(r->priority, ",urgent,high,");
	CHECK_STR(r->channel, ",phone,chat,");
	CHECK(r->category == NULL);
	CHECK_INT(r->first_response.business, 1);
	CHECK_INT(r->first_response.seconds, 1800);
	CHECK_STR(r->first_response.text, "30 business minutes");
	CHECK_INT(r->resolution.set, 0);
	r = &cfg->rules[2];
	CHECK_STR(r->name, "default");
	CHECK_INT(r->line, 25);
	CHECK_INT(r->first_response.set, 0);
	CHECK_INT(r->resolution.business, 1);
	CHECK_INT(r->resolution.unit, 'd');
	CHECK_INT(r->resolution.amount, 10);
	CHECK_INT(r->resolution.seconds, 10 * 27000);
	CHECK_STR(r->resolution.text, "10 working days");
out:
	config_free(cfg);
}

TEST(an_empty_pause_list_pauses_nothing)
{
	skpi_config *cfg = LOAD_OK("[sla]\npause_statuses =\n");

	if (!cfg)
		return;
	CHECK_STR(config_pause_statuses(cfg), "");
	CHECK_STR(config_str(cfg, "sla", "pause_statuses"), "");
	config_free(cfg);
}

TEST(targets)
{
	static const struct {
		const char *text;
		int business;
		long amount;
		char unit;
		int64_t seconds;
		const char *norm;
	} ok[] = {
		{ "24 hours", 0, 24, 'h', 86400, "24 hours" },
		{ "30 business minutes", 1, 30, 'm', 1800, "30 business minutes" },
		{ "10 working days", 1, 10, 'd', 0, "10 working days" },
		{ "30 days", 0, 30, 'd', 2592000, "30 days" },
		{ "1 hour", 0, 1, 'h', 3600, "1 hour" },
		{ "  2 Business Hours ", 1, 2, 'h', 7200, "2 business hours" },
		{ "45 min", 0, 45, 'm', 2700, "45 minutes" },
		{ "24h", 0, 24, 'h', 86400, "24 hours" },
		{ "1 working hour", 1, 1, 'h', 3600, "1 business hour" },
		{ "1 business day", 1, 1, 'd', 0, "1 working day" },
		{ "30 calendar days", 0, 30, 'd', 2592000, "30 days" },
		{ "3660 days", 0, 3660, 'd', 3660L * 86400, "3660 days" },
	};
	static const struct { const char *text, *msg; } bad[] = {
		{ "", "'' is not a target" },
		{ "hours", "'hours' is not a target" },
		{ "24", "'24' is not a target" },
		{ "24 fortnights", "'24 fortnights' is not a target" },
		{ "1.5 hours", "'1.5 hours' is not a target" },
		{ "-1 hours", "'-1 hours' is not a target" },
		{ "24 wall hours", "'24 wall hours' is not a target" },
		{ "10 working days please", "'10 working days please' is not a target" },
		{ "99999999999999999999 minutes", "'99999999999999999999 minutes' is not a target" },
		{ "0 hours", "the target '0 hours' is zero" },
		{ "3661 days", "the target '3661 days' is longer than ten years" },
	};
	config_target t;
	skpi_diag d;
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		if (config_parse_target(ok[i].text, &t, &d) != SKPI_OK) {
			unit_fail(__FILE__, __LINE__, ok[i].text);
			continue;
		}
		CHECK_INT(t.set, 1);
		CHECK_INT(t.business, ok[i].business);
		CHECK_INT(t.amount, ok[i].amount);
		CHECK_INT(t.unit, ok[i].unit);
		CHECK_INT(t.seconds, ok[i].seconds);
		CHECK_STR(t.text, ok[i].norm);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_INT(config_parse_target(bad[i].text, &t, &d), SKPI_ERR_CONFIG);
		CHECK_MSG(d.msg, bad[i].msg);
		CHECK_INT(t.set, 0);
	}
}

/* Random targets: accepted ones read back the same from their normalised text, and their
 * seconds are the amount times the unit; refused ones say why. */
TEST(random_targets_round_trip)
{
	/* pieces of targets, right and wrong, put together at random */
	static const char *const pieces[] = { "0", "1", "24", "30", "3660", "3661", "527040",
		"-2", "1.5", "99999999999999999999", "business", "working", "calendar", "Business",
		"wall", "hours", "hour", "h", "hr", "hrs", "days", "day", "d", "minutes", "min",
		"mins", "m", "weeks", "", " ", "  " };
	unsigned seed = 4242;
	int i, j, accepted = 0;

	for (i = 0; i < 20000; i++) {
		config_target t, u;
		skpi_diag d;
		char value[96];
		size_t len = 0;
		int n;

		seed = seed * 1103515245u + 12345u;
		n = (int)((seed >> 16) % 5);
		for (j = 0; j < n; j++) {
			const char *p;

			seed = seed * 1103515245u + 12345u;
			p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
			len += (size_t)snprintf(value + len, sizeof value - len, "%s%s", j ? " " : "", p);
		}
		value[len] = '\0';
		if (config_parse_target(value, &t, &d) != SKPI_OK) {
			CHECK(d.msg[0] != '\0');
			continue;
		}
		accepted++;
		CHECK(t.amount > 0);
		CHECK_INT(t.seconds, t.unit == 'd' && t.business ? 0 :
			  t.amount * (t.unit == 'm' ? 60 : t.unit == 'h' ? 3600 : 86400));
		CHECK(t.seconds <= 3660LL * 86400);
		CHECK_INT(config_parse_target(t.text, &u, &d), SKPI_OK);
		CHECK(u.business == t.business && u.amount == t.amount && u.unit == t.unit &&
		      u.seconds == t.seconds && strcmp(u.text, t.text) == 0);
	}
	printf("# %d of 20000 random values accepted\n", accepted);
	CHECK(accepted > 0);
}

TEST(every_error_names_its_line)
{
	LOAD_FAILS("timezone = UTC\n", 1, "'timezone' is outside any section");
	LOAD_FAILS("[calendar]\ntimezone = UTC\n[calender]\nhours = 09:00-17:00\n", 4,
		   "unknown section [calender]");
	LOAD_FAILS("[calendar]\n\nweekdays = mon-fri\n", 3, "unknown key 'weekdays' in [calendar]");
	LOAD_FAILS("[calendar]\nhours = 08:00-12:00\nhours = 11:00-17:00\n", 3,
		   "hours: 08:00-12:00 overlaps 11:00-17:00");
	LOAD_FAILS("[calendar]\nholidays = 2026-10-01\nextra_working_days = 2026-10-01\n", 3,
		   "extra_working_days: 2026-10-01 is also a holiday");
	LOAD_FAILS("[calendar]\ntimezone = UTC\ntimezone = UTC\n", 3,
		   "timezone is given twice (first on line 2)");
	LOAD_FAILS("[calendar]\nhours = 09:00-17:00\ntimezone = Mars/Olympus_Mons\n", 3,
		   "timezone: unknown time zone 'Mars/Olympus_Mons'");
	LOAD_FAILS("[sla]\npause_statuses = pending\nclock = stop\n", 3,
		   "unknown key 'clock' in [sla]");
	LOAD_FAILS("[sla]\npause_statuses = pending, resolved\n", 2,
		   "pause_statuses: 'resolved' cannot pause the clock: it stops it");
	LOAD_FAILS("[sla]\npause_statuses = waiting\n", 2, "pause_statuses: 'waiting' is not a status");
	LOAD_FAILS("[sla urgent]\npriority = urgent\nowner = bob\n", 3,
		   "unknown key 'owner' in [sla urgent]");
	LOAD_FAILS("[sla urgent]\nfirst_response = 1 hour\nfirst_response = 2 hours\n", 3,
		   "[sla urgent] first_response is given twice (first on line 2)");
	LOAD_FAILS("[sla urgent]\n\nresolution = 2 fortnights\n", 3,
		   "[sla urgent] resolution: '2 fortnights' is not a target");
	LOAD_FAILS("[sla urgent]\npriority =\nfirst_response = 1 hour\n", 2,
		   "[sla urgent] priority: no value is given");
	LOAD_FAILS("[sla a]\nfirst_response = 1 hour\n[sla b]\npriority = urgent\nchannel = phone\n", 4,
		   "[sla b] sets neither first_response nor resolution");
	LOAD_FAILS("[sla a]\npriority = urgent\nfirst_response = 30 business minutes\n", 3,
		   "[sla a] first_response '30 business minutes' is in business time, but there is "
		   "no [calendar]");
	LOAD_FAILS("[calendar]\ntimezone = UTC\n[sla all]\nfirst_response = 1 hour\n"
		   "[sla urgent]\npriority = urgent\nfirst_response = 10 minutes\n", 6,
		   "[sla urgent] can never apply: [sla all] (line 4) matches every ticket and comes "
		   "first");
	LOAD_FAILS("[calendar]\ntimezone = UTC\n[sla a]\nresolution = 1 day\n[calendar]\n"
		   "hours = 09:00-17:00\n", 6,
		   "[calendar] is given a second time (its first key is on line 2)");
	LOAD_FAILS("[calendar]\nhours 9-17\n", 2,
		   "expected 'key = value', '[section]' or a comment");
	LOAD_FAILS("[ranking]\nweight = 1\n", 2, "unknown key 'weight' in [ranking]");
	LOAD_FAILS("[report]\ncolour = blue\n", 2, "unknown key 'colour' in [report]");
}

TEST(a_later_specific_rule_is_fine_when_the_catch_all_lacks_its_target)
{
	/* [sla all] has no resolution target, so [sla urgent]'s resolution can still apply */
	skpi_config *cfg = LOAD_OK("[sla all]\nfirst_response = 1 hour\n"
				   "[sla urgent]\npriority = urgent\nfirst_response = 10 minutes\n"
				   "resolution = 1 day\n");

	if (!cfg)
		return;
	CHECK_INT(cfg->nrules, 2);
	config_free(cfg);
}

TEST(hints_say_what_to_do)
{
	skpi_config *cfg = NULL;
	skpi_diag d;

	write_file("[sla]\nclock = stop\n");
	CHECK_INT(config_load(cfgpath, &cfg, &d), SKPI_ERR_CONFIG);
	CHECK(strstr(d.hint, "pause_statuses") != NULL);
	CHECK_MSG(d.value, "stop");
	write_file("[sla]\npause_statuse = open\n");
	CHECK_INT(config_load(cfgpath, &cfg, &d), SKPI_ERR_CONFIG);
	CHECK_MSG(d.hint, "[sla] knows pause_statuses");
	write_file("[sla x]\nresolution = soon\n");
	CHECK_INT(config_load(cfgpath, &cfg, &d), SKPI_ERR_CONFIG);
	CHECK(strstr(d.hint, "30 business minutes") != NULL);
	write_file("[calendar]\nhours = 9-17\n");
	CHECK_INT(config_load(cfgpath, &cfg, &d), SKPI_ERR_CONFIG);
	CHECK(strstr(d.hint, "HH:MM-HH:MM") != NULL);
	CHECK_MSG(d.value, "9-17");
}

TEST(missing_files_and_directories)
{
	skpi_config *cfg = NULL;
	skpi_diag d;
	char path[160];

	snprintf(path, sizeof path, "%s/no-such.ini", tmpdir);
	CHECK_INT(config_load(path, &cfg, &d), SKPI_ERR_NOINPUT);
	CHECK(cfg == NULL);
	CHECK_MSG(d.file, path);
	CHECK_INT(config_load(tmpdir, &cfg, &d), SKPI_ERR_NOINPUT);
	CHECK(cfg == NULL);
}

TEST(the_time_zone_must_be_the_databases)
{
	skpi_config *cfg = LOAD_OK("[calendar]\nhours = 09:00-17:00\ntimezone = Asia/Shanghai\n");
	skpi_diag d;

	if (!cfg)
		return;
	CHECK_INT(config_check_timezone(cfg, "Asia/Shanghai", &d), SKPI_OK);
	CHECK_INT(config_check_timezone(cfg, "Europe/Berlin", &d), SKPI_ERR_CONFIG);
	CHECK_INT(d.line, 3);
	CHECK_MSG(d.file, cfgpath);
	CHECK_MSG(d.msg, "[calendar] timezone 'Asia/Shanghai' is not the database's time zone "
		  "'Europe/Berlin'");
	config_free(cfg);

	/* no timezone in the file: the calendar takes the database's.  Mon 2026-03-02 09:00
	 * in Shanghai (+8) is 01:00 UTC: 00:00-02:00 UTC holds one working hour */
	cfg = LOAD_OK("[calendar]\nhours = 09:00-17:00\n");
	if (!cfg)
		return;
	CHECK_INT(cal_business_seconds(cfg->cal, 1772409600, 1772409600 + 7200), 0);  /* UTC */
	CHECK_INT(config_check_timezone(cfg, "Asia/Shanghai", &d), SKPI_OK);
	CHECK_INT(cal_business_seconds(cfg->cal, 1772409600, 1772409600 + 7200), 3600);
	CHECK_INT(config_check_timezone(cfg, "Mars/Olympus_Mons", &d), SKPI_ERR_CONFIG);
	config_free(cfg);
}

TEST(config_fail_points_at_the_key_or_the_section)
{
	skpi_config *cfg = LOAD_OK("[sla]\n\npause_statuses = pending\n");
	skpi_diag d;

	if (!cfg)
		return;
	CHECK_INT(config_fail(cfg, "sla", "pause_statuses", &d, "%s is %d", "x", 1), SKPI_ERR_CONFIG);
	CHECK_INT(d.line, 3);
	CHECK_MSG(d.file, cfgpath);
	CHECK_MSG(d.msg, "x is 1");
	/* a key with its default: the section's line; a section not in the file: no line */
	CHECK_INT(config_fail(cfg, "report", "no_such_key", &d, "missing"), SKPI_ERR_CONFIG);
	CHECK_INT(d.line, 0);
	config_free(cfg);
}

/* An unknown key near a known one: the hint lists the section's keys when they are few,
 * else names the nearest. */
TEST(unknown_keys_get_a_suggestion)
{
	static const char *const sections[] = { "sla", "ranking", "report" };
	config_setting_info s;
	char text[256], want[256];
	size_t i, j, count;
	const char *first;

	for (j = 0; j < 3; j++) {
		count = 0;
		first = NULL;
		for (i = 0; config_setting_at(i, &s); i++) {
			if (strcmp(s.section, sections[j]) != 0)
				continue;
			if (!first)
				first = s.key;
			count++;
		}
		if (count <= 6 || !first)
			continue;
		/* one letter too many is one edit away */
		snprintf(text, sizeof text, "[%s]\n%sz = 1\n", sections[j], first);
		snprintf(want, sizeof want, "unknown key '%sz' in [%s]", first, sections[j]);
		LOAD_FAILS(text, 2, want);
		snprintf(want, sizeof want, "did you mean '%s'? docs/config.md lists the keys of [%s]",
			 first, sections[j]);
		CHECK_MSG(last_hint, want);
	}
}

/* Every row of the settings table, whatever module added it. */
TEST(every_setting_row_works)
{
	config_setting_info s, o;
	char text[512], want[256], doc[PATH_MAX], *docs = NULL;
	size_t i, j, n = 0;
	FILE *fp;

	/* every page docs/NAME.md, one after the other: a section's keys may be explained in the
	 * page of its command (docs/ranking.md, docs/cron.md) */
	docs = calloc(1, DOCS_MAX);
	if (docs && top_file("docs/config.md", doc, sizeof doc)) {
		DIR *dir;
		struct dirent *de;

		*strrchr(doc, '/') = '\0';
		dir = opendir(doc);
		while (dir && (de = readdir(dir)) != NULL) {
			char path[PATH_MAX + 256];
			size_t len = strlen(de->d_name);

			if (len < 4 || strcmp(de->d_name + len - 3, ".md") != 0)
				continue;
			snprintf(path, sizeof path, "%s/%s", doc, de->d_name);
			if ((fp = fopen(path, "r")) != NULL) {
				n += fread(docs + n, 1, DOCS_MAX - 1 - n, fp);
				fclose(fp);
			}
		}
		if (dir)
			closedir(dir);
	}
	CHECK(docs != NULL && n > 0);
	for (i = 0; config_setting_at(i, &s); i++) {
		skpi_config *cfg;
		char key[128];

		snprintf(key, sizeof key, "`%s`", s.key);
		if (docs && !strstr(docs, key)) {
			char m[256];

			snprintf(m, sizeof m, "[%s] %s is described in no docs/NAME.md: add it to the "
				 "table of its section", s.section, key);
			unit_fail(__FILE__, __LINE__, m);
		}
		CHECK(s.help && s.help[0]);
		for (j = 0; j < i; j++) {
			config_setting_at(j, &o);
			CHECK(strcmp(o.section, s.section) != 0 || strcmp(o.key, s.key) != 0);
		}
		/* the default is a valid value */
		if (s.def) {
			snprintf(text, sizeof text, "[%s]\n%s = %s\n", s.section, s.key, s.def);
			cfg = LOAD_OK(text);
			if (cfg) {
				CHECK_STR(config_str(cfg, s.section, s.key), s.def);
				CHECK_INT(config_line(cfg, s.section, s.key), 2);
				config_free(cfg);
			}
		}
		/* given twice: a list grows, anything else is an error */
		snprintf(text, sizeof text, "[%s]\n%s = %s\n%s = %s\n", s.section, s.key,
			 s.def ? s.def : "x", s.key, s.def ? s.def : "x");
		if (strcmp(s.type, "list") == 0) {
			cfg = LOAD_OK(text);
			snprintf(want, sizeof want, "%s, %s", s.def ? s.def : "x", s.def ? s.def : "x");
			if (cfg)
				CHECK_STR(config_str(cfg, s.section, s.key), want);
			config_free(cfg);
		} else if (strcmp(s.type, "string") == 0 || strcmp(s.type, "path") == 0) {
			snprintf(want, sizeof want, "%s is given twice in [%s] (first on line 2)",
				 s.key, s.section);
			LOAD_FAILS(text, 3, want);
		}
		if (strcmp(s.type, "int") == 0) {
			snprintf(text, sizeof text, "[%s]\n%s = %.0f\n", s.section, s.key, s.max);
			if ((cfg = LOAD_OK(text)) != NULL)
				CHECK_INT(config_int(cfg, s.section, s.key), (long)s.max);
			config_free(cfg);
			snprintf(text, sizeof text, "[%s]\n%s = %.0f\n", s.section, s.key, s.min - 1);
			snprintf(want, sizeof want, "%s %.0f is out of range (%.0f to %.0f)", s.key,
				 s.min - 1, s.min, s.max);
			LOAD_FAILS(text, 2, want);
			snprintf(text, sizeof text, "[%s]\n%s = 1.5\n", s.section, s.key);
			snprintf(want, sizeof want, "%s '1.5' is not a whole number", s.key);
			LOAD_FAILS(text, 2, want);
		} else if (strcmp(s.type, "real") == 0) {
			snprintf(text, sizeof text, "[%s]\n%s = %.17g\n", s.section, s.key, s.max);
			if ((cfg = LOAD_OK(text)) != NULL)
				CHECK_NEAR(config_real(cfg, s.section, s.key), s.max, 1e-12);
			config_free(cfg);
			snprintf(text, sizeof text, "[%s]\n%s = %.17g\n", s.section, s.key, s.max + 1);
			snprintf(want, sizeof want, "%s %.17g is out of range (%g to %g)", s.key,
				 s.max + 1, s.min, s.max);
			LOAD_FAILS(text, 2, want);
			if (s.def)   /* the hint gives the default */
				CHECK(strstr(last_hint, s.def) != NULL);
			snprintf(text, sizeof text, "[%s]\n%s = lots\n", s.section, s.key);
			snprintf(want, sizeof want, "%s 'lots' is not a number", s.key);
			LOAD_FAILS(text, 2, want);
		} else if (strcmp(s.type, "bool") == 0) {
			snprintf(text, sizeof text, "[%s]\n%s = Yes\n", s.section, s.key);
			if ((cfg = LOAD_OK(text)) != NULL)
				CHECK_INT(config_int(cfg, s.section, s.key), 1);
			config_free(cfg);
			snprintf(text, sizeof text, "[%s]\n%s = off\n", s.section, s.key);
			if ((cfg = LOAD_OK(text)) != NULL)
				CHECK_INT(config_int(cfg, s.section, s.key), 0);
			config_free(cfg);
			snprintf(text, sizeof text, "[%s]\n%s = maybe\n", s.section, s.key);
			snprintf(want, sizeof want, "%s 'maybe' is not yes or no", s.key);
			LOAD_FAILS(text, 2, want);
		} else if (strcmp(s.type, "mode") == 0) {
			snprintf(text, sizeof text, "[%s]\n%s = %04o\n", s.section, s.key, (unsigned)s.min);
			if ((cfg = LOAD_OK(text)) != NULL)
				CHECK_INT(config_int(cfg, s.section, s.key), (long)s.min);
			config_free(cfg);
			snprintf(text, sizeof text, "[%s]\n%s = 0648\n", s.section, s.key);
			snprintf(want, sizeof want, "%s '0648' is not an octal file mode", s.key);
			LOAD_FAILS(text, 2, want);
			if (s.max < 07777) {
				snprintf(text, sizeof text, "[%s]\n%s = %04o\n", s.section, s.key,
					 (unsigned)s.max + 1);
				snprintf(want, sizeof want, "%s %04o is out of range (%04o to %04o)", s.key,
					 (unsigned)s.max + 1, (unsigned)s.min, (unsigned)s.max);
				LOAD_FAILS(text, 2, want);
			}
		} else if (strcmp(s.type, "path") == 0) {
			char *path;

			snprintf(text, sizeof text, "[%s]\n%s = sub/file\n", s.section, s.key);
			if ((cfg = LOAD_OK(text)) != NULL) {
				path = config_path(cfg, s.section, s.key);
				snprintf(want, sizeof want, "%s/sub/file", tmpdir);
				CHECK_STR(path, want);
				free(path);
			}
			config_free(cfg);
			snprintf(text, sizeof text, "[%s]\n%s = /abs/file\n", s.section, s.key);
			if ((cfg = LOAD_OK(text)) != NULL) {
				path = config_path(cfg, s.section, s.key);
				CHECK_STR(path, "/abs/file");
				free(path);
			}
			config_free(cfg);
		}
	}
	CHECK(i >= 1);
	free(docs);
}

TEST(the_sample_config_loads)
{
	char path[PATH_MAX];
	skpi_config *cfg = NULL;
	skpi_diag d;

	CHECK(top_file("samples/centre.ini", path, sizeof path));
	if (config_load(path, &cfg, &d) != SKPI_OK) {
		char m[900];

		snprintf(m, sizeof m, "samples/centre.ini line %ld: %.700s", d.line, d.msg);
		unit_fail(__FILE__, __LINE__, m);
		return;
	}
	CHECK(cfg->cal != NULL);
	CHECK(cfg->timezone != NULL);
	CHECK(cfg->nrules >= 3);
	config_free(cfg);
}

/* `test_config --settings-table SECTION` prints the section's rows as the markdown table of
 * docs/config.md (the tables of [ranking] and [report] there are made with it). */
static int print_settings_table(const char *section)
{
	config_setting_info s;
	size_t i;

	printf("| key | type | default | range | meaning |\n|---|---|---|---|---|\n");
	for (i = 0; config_setting_at(i, &s); i++) {
		char range[64] = "";
		const char *h;

		if (strcmp(s.section, section) != 0)
			continue;
		if (strcmp(s.type, "int") == 0 || strcmp(s.type, "real") == 0)
			snprintf(range, sizeof range, "%.10g to %.10g", s.min, s.max);
		else if (strcmp(s.type, "mode") == 0)
			snprintf(range, sizeof range, "%04o to %04o", (unsigned)s.min, (unsigned)s.max);
		printf("| `%s` | %s | %s%s%s | %s | ", s.key, s.type, s.def ? "`" : "",
		       s.def ? s.def : "none", s.def ? "`" : "", range);
		for (h = s.help; *h; h++) {
			if (*h == '<')
				fputs("&lt;", stdout);
			else if (*h == '|')
				fputs("\\|", stdout);
			else
				putchar(*h);
		}
		printf(" |\n");
	}
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	char realtmp[PATH_MAX];

	if (argc == 3 && strcmp(argv[1], "--settings-table") == 0)
		return print_settings_table(argv[2]);

	snprintf(tmpdir, sizeof tmpdir, "/tmp/skpi-config-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	if (realpath(tmpdir, realtmp) && strlen(realtmp) < sizeof tmpdir)
		memcpy(tmpdir, realtmp, strlen(realtmp) + 1);
	snprintf(cfgpath, sizeof cfgpath, "%s/centre.ini", tmpdir);
	RUN(an_empty_config_has_every_default);
	RUN(a_full_file_is_read);
	RUN(an_empty_pause_list_pauses_nothing);
	RUN(targets);
	RUN(random_targets_round_trip);
	RUN(every_error_names_its_line);
	RUN(a_later_specific_rule_is_fine_when_the_catch_all_lacks_its_target);
	RUN(hints_say_what_to_do);
	RUN(missing_files_and_directories);
	RUN(the_time_zone_must_be_the_databases);
	RUN(config_fail_points_at_the_key_or_the_section);
	RUN(unknown_keys_get_a_suggestion);
	RUN(every_setting_row_works);
	RUN(the_sample_config_loads);
	unlink(cfgpath);
	rmdir(tmpdir);
	return unit_done();
}
