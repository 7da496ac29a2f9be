/* csvin — streaming CSV input (see csvin.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "supportkpi/csvin.h"

#define NO_ICONV ((iconv_t)-1)

/* libcsv grows its field buffer by a fixed block (128 bytes by default): a long field
 * would cost a realloc, and a copy, per block.  Start at 64 KiB and double the block each
 * time the buffer reaches it, so that growth is geometric. */
#define CSVIN_BLK_MIN 65536

static int is_utf8_name(const char *enc)
{
	return !enc || !*enc || strcasecmp(enc, "UTF-8") == 0 || strcasecmp(enc, "UTF8") == 0;
}

skpi_err csvin_init(csvin *r, const char *name, const char *encoding, char delim,
		    csvin_row_fn fn, void *ctx, skpi_diag *d)
{
	memset(r, 0, sizeof *r);
	r->cd = NO_ICONV;
	if (!is_utf8_name(encoding)) {
		r->cd = iconv_open("UTF-8", encoding);
		if (r->cd == NO_ICONV) {
			skpi_diag_set(d, SKPI_ERR_CONFIG, name, 0, "encoding '%s' is not known", encoding);
			skpi_diag_hint(d, "use a name from 'iconv --list', e.g. UTF-8, GB18030, ISO-8859-1");
			return SKPI_ERR_CONFIG;
		}
	}
	if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0)
		goto nomem;
	csv_set_delim(&r->parser, (unsigned char)delim);
	csv_set_blk_size(&r->parser, CSVIN_BLK_MIN);
	r->name = strdup(name ? name : "-");
	if (!r->name)
		goto nomem;
	r->fn = fn;
	r->ctx = ctx;
	r->line = 1;
	r->row_start = 1;
	r->map_hint = "pass it with --map";
	return SKPI_OK;
nomem:
	csvin_release(r);
	return skpi_diag_set(d, SKPI_ERR_NOMEM, name, 0, "out of memory");
}

void csvin_release(csvin *r)
{
	if (r->cd != NO_ICONV)
		iconv_close(r->cd);
	r->cd = NO_ICONV;
	csv_free(&r->parser);
	free(r->name);
	free(r->buf);
	free(r->offs);
	free(r->lens);
	free(r->ptrs);
	memset(r, 0, sizeof *r);
	r->cd = NO_ICONV;
}

static void fail(csvin *r, skpi_err e)
{
	if (!r->sticky)
		r->sticky = e;
}

/* libcsv field callback: copy the field into the row being built */
static void on_field(void *s, size_t len, void *data)
{
	csvin *r = data;
	size_t need;

	if (r->sticky)
		return;
	if (r->nfields == r->fields_cap) {
		size_t cap = r->fields_cap ? r->fields_cap * 2 : 32;
		size_t *o, *l;
		const char **p;

		if (cap > CSVIN_MAX_FIELDS) {
			skpi_diag_set(r->diag, SKPI_ERR_CSV, r->name, r->row_start,
				      "the row has more than %d fields", CSVIN_MAX_FIELDS);
			fail(r, SKPI_ERR_CSV);
			return;
		}
		o = realloc(r->offs, cap * sizeof *o);
		if (o)
			r->offs = o;
		l = realloc(r->lens, cap * sizeof *l);
		if (l)
			r->lens = l;
		p = realloc(r->ptrs, cap * sizeof *p);
		if (p)
			r->ptrs = p;
		if (!o || !l || !p) {
			skpi_diag_set(r->diag, SKPI_ERR_NOMEM, r->name, r->row_start, "out of memory");
			fail(r, SKPI_ERR_NOMEM);
			return;
		}
		r->fields_cap = cap;
	}
	if (!s) {
		r->offs[r->nfields] = (size_t)-1;
		r->lens[r->nfields++] = 0;
		return;
	}
	need = r->buf_len + len + 1;
	if (need > r->buf_cap) {
		size_t cap = r->buf_cap ? r->buf_cap : 1024;
		char *b;

		while (cap < need)
			cap *= 2;
		b = realloc(r->buf, cap);
		if (!b) {
			skpi_diag_set(r->diag, SKPI_ERR_NOMEM, r->name, r->row_start, "out of memory");
			fail(r, SKPI_ERR_NOMEM);
			return;
		}
		r->buf = b;
		r->buf_cap = cap;
	}
	memcpy(r->buf + r->buf_len, s, len);
	r->buf[r->buf_len + len] = '\0';
	r->offs[r->nfields] = r->buf_len;
	r->lens[r->nfields++] = len;
	r->buf_len += len + 1;
}

