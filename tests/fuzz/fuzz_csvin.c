/* fuzz_csvin — libFuzzer harness for the CSV reader (`make fuzz`).
 *
 * The input is read twice: all at once, and cut into chunks whose sizes come from the
 * input's first byte.  Both readings must give the same rows, the same error and the same
 * error line (the reader's promise: the result does not depend on where chunks are cut),
 * every field must be NUL-terminated at its length, and row line numbers must not go
 * backwards.  The second byte picks the encoding (UTF-8 or GB18030) and the delimiter. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supportkpi/csvin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct digest {
	uint64_t h;       /* FNV-1a over every row: line, field count, field bytes */
	unsigned long long rows;
	long last_line;
};

static void mix(struct digest *g, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		g->h = (g->h ^ b[i]) * 1099511628211ULL;
}

static skpi_err on_row(void *ctx, const csvin_row *row, skpi_diag *d)
{
	struct digest *g = ctx;

	(void)d;
	if (row->line < g->last_line || row->end_line < row->line)
		abort();
	g->last_line = row->line;
	g->rows++;
	mix(g, &row->line, sizeof row->line);
	mix(g, &row->nfields, sizeof row->nfields);
	for (size_t i = 0; i < row->nfields; i++) {
		if (row->fields[i]) {
			if (row->fields[i][row->lens[i]] != '\0')
				abort();
			mix(g, row->fields[i], row->lens[i] + 1);
		} else {
			mix(g, "~", 1);
		}
	}
	return SKPI_OK;
}

static skpi_err read_all(const uint8_t *p, size_t n, size_t chunk, const char *enc, char delim,
			 struct digest *g, long *line)
{
	csvin r;
	skpi_diag d;
	skpi_err e;

	memset(g, 0, sizeof *g);
	g->h = 14695981039346656037ULL;
	skpi_diag_clear(&d);
	e = csvin_init(&r, "f.csv", enc, delim, on_row, g, &d);
	if (e)
		return e;
	for (size_t off = 0; off < n && !e; off += chunk)
		e = csvin_feed(&r, p + off, n - off < chunk ? n - off : chunk, &d);
	if (!e)
		e = csvin_finish(&r, &d);
	*line = e ? d.line : 0;
	csvin_release(&r);
	return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct digest a, b;
	long la, lb;
	skpi_err ea, eb;
	size_t chunk;
	const char *enc;
	char delim;

	if (size < 2)
		return 0;
	chunk = (size_t)(data[0] % 17) + 1;
	enc = data[1] & 1 ? "GB18030" : NULL;
	delim = data[1] & 2 ? ';' : ',';
	data += 2;
	size -= 2;
	ea = read_all(data, size, size ? size : 1, enc, delim, &a, &la);
	eb = read_all(data, size, chunk, enc, delim, &b, &lb);
	if (ea != eb || la != lb || (!ea && (a.h != b.h || a.rows != b.rows)))
		abort();
	return 0;
}
