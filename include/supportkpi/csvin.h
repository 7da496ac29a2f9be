/* csvin — streaming CSV input: libcsv underneath, a UTF-8 BOM stripped, other encodings
 * converted to UTF-8 with iconv, UTF-8 validated, physical line numbers counted, fields
 * counted per row.  It knows nothing of what the columns mean.
 *
 * Push interface: csvin_init, then csvin_feed with chunks of any size (the result does not
 * depend on where the chunks are cut), then csvin_finish, then csvin_release.  Each
 * complete row is handed to the callback; memory stays bounded by the longest row. */
#ifndef SUPPORTKPI_CSVIN_H
#define SUPPORTKPI_CSVIN_H

#include <csv.h>
#include <iconv.h>
#include <stddef.h>
#include <stdio.h>

#include "supportkpi/err.h"

/* A row.  fields[i] is NUL-terminated UTF-8 of length lens[i] (it may hold NUL bytes: use
 * the length), or NULL for an empty unquoted field.  Borrowed: valid during the callback. */
typedef struct csvin_row {
	size_t nfields;
	const char *const *fields;
	const size_t *lens;
	long line;        /* physical line where the row starts, 1-based */
	long end_line;    /* physical line where it ends (quoted newlines make them differ) */
} csvin_row;

/* Called for every row, the header included.  Return SKPI_OK to go on; any other value
 * stops the reading, and csvin_feed/csvin_finish return it (the callback fills d). */
typedef skpi_err (*csvin_row_fn)(void *ctx, const csvin_row *row, skpi_diag *d);

/* The longest field accepted (bytes): a longer one is almost always an unterminated quote. */
#define CSVIN_MAX_FIELD (4u << 20)
#define CSVIN_MAX_FIELDS 4096

typedef struct csvin {
	struct csv_parser parser;
	iconv_t cd;            /* (iconv_t)-1 for UTF-8 input */
	char *name;            /* file name for messages (owned) */
	csvin_row_fn fn;
	void *ctx;
	skpi_err sticky;       /* first error from a callback or the row builder */
	skpi_diag *diag;       /* where the sticky error was described (borrowed, for one feed) */
	long line;             /* physical line being fed, 1-based */
	long row_start;
	int bom_state;         /* 0: undecided, 1: decided */
	unsigned char bom[3];
	size_t bom_len;
	unsigned char utf8_carry[4]; /* an incomplete UTF-8 sequence at the end of a chunk */
	size_t utf8_carry_len;
	char iconv_carry[8];   /* an incomplete multibyte sequence before conversion */
	size_t iconv_carry_len;
	unsigned char head[8]; /* the file's first bytes, held back while they could still be a
	                        * binary format's signature (see csvin.c) */
	size_t head_len;
	int head_done;         /* the head is decided (and was passed on) */
	const char *map_hint;  /* ends the hint of an encoding error: "... in a mapping file,
	                        * and <map_hint>"; csvin_init sets "pass it with --map", the
	                        * caller may set another (static, not owned) */
	/* the row being built */
	char *buf;             /* field bytes, each NUL-terminated */
	size_t buf_len, buf_cap;
	size_t *offs;          /* offset of each field in buf, (size_t)-1 for NULL */
	size_t *lens;
	const char **ptrs;
	size_t nfields, fields_cap;
	unsigned long long rows;     /* rows delivered, header included */
	unsigned long long bytes_in; /* bytes fed */
} csvin;

/* name: the file name used in messages.  encoding: NULL or "UTF-8" for UTF-8, else any
 * name iconv knows ("GB18030", "GBK", "ISO-8859-1", "UTF-16").  delim: ',' normally.
 * On error (unknown encoding: SKPI_ERR_CONFIG) nothing needs releasing. */
skpi_err csvin_init(csvin *r, const char *name, const char *encoding, char delim,
		    csvin_row_fn fn, void *ctx, skpi_diag *d);
skpi_err csvin_feed(csvin *r, const void *data, size_t len, skpi_diag *d);
skpi_err csvin_finish(csvin *r, skpi_diag *d);
void csvin_release(csvin *r);

/* Read the whole stream fp through r (csvin_feed in 64 KiB chunks, then csvin_finish).
 * A read error is SKPI_ERR_IO.  progress, if not NULL, is called after each chunk with the
 * bytes read so far. */
skpi_err csvin_read_stream(csvin *r, FILE *fp, void (*progress)(void *ctx, unsigned long long bytes),
			   void *progress_ctx, skpi_diag *d);

#endif
