/* test_csvin — the CSV edge cases, and, as libcsv's own tests do, every input re-fed in
 * every chunk size from 1 to its length: the rows (fields, field counts, line numbers) and
 * the error (code and line) must be the same whatever the cut.
 *
 * Rows are written out as text so that a whole file's worth can be compared at once:
 *   L<first line>-<last line> n<fields>:<field>|<field>|...
 * where a NULL field (empty, unquoted) is ~ and any other is <bytes>, with \n, \r, \0, |
 * and \ escaped.  Every expected text below is worked out by hand from the input. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "supportkpi/csvin.h"
#include "unit.h"

struct coll {
	char *out;
	size_t len, cap;
	int rows;
	int stop_at;      /* return SKPI_ERR_HEADER from this row (1-based); 0: never */
	int unterminated; /* fields not NUL-terminated at their length */
};

static void coll_put(struct coll *c, const char *s, size_t n)
{
	if (c->len + n + 1 > c->cap) {
		size_t cap = c->cap ? c->cap : 256;
		char *p;

		while (cap < c->len + n + 1)
			cap *= 2;
		p = realloc(c->out, cap);
		if (!p)
			abort();
		c->out = p;
		c->cap = cap;
	}
	memcpy(c->out + c->len, s, n);
	c->len += n;
	c->out[c->len] = '\0';
}

