/* test_cli — the options the reporting tools share (lib/cli.c): taking them from
 * getopt_long, the period options' usage errors, and cli_open: the order of its checks,
 * the period and --as-of in the database's zone, the default as-of, and the config's
 * calendar given the database's zone.  Unix times are worked out by hand in the comments. */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "supportkpi/calendar.h"
#include "supportkpi/cli.h"
#include "unit.h"

static char tmpdir[64];
static char dbpath[128];

/* 2026-10-01 is day 20727 (see test_period.c); 20727 * 86400 = 1790812800. */
#define T_2026_10_01 1790812800LL
/* the first instant of 2026-11-01 in Europe/Berlin (UTC+1 after 2026-10-25) plus 30 min:
 * 2026-10-31 23:30 UTC = T_2026_10_01 + 30 days + 23.5 h */
#define T_NOV_1_0030_BERLIN (T_2026_10_01 + 30 * 86400LL + 23 * 3600LL + 1800)

/* What a call printed on stderr: run it with stderr sent to a file, then read the file. */
static char captured[4096];
#define CAPTURE(rc, call) do { \
		int fd_ = open(errpath, O_RDWR | O_CREAT | O_TRUNC, 0600), saved_; \
		ssize_t n_; \
		fflush(stderr); \
		saved_ = dup(2); \
		dup2(fd_, 2); \
		(rc) = (call); \
		fflush(stderr); \
		dup2(saved_, 2); \
		close(saved_); \
		n_ = pread(fd_, captured, sizeof captured - 1, 0); \
		captured[n_ > 0 ? n_ : 0] = '\0'; \
		close(fd_); \
	} while (0)
static char errpath[128];

/* the captured stderr starts with want (CHECK_STR on the 4 KiB buffer trips
 * -Wformat-truncation) */
#define CHECK_ERR_STARTS(want) do { const char *w_ = (want); \
		if (strncmp(captured, w_, strlen(w_)) != 0) { char m_[512]; \
			snprintf(m_, sizeof m_, "stderr \"%.200s\" does not start with \"%.200s\"", \
				 captured, w_); \
			unit_fail(__FILE__, __LINE__, m_); } } while (0)

static const char usage[] = "usage: test [--period PERIOD | --from DATE --to DATE]\n";

static void write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (!fp) {
		perror(path);
		exit(1);
	}
	fputs(text, fp);
	fclose(fp);
}

TEST(takes_the_shared_options)
{
	cli_opts o;

	memset(&o, 0, sizeof o);
	CHECK_INT(cli_opts_take(&o, CLI_OPT_AS_OF, "a"), 1);
	CHECK_INT(cli_opts_take(&o, CLI_OPT_CONFIG, "c"), 1);
	CHECK_INT(cli_opts_take(&o, CLI_OPT_DB, "d"), 1);
	CHECK_INT(cli_opts_take(&o, CLI_OPT_FROM, "f"), 1);
	CHECK_INT(cli_opts_take(&o, CLI_OPT_PERIOD, "p"), 1);
	CHECK_INT(cli_opts_take(&o, CLI_OPT_TO, "t"), 1);
	CHECK_STR(o.as_of, "a");
	CHECK_STR(o.config, "c");
	CHECK_STR(o.db, "d");
	CHECK_STR(o.from, "f");
	CHECK_STR(o.period, "p");
	CHECK_STR(o.to, "t");
	/* a tool's own option and getopt_long's '?' are not taken */
	CHECK_INT(cli_opts_take(&o, 'o', "x"), 0);
	CHECK_INT(cli_opts_take(&o, '?', NULL), 0);
	CHECK_STR(o.db, "d");
}

