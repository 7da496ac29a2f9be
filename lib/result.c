/* result — the result set: typed columns and rows of typed values (see result.h). */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "supportkpi/result.h"

#define RESULT_MIN_ROWS 8

skpi_result *skpi_result_new(const char *title)
{
	skpi_result *rs = calloc(1, sizeof *rs);

	if (!rs)
		return NULL;
	if (title) {
		rs->title = strdup(title);
		if (!rs->title) {
			free(rs);
			return NULL;
		}
	}
	return rs;
}

void skpi_result_free(skpi_result *rs)
{
	size_t r, c;

	if (!rs)
		return;
	for (r = 0; r < rs->nrows; r++)
		for (c = 0; c < rs->ncols; c++)
			free(rs->cells[r * rs->ncols + c].s);
	free(rs->cells);
	for (c = 0; c < rs->ncols; c++)
		free(rs->cols[c].name);
	free(rs->cols);
	free(rs->title);
	free(rs);
}

skpi_result *skpi_result_copy(const skpi_result *rs)
{
	skpi_result *c;

	if (!rs || !(c = skpi_result_new(rs->title)))
		return NULL;
	for (size_t j = 0; j < rs->ncols; j++)
		if (skpi_result_add_col(c, rs->cols[j].name, rs->cols[j].type, rs->cols[j].unit,
					rs->cols[j].decimals) < 0)
			goto fail;
	for (size_t r = 0; r < rs->nrows; r++) {
		long row = skpi_result_add_row(c);

		if (row < 0)
			goto fail;
		for (size_t j = 0; j < rs->ncols; j++) {
			const skpi_value *v = &rs->cells[r * rs->ncols + j];
			skpi_value *w = &c->cells[(size_t)row * c->ncols + j];

			w->is_null = v->is_null;
			w->i = v->i;
			w->r = v->r;
			if (v->s && !(w->s = strdup(v->s)))
				goto fail;
		}
	}
	return c;
fail:
	skpi_result_free(c);
	return NULL;
}

int skpi_result_add_col(skpi_result *rs, const char *name, skpi_type type, skpi_unit unit,
			int decimals)
{
	skpi_col *cols;
	char *copy;

	if (!rs || !name || rs->nrows > 0 || rs->ncols >= (size_t)INT_MAX ||
	    rs->ncols >= SIZE_MAX / sizeof *cols - 1)
		return -1;
	copy = strdup(name);
	if (!copy)
		return -1;
	cols = realloc(rs->cols, (rs->ncols + 1) * sizeof *cols);
	if (!cols) {
		free(copy);
		return -1;
	}
	rs->cols = cols;
	/* No rows yet, so any row storage is empty and sized for the old width: drop it. */
	free(rs->cells);
	rs->cells = NULL;
	rs->cap = 0;
	cols[rs->ncols].name = copy;
	cols[rs->ncols].type = type;
	cols[rs->ncols].unit = unit;
	cols[rs->ncols].decimals = decimals;
	return (int)rs->ncols++;
}

int skpi_result_col(const skpi_result *rs, const char *name)
{
	size_t c;

	if (!rs || !name)
		return -1;
	for (c = 0; c < rs->ncols; c++)
		if (strcmp(rs->cols[c].name, name) == 0)
			return (int)c;
	return -1;
}

long skpi_result_add_row(skpi_result *rs)
{
	size_t c, base;

	if (!rs || rs->nrows >= (size_t)LONG_MAX)
		return -1;
	if (rs->nrows == rs->cap && rs->ncols > 0) {
		size_t cap = rs->cap ? rs->cap : RESULT_MIN_ROWS / 2;
		skpi_value *cells;

		if (cap > SIZE_MAX / 2 / rs->ncols / sizeof *cells)
			return -1;
		cap *= 2;
		cells = realloc(rs->cells, cap * rs->ncols * sizeof *cells);
		if (!cells)
			return -1;
		rs->cells = cells;
		rs->cap = cap;
	}
	base = rs->nrows * rs->ncols;
	for (c = 0; c < rs->ncols; c++) {
		skpi_value *v = &rs->cells[base + c];

		v->is_null = 1;
		v->i = 0;
		v->r = 0.0;
		v->s = NULL;
	}
	if (rs->ncols == 0 && rs->cap < rs->nrows + 1)
		rs->cap = rs->nrows + 1; /* rows of no cells need no storage */
	return (long)rs->nrows++;
}

/* The cell to set, or NULL when (row, col) is out of range or the column is not of type. */
static skpi_value *cell_for(skpi_result *rs, size_t row, size_t col, int check, skpi_type type)
{
	if (!rs || row >= rs->nrows || col >= rs->ncols)
		return NULL;
	if (check && rs->cols[col].type != type)
		return NULL;
	return &rs->cells[row * rs->ncols + col];
}

skpi_err skpi_result_set_null(skpi_result *rs, size_t row, size_t col)
{
	skpi_value *v = cell_for(rs, row, col, 0, SKPI_TEXT);

	if (!v)
		return SKPI_ERR_INTERNAL;
	free(v->s);
	v->s = NULL;
	v->i = 0;
	v->r = 0.0;
	v->is_null = 1;
	return SKPI_OK;
}

skpi_err skpi_result_set_int(skpi_result *rs, size_t row, size_t col, int64_t x)
{
	skpi_value *v = cell_for(rs, row, col, 1, SKPI_INT);

	if (!v)
		return SKPI_ERR_INTERNAL;
	v->i = x;
	v->is_null = 0;
	return SKPI_OK;
}

skpi_err skpi_result_set_real(skpi_result *rs, size_t row, size_t col, double x)
{
	skpi_value *v = cell_for(rs, row, col, 1, SKPI_REAL);

	if (!v)
		return SKPI_ERR_INTERNAL;
	v->r = x;
	v->is_null = 0;
	return SKPI_OK;
}

skpi_err skpi_result_set_text(skpi_result *rs, size_t row, size_t col, const char *s)
{
	skpi_value *v = cell_for(rs, row, col, 1, SKPI_TEXT);
	char *copy;

	if (!v)
		return SKPI_ERR_INTERNAL;
	if (!s)
		return skpi_result_set_null(rs, row, col);
	copy = strdup(s);
	if (!copy)
		return SKPI_ERR_NOMEM; /* the cell keeps its old value */
	free(v->s);
	v->s = copy;
	v->is_null = 0;
	return SKPI_OK;
}

const skpi_value *skpi_result_get(const skpi_result *rs, size_t row, size_t col)
{
	if (!rs || row >= rs->nrows || col >= rs->ncols)
		return NULL;
	return &rs->cells[row * rs->ncols + col];
}
