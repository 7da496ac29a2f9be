/* supportkpi-xlsx — write the monthly Excel workbook (docs/workbook.md). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "supportkpi/cli.h"
#include "supportkpi/config.h"
#include "supportkpi/kpi.h"
#include "supportkpi/period.h"
#include "supportkpi/plot.h"
#include "supportkpi/rank.h"
#include "supportkpi/report.h"
#include "supportkpi/xlsx.h"

static const char usage[] =
	"usage: supportkpi xlsx [--no-charts] [--quiet] [--as-of TIME] [--config FILE] [--db FILE]\n"
	"                       -o FILE --period PERIOD | --from DATE --to DATE\n";

static const char help[] =
	"Write the period's Excel workbook: Summary (headline KPIs, previous period, change,\n"
	"targets, 12-month charts), Agents, Teams, Channels, Categories, Ranking, SLA, Trend,\n"
	"Data quality and Definitions.  The file is written under a temporary name beside FILE\n"
	"and renamed into place when complete; the same database and period give the same bytes.\n"
	"\n"
	"  --as-of TIME     judge still-open tickets against their SLA at TIME (local,\n"
	"                   YYYY-MM-DD[ HH:MM[:SS]] or now); default: the end of the latest ingest\n"
	"  --config FILE    calendar, SLA rules, [ranking] and [report] settings (docs/config.md):\n"
	"                   targets target_csat_pct, ... and file_mode (default 0640)\n"
	"  --db FILE        the database (default: $SUPPORTKPI_DB, else ./supportkpi.db)\n"
	"  --from DATE      with --to DATE: the days from DATE up to, not including, --to\n"
	"  --no-charts      do not draw the gnuplot charts embedded in Summary\n"
	"  -o, --output FILE  the workbook to write (.xlsx)\n"
	"  --period PERIOD  2026-10, 2026-Q3, 2026, this-month, last-month, this-quarter,\n"
	"                   last-quarter, this-year, last-year\n"
	"  --quiet          no note and no warning on standard error (the exit status still\n"
	"                   says 1 for a warning)\n"
	"  -h, --help       show this help\n"
	"\n"
	"When gnuplot is missing or fails, the workbook is still written, without the chart\n"
	"images (its native Excel charts stay), and the exit status is 1; likewise when the\n"
	"[ranking] settings allow no ranking for the data (the Ranking sheet says why).\n"
	"\n" CLI_EXIT_CODES;

/* "PROG: warning: WHAT: ['FILE' line N: ]MSG" and the hint, on stderr. */
static void warn(const char *prog, const char *what, const skpi_diag *d)
{
	fprintf(stderr, "%s: warning: %s: ", prog, what);
	if (d->file[0] && d->line > 0)
		fprintf(stderr, "'%s' line %ld: ", d->file, d->line);
	else if (d->file[0])
		fprintf(stderr, "'%s': ", d->file);
	fprintf(stderr, "%s\n", d->msg[0] ? d->msg : skpi_strerror(d->code));
	if (d->hint[0])
		fprintf(stderr, "%s: hint: %s\n", prog, d->hint);
}

/* The mode of the written file: [report] file_mode (checked by config_load: an octal
 * mode from 0400 to 0666), default 0640. */
static mode_t file_mode(const skpi_config *cfg)
{
	long v = config_int(cfg, "report", "file_mode");

	return v > 0 ? (mode_t)v : REPORT_MODE_DEFAULT;
}

/* Draw the standard charts into a new temporary directory *dir (caller removes it and
 * its files).  A missing or failing gnuplot is a warning: 1 is returned after printing
 * it; 0 on success; an exit code (> 1) for other errors. */
static int draw_charts(const char *prog, sqlite3 *db, const xlsx_report_opts *xo, int quiet,
		       char *dir, size_t dirsz, plot_files *files)
{
	const char *tmp = getenv("TMPDIR");
	rank_board *board = NULL;
	rank_query rq;
	kpi_query q;
	plot_spec spec;
	skpi_diag d;
	skpi_err e;

	skpi_diag_clear(&d);
	dir[0] = '\0';
	e = plot_available(NULL, 0, &d);
	if (e == SKPI_ERR_EXTERNAL)
		goto warn;
	if (e)
		return cli_fail(prog, &d);
	if ((size_t)snprintf(dir, dirsz, "%s/supportkpi-xlsx.XXXXXX", tmp && *tmp ? tmp : "/tmp") >= dirsz ||
	    !mkdtemp(dir)) {
		dir[0] = '\0';
		skpi_diag_set(&d, SKPI_ERR_CREATE, NULL, 0, "cannot create a temporary directory for "
			      "the charts: %s", strerror(errno));
		skpi_diag_hint(&d, "set TMPDIR to a writable directory, or use --no-charts");
		return cli_fail(prog, &d);
	}
	memset(&rq, 0, sizeof rq);
	rq.period = xo->period;
	rq.as_of = xo->as_of;
	rq.config = xo->config;
	/* the ranking's bar chart needs the ranking; without one (the workbook says why)
	 * the other charts are still drawn */
	if (rank_run(db, &rq, &board, &d) != SKPI_OK) {
		if (d.code != SKPI_ERR_CONFIG && d.code != SKPI_ERR_NODATA)
			return cli_fail(prog, &d);
		board = NULL;
		skpi_diag_clear(&d);
	}
	memset(&q, 0, sizeof q);
	q.period = xo->period;
	q.as_of = xo->as_of;
	q.config = xo->config;
	plot_spec_init(&spec, PLOT_PNG);
	e = plot_monthly(db, &q, board ? board->ranked : NULL, dir, &spec, files, &d);
	rank_board_free(board);
	if (e == SKPI_ERR_EXTERNAL)
		goto warn;
	if (e)
		return cli_fail(prog, &d);
	return 0;
warn:
	if (!quiet)
		warn(prog, "charts skipped", &d);
	return 1;
}