/* libcsv row callback: hand the row over */
static void on_row(int term, void *data)
{
	csvin *r = data;
	csvin_row row;
	skpi_err e;

	(void)term;
	if (!r->sticky) {
		for (size_t i = 0; i < r->nfields; i++)
			r->ptrs[i] = r->offs[i] == (size_t)-1 ? NULL : r->buf + r->offs[i];
		row.nfields = r->nfields;
		row.fields = r->ptrs;
		row.lens = r->lens;
		row.line = r->row_start;
		row.end_line = r->line;
		r->rows++;
		e = r->fn(r->ctx, &row, r->diag);
		if (e)
			fail(r, e);
	}
	r->nfields = 0;
	r->buf_len = 0;
	/* the next row starts here, unless a new line starts first (feed_parser): a row ended
	 * by a lone CR has its successor on the same physical line */
	r->row_start = r->line;
}

/* feed UTF-8 bytes to libcsv one physical line at a time, so that rows know their line */
static skpi_err feed_parser(csvin *r, const char *p, size_t len)
{
	while (len > 0 && !r->sticky) {
		const char *nl = memchr(p, '\n', len);
		size_t n = nl ? (size_t)(nl - p) + 1 : len;

		if (r->parser.pstate == 0 && r->nfields == 0 && r->parser.entry_pos == 0)
			r->row_start = r->line;
		if (csv_parse(&r->parser, p, n, on_field, on_row, r) != n) {
			if (r->sticky)
				break;
			if (csv_error(&r->parser) == CSV_EPARSE) {
				skpi_diag_set(r->diag, SKPI_ERR_CSV, r->name, r->line,
					      "a quote inside an unquoted field, or text after a closing quote");
				skpi_diag_hint(r->diag, "fields holding quotes must be quoted and their quotes "
					       "doubled (\"12\"\" screen\"); fix the export and ingest again");
				fail(r, SKPI_ERR_CSV);
			} else {
				skpi_diag_set(r->diag, SKPI_ERR_NOMEM, r->name, r->line, "%s",
					      csv_strerror(csv_error(&r->parser)));
				fail(r, SKPI_ERR_NOMEM);
			}
			break;
		}
		if (csv_get_buffer_size(&r->parser) >= r->parser.blk_size)
			csv_set_blk_size(&r->parser, csv_get_buffer_size(&r->parser));
		if (csv_get_buffer_size(&r->parser) > CSVIN_MAX_FIELD && r->parser.entry_pos > CSVIN_MAX_FIELD) {
			skpi_diag_set(r->diag, SKPI_ERR_CSV, r->name, r->row_start,
				      "a field longer than %u MiB starts in this row", CSVIN_MAX_FIELD >> 20);
			skpi_diag_hint(r->diag, "this is almost always a quote that is never closed");
			fail(r, SKPI_ERR_CSV);
			break;
		}
		if (nl)
			r->line++;
		p += n;
		len -= n;
	}
	return r->sticky;
}

/* length of the valid UTF-8 prefix of s[0..n); *bad set when an invalid sequence follows
 * it (rather than an incomplete one at the end) */
