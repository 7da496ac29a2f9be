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

static int fail(const char *prog, const skpi_diag *d)
{
	return cli_fail(prog, d);
}

/* A bad option value the library found: its message and hint, then the usage. */
static int usage_diag(const char *prog, const skpi_diag *d)
{
	skpi_diag_print(d, prog, stderr);
	fputs(usage, stderr);
	return SKPI_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, NULL, 'a' },
		{ "by", required_argument, NULL, 'b' },
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "from", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ "period", required_argument, NULL, 'p' },
		{ "quality", no_argument, NULL, 'q' },
		{ "sla", no_argument, NULL, 's' },
		{ "to", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = "supportkpi kpi", *db_opt = NULL, *as_of = NULL, *by = NULL;
	const char *config_path = NULL, *format = "table", *from = NULL, *to = NULL;
	const char *period = NULL;
	int c, rc = 0, quality = 0, sla = 0;
	out_format fmt;
	sqlite3 *db = NULL;
	skpi_tz *tz = NULL;
	skpi_config *cfg = NULL;
	skpi_result *rs = NULL;
	kpi_query q;
	skpi_diag d;
	skpi_err e;
	int64_t now = (int64_t)time(NULL);

	memset(&q, 0, sizeof q);
	skpi_diag_clear(&d);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a': as_of = optarg; break;
		case 'b': by = optarg; break;
		case 'c': config_path = optarg; break;
		case 'd': db_opt = optarg; break;
		case 'f': format = optarg; break;
		case 'F': from = optarg; break;
		case 'p': period = optarg; break;
		case 'q': quality = 1; break;
		case 's': sla = 1; break;
		case 'T': to = optarg; break;
		case 'h': fputs(usage, stdout); fputs("\n", stdout); fputs(help, stdout);
			  return cli_finish(prog, 0);
		default: fputs(usage, stderr); return SKPI_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(prog, usage, "unexpected argument '%s'", argv[optind]);
	if (out_format_parse(format, &fmt) != SKPI_OK)
		return cli_usage_error(prog, usage, "--format '%s' is not table, csv or json", format);
	if (quality && sla)
		return cli_usage_error(prog, usage, "--quality and --sla are separate reports: give one");
	if (period && (from || to))
		return cli_usage_error(prog, usage, "give --period or --from/--to, not both");
	if (!period && !from && !to)
		return cli_usage_error(prog, usage, "no period: give --period or --from and --to");
	if (!period && (!from || !to))
		return cli_usage_error(prog, usage, "--from and --to go together");
	if (by && (quality || sla))
		return cli_usage_error(prog, usage, "--by does not apply to --%s",
				       quality ? "quality" : "sla");
	if (by && kpi_dims_parse(by, q.dims, &q.ndims, &d) != SKPI_OK)
		return usage_diag(prog, &d);
	if (from && period_from_to(from, to, &q.period, &d) != SKPI_OK)
		return usage_diag(prog, &d);

	rc = cli_open_db(prog, db_opt, STORE_OPEN_EXISTING, &db, &tz);
	if (rc)
		return rc;
	if (period && period_parse(period, period_today(tz, now), &q.period, &d) != SKPI_OK) {
		rc = usage_diag(prog, &d);
		goto out;
	}
	if (config_path) {
		e = config_load(config_path, &cfg, &d);
		if (!e)
			e = config_check_timezone(cfg, skpi_tz_name(tz), &d);
		if (e) {
			rc = fail(prog, &d);
			goto out;
		}
	}
	q.config = cfg;
	if (as_of)
		e = period_parse_time(as_of, tz, now, "--as-of", &q.as_of, &d);
	else
		e = kpi_default_as_of(db, now, &q.as_of, &d);
	if (e) {
		rc = e == SKPI_ERR_USAGE ? usage_diag(prog, &d) : fail(prog, &d);
		goto out;
	}
	if (quality)
		e = kpi_quality(db, &q, &rs, &d);
	else if (sla)
		e = kpi_sla_rules(db, &q, &rs, &d);
	else
		e = kpi_run(db, &q, &rs, &d);
	if (e) {
		rc = fail(prog, &d);
		goto out;
	}
	if (sla && (!cfg || cfg->nrules == 0))
		fprintf(stderr, "%s: no [sla NAME] rules%s%s: nothing to report\n", prog,
			cfg ? " in " : "", cfg ? cfg->path : " (give --config FILE)");
	e = out_write(stdout, rs, fmt);
	if (e) {
		skpi_diag_set(&d, e, NULL, 0, "cannot write the output");
		rc = fail(prog, &d);
	}
out:
	skpi_result_free(rs);
	config_free(cfg);
	skpi_tz_free(tz);
	store_close(db);
	return cli_finish(prog, rc);
}
