/* err — the library's error codes, their messages, and the diagnostic a call fills in.
 *
 * The library never prints and never exits: a failing call returns an skpi_err and, when
 * the caller passed a diagnostic, says there which file, line, column and value were wrong
 * and what to do.  Tools print it once (skpi_diag_print) and exit with skpi_exit_code(). */
#ifndef SUPPORTKPI_ERR_H
#define SUPPORTKPI_ERR_H

#include <stdarg.h>
#include <stdio.h>

typedef enum skpi_err {
	SKPI_OK = 0,
	SKPI_ERR_NOMEM,     /* out of memory */
	SKPI_ERR_USAGE,     /* a bad argument or option value */
	SKPI_ERR_NOINPUT,   /* an input file is missing or unreadable */
	SKPI_ERR_IO,        /* a read or write failed */
	SKPI_ERR_CREATE,    /* an output file cannot be created */
	SKPI_ERR_CSV,       /* the input is not well-formed CSV */
	SKPI_ERR_ENCODING,  /* the input is not in the declared encoding */
	SKPI_ERR_HEADER,    /* a required column is absent from the header */
	SKPI_ERR_CONFIG,    /* a mapping or configuration file is wrong */
	SKPI_ERR_VALUE,     /* a value cannot be parsed (timestamp, number) */
	SKPI_ERR_DB,        /* the database reported an error */
	SKPI_ERR_BUSY,      /* the database or a lock is held by another process */
	SKPI_ERR_SCHEMA,    /* the database was written by a newer supportkpi */
	SKPI_ERR_NODATA,    /* there is nothing to compute from */
	SKPI_ERR_EXTERNAL,  /* an external program (gnuplot) failed or is missing */
	SKPI_ERR_INTERNAL,  /* a bug: please report it */
	SKPI_ERR__COUNT
} skpi_err;

/* Exit codes shared by every command (docs/exit-codes.md). */
enum {
	SKPI_EXIT_OK = 0,
	SKPI_EXIT_WARN = 1,      /* done, with warnings (rows rejected, charts skipped) */
	SKPI_EXIT_USAGE = 64,    /* bad command line */
	SKPI_EXIT_DATAERR = 65,  /* bad input data, nothing loaded */
	SKPI_EXIT_NOINPUT = 66,  /* input missing or unreadable */
	SKPI_EXIT_SOFTWARE = 70, /* internal error */
	SKPI_EXIT_CANTCREAT = 73,/* cannot create an output */
	SKPI_EXIT_IOERR = 74,    /* I/O error */
	SKPI_EXIT_TEMPFAIL = 75, /* busy: database locked or another run going; try again */
	SKPI_EXIT_CONFIG = 78    /* configuration or mapping file error */
};

/* A message for each code: lower case, no final full stop. Never NULL. */
const char *skpi_strerror(skpi_err err);

/* The exit code a tool returns for err. */
int skpi_exit_code(skpi_err err);

/* What went wrong, where.  Fields that do not apply are empty strings / 0. */
typedef struct skpi_diag {
	skpi_err code;
	char file[512];     /* the input file, as named by the user */
	long line;          /* physical line in file, 1-based; 0 when not about a line */
	char column[128];   /* the column (canonical or header name) */
	char value[256];    /* the offending value, shortened */
	char msg[768];      /* what was wrong */
	char hint[1024];    /* what to do, or empty */
} skpi_diag;

/* Reset d to "no error".  d may be NULL in every skpi_diag_* call. */
void skpi_diag_clear(skpi_diag *d);

/* Record an error: code, file (may be NULL), line (0: none) and a printf-style message.
 * Returns code, so that `return skpi_diag_set(d, ...)` reads naturally. */
skpi_err skpi_diag_set(skpi_diag *d, skpi_err code, const char *file, long line,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Attach the column and offending value (shortened and made printable). */
void skpi_diag_value(skpi_diag *d, const char *column, const char *value, size_t len);

/* Attach what the user should do. */
void skpi_diag_hint(skpi_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print "PROG: 'file' line N: msg" and, on the next line, the hint, to fp. */
void skpi_diag_print(const skpi_diag *d, const char *prog, FILE *fp);

/* Copy at most n bytes of s into dst (size dstsz), replacing control characters with '?'
 * and marking a cut with "...".  Used for values quoted in messages. */
void skpi_printable(char *dst, size_t dstsz, const char *s, size_t n);

#endif
