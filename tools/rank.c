/* supportkpi-rank — rank agents or teams by a weighted, explained score (docs/ranking.md). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "supportkpi/cli.h"
#include "supportkpi/config.h"
#include "supportkpi/kpi.h"
#include "supportkpi/out.h"
#include "supportkpi/period.h"
#include "supportkpi/rank.h"

static const char usage[] =
	"usage: supportkpi rank [--as-of TIME] [--by agent|team] [--config FILE]\n"
	"                       [--db FILE] [--explain NAME | --unranked]\n"
	"                       [--format table|csv|json] --period PERIOD\n";

static const char help[] =
	"Rank the agents (or teams) of a period by a composite score 0-100: weighted\n"
	"KPI components, each corrected for small samples and turned into points\n"
	"between a floor and a target ([ranking] in the config file).  Agents below\n"
	"the minimum tickets or surveys are listed apart with the reason.  Equal\n"
	"scores (to the printed decimal) share a rank; otherwise the order is score,\n"
	"surveys, tickets, then name.  docs/ranking.md states every rule.\n"
	"\n"
	"  --as-of TIME     judge still-open tickets' SLA at TIME (default: the end of\n"
	"                   the latest ingest, so that a rerun gives the same bytes)\n"
	"  --by WHAT        agent (default) or team\n"
	"  --config FILE    [ranking], [sla ...] and [calendar] (docs/config.md)\n"
	"  --db FILE        the database (default: $SUPPORTKPI_DB, else ./supportkpi.db)\n"
	"  --explain NAME   print how NAME's score was computed, step by step (text)\n"
	"  --format FORMAT  table (default), csv or json\n"
	"  --period PERIOD  2026-10, 2026-Q3, 2026, this-month, last-month, ...\n"
	"  --unranked       print those not ranked, with the reason, instead of the\n"
	"                   ranking (the table format prints both)\n"
	"  -h, --help       show this help\n"
	"\n"
	"Columns: rank, agent (team), score, grade, tickets, surveys, one\n"
	"<component>_points per weighted component, assessment_points when\n"
	"assessments are blended, prev_rank, rank_change, flags (top, bottom2,\n"
	"bottom3_consecutive).  Nobody ranked: exit status 1, with a warning.\n"
	"\n" CLI_EXIT_CODES;

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, NULL, 'a' },
		{ "by", required_argument, NULL, 'b' },
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "explain", required_argument, NULL, 'e' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "period", required_argument, NULL, 'p' },
		{ "unranked", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = "supportkpi rank", *db_opt = NULL, *cfg_path = NULL, *period = NULL;
	const char *as_of_opt = NULL, *explain = NULL, *format = "table", *by = "agent";
	int c, rc = 0, unranked = 0;
	out_format fmt;
	sqlite3 *db = NULL;
	skpi_tz *tz = NULL;
	skpi_config *cfg = NULL;
	rank_board *b = NULL;
	rank_query q;
	skpi_diag d;
	skpi_err e;
	int64_t now = (int64_t)time(NULL);

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a': as_of_opt = optarg; break;
		case 'b': by = optarg; break;
		case 'c': cfg_path = optarg; break;
		case 'd': db_opt = optarg; break;
		case 'e': explain = optarg; break;
		case 'f': format = optarg; break;
		case 'p': period = optarg; break;
		case 'u': unranked = 1; break;
		case 'h': fputs(usage, stdout); fputs("\n", stdout); fputs(help, stdout);
			  return cli_finish(prog, 0);
		default: fputs(usage, stderr); return SKPI_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(prog, usage, "unexpected argument '%s'", argv[optind]);
	if (!period)
		return cli_usage_error(prog, usage, "--period is required");
	if (strcmp(by, "agent") != 0 && strcmp(by, "team") != 0)
		return cli_usage_error(prog, usage, "--by '%s' is not agent or team", by);
	if (out_format_parse(format, &fmt) != SKPI_OK)
		return cli_usage_error(prog, usage, "--format '%s' is not table, csv or json", format);
	if (explain && unranked)
		return cli_usage_error(prog, usage, "--explain and --unranked exclude each other");
	if (explain && fmt != OUT_TABLE)
		return cli_usage_error(prog, usage, "--explain prints text: --format %s does not apply",
				       format);

	skpi_diag_clear(&d);
	memset(&q, 0, sizeof q);
	q.by_team = strcmp(by, "team") == 0;
	rc = cli_open_db(prog, db_opt, STORE_OPEN_EXISTING, &db, &tz);
	if (rc)
		return rc;
	if ((e = period_parse(period, period_today(tz, now), &q.period, &d)) != SKPI_OK) {
		rc = cli_usage_error(prog, usage, "%s", d.msg);
		goto out;
	}
	if (as_of_opt)
		e = period_parse_time(as_of_opt, tz, now, "--as-of", &q.as_of, &d);
	else
		e = kpi_default_as_of(db, now, &q.as_of, &d);
	if (e == SKPI_ERR_USAGE) {
		rc = cli_usage_error(prog, usage, "%s", d.msg);
		goto out;
	}
	if (!e && cfg_path)
		e = config_load(cfg_path, &cfg, &d);
	/* the calendar's local days and hours are the database's zone */
	if (!e && cfg)
		e = config_check_timezone(cfg, skpi_tz_name(tz), &d);
	q.config = cfg;
	if (!e)
		e = rank_run(db, &q, &b, &d);
	if (!e && explain)
		e = rank_explain(stdout, b, explain, &d);
	else if (!e && unranked)
		e = out_write(stdout, b->unranked, fmt);
	else if (!e) {
		e = out_write(stdout, b->ranked, fmt);
		if (!e && fmt == OUT_TABLE && b->unranked->nrows) {
			fputs("\n", stdout);
			e = out_table(stdout, b->unranked);
		}
	}
	if (e == SKPI_ERR_IO && !d.msg[0])
		skpi_diag_set(&d, e, NULL, 0, "cannot write the output");
	if (e) {
		rc = cli_fail(prog, &d);
	} else if (!explain && b->nranked == 0) {
		/* an empty ranking is not a normal month: say why on stderr */
		if (b->nentries == 0)
			fprintf(stderr, "%s: nobody is ranked in %s: it has no tickets or surveys\n",
				prog, q.period.label);
		else
			fprintf(stderr, "%s: nobody is ranked in %s: %zu %s%s below the minimums or "
				"without an assessment (see --unranked for the reasons)\n", prog,
				q.period.label, b->nentries, q.by_team ? "team" : "agent",
				b->nentries == 1 ? " is" : "s are");
		rc = SKPI_EXIT_WARN;
	}
out:
	rank_board_free(b);
	config_free(cfg);
	skpi_tz_free(tz);
	store_close(db);
	return cli_finish(prog, rc);
}