static void remove_charts(const char *dir, plot_files *files)
{
	for (size_t i = 0; i < files->n; i++)
		unlink(files->paths[i]);
	if (dir[0])
		rmdir(dir);
	plot_files_release(files);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, NULL, CLI_OPT_AS_OF },
		{ "config", required_argument, NULL, CLI_OPT_CONFIG },
		{ "db", required_argument, NULL, CLI_OPT_DB },
		{ "from", required_argument, NULL, CLI_OPT_FROM },
		{ "help", no_argument, NULL, 'h' },
		{ "no-charts", no_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "period", required_argument, NULL, CLI_OPT_PERIOD },
		{ "quiet", no_argument, NULL, 'q' },
		{ "to", required_argument, NULL, CLI_OPT_TO },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = "supportkpi xlsx", *out = NULL;
	char chart_dir[4096] = "";
	const char **images = NULL;
	int c, rc = 0, quiet = 0, charts = 1, warned = 0;
	cli_opts co;
	cli_ctx cx;
	xlsx_report_opts xo;
	plot_files files;
	report_out ro;
	mode_t mode;
	skpi_diag d, warning;

	memset(&co, 0, sizeof co);
	memset(&cx, 0, sizeof cx);
	memset(&xo, 0, sizeof xo);
	memset(&ro, 0, sizeof ro);
	plot_files_init(&files);
	skpi_diag_clear(&d);
	skpi_diag_clear(&warning);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		if (cli_opts_take(&co, c, optarg))
			continue;
		switch (c) {
		case 'n': charts = 0; break;
		case 'o': out = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': return cli_help(prog, usage, help);
		default: return cli_bad_option(prog, usage, c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(prog, usage, "unexpected argument '%s'", argv[optind]);
	if (!out || !*out)
		return cli_usage_error(prog, usage, "-o FILE is required: where to write the workbook");
	if ((rc = cli_check_period(prog, usage, &co, CLI_FROM_TO)) != 0)
		return rc;
	/* the workbook's settings: the config given, else every default */
	rc = cli_open(&cx, prog, usage, &co, CLI_CONFIG_ALWAYS, (int64_t)time(NULL));
	if (rc)
		return rc;
	mode = file_mode(cx.cfg);
	xo.period = cx.period;
	xo.as_of = cx.as_of;
	xo.config = cx.cfg;
	xo.warning = &warning;
	if (charts) {
		rc = draw_charts(prog, cx.db, &xo, quiet, chart_dir, sizeof chart_dir, &files);
		if (rc > 1)
			goto out;
		warned = rc == 1;
		rc = 0;
		if (files.n && !(images = calloc(files.n, sizeof *images))) {
			skpi_diag_set(&d, SKPI_ERR_NOMEM, NULL, 0, "out of memory");
			goto fail;
		}
		for (size_t i = 0; i < files.n; i++)
			images[i] = files.paths[i];
		xo.images = images;
		xo.nimages = files.n;
	}
	if (report_out_open(&ro, out, mode, &d) != SKPI_OK)
		goto fail;
	fclose(ro.fp); /* libxlsxwriter writes the temporary file by name */
	ro.fp = NULL;
	if (xlsx_report_write(cx.db, &xo, ro.tmp, &d) != SKPI_OK) {
		report_out_abort(&ro);
		goto fail;
	}
	if (report_out_commit_file(&ro, &d) != SKPI_OK)
		goto fail;
	if (warning.code != SKPI_OK) {
		if (!quiet)
			warn(prog, "the workbook has no ranking", &warning);
		warned = 1;
	}
	if (!quiet)
		fprintf(stderr, "%s: wrote '%s' for %s%s\n", prog, out, xo.period.label,
			warned ? " (with the warnings above)" : "");
	rc = warned ? SKPI_EXIT_WARN : 0;
	goto out;
fail:
	rc = cli_fail(prog, &d);
out:
	remove_charts(chart_dir, &files);
	free(images);
	cli_release(&cx);
	return cli_finish(prog, rc);
}
