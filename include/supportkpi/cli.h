/* cli — what every command-line tool does the same way: --help, usage errors, the options
 * the reporting tools share (--db, --config, --period, --from/--to, --as-of) and what they
 * open, the database and its zone, progress on a terminal, and checking that stdout was
 * really written.
 * These functions print (to stderr; --help to stdout): they are for tools/, not for the
 * other modules. */
#ifndef SUPPORTKPI_CLI_H
#define SUPPORTKPI_CLI_H

#include <sqlite3.h>
#include <stdio.h>

#include "supportkpi/config.h"
#include "supportkpi/err.h"
#include "supportkpi/period.h"
#include "supportkpi/store.h"
#include "supportkpi/tz.h"

/* The exit codes, as every --help and man page shows them. */
#define CLI_EXIT_CODES \
	"Exit status: 0 success; 1 done with warnings (rows rejected, charts skipped);\n" \
	"64 usage; 65 bad input data, nothing loaded; 66 input missing or unreadable;\n" \
	"70 internal error; 73 cannot create an output; 74 I/O error;\n" \
	"75 busy (database locked, another run going): try again; 78 configuration error.\n"

/* -h, --help: usage, a blank line and help to stdout; returns cli_finish(prog, 0). */
int cli_help(const char *prog, const char *usage, const char *help);

/* An option getopt_long refused, called with what it returned (c: '?' unknown, ':' a
 * value missing) after a loop run with opterr = 0 and an optstring that starts with ':'.
 * Prints "PROG: unknown option '--x'" (or "option '--db' needs a value") and the usage to
 * stderr, so the message names the command as the user typed it; returns
 * SKPI_EXIT_USAGE. */
int cli_bad_option(const char *prog, const char *usage, int c, char *const argv[]);

/* Print "PROG: MESSAGE" and "usage: ..." to stderr; returns SKPI_EXIT_USAGE. */
int cli_usage_error(const char *prog, const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Flush and close stdout; on failure (full disk, closed pipe) say so and return
 * SKPI_EXIT_IOERR, unless code is already an error (reported by the caller: then it is
 * returned without a second message); else return code unchanged. */
int cli_finish(const char *prog, int code);

/* Open the database (store_default_path(db_opt)) and load its time zone.  On failure print
 * the diagnostic and return the exit code; 0 on success (caller closes both). */
int cli_open_db(const char *prog, const char *db_opt, enum store_open_mode mode,
		sqlite3 **db, skpi_tz **tz);

/* Print a diagnostic and return its exit code. */
int cli_fail(const char *prog, const skpi_diag *d);

/* Print a diagnostic about an option's value (its message and hint), then the usage, to
 * stderr; returns SKPI_EXIT_USAGE. */
int cli_usage_diag(const char *prog, const char *usage, const skpi_diag *d);

/* ---- the options the reporting tools (kpi, rank, chart, xlsx) share ----
 *
 * A tool lists the ones it takes in its getopt_long table with these codes (outside the
 * range of short options), e.g. { "db", required_argument, NULL, CLI_OPT_DB }, and hands
 * every code to cli_opts_take before its own switch. */
enum cli_opt_code {
	CLI_OPT_AS_OF = 0x100,  /* --as-of TIME */
	CLI_OPT_CONFIG,         /* --config FILE */
	CLI_OPT_DB,             /* --db FILE */
	CLI_OPT_FROM,           /* --from DATE */
	CLI_OPT_PERIOD,         /* --period PERIOD */
	CLI_OPT_TO              /* --to DATE */
};

/* Their values as given (borrowed from argv); NULL when not given. */
typedef struct cli_opts {
	const char *as_of;
	const char *config;
	const char *db;
	const char *from;
	const char *period;
	const char *to;
} cli_opts;

/* When c is one of the codes above: keep arg in o and return 1.  Otherwise 0 (the tool's
 * own option, or getopt_long's error). */
int cli_opts_take(cli_opts *o, int c, const char *arg);

/* flags of cli_check_period and cli_open */
#define CLI_CONFIG_ALWAYS 1u  /* without --config, an empty config (every default) */
#define CLI_FROM_TO       2u  /* the tool takes --from/--to besides --period */

/* Which period options were given, before anything is opened: --period, or --from with
 * --to (for a tool without --from/--to they are never set), not both.  0 when they are
 * right; else the usage error is printed and SKPI_EXIT_USAGE returned. */
int cli_check_period(const char *prog, const char *usage, const cli_opts *o, unsigned flags);

/* What the shared options open.  The caller owns it after cli_open succeeds and releases
 * it with cli_release (also safe on a zeroed struct). */
typedef struct cli_ctx {
	sqlite3 *db;           /* --db, an existing database */
	skpi_tz *tz;           /* the database's time zone */
	skpi_config *cfg;      /* --config (or empty, CLI_CONFIG_ALWAYS), its calendar in the
				* database's zone; NULL without either */
	skpi_period period;    /* --period (relative to today in tz) or --from/--to */
	int64_t as_of;         /* --as-of, else the end of the latest ingest (kpi_default_as_of) */
	int64_t now;           /* the now given to cli_open */
} cli_ctx;

/* After cli_check_period: parse --from/--to, open the database and its zone, parse
 * --period and --as-of there, then load the config and give its calendar the database's
 * zone (config_check_timezone: a [calendar] timezone that is not the database's is a
 * configuration error).  A bad option value is a usage error (cli_usage_diag); anything
 * else is printed with cli_fail.  Returns 0, or the exit code with nothing left open. */
int cli_open(cli_ctx *c, const char *prog, const char *usage, const cli_opts *o,
	     unsigned flags, int64_t now);

/* Close and free what cli_open opened; c is zeroed. */
void cli_release(cli_ctx *c);

/* A progress line on stderr when stderr is a terminal (else nothing): label, percent done,
 * rate.  Call cli_progress_done to clear it. */
typedef struct cli_progress {
	int on;
	const char *label;
	double start;
	double last;
} cli_progress;
void cli_progress_init(cli_progress *p, const char *label, int quiet);
void cli_progress_update(void *p, unsigned long long done, unsigned long long total);
void cli_progress_done(cli_progress *p);

#endif
