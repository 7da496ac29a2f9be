/* supportkpi-kpi — the KPIs of a period, by up to two dimensions; the SLA compliance per
 * rule; the data-quality report. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "supportkpi/cli.h"
#include "supportkpi/config.h"
#include "supportkpi/kpi.h"
#include "supportkpi/out.h"

static const char usage[] =
	"usage: supportkpi kpi [--quality | --sla] [--as-of TIME] [--by DIM[,DIM]]\n"
	"                      [--config FILE] [--db FILE] [--format table|csv|json]\n"
	"                      --period PERIOD | --from DATE --to DATE\n";

static const char help[] =
	"Compute the KPIs of a period (docs/metrics.md): tickets, resolution, first response\n"
	"and resolution times, reopens, first-contact resolution, SLA compliance and survey\n"
	"figures, for the whole period or by one or two dimensions.  A figure without data is\n"
	"empty (csv) or null (json), never 0.\n"
	"\n"
	"  --as-of TIME    when still-open tickets are judged against their SLA target:\n"
	"                  YYYY-MM-DD [HH:MM[:SS]] in the database's time zone, or now\n"
	"                  (default: the end of the latest ingest, so reruns agree)\n"
	"  --by DIM[,DIM]  all (default), or one or two of agent, team, channel, category,\n"
	"                  priority, month, week, day (e.g. --by team,month)\n"
	"  --config FILE   the [calendar] and [sla] rules (docs/config.md); without it the\n"
	"                  business-hour and SLA figures are empty\n"
	"  --db FILE       the database (default: $SUPPORTKPI_DB, else ./supportkpi.db)\n"
	"  --format F      table (default), csv or json\n"
	"  --from DATE     with --to: the days from DATE (YYYY-MM-DD) up to, not including,\n"
	"  --to DATE       the day DATE\n"
	"  --period P      2026-10, 2026-Q3, 2026, this-month, last-month, this-quarter,\n"
	"                  last-quarter, this-year or last-year (in the database's time zone)\n"
	"  --quality       instead of the KPIs: every record a figure leaves out, counted\n"
	"  --sla           instead of the KPIs: compliance per SLA rule and target\n"
	"  -h, --help      show this help\n"
	"\n" CLI_EXIT_CODES;

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, NULL, CLI_OPT_AS_OF },
		{ "by", required_argument, NULL, 'b' },
		{ "config", required_argument, NULL, CLI_OPT_CONFIG },
		{ "db", required_argument, NULL, CLI_OPT_DB },
		{ "format", required_argument, NULL, 'f' },
		{ "from", required_argument, NULL, CLI_OPT_FROM },
		{ "help", no_argument, NULL, 'h' },
		{ "period", required_argument, NULL, CLI_OPT_PERIOD },
		{ "quality", no_argument, NULL, 'q' },
		{ "sla", no_argument, NULL, 's' },
		{ "to", required_argument, NULL, CLI_OPT_TO },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = "supportkpi kpi", *by = NULL, *format = "table";
	int c, rc = 0, quality = 0, sla = 0;
	out_format fmt;
	cli_opts co;
	cli_ctx cx;
	skpi_result *rs = NULL;
	kpi_query q;
	skpi_diag d;
	skpi_err e;

	memset(&co, 0, sizeof co);
	memset(&q, 0, sizeof q);
	skpi_diag_clear(&d);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (cli_opts_take(&co, c, optarg))
			continue;
		switch (c) {
		case 'b': by = optarg; break;
		case 'f': format = optarg; break;
		case 'q': quality = 1; break;
		case 's': sla = 1; break;
		case 'h': return cli_help(prog, usage, help);
		default: return cli_bad_option(prog, usage, c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(prog, usage, "unexpected argument '%s'", argv[optind]);
	if (out_format_parse(format, &fmt) != SKPI_OK)
		return cli_usage_error(prog, usage, "--format '%s' is not table, csv or json", format);
	if (quality && sla)
		return cli_usage_error(prog, usage, "--quality and --sla are separate reports: give one");
	if ((rc = cli_check_period(prog, usage, &co, CLI_FROM_TO)) != 0)
		return rc;
	if (by && (quality || sla))
		return cli_usage_error(prog, usage, "--by does not apply to --%s",
				       quality ? "quality" : "sla");
	if (by && kpi_dims_parse(by, q.dims, &q.ndims, &d) != SKPI_OK)
		return cli_usage_diag(prog, usage, &d);

	rc = cli_open(&cx, prog, usage, &co, 0, (int64_t)time(NULL));
	if (rc)
		return rc;
	q.period = cx.period;
	q.as_of = cx.as_of;
	q.config = cx.cfg;
	if (quality)
		e = kpi_quality(cx.db, &q, &rs, &d);
	else if (sla)
		e = kpi_sla_rules(cx.db, &q, &rs, &d);
	else
		e = kpi_run(cx.db, &q, &rs, &d);
	if (e) {
		rc = cli_fail(prog, &d);
		goto out;
	}
	if (sla && (!cx.cfg || cx.cfg->nrules == 0))
		fprintf(stderr, "%s: no [sla NAME] rules%s%s: nothing to report\n", prog,
			cx.cfg ? " in " : "", cx.cfg ? cx.cfg->path : " (give --config FILE)");
	/* the whole period as a table would be one line of 23 columns: one line per figure */
	if (fmt == OUT_TABLE && !quality && !sla && q.ndims == 0 && rs->nrows == 1)
		e = out_table_record(stdout, rs, 0);
	else
		e = out_write(stdout, rs, fmt);
	if (e) {
		skpi_diag_set(&d, e, NULL, 0, "cannot write the output");
		rc = cli_fail(prog, &d);
	}
out:
	skpi_result_free(rs);
	cli_release(&cx);
	return cli_finish(prog, rc);
}