static size_t utf8_valid_prefix(const unsigned char *s, size_t n, int *bad)
{
	size_t i = 0;

	*bad = 0;
	while (i < n) {
		unsigned char c = s[i];
		size_t k;
		unsigned char lo = 0x80, hi = 0xBF;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			k = 1;
		else if (c >= 0xE0 && c <= 0xEF) {
			k = 2;
			if (c == 0xE0)
				lo = 0xA0;
			if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			k = 3;
			if (c == 0xF0)
				lo = 0x90;
			if (c == 0xF4)
				hi = 0x8F;
		} else {
			*bad = 1;
			return i;
		}
		for (size_t j = 1; j <= k; j++) {
			if (i + j >= n)
				return i; /* incomplete: wait for more */
			if (s[i + j] < (j == 1 ? lo : 0x80) || s[i + j] > (j == 1 ? hi : 0xBF)) {
				*bad = 1;
				return i;
			}
		}
		i += k + 1;
	}
	return i;
}

/* count the '\n' in p[0..n) */
static long count_lines(const char *p, size_t n)
{
	long c = 0;

	for (const char *q = p; (q = memchr(q, '\n', n - (size_t)(q - p))) != NULL; q++)
		c++;
	return c;
}

/* What is most often saved or attached in place of a helpdesk's CSV export, by its first
 * bytes (none of them can start a CSV file: control bytes, or invalid UTF-8). */
static const char sheet_hint[] = "export the data as CSV from the helpdesk, or open the file in a "
				 "spreadsheet and save it as \"CSV UTF-8 (comma delimited)\"";
