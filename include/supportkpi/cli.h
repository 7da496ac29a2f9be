/* cli — what every command-line tool does the same way: the database and its zone, usage
 * errors, progress on a terminal, and checking that stdout was really written.
 * These functions print (to stderr): they are for tools/, not for the other modules. */
#ifndef SUPPORTKPI_CLI_H
#define SUPPORTKPI_CLI_H

#include <sqlite3.h>
#include <stdio.h>

#include "supportkpi/err.h"
#include "supportkpi/store.h"
#include "supportkpi/tz.h"

/* The exit codes, as every --help and man page shows them. */
#define CLI_EXIT_CODES \
	"Exit status: 0 success; 1 done with warnings (rows rejected, charts skipped);\n" \
	"64 usage; 65 bad input data, nothing loaded; 66 input missing or unreadable;\n" \
	"70 internal error; 73 cannot create an output; 74 I/O error;\n" \
	"75 busy (database locked, another run going): try again; 78 configuration error.\n"

/* Print "PROG: MESSAGE" and "usage: ..." to stderr; returns SKPI_EXIT_USAGE. */
int cli_usage_error(const char *prog, const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Flush and close stdout; on failure (full disk, closed pipe) say so and return
 * SKPI_EXIT_IOERR, else return code unchanged. */
int cli_finish(const char *prog, int code);

/* Open the database (store_default_path(db_opt)) and load its time zone.  On failure print
 * the diagnostic and return the exit code; 0 on success (caller closes both). */
int cli_open_db(const char *prog, const char *db_opt, enum store_open_mode mode,
		sqlite3 **db, skpi_tz **tz);

/* Print a diagnostic and return its exit code. */
int cli_fail(const char *prog, const skpi_diag *d);

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
