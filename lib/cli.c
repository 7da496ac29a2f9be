/* cli — shared behaviour of the command-line tools (see cli.h). */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "supportkpi/cli.h"

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
