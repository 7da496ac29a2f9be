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
		{ "as-of", required_argument, NULL, CLI_OPT_AS_OF },
		{ "by", required_argument, NULL, 'b' },
		{ "config", required_argument, NULL, CLI_OPT_CONFIG },
		{ "db", required_argument, NULL, CLI_OPT_DB },
		{ "explain", required_argument, NULL, 'e' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "period", required_argument, NULL, CLI_OPT_PERIOD },
		{ "unranked", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = "supportkpi rank", *explain = NULL, *format = "table", *by = "agent";
	int c, rc = 0, unranked = 0;
	out_format fmt;
	cli_opts co;
	cli_ctx cx;
	rank_board *b = NULL;
	rank_query q;
	skpi_diag d;
	skpi_err e;

	memset(&co, 0, sizeof co);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (cli_opts_take(&co, c, optarg))
			continue;
		switch (c) {
		case 'b': by = optarg; break;
		case 'e': explain = optarg; break;
		case 'f': format = optarg; break;
		case 'u': unranked = 1; break;
		case 'h': return cli_help(prog, usage, help);
		default: return cli_bad_option(prog, usage, c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(prog, usage, "unexpected argument '%s'", argv[optind]);
	if ((rc = cli_check_period(prog, usage, &co, 0)) != 0)
		return rc;
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
	rc = cli_open(&cx, prog, usage, &co, 0, (int64_t)time(NULL));
	if (rc)
		return rc;
	memset(&q, 0, sizeof q);
	q.by_team = strcmp(by, "team") == 0;
	q.period = cx.period;
	q.as_of = cx.as_of;
	q.config = cx.cfg;
	e = rank_run(cx.db, &q, &b, &d);
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
	rank_board_free(b);
	cli_release(&cx);
	return cli_finish(prog, rc);
}
