/* result — the result set: the one currency between the computing modules (kpi, rank)
 * and every renderer (out: table/csv/json, xlsx, plot).
 *
 * A result set has a title, typed columns with units, and rows of typed values; a value
 * may be NULL ("undefined: no data"), which renderers show as empty / null, never 0.
 * The result set owns everything in it: strings given to it are copied. */
#ifndef SUPPORTKPI_RESULT_H
#define SUPPORTKPI_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "supportkpi/err.h"

typedef enum skpi_type {
	SKPI_TEXT,
	SKPI_INT,
	SKPI_REAL
} skpi_type;

typedef enum skpi_unit {
	SKPI_UNIT_NONE,    /* a name, a label */
	SKPI_UNIT_COUNT,   /* a number of things */
	SKPI_UNIT_PCT,     /* 0-100 */
	SKPI_UNIT_MINUTES,
	SKPI_UNIT_HOURS,
	SKPI_UNIT_SCORE,   /* a mean score or an index */
	SKPI_UNIT_POINTS   /* ranking points 0-100 */
} skpi_unit;

typedef struct skpi_col {
	char *name;        /* e.g. "csat_pct" */
	skpi_type type;
	skpi_unit unit;
	int decimals;      /* decimals shown in the table format (csv/json print full precision) */
} skpi_col;

typedef struct skpi_value {
	int is_null;
	int64_t i;         /* SKPI_INT */
	double r;          /* SKPI_REAL */
	char *s;           /* SKPI_TEXT, owned by the result set */
} skpi_value;

typedef struct skpi_result {
	char *title;       /* may be NULL */
	size_t ncols;
	skpi_col *cols;
	size_t nrows;
	size_t cap;        /* rows allocated */
	skpi_value *cells; /* nrows * ncols, row-major */
} skpi_result;

/* A new empty result set; NULL when out of memory.  Caller frees with skpi_result_free. */
skpi_result *skpi_result_new(const char *title);
void skpi_result_free(skpi_result *rs);

/* A deep copy of rs (title, columns, rows); NULL when out of memory or rs is NULL.  Caller
 * frees with skpi_result_free. */
skpi_result *skpi_result_copy(const skpi_result *rs);

/* Add a column (only before the first row).  Returns its index, or -1 (out of memory, or
 * rows already added). */
int skpi_result_add_col(skpi_result *rs, const char *name, skpi_type type, skpi_unit unit,
			int decimals);

/* The index of the column called name, or -1. */
int skpi_result_col(const skpi_result *rs, const char *name);

/* Append a row of NULLs; returns its index, or -1 when out of memory. */
long skpi_result_add_row(skpi_result *rs);

/* Set a cell.  The column's type decides which setter is right; a mismatched setter
 * returns SKPI_ERR_INTERNAL.  set_text copies s (NULL sets NULL). */
skpi_err skpi_result_set_null(skpi_result *rs, size_t row, size_t col);
skpi_err skpi_result_set_int(skpi_result *rs, size_t row, size_t col, int64_t v);
skpi_err skpi_result_set_real(skpi_result *rs, size_t row, size_t col, double v);
skpi_err skpi_result_set_text(skpi_result *rs, size_t row, size_t col, const char *s);

/* The cell at (row, col); borrowed, valid until the result set changes. */
const skpi_value *skpi_result_get(const skpi_result *rs, size_t row, size_t col);

#endif
