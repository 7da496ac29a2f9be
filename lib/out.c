/* out — result set renderers: aligned text table, CSV (formula-safe), JSON (jansson).
 * The formats are specified in include/supportkpi/out.h. */
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "supportkpi/out.h"

#define UTF8_BAD UINT32_MAX
#define TABLE_MAX_DECIMALS 20
#define CSV_MIN_DECIMALS 6
/* Every double is a dyadic fraction with at most 1074 binary places, so "%.1074f" is
 * exact and the search for a round-tripping count always ends by then. */
#define CSV_MAX_DECIMALS 1074
/* sign + 309 integer digits + point + decimals + NUL */
#define CSV_REAL_BUF (1 + 309 + 1 + CSV_MAX_DECIMALS + 1)

/* ---- UTF-8 and display width ---- */

/* Decode one character from NUL-terminated s (s[0] != 0).  Sets *cp to the code point, or
 * to UTF8_BAD for a byte that does not start a valid sequence (overlong forms, surrogates
 * and values above U+10FFFF are invalid).  Returns the bytes used, at least 1; never reads
 * past the NUL, since a NUL is not a continuation byte. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2; c &= 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3; c &= 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4; c &= 0x07; min = 0x10000;
	} else {
		*cp = UTF8_BAD;
		return 1;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = UTF8_BAD;
			return 1;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
		*cp = UTF8_BAD;
		return 1;
	}
	*cp = c;
	return n;
}

/* Characters that must not reach a terminal as they are: they move the cursor, end the
 * line or reorder what follows. */