TEST(period_options_usage_errors)
{
	cli_opts o;
	int rc;

	memset(&o, 0, sizeof o);
	CAPTURE(rc, cli_check_period("test", usage, &o, 0));
	CHECK_INT(rc, SKPI_EXIT_USAGE);
	CHECK_ERR_STARTS("test: --period is required\nusage: test [--period PERIOD | --from DATE --to DATE]\n");
	CAPTURE(rc, cli_check_period("test", usage, &o, CLI_FROM_TO));
	CHECK_INT(rc, SKPI_EXIT_USAGE);
	CHECK_ERR_STARTS("test: --period is required (or --from and --to)\n");
	o.from = "2026-10-01";
	CAPTURE(rc, cli_check_period("test", usage, &o, CLI_FROM_TO));
	CHECK_INT(rc, SKPI_EXIT_USAGE);
	CHECK_ERR_STARTS("test: --from and --to go together\n");
	o.period = "2026-10";
	CAPTURE(rc, cli_check_period("test", usage, &o, CLI_FROM_TO));
	CHECK_INT(rc, SKPI_EXIT_USAGE);
	CHECK_ERR_STARTS("test: give --period or --from/--to, not both\n");
	o.from = NULL;
	CAPTURE(rc, cli_check_period("test", usage, &o, CLI_FROM_TO));
	CHECK_INT(rc, 0);
	CHECK(captured[0] == '\0');
	o.period = NULL;
	o.from = "2026-10-01";
	o.to = "2026-10-02";
	CHECK_INT(cli_check_period("test", usage, &o, CLI_FROM_TO), 0);
}

TEST(bad_values_before_the_database)
{
	char missing[160];
	cli_opts o;
	cli_ctx c;
	int rc;

	/* a bad --from is a usage error even when the database is missing */
	snprintf(missing, sizeof missing, "%s/none.db", tmpdir);
	memset(&o, 0, sizeof o);
	o.db = missing;
	o.from = "2026-10-01";
	o.to = "2026-10-01";
	CAPTURE(rc, cli_open(&c, "test", usage, &o, 0, T_2026_10_01));
	CHECK_INT(rc, SKPI_EXIT_USAGE);
	CHECK_ERR_STARTS("test: --to '2026-10-01' is not after --from '2026-10-01'\n");
	CHECK(strstr(captured, "test: hint: ") != NULL);
	CHECK(strstr(captured, "usage: test ") != NULL);
	CHECK(c.db == NULL && c.tz == NULL && c.cfg == NULL);
	/* a good one: the missing database is 66 */
	o.to = "2026-10-02";
	CAPTURE(rc, cli_open(&c, "test", usage, &o, 0, T_2026_10_01));
	CHECK_INT(rc, SKPI_EXIT_NOINPUT);
	CHECK(c.db == NULL);
	/* a bad --period or --as-of, known only with the database's zone, is a usage error */
	o.db = dbpath;
	o.from = o.to = NULL;
	o.period = "2026-13";
	CAPTURE(rc, cli_open(&c, "test", usage, &o, 0, T_2026_10_01));
	CHECK_INT(rc, SKPI_EXIT_USAGE);
	CHECK_ERR_STARTS("test: period '2026-13' ");
	CHECK(strstr(captured, "usage: test ") != NULL);
	CHECK(c.db == NULL);
	o.period = "2026-10";
	o.as_of = "yesterday";
	CAPTURE(rc, cli_open(&c, "test", usage, &o, 0, T_2026_10_01));
	CHECK_INT(rc, SKPI_EXIT_USAGE);
	CHECK_ERR_STARTS("test: --as-of 'yesterday' is not a local time\n");
	CHECK(c.db == NULL);
}