static const char export_hint[] = "export the data as CSV from the helpdesk";
static const struct {
	const char *magic;
	size_t len;
	const char *what;
	const char *hint;
} binary_formats[] = {
	{ "PK\x03\x04", 4, "a ZIP archive: an Excel workbook (.xlsx) or an OpenDocument file (.ods)",
	  sheet_hint },
	{ "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, "an old-style Excel workbook (.xls)", sheet_hint },
	{ "\x1F\x8B", 2, "compressed with gzip (.gz)", "decompress it first (gunzip), then load the CSV inside" },
	{ "%PDF-", 5, "a PDF document", export_hint },
	{ "\x89PNG\r\n\x1A\n", 8, "a PNG image", export_hint },
	{ "\xFF\xD8\xFF", 3, "a JPEG image", export_hint },
};

/* Whether the head can still become, or already is, a binary format's signature: 0 when
 * it cannot (it is text to pass on), 1 while it could, and 2 (with r->diag filled) when it
 * is one. */
static int binary_head(csvin *r)
{
	int could = 0;

	for (size_t i = 0; i < sizeof binary_formats / sizeof binary_formats[0]; i++) {
		size_t n = r->head_len < binary_formats[i].len ? r->head_len : binary_formats[i].len;

		if (memcmp(r->head, binary_formats[i].magic, n) != 0)
			continue;
		if (n < binary_formats[i].len) {
			could = 1;
			continue;
		}
		skpi_diag_set(r->diag, SKPI_ERR_CSV, r->name, 0, "this is %s, not a CSV file",
			      binary_formats[i].what);
		skpi_diag_hint(r->diag, "%s", binary_formats[i].hint);
		fail(r, SKPI_ERR_CSV);
		return 2;
	}
	return could;
}

static skpi_err encoding_error(csvin *r, const char *ok, size_t ok_len)
{
	long line = r->line + count_lines(ok, ok_len);


	skpi_diag_set(r->diag, SKPI_ERR_ENCODING, r->name, line, "the text is not valid %s",
		      r->cd == NO_ICONV ? "UTF-8" : "in the declared encoding");
	if (r->cd == NO_ICONV)
		skpi_diag_hint(r->diag, "declare the file's encoding in a mapping file ([file] encoding = "
			       "GB18030, ISO-8859-1, ...) and %s", r->map_hint);
	else
		skpi_diag_hint(r->diag, "check the mapping file's encoding setting");
	fail(r, SKPI_ERR_ENCODING);
	return SKPI_ERR_ENCODING;
}

/* UTF-8 text after conversion: strip a BOM at the very start, validate, feed */
static skpi_err feed_utf8(csvin *r, const char *p, size_t len)
{
	unsigned char tmp[8];

	if (!r->bom_state) {
		static const unsigned char bom[3] = { 0xEF, 0xBB, 0xBF };

		while (len > 0 && r->bom_len < 3 && (unsigned char)*p == bom[r->bom_len]) {
			r->bom[r->bom_len++] = (unsigned char)*p++;
			len--;
		}
		if (r->bom_len == 3) {
			r->bom_state = 1; /* a whole BOM: dropped */
		} else if (len > 0 || r->bom_len == 0) {
			size_t n = r->bom_len; /* a partial match that was not a BOM: it is text */

			r->bom_state = 1;
			r->bom_len = 0;
			if (n && feed_utf8(r, (const char *)bom, n))
				return r->sticky;
		} else {
			return SKPI_OK; /* all of it could still be a BOM */
		}
	}
	/* complete a sequence cut at the previous chunk's end */
	while (r->utf8_carry_len && len > 0) {
		int bad;
		size_t ok;

		r->utf8_carry[r->utf8_carry_len++] = (unsigned char)*p++;
		len--;
		memcpy(tmp, r->utf8_carry, r->utf8_carry_len);
		ok = utf8_valid_prefix(tmp, r->utf8_carry_len, &bad);
		if (bad)
			return encoding_error(r, "", 0);
		if (ok == r->utf8_carry_len) {
			r->utf8_carry_len = 0;
			if (feed_parser(r, (const char *)tmp, ok))
				return r->sticky;
		}
	}
	if (len > 0) {
		int bad;
		size_t ok = utf8_valid_prefix((const unsigned char *)p, len, &bad);

		if (feed_parser(r, p, ok))
			return r->sticky;
		if (bad)
			return encoding_error(r, "", 0);
		memcpy(r->utf8_carry, p + ok, len - ok);
		r->utf8_carry_len = len - ok;
	}
	return r->sticky;
}

static skpi_err feed_converted(csvin *r, const char *p, size_t len)
{
	char out[16384];

	while (len > 0 || r->iconv_carry_len) {
		char in[sizeof r->iconv_carry + 64];
		char *ip, *op = out;
		size_t il, ol = sizeof out, take;

		/* join a carried partial sequence with the start of this chunk */
		if (r->iconv_carry_len) {
			take = len < 64 ? len : 64;
			memcpy(in, r->iconv_carry, r->iconv_carry_len);
			memcpy(in + r->iconv_carry_len, p, take);
			ip = in;
			il = r->iconv_carry_len + take;
		} else {
			take = len;
			ip = (char *)p;
			il = len;
		}
		size_t before = il;
		size_t rc = iconv(r->cd, &ip, &il, &op, &ol);
		int err = rc == (size_t)-1 ? errno : 0;
		size_t used = before - il;

		if (feed_utf8(r, out, (size_t)(op - out)))
			return r->sticky;
		if (r->iconv_carry_len) {
			if (used < r->iconv_carry_len) {
				if (err == EINVAL && take == len) { /* still incomplete, chunk exhausted */
					memcpy(r->iconv_carry + r->iconv_carry_len, p, take);
					r->iconv_carry_len += take;
					if (r->iconv_carry_len > sizeof r->iconv_carry - 1)
						return encoding_error(r, "", 0);
					return SKPI_OK;
				}
				if (err == EILSEQ || err == EINVAL)
					return encoding_error(r, "", 0);
				continue; /* E2BIG: output full, go on */
			}
			used -= r->iconv_carry_len;
			r->iconv_carry_len = 0;
			p += used;
			len -= used;
			continue;
		}
		p += used;
		len -= used;
		if (err == EILSEQ)
			return encoding_error(r, "", 0);
		if (err == EINVAL) { /* incomplete sequence at the end: keep it */
			if (len > sizeof r->iconv_carry - 1)
				return encoding_error(r, "", 0);
			memcpy(r->iconv_carry, p, len);
			r->iconv_carry_len = len;
			return SKPI_OK;
		}
	}
	return r->sticky;
}

/* the bytes as read, past the head: converted when the file is not UTF-8, then fed */
static skpi_err feed_raw(csvin *r, const char *p, size_t len)
{
	if (r->cd == NO_ICONV)
		return feed_utf8(r, p, len);
	return feed_converted(r, p, len);
}

/* the held head is text after all: pass it on */
static skpi_err release_head(csvin *r)
{
	r->head_done = 1;
	return r->head_len ? feed_raw(r, (const char *)r->head, r->head_len) : r->sticky;
}

skpi_err csvin_feed(csvin *r, const void *data, size_t len, skpi_diag *d)
{
	const char *p = data;

	r->diag = d;
	if (r->sticky)
		return r->sticky;
	r->bytes_in += len;
	/* The first bytes are held back until they are known not to be the signature of a
	 * workbook, an archive or a PDF saved in place of the export: such a file is named as
	 * what it is, before any of it reaches the parser. */
	while (!r->head_done && len > 0) {
		int b;

		r->head[r->head_len++] = (unsigned char)*p++;
		len--;
		b = binary_head(r);
		if (b == 2)
			return r->sticky;
		if (b == 0 && release_head(r))
			return r->sticky;
	}
	return len ? feed_raw(r, p, len) : r->sticky;
}

skpi_err csvin_finish(csvin *r, skpi_diag *d)
{
	r->diag = d;
	if (r->sticky)
		return r->sticky;
	if (!r->head_done && release_head(r)) /* a file shorter than a signature */
		return r->sticky;
	if (r->cd != NO_ICONV) {
		char out[64], *op = out;
		size_t ol = sizeof out;

		if (r->iconv_carry_len)
			return encoding_error(r, "", 0);
		iconv(r->cd, NULL, NULL, &op, &ol);
		if (feed_utf8(r, out, (size_t)(op - out)))
			return r->sticky;
	}
	if (!r->bom_state && r->bom_len) { /* a file holding only part of a BOM: text, validated */
		unsigned char part[3];
		size_t n = r->bom_len;

		memcpy(part, r->bom, n);
		r->bom_state = 1;
		r->bom_len = 0;
		if (feed_utf8(r, (const char *)part, n))
			return r->sticky;
	}
	if (r->utf8_carry_len)
		return encoding_error(r, "", 0);
	if (csv_fini(&r->parser, on_field, on_row, r) != 0 && !r->sticky) {
		skpi_diag_set(d, SKPI_ERR_CSV, r->name, r->row_start,
			      "a quoted field that starts in this row is never closed");
		skpi_diag_hint(d, "the file may be cut short, or a quote is missing");
		fail(r, SKPI_ERR_CSV);
	}
	return r->sticky;
}

skpi_err csvin_read_stream(csvin *r, FILE *fp, void (*progress)(void *, unsigned long long),
			   void *progress_ctx, skpi_diag *d)
{
	static const size_t chunk = 65536;
	char *buf = malloc(chunk);
	skpi_err e = SKPI_OK;
	size_t n;

	if (!buf)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, r->name, 0, "out of memory");
	while ((n = fread(buf, 1, chunk, fp)) > 0) {
		e = csvin_feed(r, buf, n, d);
		if (e)
			goto out;
		if (progress)
			progress(progress_ctx, r->bytes_in);
	}
	if (ferror(fp)) {
		e = skpi_diag_set(d, SKPI_ERR_IO, r->name, 0, "read error: %s", strerror(errno));
		goto out;
	}
	e = csvin_finish(r, d);
out:
	free(buf);
	return e;
}