static int is_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 ||
	       (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

struct range {
	uint32_t lo, hi;
};

static const struct range zero_width[] = {
	{ 0x0300, 0x036F }, /* combining diacritical marks */
	{ 0x0483, 0x0489 },
	{ 0x0591, 0x05BD },
	{ 0x0610, 0x061A },
	{ 0x064B, 0x065F },
	{ 0x0E31, 0x0E31 }, { 0x0E34, 0x0E3A }, { 0x0E47, 0x0E4E }, /* Thai marks */
	{ 0x1AB0, 0x1AFF },
	{ 0x1DC0, 0x1DFF },
	{ 0x200B, 0x200F }, /* zero width space, joiners, direction marks */
	{ 0x2060, 0x2064 },
	{ 0x20D0, 0x20FF },
	{ 0x302A, 0x302D },
	{ 0x3099, 0x309A },
	{ 0xFE00, 0xFE0F }, /* variation selectors */
	{ 0xFE20, 0xFE2F },
	{ 0xFEFF, 0xFEFF },
	{ 0xE0100, 0xE01EF },
};

static const struct range wide[] = {
	{ 0x1100, 0x115F },   /* Hangul Jamo initials */
	{ 0x2E80, 0x3029 },   /* CJK radicals ... ideographic punctuation */
	{ 0x302E, 0x303E },
	{ 0x3041, 0x3098 },   /* Hiragana */
	{ 0x309B, 0x33FF },   /* Katakana ... CJK compatibility */
	{ 0x3400, 0x4DBF },   /* CJK extension A */
	{ 0x4E00, 0x9FFF },   /* CJK unified ideographs */
	{ 0xA000, 0xA4CF },   /* Yi */
	{ 0xA960, 0xA97F },
	{ 0xAC00, 0xD7A3 },   /* Hangul syllables */
	{ 0xF900, 0xFAFF },   /* CJK compatibility ideographs */
	{ 0xFE10, 0xFE19 },
	{ 0xFE30, 0xFE6F },
	{ 0xFF00, 0xFF60 },   /* fullwidth forms */
	{ 0xFFE0, 0xFFE6 },
	{ 0x1F300, 0x1F64F }, /* pictographs, emoticons */
	{ 0x1F900, 0x1F9FF },
	{ 0x20000, 0x2FFFD }, /* CJK extensions B... */
	{ 0x30000, 0x3FFFD },
};

static int in_ranges(uint32_t c, const struct range *r, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c < r[mid].lo)
			hi = mid;
		else if (c > r[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* Columns that code point c takes on a terminal, as printed by put_text. */
static size_t cp_width(uint32_t c)
{
	if (c == UTF8_BAD || is_control(c))
		return 1; /* printed as '?' */
	if (in_ranges(c, zero_width, sizeof zero_width / sizeof zero_width[0]))
		return 0;
	if (in_ranges(c, wide, sizeof wide / sizeof wide[0]))
		return 2;
	return 1;
}

size_t out_text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;
	uint32_t c;

	while (p && *p) {
		p += utf8_next(p, &c);
		w += cp_width(c);
	}
	return w;
}

/* Write s for a terminal: invalid bytes and control characters as '?'. */
static void put_text(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t c;
		size_t n = utf8_next(p, &c);

		if (c == UTF8_BAD || is_control(c))
			putc('?', fp);
		else
			fwrite(p, 1, n, fp);
		p += n;
	}
}

static void put_spaces(FILE *fp, size_t n)
{
	while (n--)
		putc(' ', fp);
}

/* ---- numbers ---- */

/* Make the decimal point of a number printf just wrote a '.', whatever LC_NUMERIC is. */
static void dot_decimal(char *buf)
{
	const char *dp = localeconv()->decimal_point;
	size_t n;
	char *p;

	if (!dp || !dp[0] || strcmp(dp, ".") == 0)
		return;
	p = strstr(buf, dp);
	if (!p)
		return;
	n = strlen(dp);
	*p = '.';
	memmove(p + 1, p + n, strlen(p + n) + 1);
}

/* "-0.00" -> "0.00": a value that rounds to zero has no sign. */
static void drop_negative_zero(char *buf)
{
	if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
		memmove(buf, buf + 1, strlen(buf));
}

static const char *nonfinite_name(double r)
{
	if (isnan(r))
		return "nan";
	return r > 0 ? "inf" : "-inf";
}

/* Fixed notation, at least CSV_MIN_DECIMALS and as few as read back as r.  r finite;
 * buf holds CSV_REAL_BUF bytes. */
static void csv_real(char *buf, double r)
{
	int d;

	if (r == 0)
		r = 0.0; /* no "-0.000000" */
	for (d = CSV_MIN_DECIMALS; d <= CSV_MAX_DECIMALS; d++) {
		snprintf(buf, CSV_REAL_BUF, "%.*f", d, r);
		if (strtod(buf, NULL) == r)
			break;
	}
	dot_decimal(buf);
}

/* The fewest significant digits (1..17) with which "%.*g" reads back as r (finite),
 * raised (up to 17) until the number needs no positive exponent. */
static int shortest_precision(double r)
{
	char buf[40];
	int p;

	for (p = 1; p < 17; p++) {
		snprintf(buf, sizeof buf, "%.*g", p, r);
		if (strtod(buf, NULL) == r)
			break;
	}
	/* 100 is "100.0", not "1e2": give whole digits rather than a positive exponent */
	while (p < 17 && strstr(buf, "e+")) {
		p++;
		snprintf(buf, sizeof buf, "%.*g", p, r);
	}
	return p;
}

static skpi_err stream_status(FILE *fp)
{
	if (fflush(fp) != 0 || ferror(fp))
		return SKPI_ERR_IO;
	return SKPI_OK;
}

/* ---- table ---- */

static int is_numeric(const skpi_col *col)
{
	return col->type == SKPI_INT || col->type == SKPI_REAL;
}

/* Room for any number the table shows: sign, 309 digits, point, TABLE_MAX_DECIMALS, NUL. */
#define TABLE_NUM_BUF 336

/* What the table shows for v: a pointer to buf (TABLE_NUM_BUF bytes), to v->s or to "-". */
static const char *table_cell(const skpi_col *col, const skpi_value *v, char *buf)
{
	int d;

	if (v->is_null)
		return "-";
	switch (col->type) {
	case SKPI_INT:
		snprintf(buf, TABLE_NUM_BUF, "%" PRId64, v->i);
		return buf;
	case SKPI_REAL:
		if (!isfinite(v->r))
			return nonfinite_name(v->r);
		d = col->decimals < 0 ? 0 : col->decimals;
		d = d > TABLE_MAX_DECIMALS ? TABLE_MAX_DECIMALS : d;
		snprintf(buf, TABLE_NUM_BUF, "%.*f", d, v->r);
		dot_decimal(buf);
		drop_negative_zero(buf);
		return buf;
	case SKPI_TEXT:
		break;
	}
	return v->s ? v->s : "";
}

/* One line of cells: pad to widths, right-align numeric columns, no padding at the end. */
static void table_line(FILE *fp, const skpi_result *rs, const size_t *widths,
		       const char *const *text)
{
	size_t c, pending = 0;

	for (c = 0; c < rs->ncols; c++) {
		size_t w = out_text_width(text[c]);
		size_t pad = widths[c] > w ? widths[c] - w : 0;

		if (c > 0)
			pending += 2;
		if (is_numeric(&rs->cols[c]))
			pending += pad;
		if (text[c][0]) {
			put_spaces(fp, pending);
			pending = 0;
			put_text(fp, text[c]);
		}
		if (!is_numeric(&rs->cols[c]))
			pending += pad;
	}
	putc('\n', fp);
}

skpi_err out_table(FILE *fp, const skpi_result *rs)
{
	size_t *widths = NULL;
	const char **text = NULL;
	char *nums = NULL; /* one TABLE_NUM_BUF buffer per column */
	size_t r, c, i;
	skpi_err err = SKPI_ERR_NOMEM;

	if (!fp || !rs)
		return SKPI_ERR_INTERNAL;
	if (rs->title) {
		put_text(fp, rs->title);
		putc('\n', fp);
	}
	if (rs->ncols == 0) {
		err = stream_status(fp);
		goto out;
	}
	widths = calloc(rs->ncols, sizeof *widths);
	text = calloc(rs->ncols, sizeof *text);
	nums = calloc(rs->ncols, TABLE_NUM_BUF);
	if (!widths || !text || !nums)
		goto out;

	for (c = 0; c < rs->ncols; c++) {
		widths[c] = out_text_width(rs->cols[c].name);
		if (widths[c] == 0)
			widths[c] = 1;
	}
	for (r = 0; r < rs->nrows; r++)
		for (c = 0; c < rs->ncols; c++) {
			size_t w = out_text_width(table_cell(&rs->cols[c], skpi_result_get(rs, r, c),
							     nums));
			if (w > widths[c])
				widths[c] = w;
		}

	for (c = 0; c < rs->ncols; c++)
		text[c] = rs->cols[c].name;
	table_line(fp, rs, widths, text);
	for (c = 0; c < rs->ncols; c++) {
		if (c > 0)
			put_spaces(fp, 2);
		for (i = 0; i < widths[c]; i++)
			putc('-', fp);
	}
	putc('\n', fp);

	for (r = 0; r < rs->nrows && !ferror(fp); r++) {
		for (c = 0; c < rs->ncols; c++)
			text[c] = table_cell(&rs->cols[c], skpi_result_get(rs, r, c),
					     nums + c * TABLE_NUM_BUF);
		table_line(fp, rs, widths, text);
	}
	err = stream_status(fp);
out:
	free(nums);
	free(text);
	free(widths);
	return err;
}

/* The unit shown after a value in the record layout. */
static const char *unit_label(skpi_unit u)
{
	switch (u) {
	case SKPI_UNIT_PCT: return "%";
	case SKPI_UNIT_MINUTES: return "min";
	case SKPI_UNIT_HOURS: return "h";
	case SKPI_UNIT_POINTS: return "points";
	case SKPI_UNIT_NONE: case SKPI_UNIT_COUNT: case SKPI_UNIT_SCORE: break;
	}
	return "";
}

skpi_err out_table_record(FILE *fp, const skpi_result *rs, size_t row)
{
	char num[TABLE_NUM_BUF];
	size_t c, nw = 0, vw = 0;

	if (!fp || !rs || row >= rs->nrows)
		return SKPI_ERR_INTERNAL;
	if (rs->title) {
		put_text(fp, rs->title);
		putc('\n', fp);
	}
	for (c = 0; c < rs->ncols; c++) {
		size_t w = out_text_width(rs->cols[c].name);

		nw = w > nw ? w : nw;
		w = out_text_width(table_cell(&rs->cols[c], skpi_result_get(rs, row, c), num));
		vw = w > vw ? w : vw;
	}
	for (c = 0; c < rs->ncols && !ferror(fp); c++) {
		const char *name = rs->cols[c].name;
		const char *v = table_cell(&rs->cols[c], skpi_result_get(rs, row, c), num);
		const char *unit = skpi_result_get(rs, row, c)->is_null ? "" :
				   unit_label(rs->cols[c].unit);
		size_t w = out_text_width(v);

		put_text(fp, name);
		put_spaces(fp, nw - out_text_width(name) + 2);
		if (is_numeric(&rs->cols[c])) {
			put_spaces(fp, vw - w);
			put_text(fp, v);
		} else {
			put_text(fp, v);
		}
		if (unit[0]) {
			putc(' ', fp);
			fputs(unit, fp);
		}
		putc('\n', fp);
	}
	return stream_status(fp);
}

/* ---- csv ---- */

/* Write one field: the formula guard when asked, quoting when the content needs it. */
static void csv_field(FILE *fp, const char *s, int guard)
{
	int prefix = guard && s[0] && strchr("=+-@\t\r", s[0]) != NULL;
	size_t len = strlen(s);
	char first = prefix ? '\'' : s[0];
	char last = len ? s[len - 1] : '\0';
	int quote = len == 0 || strpbrk(s, ",\"\r\n") != NULL ||
		    first == ' ' || first == '\t' || last == ' ' || last == '\t';

	if (quote)
		putc('"', fp);
	if (prefix)
		putc('\'', fp);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', fp);
		putc(*s, fp);
	}
	if (quote)
		putc('"', fp);
}