static void coll_printf(struct coll *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void coll_printf(struct coll *c, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	coll_put(c, buf, (size_t)n);
}

static skpi_err collect(void *ctx, const csvin_row *row, skpi_diag *d)
{
	struct coll *c = ctx;

	c->rows++;
	if (c->stop_at && c->rows == c->stop_at)
		return skpi_diag_set(d, SKPI_ERR_HEADER, "cb", row->line, "stopped by the callback");
	coll_printf(c, "L%ld-%ld n%zu:", row->line, row->end_line, row->nfields);
	for (size_t i = 0; i < row->nfields; i++) {
		const char *f = row->fields[i];

		if (i)
			coll_put(c, "|", 1);
		if (!f) {
			coll_put(c, "~", 1);
			continue;
		}
		if (f[row->lens[i]] != '\0')
			c->unterminated++;
		coll_put(c, "<", 1);
		for (size_t k = 0; k < row->lens[i]; k++) {
			switch (f[k]) {
			case '\n': coll_put(c, "\\n", 2); break;
			case '\r': coll_put(c, "\\r", 2); break;
			case '\0': coll_put(c, "\\0", 2); break;
			case '|': coll_put(c, "\\|", 2); break;
			case '\\': coll_put(c, "\\\\", 2); break;
			default: coll_put(c, f + k, 1); break;
			}
		}
		coll_put(c, ">", 1);
	}
	coll_put(c, "\n", 1);
	return SKPI_OK;
}

struct outcome {
	char *rows;
	skpi_err err;
	long line;
	char file[sizeof ((skpi_diag *)0)->file];
	int unterminated;
};

/* Feed in[0..n) in chunks of `chunk` bytes (0: all at once), then finish. */
static void run(const char *enc, char delim, int stop_at, const char *in, size_t n, size_t chunk,
		struct outcome *o)
{
	csvin r;
	skpi_diag d;
	struct coll c = { 0 };
	skpi_err e;

	memset(o, 0, sizeof *o);
	skpi_diag_clear(&d);
	c.stop_at = stop_at;
	coll_put(&c, "", 0);
	e = csvin_init(&r, "t.csv", enc, delim, collect, &c, &d);
	if (e) {
		o->err = e;
		o->rows = c.out;
		return;
	}
	if (!chunk)
		chunk = n ? n : 1;
	for (size_t off = 0; off < n && !e; off += chunk)
		e = csvin_feed(&r, in + off, n - off < chunk ? n - off : chunk, &d);
	if (!e)
		e = csvin_finish(&r, &d);
	csvin_release(&r);
	o->rows = c.out;
	o->err = e;
	o->line = e ? d.line : 0;
	snprintf(o->file, sizeof o->file, "%s", e ? d.file : "");
	o->unterminated = c.unterminated;
}

/* Every chunk size from 1 to n, and all at once, must give want_rows, want_err and (when
 * there is an error) want_line.  Reports the first chunk size that differs. */
static void feeds(const char *file, int line, const char *enc, char delim, const char *in, size_t n,
		  const char *want_rows, skpi_err want_err, long want_line)
{
	for (size_t chunk = 0; chunk <= n; chunk++) {
		struct outcome o;
		char msg[2048];
		int bad = 0;

		run(enc, delim, 0, in, n, chunk, &o);
		if (strcmp(o.rows, want_rows) != 0) {
			snprintf(msg, sizeof msg, "chunk %zu: rows\n%s#   want\n%s", chunk, o.rows, want_rows);
			bad = 1;
		} else if (o.err != want_err) {
			snprintf(msg, sizeof msg, "chunk %zu: error %d (%s), want %d (%s)", chunk, (int)o.err,
				 skpi_strerror(o.err), (int)want_err, skpi_strerror(want_err));
			bad = 1;
		} else if (want_err && o.line != want_line) {
			snprintf(msg, sizeof msg, "chunk %zu: error line %ld, want %ld", chunk, o.line, want_line);
			bad = 1;
		} else if (want_err && strcmp(o.file, "t.csv") != 0) {
			snprintf(msg, sizeof msg, "chunk %zu: error file '%s', want 't.csv'", chunk, o.file);
			bad = 1;
		} else if (o.unterminated) {
			snprintf(msg, sizeof msg, "chunk %zu: %d fields not NUL-terminated", chunk, o.unterminated);
			bad = 1;
		}
		free(o.rows);
		if (bad) {
			unit_fail(file, line, msg);
			return;
		}
	}
}

/* a string literal with its length (it may hold NUL bytes) */
#define LIT(s) s, sizeof s - 1
#define FEEDS(in, rows, err, line) feeds(__FILE__, __LINE__, NULL, ',', LIT(in), rows, err, line)
#define FEEDS_ENC(enc, in, rows, err, line) feeds(__FILE__, __LINE__, enc, ',', LIT(in), rows, err, line)

/* A workbook, a compressed file or a PDF saved instead of the CSV export is named as what
 * it is, before any of it reaches the parser (no row is delivered), wherever the chunks cut
 * its first bytes.  The inputs are the formats' real signatures followed by the bytes a
 * file of that kind goes on with. */
TEST(binary_formats_are_named)
{
	/* .xlsx: a ZIP local file header (PK 03 04, version 20, flags 0) */
	FEEDS("PK\x03\x04\x14\x00\x00\x00\x08\x00[Content_Types].xml\n\x8d\x91", "", SKPI_ERR_CSV, 0);
	/* .xls: the OLE2 compound file signature */
	FEEDS("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\n", "", SKPI_ERR_CSV, 0);
	/* gzip: 1F 8B, method 8 (deflate) */
	FEEDS("\x1F\x8B\x08\x00\n", "", SKPI_ERR_CSV, 0);
	FEEDS("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", "", SKPI_ERR_CSV, 0);
	FEEDS("\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR", "", SKPI_ERR_CSV, 0);
	FEEDS("\xFF\xD8\xFF\xE0\x00\x10JFIF", "", SKPI_ERR_CSV, 0);
	/* text that merely starts with the same letters is text */
	FEEDS("PK,id\n1,2\n", "L1-1 n2:<PK>|<id>\nL2-2 n2:<1>|<2>\n", SKPI_OK, 0);
	FEEDS("PK\n", "L1-1 n1:<PK>\n", SKPI_OK, 0);
	FEEDS("%PDF\n", "L1-1 n1:<%PDF>\n", SKPI_OK, 0);
	/* the signature is looked for at the start only */
	FEEDS("id\nPK\x03\x04\n", "L1-1 n1:<id>\nL2-2 n1:<PK\x03\x04>\n", SKPI_OK, 0);
}

TEST(plain_rows_and_crlf)
{
	FEEDS("id,name\n1,Alice\n2,Bob\n",
	      "L1-1 n2:<id>|<name>\nL2-2 n2:<1>|<Alice>\nL3-3 n2:<2>|<Bob>\n", SKPI_OK, 0);
	/* CRLF: the CR ends the row, it is not part of the last field */
	FEEDS("id,name\r\n1,Alice\r\n2,Bob\r\n",
	      "L1-1 n2:<id>|<name>\nL2-2 n2:<1>|<Alice>\nL3-3 n2:<2>|<Bob>\n", SKPI_OK, 0);
	/* no newline after the last row */
	FEEDS("id,name\r\n1,Alice", "L1-1 n2:<id>|<name>\nL2-2 n2:<1>|<Alice>\n", SKPI_OK, 0);
	/* nothing at all */
	FEEDS("", "", SKPI_OK, 0);
}

TEST(utf8_bom)
{
	/* a BOM at the start is dropped, wherever the chunks cut it */
	FEEDS("\xEF\xBB\xBFid,name\n1,x\n", "L1-1 n2:<id>|<name>\nL2-2 n2:<1>|<x>\n", SKPI_OK, 0);
	FEEDS("\xEF\xBB\xBF\r\nid\r\n", "L2-2 n1:<id>\n", SKPI_OK, 0);
	/* a file holding only a BOM has no rows */
	FEEDS("\xEF\xBB\xBF", "", SKPI_OK, 0);
	/* U+FEFF later on is text, not a BOM */
	FEEDS("id\n\xEF\xBB\xBFx\n", "L1-1 n1:<id>\nL2-2 n1:<\xEF\xBB\xBFx>\n", SKPI_OK, 0);
	/* text that starts like a BOM but is not one is still text (and here valid UTF-8:
	 * EF BB 80 is U+FEC0) */
	FEEDS("\xEF\xBB\x80,a\n", "L1-1 n2:<\xEF\xBB\x80>|<a>\n", SKPI_OK, 0);
	/* the start of a BOM followed by something else is not UTF-8 */
	FEEDS("\xEF\xBBid\n", "", SKPI_ERR_ENCODING, 1);
	/* a file cut short inside its BOM is not UTF-8 either */
	FEEDS("\xEF\xBB", "", SKPI_ERR_ENCODING, 1);
	FEEDS("\xEF", "", SKPI_ERR_ENCODING, 1);
}

TEST(quoted_fields)
{
	FEEDS("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"line1\nline2\"\n3,4,5\n",
	      "L1-1 n3:<a>|<b>|<c>\n"
	      "L2-3 n3:<x, y>|<say \"hi\">|<line1\\nline2>\n"
	      "L4-4 n3:<3>|<4>|<5>\n", SKPI_OK, 0);
	/* a CRLF inside quotes is kept as it is; the row spans lines 2 to 4 */
	FEEDS("h\r\n\"l1\r\nl2\r\nl3\"\r\nz\r\n",
	      "L1-1 n1:<h>\nL2-4 n1:<l1\\r\\nl2\\r\\nl3>\nL5-5 n1:<z>\n", SKPI_OK, 0);
	/* a quoted field holding only a quote, and one holding only a comma */
	FEEDS("\"\"\"\",\",\"\n", "L1-1 n2:<\">|<,>\n", SKPI_OK, 0);
	/* blank lines inside quotes are part of the field and count as lines */
	FEEDS("\"a\n\n\nb\",c\nd,e\n", "L1-4 n2:<a\\n\\n\\nb>|<c>\nL5-5 n2:<d>|<e>\n", SKPI_OK, 0);
}

TEST(blank_lines_are_skipped_but_counted)
{
	FEEDS("h\n\n1\n\r\n\n2\n", "L1-1 n1:<h>\nL3-3 n1:<1>\nL6-6 n1:<2>\n", SKPI_OK, 0);
	FEEDS("\n\nh,i\n\n\n", "L3-3 n2:<h>|<i>\n", SKPI_OK, 0);
	/* a line of spaces is blank too */
	FEEDS("h\n   \n1\n", "L1-1 n1:<h>\nL3-3 n1:<1>\n", SKPI_OK, 0);
	/* an error after blank lines names the right physical line */
	FEEDS("h\n\n\n\nx\"y\n", "L1-1 n1:<h>\n", SKPI_ERR_CSV, 5);
}

TEST(empty_is_null_quoted_empty_is_not)
{
	FEEDS("a,b,c\n,\"\",x\n", "L1-1 n3:<a>|<b>|<c>\nL2-2 n3:~|<>|<x>\n", SKPI_OK, 0);
	FEEDS("x,\n,\n\"\"\n", "L1-1 n2:<x>|~\nL2-2 n2:~|~\nL3-3 n1:<>\n", SKPI_OK, 0);
	/* unquoted fields lose their outer spaces; quoted ones keep them */
	FEEDS(" a , b \n\" a \",c\n", "L1-1 n2:<a>|<b>\nL2-2 n2:< a >|<c>\n", SKPI_OK, 0);
}

TEST(ragged_rows_report_their_field_count)
{
	FEEDS("a,b,c\n1,2\n1,2,3,4\n5\n",
	      "L1-1 n3:<a>|<b>|<c>\nL2-2 n2:<1>|<2>\nL3-3 n4:<1>|<2>|<3>|<4>\nL4-4 n1:<5>\n",
	      SKPI_OK, 0);
}

TEST(unterminated_quote_is_an_error_at_the_row_start)
{
	/* the rows before it are delivered; the open quote swallows the rest of the file */
	FEEDS("a,b\n1,\"open\n2,3\n4,5\n", "L1-1 n2:<a>|<b>\n", SKPI_ERR_CSV, 2);
	FEEDS("a,b\n1,2\n\n3,\"never closed", "L1-1 n2:<a>|<b>\nL2-2 n2:<1>|<2>\n", SKPI_ERR_CSV, 4);
	FEEDS("\"", "", SKPI_ERR_CSV, 1);
	/* a row ended by a lone CR: the next row starts on the same physical line (found by
	 * tests/fuzz/fuzz_csvin.c: fed whole, the error named the previous row's line) */
	FEEDS("a\rb,\"x\n", "L1-1 n1:<a>\n", SKPI_ERR_CSV, 1);
	FEEDS("h\n\"q\nx\",1\r\"never\n", "L1-1 n1:<h>\nL2-3 n2:<q\\nx>|<1>\n", SKPI_ERR_CSV, 3);
}

TEST(stray_quotes_are_errors_at_their_line)
{
	FEEDS("a,b\n1,x\"y\n", "L1-1 n2:<a>|<b>\n", SKPI_ERR_CSV, 2);
	FEEDS("a,b\n\"x\"y,2\n", "L1-1 n2:<a>|<b>\n", SKPI_ERR_CSV, 2);
	/* text after the closing quote of a field that started two lines up */
	FEEDS("a\n\"x\ny\nz\"q\n", "L1-1 n1:<a>\n", SKPI_ERR_CSV, 4);
}

TEST(invalid_utf8_names_its_line)
{
	FEEDS("a\nok\nbad\xFF\nx\n", "L1-1 n1:<a>\nL2-2 n1:<ok>\n", SKPI_ERR_ENCODING, 3);
	/* overlong encoding of '/' */
	FEEDS("a\n\xC0\xAF\n", "L1-1 n1:<a>\n", SKPI_ERR_ENCODING, 2);
	/* a UTF-16 surrogate */
	FEEDS("a\nb\n\"x\n\xED\xA0\x80\"\n", "L1-1 n1:<a>\nL2-2 n1:<b>\n", SKPI_ERR_ENCODING, 4);
	/* beyond U+10FFFF */
	FEEDS("\xF4\x90\x80\x80\n", "", SKPI_ERR_ENCODING, 1);
	/* a sequence cut short by the next character, and one cut short by the end */
	FEEDS("a\n\xE5\xB7x\n", "L1-1 n1:<a>\n", SKPI_ERR_ENCODING, 2);
	FEEDS("a\n\xE5\xB7", "L1-1 n1:<a>\n", SKPI_ERR_ENCODING, 2);
	/* a continuation byte on its own */
	FEEDS("a\n\n\x80\n", "L1-1 n1:<a>\n", SKPI_ERR_ENCODING, 3);
}

TEST(valid_utf8_survives_every_cut)
{
	/* 2-, 3- and 4-byte sequences */
	FEEDS("名前,状態\né,已解决 😀\n",
	      "L1-1 n2:<名前>|<状態>\nL2-2 n2:<é>|<已解决 😀>\n", SKPI_OK, 0);
}

TEST(gb18030_is_converted_to_utf8)
{
	/* 工单号,状态 / T1,已解决 / T2,待处理 / T3,😀é  in GB18030 (😀 is a 4-byte sequence) */
	FEEDS_ENC("GB18030",
		  "\xB9\xA4\xB5\xA5\xBA\xC5,\xD7\xB4\xCC\xAC\r\n"
		  "T1,\xD2\xD1\xBD\xE2\xBE\xF6\r\n"
		  "T2,\"\xB4\xFD\xB4\xA6\xC0\xED\"\r\n"
		  "T3,\x94\x39\xFC\x36\xA8\xA6\r\n",
		  "L1-1 n2:<工单号>|<状态>\nL2-2 n2:<T1>|<已解决>\nL3-3 n2:<T2>|<待处理>\nL4-4 n2:<T3>|<😀é>\n",
		  SKPI_OK, 0);
	FEEDS_ENC("gbk", "a\n\xD2\xD1\xBD\xE2\n", "L1-1 n1:<a>\nL2-2 n1:<已解>\n", SKPI_OK, 0);
	/* a byte that is not GB18030, on line 3 */
	FEEDS_ENC("GB18030", "a\nb\nc\xFF\n", "L1-1 n1:<a>\nL2-2 n1:<b>\n", SKPI_ERR_ENCODING, 3);
	/* the file ends inside a two-byte sequence */
	FEEDS_ENC("GB18030", "a\n\xD2", "L1-1 n1:<a>\n", SKPI_ERR_ENCODING, 2);
	/* ISO-8859-1: every byte is a character */
	FEEDS_ENC("ISO-8859-1", "caf\xE9\n", "L1-1 n1:<café>\n", SKPI_OK, 0);
}

TEST(nul_bytes_use_the_length)
{
	FEEDS("a,b\n\"x\0y\",z\n\0,\"\0\"\n",
	      "L1-1 n2:<a>|<b>\nL2-2 n2:<x\\0y>|<z>\nL3-3 n2:<\\0>|<\\0>\n", SKPI_OK, 0);
}

TEST(other_delimiters)
{
	feeds(__FILE__, __LINE__, NULL, ';', LIT("a;b\n1;2,3\n"), "L1-1 n2:<a>|<b>\nL2-2 n2:<1>|<2,3>\n",
	      SKPI_OK, 0);
	feeds(__FILE__, __LINE__, NULL, '\t', LIT("a\tb\n\"1\t2\"\t3\n"),
	      "L1-1 n2:<a>|<b>\nL2-2 n2:<1\t2>|<3>\n", SKPI_OK, 0);
}

TEST(unknown_encoding_is_a_config_error)
{
	csvin r;
	skpi_diag d;

	skpi_diag_clear(&d);
	CHECK_INT(csvin_init(&r, "t.csv", "NO-SUCH-CHARSET", ',', collect, NULL, &d), SKPI_ERR_CONFIG);
	CHECK_INT(d.code, SKPI_ERR_CONFIG);
	CHECK(strstr(d.msg, "NO-SUCH-CHARSET") != NULL);
}

TEST(callback_error_stops_the_reading)
{
	static const char in[] = "h\n1\n2\n3\n";
	struct outcome o;

	for (size_t chunk = 0; chunk < sizeof in; chunk++) {
		run(NULL, ',', 2, in, sizeof in - 1, chunk, &o);
		CHECK_INT(o.err, SKPI_ERR_HEADER);
		CHECK_STR(o.rows, "L1-1 n1:<h>\n"); /* rows 3 and 4 never reach the callback */
		CHECK_INT(o.line, 2);
		free(o.rows);
	}
}

/* write "x,x,...,x\n" with nf fields at p; returns its length */
static size_t wide_row(char *p, int nf)
{
	size_t len = 0;

	for (int i = 0; i < nf; i++) {
		p[len++] = 'x';
		p[len++] = i + 1 < nf ? ',' : '\n';
	}
	return len;
}

TEST(field_count_limit)
{
	char *in = malloc(2 * (CSVIN_MAX_FIELDS + 1) + 8);
	struct outcome o;
	size_t len, chunks[] = { 0, 1, 7, 4096 };

	if (!in)
		abort();
	/* CSVIN_MAX_FIELDS (4096) fields are fine */
	len = wide_row(in, CSVIN_MAX_FIELDS);
	for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
		run(NULL, ',', 0, in, len, chunks[k], &o);
		CHECK_INT(o.err, SKPI_OK);
		CHECK(strncmp(o.rows, "L1-1 n4096:<x>|<x>|", 19) == 0);
		free(o.rows);
	}
	/* one more, on line 2, is an error naming line 2 */
	memcpy(in, "h\n", 2);
	len = 2 + wide_row(in + 2, CSVIN_MAX_FIELDS + 1);
	for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
		run(NULL, ',', 0, in, len, chunks[k], &o);
		CHECK_INT(o.err, SKPI_ERR_CSV);
		CHECK_INT(o.line, 2);
		CHECK_STR(o.rows, "L1-1 n1:<h>\n");
		free(o.rows);
	}
	free(in);
}