TEST(period_and_as_of_in_the_database_zone)
{
	cli_opts o;
	cli_ctx c;
	int rc;

	memset(&o, 0, sizeof o);
	o.db = dbpath;
	o.period = "last-month";
	/* now is 2026-11-01 00:30 in Berlin (still October in UTC): last month is October */
	CAPTURE(rc, cli_open(&c, "test", usage, &o, 0, T_NOV_1_0030_BERLIN));
	CHECK_INT(rc, 0);
	CHECK_STR(c.period.label, "2026-10");
	CHECK_STR(skpi_tz_name(c.tz), "Europe/Berlin");
	/* nothing ingested: the default as-of is now */
	CHECK_INT(c.as_of, T_NOV_1_0030_BERLIN);
	CHECK_INT(c.now, T_NOV_1_0030_BERLIN);
	CHECK(c.cfg == NULL);
	cli_release(&c);
	CHECK(c.db == NULL && c.tz == NULL);

	/* --as-of 2026-10-05 10:00 in Berlin (UTC+2) is 08:00 UTC: day 20731 + 8 h */
	o.as_of = "2026-10-05 10:00";
	o.period = "2026-10";
	CHECK_INT(cli_open(&c, "test", usage, &o, CLI_CONFIG_ALWAYS, T_2026_10_01), 0);
	CHECK_INT(c.as_of, T_2026_10_01 + 4 * 86400LL + 8 * 3600LL);
	/* CLI_CONFIG_ALWAYS without --config: the defaults, no file */
	CHECK(c.cfg != NULL && c.cfg->path == NULL);
	cli_release(&c);
}

TEST(config_gets_the_database_zone)
{
	char ini[160], paris[160];
	cli_opts o;
	cli_ctx c;
	int rc;

	/* no timezone in [calendar]: the calendar counts in Berlin.  2026-10-05 (a Monday)
	 * 07:00-08:00 UTC is 09:00-10:00 in Berlin: one working hour (in UTC it would be
	 * before 09:00, none) */
	snprintf(ini, sizeof ini, "%s/centre.ini", tmpdir);
	write_text(ini, "[calendar]\nworking_days = mon-fri\nhours = 09:00-17:00\n");
	memset(&o, 0, sizeof o);
	o.db = dbpath;
	o.period = "2026-10";
	o.config = ini;
	CAPTURE(rc, cli_open(&c, "test", usage, &o, 0, T_2026_10_01));
	CHECK_INT(rc, 0);
	CHECK(c.cfg != NULL && c.cfg->cal != NULL);
	if (c.cfg && c.cfg->cal)
		CHECK_INT(cal_business_seconds(c.cfg->cal, T_2026_10_01 + 4 * 86400LL + 7 * 3600LL,
					       T_2026_10_01 + 4 * 86400LL + 8 * 3600LL), 3600);
	cli_release(&c);

	/* a [calendar] timezone that is not the database's: a configuration error, 78 */
	snprintf(paris, sizeof paris, "%s/paris.ini", tmpdir);
	write_text(paris, "[calendar]\ntimezone = Europe/Paris\n");
	o.config = paris;
	CAPTURE(rc, cli_open(&c, "test", usage, &o, 0, T_2026_10_01));
	CHECK_INT(rc, SKPI_EXIT_CONFIG);
	CHECK(strstr(captured, "[calendar] timezone 'Europe/Paris' is not the database's time "
		     "zone 'Europe/Berlin'") != NULL);
	CHECK(c.db == NULL && c.cfg == NULL);
}

int main(void)
{
	sqlite3 *db = NULL;
	skpi_diag d;
	int rc;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/skpi-cli-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dbpath, sizeof dbpath, "%s/c.db", tmpdir);
	snprintf(errpath, sizeof errpath, "%s/stderr", tmpdir);
	skpi_diag_clear(&d);
	if (store_open(dbpath, STORE_OPEN_CREATE, &db, &d) != SKPI_OK ||
	    store_set_timezone(db, "Europe/Berlin", &d) != SKPI_OK) {
		skpi_diag_print(&d, "test_cli", stderr);
		return 1;
	}
	store_close(db);
	RUN(takes_the_shared_options);
	RUN(period_options_usage_errors);
	RUN(bad_values_before_the_database);
	RUN(period_and_as_of_in_the_database_zone);
	RUN(config_gets_the_database_zone);
	rc = unit_done();
	{
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			rc = 1;
	}
	return rc;
}