skpi_err out_csv(FILE *fp, const skpi_result *rs)
{
	char *buf = NULL;
	size_t r, c;
	skpi_err err = SKPI_ERR_NOMEM;

	if (!fp || !rs)
		return SKPI_ERR_INTERNAL;
	if (rs->ncols == 0) {
		err = stream_status(fp);
		goto out;
	}
	buf = malloc(CSV_REAL_BUF);
	if (!buf)
		goto out;
	for (c = 0; c < rs->ncols; c++) {
		if (c > 0)
			putc(',', fp);
		csv_field(fp, rs->cols[c].name, 1);
	}
	putc('\n', fp);
	for (r = 0; r < rs->nrows && !ferror(fp); r++) {
		for (c = 0; c < rs->ncols; c++) {
			const skpi_value *v = skpi_result_get(rs, r, c);

			if (c > 0)
				putc(',', fp);
			if (v->is_null || (rs->cols[c].type == SKPI_REAL && !isfinite(v->r))) {
				if (rs->ncols == 1)
					fputs("\"\"", fp); /* not a blank line */
				continue;
			}
			switch (rs->cols[c].type) {
			case SKPI_INT:
				fprintf(fp, "%" PRId64, v->i);
				break;
			case SKPI_REAL:
				csv_real(buf, v->r);
				fputs(buf, fp);
				break;
			case SKPI_TEXT:
				csv_field(fp, v->s ? v->s : "", 1);
				break;
			}
		}
		putc('\n', fp);
	}
	err = stream_status(fp);
out:
	free(buf);
	return err;
}