TEST(a_never_closed_quote_stops_at_the_field_limit)
{
	/* a quote opened on line 2 and never closed: reading stops once the field passes
	 * CSVIN_MAX_FIELD, before the end of the file, naming line 2 */
	size_t n = CSVIN_MAX_FIELD + (1u << 20);
	char *in = malloc(n);
	struct outcome o;

	if (!in)
		abort();
	memset(in, 'x', n);
	memcpy(in, "a\n\"", 3);
	for (size_t i = 100; i < n; i += 100)
		in[i] = '\n';
	run(NULL, ',', 0, in, n, 65536, &o);
	CHECK_INT(o.err, SKPI_ERR_CSV);
	CHECK_INT(o.line, 2);
	CHECK_STR(o.rows, "L1-1 n1:<a>\n");
	free(o.rows);
	free(in);
}

static void count_progress(void *ctx, unsigned long long bytes)
{
	*(unsigned long long *)ctx = bytes;
}

TEST(read_stream)
{
	static const char in[] = "\xEF\xBB\xBFid,v\r\n1,\"a\r\nb\"\r\n\r\n2,\r\n";
	FILE *fp = tmpfile();
	csvin r;
	skpi_diag d;
	struct coll c = { 0 };
	unsigned long long seen = 0;

	if (!fp)
		abort();
	fwrite(in, 1, sizeof in - 1, fp);
	rewind(fp);
	coll_put(&c, "", 0);
	CHECK_INT(csvin_init(&r, "s.csv", "UTF-8", ',', collect, &c, &d), SKPI_OK);
	CHECK_INT(csvin_read_stream(&r, fp, count_progress, &seen, &d), SKPI_OK);
	CHECK_STR(c.out, "L1-1 n2:<id>|<v>\nL2-3 n2:<1>|<a\\r\\nb>\nL5-5 n2:<2>|~\n");
	CHECK_INT(seen, sizeof in - 1);
	CHECK_INT(r.rows, 3);
	csvin_release(&r);
	fclose(fp);
	free(c.out);
}

int main(void)
{
	RUN(plain_rows_and_crlf);
	RUN(utf8_bom);
	RUN(quoted_fields);
	RUN(blank_lines_are_skipped_but_counted);
	RUN(empty_is_null_quoted_empty_is_not);
	RUN(ragged_rows_report_their_field_count);
	RUN(unterminated_quote_is_an_error_at_the_row_start);
	RUN(stray_quotes_are_errors_at_their_line);
	RUN(invalid_utf8_names_its_line);
	RUN(valid_utf8_survives_every_cut);
	RUN(gb18030_is_converted_to_utf8);
	RUN(nul_bytes_use_the_length);
	RUN(other_delimiters);
	RUN(unknown_encoding_is_a_config_error);
	RUN(callback_error_stops_the_reading);
	RUN(field_count_limit);
	RUN(a_never_closed_quote_stops_at_the_field_limit);
	RUN(read_stream);
	RUN(binary_formats_are_named);
	return unit_done();
}
