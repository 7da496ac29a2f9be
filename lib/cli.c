/* cli — shared behaviour of the command-line tools (see cli.h). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "supportkpi/cli.h"
#include "supportkpi/kpi.h"

int cli_help(const char *prog, const char *usage, const char *help)
{
	fputs(usage, stdout);
	fputs("\n", stdout);
	fputs(help, stdout);
	return cli_finish(prog, 0);
}

int cli_bad_option(const char *prog, const char *usage, int c, char *const argv[])
{
	const char *arg = optind > 0 ? argv[optind - 1] : "?";

	if (c == ':')
		return cli_usage_error(prog, usage, "option '%s' needs a value", arg);
	if (optopt > 0 && optopt < 128 && arg[0] == '-' && arg[1] != '-')
		return cli_usage_error(prog, usage, "unknown option '-%c'", optopt);
	return cli_usage_error(prog, usage, "unknown option '%s'", arg);
}

int cli_usage_error(const char *prog, const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return SKPI_EXIT_USAGE;
}

int cli_finish(const char *prog, int code)
{
	int bad = fflush(stdout) != 0 || ferror(stdout);

	bad |= fclose(stdout) != 0;
	if (bad) {
		/* a failure already reported (e.g. the write error itself) is not said twice */
		if (code != SKPI_EXIT_OK && code != SKPI_EXIT_WARN)
			return code;
		fprintf(stderr, "%s: cannot write the output: %s\n", prog, strerror(errno ? errno : EIO));
		return SKPI_EXIT_IOERR;
	}
	return code;
}

int cli_fail(const char *prog, const skpi_diag *d)
{
	skpi_diag_print(d, prog, stderr);
	return skpi_exit_code(d->code);
}

int cli_usage_diag(const char *prog, const char *usage, const skpi_diag *d)
{
	skpi_diag_print(d, prog, stderr);
	fputs(usage, stderr);
	return SKPI_EXIT_USAGE;
}

int cli_opts_take(cli_opts *o, int c, const char *arg)
{
	switch (c) {
	case CLI_OPT_AS_OF: o->as_of = arg; return 1;
	case CLI_OPT_CONFIG: o->config = arg; return 1;
	case CLI_OPT_DB: o->db = arg; return 1;
	case CLI_OPT_FROM: o->from = arg; return 1;
	case CLI_OPT_PERIOD: o->period = arg; return 1;
	case CLI_OPT_TO: o->to = arg; return 1;
	}
	return 0;
}

int cli_check_period(const char *prog, const char *usage, const cli_opts *o, unsigned flags)
{
	if (o->period && (o->from || o->to))
		return cli_usage_error(prog, usage, "give --period or --from/--to, not both");
	if (!o->period && !o->from && !o->to)
		return cli_usage_error(prog, usage, "--period is required%s",
				       flags & CLI_FROM_TO ? " (or --from and --to)" : "");
	if (!o->period && (!o->from || !o->to))
		return cli_usage_error(prog, usage, "--from and --to go together");
	return 0;
}

int cli_open(cli_ctx *c, const char *prog, const char *usage, const cli_opts *o,
	     unsigned flags, int64_t now)
{
	skpi_diag d;
	skpi_err e;
	int rc = 0;

	memset(c, 0, sizeof *c);
	c->now = now;
	skpi_diag_clear(&d);
	/* the option values first: a usage error before the database is touched where it can */
	if (!o->period && period_from_to(o->from, o->to, &c->period, &d) != SKPI_OK)
		return cli_usage_diag(prog, usage, &d);
	rc = cli_open_db(prog, o->db, STORE_OPEN_EXISTING, &c->db, &c->tz);
	if (rc)
		return rc;
	/* --period's this-month and last-month, and --as-of, are local to the database */
	if (o->period && period_parse(o->period, period_today(c->tz, now), &c->period, &d) != SKPI_OK) {
		rc = cli_usage_diag(prog, usage, &d);
		goto out;
	}
	if (o->as_of)
		e = period_parse_time(o->as_of, c->tz, now, "--as-of", &c->as_of, &d);
	else
		e = kpi_default_as_of(c->db, now, &c->as_of, &d);
	if (e) {
		rc = e == SKPI_ERR_USAGE ? cli_usage_diag(prog, usage, &d) : cli_fail(prog, &d);
		goto out;
	}
	/* the calendar counts local days and hours in the database's zone */
	if (o->config)
		e = config_load(o->config, &c->cfg, &d);
	else if (flags & CLI_CONFIG_ALWAYS)
		e = config_empty(&c->cfg, &d);
	if (!e)
		e = config_check_timezone(c->cfg, skpi_tz_name(c->tz), &d);
	if (e)
		rc = cli_fail(prog, &d);
out:
	if (rc)
		cli_release(c);
	return rc;
}

void cli_release(cli_ctx *c)
{
	config_free(c->cfg);
	skpi_tz_free(c->tz);
	if (c->db)
		store_close(c->db);
	memset(c, 0, sizeof *c);
}

int cli_open_db(const char *prog, const char *db_opt, enum store_open_mode mode,
		sqlite3 **db, skpi_tz **tz)
{
	skpi_diag d;
	char zone[128];
	const char *path = store_default_path(db_opt);

	skpi_diag_clear(&d);
	*db = NULL;
	*tz = NULL;
	if (store_open(path, mode, db, &d) != SKPI_OK)
		return cli_fail(prog, &d);
	if (store_timezone(*db, zone, sizeof zone, &d) != SKPI_OK ||
	    skpi_tz_load(zone, NULL, tz, &d) != SKPI_OK) {
		store_close(*db);
		*db = NULL;
		return cli_fail(prog, &d);
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void cli_progress_init(cli_progress *p, const char *label, int quiet)
{
	p->on = !quiet && isatty(STDERR_FILENO);
	p->label = label;
	p->start = p->last = now_s();
}

void cli_progress_update(void *ctx, unsigned long long done, unsigned long long total)
{
	cli_progress *p = ctx;
	double t;

	if (!p->on)
		return;
	t = now_s();
	if (t - p->last < 0.25)
		return;
	p->last = t;
	fprintf(stderr, "\r%s: %3.0f%%  %.1f MB/s ", p->label,
		total ? 100.0 * (double)done / (double)total : 0.0,
		(double)done / 1e6 / (t - p->start > 0 ? t - p->start : 1));
}

void cli_progress_done(cli_progress *p)
{
	if (p->on && p->last > p->start)
		fputs("\r\033[K", stderr);
}