/* ---- json ---- */

/* A JSON string for UTF-8 text s, invalid bytes replaced by U+FFFD; NULL: out of memory. */
static json_t *json_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), o = 0;
	char *clean;
	json_t *j;
	uint32_t c;

	while (*p) {
		p += utf8_next(p, &c);
		if (c == UTF8_BAD)
			break;
	}
	if (!*p)
		return json_stringn_nocheck(s, len);
	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	clean = malloc(len * 3 + 1); /* each bad byte grows to 3 */
	if (!clean)
		return NULL;
	for (p = (const unsigned char *)s; *p;) {
		size_t n = utf8_next(p, &c);

		if (c == UTF8_BAD) {
			memcpy(clean + o, "\xEF\xBF\xBD", 3);
			o += 3;
		} else {
			memcpy(clean + o, p, n);
			o += n;
		}
		p += n;
	}
	j = json_stringn_nocheck(clean, o);
	free(clean);
	return j;
}

/* Dump one value; SKPI_ERR_IO or SKPI_ERR_NOMEM when jansson fails. */
static skpi_err json_put(FILE *fp, json_t *j, size_t flags)
{
	if (!j)
		return SKPI_ERR_NOMEM;
	if (json_dumpf(j, fp, JSON_ENCODE_ANY | JSON_COMPACT | flags) != 0)
		return ferror(fp) ? SKPI_ERR_IO : SKPI_ERR_NOMEM;
	return SKPI_OK;
}

