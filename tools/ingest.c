/* supportkpi-ingest — load ticket and survey exports into the database. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "supportkpi/cli.h"
#include "supportkpi/ingest.h"

static const char usage[] =
	"usage: supportkpi ingest --kind tickets|surveys|assessments [--db FILE] [--map FILE]\n"
	"                         [--quiet] [--rejects FILE] [--verbose] FILE...\n";

static const char help[] =
	"Load helpdesk exports (CSV) into the database, one transaction per file: a file is\n"
	"loaded entirely or not at all.  A row whose key is already stored updates it; loading\n"
	"the same file again changes nothing.\n"
	"\n"
	"  --db FILE       the database (default: $SUPPORTKPI_DB, else ./supportkpi.db)\n"
	"  --kind KIND     what the files hold: tickets, surveys, or assessments (agent,\n"
	"                  period YYYY-MM, score 0-100, assessor; docs/ranking.md)\n"
	"  --map FILE      a mapping file: export headers, date formats, encoding, statuses,\n"
	"                  null markers (docs/mapping.md)\n"
	"  --quiet         no summary, only errors\n"
	"  --rejects FILE  where rows that cannot be loaded go (one input file only);\n"
	"                  default: beside the input, NAME.rejects.csv\n"
	"  -v, --verbose   after each file, the seconds each phase took (also with --quiet)\n"
	"  -h, --help      show this help\n"
	"\n"
	"Rows without a key or a valid created_at/submitted_at, or with the wrong number of\n"
	"fields, are rejected: written with their line and the reason to the rejects file.\n"
	"A bad secondary field is loaded empty and kept as a data-quality note.\n"
	"\n" CLI_EXIT_CODES;

static void summary(const char *prog, const char *path, const ingest_stats *s)
{
	fprintf(stderr, "%s: '%s': %llu rows read: %llu inserted, %llu updated", prog, path, s->read,
		s->inserted, s->updated);
	if (s->updated_in_file) /* a key repeated in the file: say so, or "updated" puzzles */
		fprintf(stderr, " (%llu by a later row for the same key in this file)", s->updated_in_file);
	fprintf(stderr, ", %llu unchanged, %llu rejected", s->unchanged, s->rejected);
	if (s->rejected)
		fprintf(stderr, " (see '%s')", s->rejects_path);
	fprintf(stderr, "; %llu loaded %s a data-quality note\n", s->dq_rows,
		s->dq_rows == 1 ? "row carries" : "rows carry");
	if (s->previous_id && !s->inserted && !s->updated)
		fprintf(stderr, "%s: '%s' was already ingested (ingest %lld, %s): nothing changed\n",
			prog, path, (long long)s->previous_id, s->previous_at);
}

/* -v: one line of phase timings (ingest.h, ingest_stats); the reader thread's seconds
 * overlap the writer's */
static void timings(const char *prog, const char *path, const ingest_stats *s)
{
	fprintf(stderr, "%s: '%s': seconds: hash %.2f, read %.2f (reader thread, busy), rows %.2f "
		"(SQLite), waiting for rows %.2f, indexes %.2f, commit %.2f\n", prog, path, s->t_hash,
		s->t_read, s->t_rows, s->t_wait, s->t_index, s->t_commit);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "kind", required_argument, NULL, 'k' },
		{ "map", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "rejects", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = "supportkpi ingest", *db_opt = NULL, *kind = NULL;
	ingest_opts o;
	sqlite3 *db = NULL;
	skpi_tz *tz = NULL;
	int c, rc = 0, quiet = 0, verbose = 0, warn = 0;

	memset(&o, 0, sizeof o);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hv", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'k': kind = optarg; break;
		case 'm': o.map_path = optarg; break;
		case 'q': quiet = 1; break;
		case 'r': o.rejects_path = optarg; break;
		case 'v': verbose = 1; break;
		case 'h': return cli_help(prog, usage, help);
		default: return cli_bad_option(prog, usage, c, argv);
		}
	}
	if (!kind)
		return cli_usage_error(prog, usage, "--kind is required");
	if (skpi_kind_parse(kind, &o.kind) != 0)
		return cli_usage_error(prog, usage, "--kind '%s' is not tickets, surveys or assessments", kind);
	if (optind >= argc)
		return cli_usage_error(prog, usage, "no export files given");
	if (o.rejects_path && argc - optind > 1)
		return cli_usage_error(prog, usage, "--rejects takes one input file; give each file its own run");
	rc = cli_open_db(prog, db_opt, STORE_OPEN_EXISTING, &db, &tz);
	if (rc)
		return rc;
	o.tz = tz;
	for (int i = optind; i < argc; i++) {
		ingest_stats st;
		skpi_diag d;
		cli_progress p;

		skpi_diag_clear(&d);
		cli_progress_init(&p, argv[i], quiet);
		o.path = argv[i];
		o.progress = cli_progress_update;
		o.progress_ctx = &p;
		if (ingest_file(db, &o, &st, &d) != SKPI_OK) {
			cli_progress_done(&p);
			if (!rc)
				rc = cli_fail(prog, &d);
			else
				skpi_diag_print(&d, prog, stderr);
			if (d.code != SKPI_ERR_CSV && d.code != SKPI_ERR_HEADER && d.code != SKPI_ERR_ENCODING &&
			    d.code != SKPI_ERR_NOINPUT)
				break; /* the database or the mapping is wrong: the next file would fail too */
			continue;
		}
		cli_progress_done(&p);
		if (!quiet)
			summary(prog, argv[i], &st);
		if (verbose)
			timings(prog, argv[i], &st);
		if (st.rejected && st.rejected == st.read) {
			/* nothing loaded: bad input data (65), not a warning; most often the mapping */
			fprintf(stderr, "%s: '%s': every row was rejected, nothing was loaded; the first: %s\n",
				prog, argv[i], st.first_reject);
			fprintf(stderr, "%s: hint: check the mapping (--map: columns, timestamp_format) "
				"against the export; every row's reason is in '%s'\n", prog, st.rejects_path);
			if (!rc)
				rc = SKPI_EXIT_DATAERR;
		} else if (st.rejected) {
			warn = 1;
		}
	}
	skpi_tz_free(tz);
	store_close(db);
	return cli_finish(prog, rc ? rc : warn ? SKPI_EXIT_WARN : 0);
}
