/* supportkpi-chart — draw the monthly charts with gnuplot (lib/plot.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "supportkpi/cli.h"
#include "supportkpi/config.h"
#include "supportkpi/kpi.h"
#include "supportkpi/period.h"
#include "supportkpi/plot.h"
#include "supportkpi/rank.h"

static const char usage[] =
	"usage: supportkpi chart [--as-of TIME] [--by agent|team] [--config FILE] [--db FILE]\n"
	"                        [--format png|svg] --period PERIOD -o DIR\n";

static const char help[] =
	"Draw the charts of a period with gnuplot into DIR (created when missing):\n"
	"  trend-rates.EXT    CSAT % and resolution % by month, the 12 months ending with\n"
	"                     the period's last month\n"
	"  trend-frt.EXT      median first-response time (minutes) by month, same months\n"
	"  ranking.EXT        the agent (or team) ranking's scores, best on top\n"
	"  frt-histogram.EXT  the first-response times of the period's tickets\n"
	"  teams.EXT          teams side by side: CSAT, resolution, first-contact resolution\n"
	"                     and first-response SLA, in percent\n"
	"A chart with nothing to draw is left out.  The paths written are printed, one a line.\n"
	"\n"
	"  --as-of TIME       judge still-open tickets at TIME (default: the end of the\n"
	"                     latest ingest)\n"
	"  --by agent|team    whom the ranking chart ranks (default: agent)\n"
	"  --config FILE      the configuration: calendar, SLA rules, ranking (docs/config.md)\n"
	"  --db FILE          the database (default: $SUPPORTKPI_DB, else ./supportkpi.db)\n"
	"  --format png|svg   the image format (default: png)\n"
	"  -o, --output DIR   where the charts go\n"
	"  --period PERIOD    2026-10, 2026-Q3, 2026, this-month, last-month, ...\n"
	"  -h, --help         show this help\n"
	"\n"
	"gnuplot (Debian: gnuplot-nox) is found as $SUPPORTKPI_GNUPLOT, else on PATH; when it\n"
	"is missing the charts are skipped with a message and exit status 1.\n"
	"\n" CLI_EXIT_CODES;

/* 1 when q's period has a ticket or a survey, 0 when not, -1 on error (in d) */
static int period_has_data(sqlite3 *db, const kpi_query *q, skpi_diag *d)
{
	kpi_query all = *q;
	skpi_result *rs = NULL;
	int t, s, has = 0;

	all.ndims = 0;
	if (kpi_run(db, &all, &rs, d) != SKPI_OK)
		return -1;
	t = skpi_result_col(rs, "tickets");
	s = skpi_result_col(rs, "surveys");
	for (size_t r = 0; r < rs->nrows; r++) {
		const skpi_value *vt = t >= 0 ? skpi_result_get(rs, r, (size_t)t) : NULL;
		const skpi_value *vs = s >= 0 ? skpi_result_get(rs, r, (size_t)s) : NULL;

		if ((vt && !vt->is_null && vt->i > 0) || (vs && !vs->is_null && vs->i > 0))
			has = 1;
	}
	skpi_result_free(rs);
	return has;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, NULL, CLI_OPT_AS_OF },
		{ "by", required_argument, NULL, 'b' },
		{ "config", required_argument, NULL, CLI_OPT_CONFIG },
		{ "db", required_argument, NULL, CLI_OPT_DB },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "period", required_argument, NULL, CLI_OPT_PERIOD },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = "supportkpi chart", *outdir = NULL, *by = "agent";
	const char *format_opt = "png";
	cli_opts co;
	cli_ctx cx;
	rank_board *board = NULL;
	plot_files written;
	plot_spec spec;
	plot_format fmt;
	kpi_query q;
	rank_query rq;
	rank_settings rs;
	skpi_diag d;
	int c, rc = 0;
	struct stat sb;

	memset(&co, 0, sizeof co);
	memset(&cx, 0, sizeof cx);
	skpi_diag_clear(&d);
	plot_files_init(&written);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		if (cli_opts_take(&co, c, optarg))
			continue;
		switch (c) {
		case 'b': by = optarg; break;
		case 'f': format_opt = optarg; break;
		case 'o': outdir = optarg; break;
		case 'h': return cli_help(prog, usage, help);
		case ':': return cli_usage_error(prog, usage, "option '%s' needs a value",
						 argv[optind - 1]);
		default: return cli_usage_error(prog, usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(prog, usage, "unexpected argument '%s'", argv[optind]);
	if ((rc = cli_check_period(prog, usage, &co, 0)) != 0)
		return rc;
	if (!outdir || !*outdir)
		return cli_usage_error(prog, usage, "-o DIR is required");
	if (plot_format_parse(format_opt, &fmt, &d) != SKPI_OK)
		return cli_usage_error(prog, usage, "--format '%s' is not png or svg", format_opt);
	if (strcmp(by, "agent") != 0 && strcmp(by, "team") != 0)
		return cli_usage_error(prog, usage, "--by '%s' is not agent or team", by);

	rc = cli_open(&cx, prog, usage, &co, 0, (int64_t)time(NULL));
	if (rc)
		goto out;
	memset(&q, 0, sizeof q);
	q.period = cx.period;
	q.as_of = cx.as_of;
	q.config = cx.cfg;
	/* a wrong [ranking] is the config's error (78); rank_run's other config errors are
	 * about the period's data and only cost the ranking chart (below) */
	if (rank_settings_load(cx.cfg, &rs, &d) != SKPI_OK) {
		rc = cli_fail(prog, &d);
		goto out;
	}

	/* gnuplot first: without it there is nothing to do, and that is only a warning */
	if (plot_available(NULL, 0, &d) != SKPI_OK) {
		skpi_diag_print(&d, prog, stderr);
		fprintf(stderr, "%s: charts skipped\n", prog);
		rc = SKPI_EXIT_WARN;
		goto out;
	}
	if (stat(outdir, &sb) != 0) {
		if (errno != ENOENT || mkdir(outdir, 0777) != 0) {
			skpi_diag_set(&d, SKPI_ERR_CREATE, outdir, 0, "cannot create the directory: %s",
				      strerror(errno));
			rc = cli_fail(prog, &d);
			goto out;
		}
	} else if (!S_ISDIR(sb.st_mode)) {
		skpi_diag_set(&d, SKPI_ERR_CREATE, outdir, 0, "is not a directory");
		skpi_diag_hint(&d, "-o names the directory the charts go into");
		rc = cli_fail(prog, &d);
		goto out;
	}

	/* the ranking, when the period has something to rank; a ranking the data cannot
	 * support (a weighted component without data, e.g. SLA without rules) only costs
	 * its chart */
	if ((rc = period_has_data(cx.db, &q, &d)) < 0) {
		rc = cli_fail(prog, &d);
		goto out;
	}
	if (rc) {
		rc = 0;
		memset(&rq, 0, sizeof rq);
		rq.period = q.period;
		rq.by_team = strcmp(by, "team") == 0;
		rq.as_of = q.as_of;
		rq.config = cx.cfg;
		if (rank_run(cx.db, &rq, &board, &d) != SKPI_OK) {
			if (d.code != SKPI_ERR_CONFIG && d.code != SKPI_ERR_NODATA) {
				rc = cli_fail(prog, &d);
				goto out;
			}
			skpi_diag_print(&d, prog, stderr);
			fprintf(stderr, "%s: the ranking chart is skipped\n", prog);
			rc = SKPI_EXIT_WARN;
			skpi_diag_clear(&d);
		}
	}
	plot_spec_init(&spec, fmt);
	if (plot_monthly(cx.db, &q, board ? board->ranked : NULL, outdir, &spec, &written, &d) != SKPI_OK) {
		rc = cli_fail(prog, &d);
		if (d.code == SKPI_ERR_EXTERNAL)
			fprintf(stderr, "%s: charts skipped\n", prog);
	}
	for (size_t i = 0; i < written.n; i++)
		printf("%s\n", written.paths[i]);
	if (!rc && written.n == 0)
		fprintf(stderr, "%s: nothing to draw for %s: no tickets in the period or the 12 "
			"months before\n", prog, q.period.label);
out:
	plot_files_release(&written);
	rank_board_free(board);
	cli_release(&cx);
	return cli_finish(prog, rc);
}