static skpi_err json_cell(FILE *fp, const skpi_col *col, const skpi_value *v)
{
	json_t *j;
	size_t flags = 0;
	skpi_err err;

	if (v->is_null || (col->type == SKPI_REAL && !isfinite(v->r))) {
		j = json_null();
	} else if (col->type == SKPI_INT) {
		j = json_integer((json_int_t)v->i);
	} else if (col->type == SKPI_REAL) {
		double r = v->r == 0 ? 0.0 : v->r; /* no "-0.0" */

		j = json_real(r);
		flags = JSON_REAL_PRECISION(shortest_precision(r));
	} else {
		j = json_text(v->s ? v->s : "");
	}
	err = json_put(fp, j, flags);
	json_decref(j);
	return err;
}

skpi_err out_json(FILE *fp, const skpi_result *rs)
{
	json_t **keys = NULL;
	size_t r, c, k;
	skpi_err err = SKPI_OK;

	if (!fp || !rs)
		return SKPI_ERR_INTERNAL;
	for (c = 0; c < rs->ncols; c++)
		for (k = 0; k < c; k++)
			if (strcmp(rs->cols[c].name, rs->cols[k].name) == 0)
				return SKPI_ERR_INTERNAL;
	if (rs->ncols > 0) {
		keys = calloc(rs->ncols, sizeof *keys);
		if (!keys)
			return SKPI_ERR_NOMEM;
	}
	for (c = 0; c < rs->ncols; c++) {
		keys[c] = json_text(rs->cols[c].name);
		if (!keys[c]) {
			err = SKPI_ERR_NOMEM;
			goto out;
		}
	}
	putc('[', fp);
	for (r = 0; r < rs->nrows; r++) {
		fputs(r ? ",\n  {" : "\n  {", fp);
		for (c = 0; c < rs->ncols; c++) {
			if (c > 0)
				fputs(", ", fp);
			err = json_put(fp, keys[c], 0);
			if (err)
				goto out;
			fputs(": ", fp);
			err = json_cell(fp, &rs->cols[c], skpi_result_get(rs, r, c));
			if (err)
				goto out;
		}
		putc('}', fp);
		if (ferror(fp))
			break;
	}
	fputs(rs->nrows ? "\n]\n" : "]\n", fp);
	err = stream_status(fp);
out:
	if (keys)
		for (c = 0; c < rs->ncols; c++)
			json_decref(keys[c]);
	free(keys);
	return err;
}

/* ---- formats ---- */

static const char *const format_names[] = {
	[OUT_TABLE] = "table",
	[OUT_CSV] = "csv",
	[OUT_JSON] = "json",
};

skpi_err out_format_parse(const char *name, out_format *f)
{
	size_t i;

	if (!name || !f)
		return SKPI_ERR_USAGE;
	for (i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
		if (strcmp(name, format_names[i]) == 0) {
			*f = (out_format)i;
			return SKPI_OK;
		}
	return SKPI_ERR_USAGE;
}

const char *out_format_name(out_format f)
{
	if ((size_t)f >= sizeof format_names / sizeof format_names[0])
		return "?";
	return format_names[f];
}

skpi_err out_write(FILE *fp, const skpi_result *rs, out_format f)
{
	switch (f) {
	case OUT_TABLE: return out_table(fp, rs);
	case OUT_CSV: return out_csv(fp, rs);
	case OUT_JSON: return out_json(fp, rs);
	}
	return SKPI_ERR_INTERNAL;
}
