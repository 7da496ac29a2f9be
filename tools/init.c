/* supportkpi-init — create or migrate the database. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "supportkpi/cli.h"

static const char usage[] =
	"usage: supportkpi init [--db FILE] [--timezone ZONE]\n";

static const char help[] =
	"Create the supportkpi database, or bring an existing one up to this version's schema.\n"
	"\n"
	"  --db FILE         the database (default: $SUPPORTKPI_DB, else ./supportkpi.db)\n"
	"  --timezone ZONE   the IANA time zone the centre works in (e.g. Europe/Berlin);\n"
	"                    local times are stored and reported in it.  Default: UTC for a\n"
	"                    new database; it cannot change once the database holds rows.\n"
	"  -h, --help        show this help\n"
	"\n" CLI_EXIT_CODES;

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "timezone", required_argument, NULL, 'z' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = "supportkpi init", *db_opt = NULL, *zone = NULL;
	sqlite3 *db = NULL;
	skpi_tz *tz = NULL;
	skpi_diag d;
	char cur[128];
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'z': zone = optarg; break;
		case 'h': return cli_help(prog, usage, help);
		default: return cli_bad_option(prog, usage, c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(prog, usage, "unexpected argument '%s'", argv[optind]);
	skpi_diag_clear(&d);
	if (zone && skpi_tz_load(zone, NULL, &tz, &d) != SKPI_OK)
		return cli_fail(prog, &d);
	skpi_tz_free(tz);
	tz = NULL;
	rc = cli_open_db(prog, db_opt, STORE_OPEN_CREATE, &db, &tz);
	if (rc)
		return rc;
	if (zone && store_set_timezone(db, zone, &d) != SKPI_OK) {
		rc = cli_fail(prog, &d);
		goto out;
	}
	if (store_timezone(db, cur, sizeof cur, &d) != SKPI_OK) {
		rc = cli_fail(prog, &d);
		goto out;
	}
	fprintf(stderr, "%s: '%s' is ready (schema version %d, time zone %s)\n", prog,
		store_default_path(db_opt), store_schema_version(), cur);
out:
	skpi_tz_free(tz);
	store_close(db);
	return cli_finish(prog, rc);
}
