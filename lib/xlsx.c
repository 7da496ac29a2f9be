/* xlsx — the Excel workbook (see xlsx.h and docs/workbook.md). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "supportkpi/kpi.h"
#include "supportkpi/out.h"
#include "supportkpi/rank.h"
#include "supportkpi/store.h"
#include "supportkpi/tz.h"
#include "supportkpi/xlsx.h"

#define XLSX_MIN_WIDTH 6.0
#define XLSX_MAX_WIDTH 70.0
#define XLSX_WRAP_WIDTH 100.0        /* a column of wrapped paragraphs */
#define XLSX_LINE_HEIGHT 15.0        /* points: one line of the default font */
#define XLSX_MAX_DECIMALS 10
#define XLSX_MAX_COLS 64            /* widths kept per sheet; more columns keep the default */
#define XLSX_STR_MAX 32767          /* Excel's limit, in UTF-16 code units */

/* Colours: a muted palette that prints well in black and white too. */
#define XLSX_HEADER_BG 0xDDE4EE
#define XLSX_GOOD_BG 0xC6EFCE
#define XLSX_GOOD_FG 0x006100
#define XLSX_BAD_BG 0xFFC7CE
#define XLSX_BAD_FG 0x9C0006
#define XLSX_NOTE_FG 0x595959

enum fmt_style {
	STYLE_PLAIN,
	STYLE_BOLD,                  /* a total or headline row */
	STYLE__COUNT
};

struct xlsx_book {
	lxw_workbook *wb;
	char *path;
	int created;                 /* path was opened for writing: discard removes it */
	char *title, *subject, *comments;
	lxw_format *f_title, *f_note, *f_header, *f_header_num, *f_text, *f_wrap, *f_bold;
	lxw_format *f_good, *f_bad, *f_cf_good, *f_cf_bad;
	lxw_format *f_change[SKPI_UNIT_POINTS + 1][XLSX_MAX_DECIMALS + 1];
	/* number formats by unit, decimals and style, made on first use */
	lxw_format *f_num[SKPI_UNIT_POINTS + 1][XLSX_MAX_DECIMALS + 1][STYLE__COUNT];
};

/* One worksheet being filled: the next free row and the widest cell of each column. */
typedef struct xlsx_sheet {
	lxw_worksheet *ws;
	lxw_row_t row;
	double width[XLSX_MAX_COLS];
	unsigned char wrap[XLSX_MAX_COLS]; /* long text: wrapped in XLSX_WRAP_WIDTH columns */
	int filtered;                 /* the autofilter is set (one per sheet) */
	long spill;                   /* a column whose text is not measured, or -1 */
} xlsx_sheet;

/* ---- errors ---- */

static skpi_err lxw_fail(lxw_error e, const char *what, skpi_diag *d)
{
	skpi_err code;

	switch (e) {
	case LXW_NO_ERROR:
		return SKPI_OK;
	case LXW_ERROR_MEMORY_MALLOC_FAILED:
		code = SKPI_ERR_NOMEM;
		break;
	case LXW_ERROR_CREATING_XLSX_FILE:
		code = SKPI_ERR_CREATE;
		break;
	case LXW_ERROR_CREATING_TMPFILE:
	case LXW_ERROR_READING_TMPFILE:
	case LXW_ERROR_ZIP_FILE_OPERATION:
	case LXW_ERROR_ZIP_PARAMETER_ERROR:
	case LXW_ERROR_ZIP_BAD_ZIP_FILE:
	case LXW_ERROR_ZIP_INTERNAL_ERROR:
	case LXW_ERROR_ZIP_FILE_ADD:
	case LXW_ERROR_ZIP_CLOSE:
		code = SKPI_ERR_IO;
		break;
	case LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED:
	case LXW_ERROR_INVALID_SHEETNAME_CHARACTER:
	case LXW_ERROR_SHEETNAME_START_END_APOSTROPHE:
	case LXW_ERROR_SHEETNAME_ALREADY_USED:
	case LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE:
		code = SKPI_ERR_USAGE;
		break;
	default:
		code = SKPI_ERR_INTERNAL;
		break;
	}
	return skpi_diag_set(d, code, NULL, 0, "%s: %s", what, lxw_strerror(e));
}

/* ---- text ---- */

/* The length of the UTF-8 sequence at s (n bytes left) when it is valid, else 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;

		return n >= 3 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;

		return n >= 4 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 &&
		       (s[3] & 0xC0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/* 1 when the sequence of len bytes at p cannot stand in XML or a cell: a control
 * character other than TAB and LF, DEL, or the noncharacters U+FFFE and U+FFFF. */
static int xml_bad(const unsigned char *p, size_t len)
{
	if (len == 1)
		return (*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7F;
	return len == 3 && p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF);
}

char *xlsx_text_clean(const char *s)
{
	static const char repl[] = "\xEF\xBF\xBD";
	const unsigned char *p;
	size_t n, total = 0, units = 0, o = 0, keep;
	char *out;

	if (!s)
		return NULL;
	/* first pass: the length in UTF-16 code units, as Excel counts it */
	p = (const unsigned char *)s;
	for (n = strlen(s); n > 0;) {
		size_t len = utf8_seq(p, n);

		total += len == 4 ? 2 : 1;
		len = len ? len : 1;
		p += len;
		n -= len;
	}
	keep = total > XLSX_STR_MAX ? XLSX_STR_MAX - 3 : total;
	n = strlen(s);
	if (n > (SIZE_MAX - 4) / 3)
		return NULL;
	out = malloc(n * 3 + 4); /* each byte may become U+FFFD, 3 bytes */
	if (!out)
		return NULL;
	for (p = (const unsigned char *)s; n > 0;) {
		size_t len = utf8_seq(p, n);
		size_t u = len == 4 ? 2 : 1;

		if (units + u > keep)
			break;
		if (len == 0 || xml_bad(p, len)) {
			memcpy(out + o, repl, 3);
			o += 3;
			len = len ? len : 1;
		} else {
			memcpy(out + o, p, len);
			o += len;
		}
		units += u;
		p += len;
		n -= len;
	}
	if (keep < total) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

/* ---- formats ---- */

static int clamp_decimals(int dec)
{
	return dec < 0 ? 0 : dec > XLSX_MAX_DECIMALS ? XLSX_MAX_DECIMALS : dec;
}

/* The Excel number format of a unit: "#,##0.0" style digits and the unit's suffix. */
static void num_format_text(skpi_unit unit, int dec, char *buf, size_t n)
{
	char digits[32];
	const char *suffix = "";
	int thousands = 0;

	switch (unit) {
	case SKPI_UNIT_COUNT: thousands = 1; break;
	case SKPI_UNIT_PCT: suffix = "\"%\""; break;
	case SKPI_UNIT_MINUTES: suffix = "\" min\""; break;
	case SKPI_UNIT_HOURS: suffix = "\" h\""; break;
	case SKPI_UNIT_NONE:
	case SKPI_UNIT_SCORE:
	case SKPI_UNIT_POINTS: break;
	}
	snprintf(digits, sizeof digits, "%s0%s%.*s", thousands ? "#,##" : "", dec ? "." : "", dec,
		 "0000000000");
	snprintf(buf, n, "%s%s", digits, suffix);
}

/* The format for a number of this unit and decimals; NULL when out of memory. */
static lxw_format *num_format(xlsx_book *b, skpi_unit unit, int dec, enum fmt_style style)
{
	lxw_format **slot;
	char text[64];

	if ((int)unit < 0 || unit > SKPI_UNIT_POINTS)
		unit = SKPI_UNIT_NONE;
	dec = clamp_decimals(dec);
	slot = &b->f_num[unit][dec][style];
	if (*slot)
		return *slot;
	*slot = workbook_add_format(b->wb);
	if (!*slot)
		return NULL;
	num_format_text(unit, dec, text, sizeof text);
	format_set_num_format(*slot, text);
	if (style == STYLE_BOLD)
		format_set_bold(*slot);
	return *slot;
}

/* A signed format for a change: "+1.5" / "-1.5" / "0.0" and the unit's suffix; a change of
 * a percentage is in percentage points ("pp"), the difference of two rates.  NULL when out
 * of memory. */
static lxw_format *change_format(xlsx_book *b, skpi_unit unit, int dec)
{
	char one[64], text[200];
	lxw_format **slot;

	if ((int)unit < 0 || unit > SKPI_UNIT_POINTS)
		unit = SKPI_UNIT_NONE;
	dec = clamp_decimals(dec);
	slot = &b->f_change[unit][dec];
	if (*slot)
		return *slot;
	if (unit == SKPI_UNIT_PCT)
		snprintf(one, sizeof one, "0%s%.*s\" pp\"", dec ? "." : "", dec, "0000000000");
	else
		num_format_text(unit == SKPI_UNIT_COUNT ? SKPI_UNIT_NONE : unit, dec, one, sizeof one);
	snprintf(text, sizeof text, "+%s;-%s;%s", one, one, one);
	*slot = workbook_add_format(b->wb);
	if (*slot)
		format_set_num_format(*slot, text);
	return *slot;
}

static skpi_err make_formats(xlsx_book *b, skpi_diag *d)
{
	b->f_title = workbook_add_format(b->wb);
	b->f_note = workbook_add_format(b->wb);
	b->f_header = workbook_add_format(b->wb);
	b->f_header_num = workbook_add_format(b->wb);
	b->f_text = workbook_add_format(b->wb);
	b->f_wrap = workbook_add_format(b->wb);
	b->f_bold = workbook_add_format(b->wb);
	b->f_good = workbook_add_format(b->wb);
	b->f_bad = workbook_add_format(b->wb);
	b->f_cf_good = workbook_add_format(b->wb);
	b->f_cf_bad = workbook_add_format(b->wb);
	if (!b->f_title || !b->f_note || !b->f_header || !b->f_header_num || !b->f_text ||
	    !b->f_wrap || !b->f_bold || !b->f_good || !b->f_bad || !b->f_cf_good || !b->f_cf_bad)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory making cell formats");
	format_set_bold(b->f_title);
	format_set_font_size(b->f_title, 14);
	format_set_italic(b->f_note);
	format_set_font_color(b->f_note, XLSX_NOTE_FG);
	format_set_bold(b->f_header);
	format_set_bg_color(b->f_header, XLSX_HEADER_BG);
	format_set_bottom(b->f_header, LXW_BORDER_THIN);
	format_set_bold(b->f_header_num);
	format_set_bg_color(b->f_header_num, XLSX_HEADER_BG);
	format_set_bottom(b->f_header_num, LXW_BORDER_THIN);
	format_set_align(b->f_header_num, LXW_ALIGN_RIGHT);
	format_set_align(b->f_text, LXW_ALIGN_LEFT);
	format_set_text_wrap(b->f_wrap);
	format_set_align(b->f_wrap, LXW_ALIGN_VERTICAL_TOP);
	format_set_bold(b->f_bold);
	format_set_bg_color(b->f_good, XLSX_GOOD_BG);
	format_set_font_color(b->f_good, XLSX_GOOD_FG);
	format_set_bg_color(b->f_bad, XLSX_BAD_BG);
	format_set_font_color(b->f_bad, XLSX_BAD_FG);
	/* conditional formats (dxf) are kept apart from the cell formats */
	format_set_bg_color(b->f_cf_good, XLSX_GOOD_BG);
	format_set_font_color(b->f_cf_good, XLSX_GOOD_FG);
	format_set_bg_color(b->f_cf_bad, XLSX_BAD_BG);
	format_set_font_color(b->f_cf_bad, XLSX_BAD_FG);
	return SKPI_OK;
}

/* ---- cells ---- */

/* The display width of a number as its format shows it. */
static double number_width(double v, skpi_unit unit, int dec)
{
	char buf[64];
	int n = snprintf(buf, sizeof buf, "%.*f", clamp_decimals(dec), v);
	double w = n > 0 ? n : 1;

	if (unit == SKPI_UNIT_COUNT) {
		double a = fabs(v);

		for (double t = 1000; t <= a && t < 1e300; t *= 1000)
			w += 1; /* a thousands separator */
	}
	switch (unit) {
	case SKPI_UNIT_PCT: w += 1; break;
	case SKPI_UNIT_MINUTES: w += 4; break;
	case SKPI_UNIT_HOURS: w += 2; break;
	default: break;
	}
	return w;
}

static void widen(xlsx_sheet *sh, lxw_col_t col, double w)
{
	if (col < XLSX_MAX_COLS && w > sh->width[col])
		sh->width[col] = w;
}

/* Write text as a string cell (never a formula), cleaned as xlsx_text_clean says. */
static skpi_err put_text(xlsx_sheet *sh, lxw_row_t row, lxw_col_t col, const char *s,
			 lxw_format *f, int measure, skpi_diag *d)
{
	char *clean;
	lxw_error e;

	if (!s)
		return lxw_fail(worksheet_write_blank(sh->ws, row, col, f), "writing a cell", d);
	clean = xlsx_text_clean(s);
	if (!clean)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory writing a cell");
	e = *clean ? worksheet_write_string(sh->ws, row, col, clean, f)
		   : worksheet_write_blank(sh->ws, row, col, f);
	if (measure)
		widen(sh, col, (double)out_text_width(clean));
	free(clean);
	return lxw_fail(e, "writing a cell", d);
}

/* Write a number; NaN and infinities (no figure) as an empty cell. */
static skpi_err put_number(xlsx_sheet *sh, lxw_row_t row, lxw_col_t col, double v,
			   skpi_unit unit, int dec, lxw_format *f, skpi_diag *d)
{
	if (!isfinite(v))
		return lxw_fail(worksheet_write_blank(sh->ws, row, col, f), "writing a cell", d);
	widen(sh, col, number_width(v, unit, dec));
	return lxw_fail(worksheet_write_number(sh->ws, row, col, v, f), "writing a cell", d);
}

/* Write one value of a result set. */
static skpi_err put_value(xlsx_book *b, xlsx_sheet *sh, lxw_row_t row, lxw_col_t col,
			  const skpi_col *c, const skpi_value *v, enum fmt_style style,
			  skpi_diag *d)
{
	int dec = c->type == SKPI_TEXT ? 0 : c->type == SKPI_INT ? 0 : c->decimals;
	lxw_format *f = c->type == SKPI_TEXT ? (style == STYLE_BOLD ? b->f_bold : b->f_text)
					     : num_format(b, c->unit, dec, style);

	if (!f)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory making a cell format");
	if (c->type == SKPI_TEXT && col < XLSX_MAX_COLS && sh->wrap[col])
		f = b->f_wrap;
	if (!v || v->is_null)
		return lxw_fail(worksheet_write_blank(sh->ws, row, col, f), "writing a cell", d);
	switch (c->type) {
	case SKPI_TEXT:
		return put_text(sh, row, col, v->s, f,
				!(col < XLSX_MAX_COLS && sh->wrap[col]) && (long)col != sh->spill, d);
	case SKPI_INT:
		return put_number(sh, row, col, (double)v->i, c->unit, 0, f, d);
	case SKPI_REAL:
		return put_number(sh, row, col, v->r, c->unit, dec, f, d);
	}
	return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "a column of unknown type");
}

/* A heading in column A of the sheet's current row, which then moves down one. */
static skpi_err put_heading(xlsx_sheet *sh, const char *heading, lxw_format *f,
			    skpi_diag *d)
{
	skpi_err e = put_text(sh, sh->row, 0, heading, f, 0, d);

	if (e == SKPI_OK)
		sh->row++;
	return e;
}

/* Write rs at the sheet's current row: header row, then the rows.  The first block of a
 * sheet gets the autofilter and the frozen header. */
static skpi_err put_table(xlsx_book *b, xlsx_sheet *sh, const skpi_result *rs, const char *first,
			 skpi_diag *d)
{
	lxw_row_t header = sh->row;
	skpi_err e = SKPI_OK;

	if (rs->ncols == 0)
		return SKPI_OK;
	if (rs->ncols > LXW_COL_MAX || rs->nrows >= (size_t)LXW_ROW_MAX - header - 1)
		return skpi_diag_set(d, SKPI_ERR_USAGE, NULL, 0,
				     "%zu rows of %zu columns do not fit on an Excel worksheet",
				     rs->nrows, rs->ncols);
	for (size_t c = 0; c < rs->ncols && e == SKPI_OK; c++) {
		lxw_format *f = rs->cols[c].type == SKPI_TEXT ? b->f_header : b->f_header_num;
		const char *name = c == 0 && first ? first : rs->cols[c].name;

		e = put_text(sh, header, (lxw_col_t)c, name, f, 0, d);
		/* room for the name and the autofilter's drop-down button */
		widen(sh, (lxw_col_t)c, (double)out_text_width(name) + 3);
	}
	/* the last text column of a table under the first one (a reason, a note) does not
	 * widen its column, which the first table sized: it runs on into the empty cells to
	 * its right */
	sh->spill = sh->filtered && rs->cols[rs->ncols - 1].type == SKPI_TEXT ? (long)rs->ncols - 1 : -1;
	for (size_t r = 0; r < rs->nrows && e == SKPI_OK; r++) {
		double lines = 1;

		for (size_t c = 0; c < rs->ncols && e == SKPI_OK; c++) {
			const skpi_value *v = skpi_result_get(rs, r, c);

			e = put_value(b, sh, header + 1 + (lxw_row_t)r, (lxw_col_t)c, &rs->cols[c], v,
				      STYLE_PLAIN, d);
			if (c < XLSX_MAX_COLS && sh->wrap[c] && v && !v->is_null && v->s) {
				/* wrapped text: a row high enough for its lines (Excel does not
				 * resize rows itself when it opens a file) */
				double n = ceil((double)out_text_width(v->s) / (XLSX_WRAP_WIDTH - 6));

				lines = n > lines ? n : lines;
			}
		}
		if (e == SKPI_OK && lines > 1)
			e = lxw_fail(worksheet_set_row(sh->ws, header + 1 + (lxw_row_t)r,
						       lines * XLSX_LINE_HEIGHT, NULL), "setting a row height", d);
	}
	if (e != SKPI_OK)
		return e;
	if (!sh->filtered) {
		e = lxw_fail(worksheet_autofilter(sh->ws, header, 0, header + (lxw_row_t)rs->nrows,
						  (lxw_col_t)(rs->ncols - 1)), "setting the autofilter", d);
		if (e != SKPI_OK)
			return e;
		worksheet_freeze_panes(sh->ws, header + 1, 1);
		/* and on paper the heading and the column names repeat on every page */
		e = lxw_fail(worksheet_repeat_rows(sh->ws, 0, header), "setting the printed rows", d);
		if (e != SKPI_OK)
			return e;
		sh->filtered = 1;
	}
	sh->row = header + 1 + (lxw_row_t)rs->nrows;
	return SKPI_OK;
}

/* Set the column widths measured while writing. */
static skpi_err sheet_finish(xlsx_sheet *sh, skpi_diag *d)
{
	for (lxw_col_t c = 0; c < XLSX_MAX_COLS; c++) {
		double w = sh->width[c];
		lxw_error e;

		if (sh->wrap[c])
			w = XLSX_WRAP_WIDTH;
		else if (w <= 0)
			continue;
		else
			w = w + 1 < XLSX_MIN_WIDTH ? XLSX_MIN_WIDTH : w + 1 > XLSX_MAX_WIDTH ? XLSX_MAX_WIDTH : w + 1;
		e = worksheet_set_column(sh->ws, c, c, w, NULL);
		if (e != LXW_NO_ERROR)
			return lxw_fail(e, "setting a column width", d);
	}
	return SKPI_OK;
}

static skpi_err sheet_new(xlsx_book *b, const char *name, xlsx_sheet *sh, skpi_diag *d)
{
	lxw_error e;

	memset(sh, 0, sizeof *sh);
	sh->spill = -1;
	if (!name)
		return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "a worksheet without a name");
	e = workbook_validate_sheet_name(b->wb, name);
	if (e != LXW_NO_ERROR) {
		skpi_diag_set(d, SKPI_ERR_USAGE, NULL, 0, "'%s' cannot name a worksheet: %s", name,
			      lxw_strerror(e));
		skpi_diag_hint(d, "use at most 31 characters, none of [ ] : * ? / \\");
		return SKPI_ERR_USAGE;
	}
	sh->ws = workbook_add_worksheet(b->wb, name);
	if (!sh->ws)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory adding worksheet '%s'", name);
	/* printed: landscape, as wide as one page */
	worksheet_set_landscape(sh->ws);
	worksheet_fit_to_pages(sh->ws, 1, 0);
	return SKPI_OK;
}

/* ---- the book ---- */

static char *dup_or_null(const char *s, int *fail)
{
	char *c;

	if (!s)
		return NULL;
	c = xlsx_text_clean(s);
	if (!c)
		*fail = 1;
	return c;
}

static void book_free(xlsx_book *b)
{
	if (!b)
		return;
	free(b->path);
	free(b->title);
	free(b->subject);
	free(b->comments);
	free(b);
}

skpi_err xlsx_book_new(const char *path, const xlsx_props *props, xlsx_book **out,
		       skpi_diag *d)
{
	static char author[] = "supportkpi";
	lxw_doc_properties p;
	FILE *fp;
	xlsx_book *b = NULL;
	skpi_err e = SKPI_OK;
	int fail = 0;

	if (!path || !out)
		return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "xlsx_book_new: no path");
	*out = NULL;
	b = calloc(1, sizeof *b);
	if (!b)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory starting a workbook");
	b->path = strdup(path);
	if (props) {
		b->title = dup_or_null(props->title, &fail);
		b->subject = dup_or_null(props->subject, &fail);
		b->comments = dup_or_null(props->comments, &fail);
	}
	if (!b->path || fail) {
		e = skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory starting a workbook");
		goto out;
	}
	/* find out now, not at the close, whether the file can be created: libxlsxwriter
	 * would print its own message to stderr then ("a" leaves an existing file whole) */
	fp = fopen(path, "ab");
	if (!fp) {
		e = skpi_diag_set(d, SKPI_ERR_CREATE, path, 0, "cannot create: %s", strerror(errno));
		goto out;
	}
	fclose(fp);
	b->created = 1;
	b->wb = workbook_new(path);
	if (!b->wb) {
		e = skpi_diag_set(d, SKPI_ERR_NOMEM, path, 0, "cannot start the workbook");
		goto out;
	}
	memset(&p, 0, sizeof p);
	p.title = b->title;
	p.subject = b->subject;
	p.comments = b->comments;
	p.author = author;
	/* a fixed date, never "now", so that the same figures give the same bytes;
	 * 1980-01-01 (the ZIP epoch) when the caller has none */
	p.created = props && props->created > 0 ? (time_t)props->created : (time_t)315532800;
	e = lxw_fail(workbook_set_properties(b->wb, &p), "setting the document properties", d);
	if (e != SKPI_OK)
		goto out;
	e = make_formats(b, d);
out:
	if (e != SKPI_OK) {
		xlsx_book_discard(b);
		return e;
	}
	*out = b;
	return SKPI_OK;
}

/* A worksheet holding one result set: heading in row 1, note (if any) in row 2, the
 * table from row 3.  first renames the first column (NULL: its own name). */
static skpi_err sheet_table(xlsx_book *b, const char *name, const char *heading,
			    const char *note, const skpi_result *rs, const char *first,
			    skpi_diag *d)
{
	xlsx_sheet sh;
	skpi_err e = sheet_new(b, name, &sh, d);

	if (e == SKPI_OK)
		e = put_heading(&sh, heading, b->f_title, d);
	if (e == SKPI_OK && note)
		e = put_text(&sh, sh.row, 0, note, b->f_note, 0, d);
	sh.row = 2;
	if (e == SKPI_OK)
		e = put_table(b, &sh, rs, first, d);
	if (e == SKPI_OK)
		e = sheet_finish(&sh, d);
	return e;
}

skpi_err xlsx_book_add_result(xlsx_book *b, const char *sheet, const char *heading,
			      const skpi_result *rs, skpi_diag *d)
{
	if (!b || !rs)
		return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "xlsx_book_add_result: no book or result");
	return sheet_table(b, sheet, heading ? heading : rs->title ? rs->title : sheet, NULL, rs,
			   NULL, d);
}

skpi_err xlsx_book_close(xlsx_book *b, skpi_diag *d)
{
	skpi_err e;

	if (!b)
		return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "xlsx_book_close: no book");
	e = lxw_fail(workbook_close(b->wb), "writing the workbook", d);
	if (e != SKPI_OK && d && !d->file[0])
		snprintf(d->file, sizeof d->file, "%s", b->path);
	book_free(b);
	return e;
}

void xlsx_book_discard(xlsx_book *b)
{
	if (!b)
		return;
	if (b->wb)
		workbook_close(b->wb);
	if (b->created)
		unlink(b->path);
	book_free(b);
}

/* ====================================================================================
 * The monthly report workbook (docs/workbook.md)
 * ==================================================================================== */

/* What the Summary sheet knows of a KPI column: a short label for people, which way is
 * better (+1 higher, -1 lower, 0 neither), and the [report] key of its target. */
struct metric_info {
	const char *name;
	const char *label;
	int better;
	const char *target_key;
};

static const struct metric_info metric_infos[] = {
	{ "tickets", "Tickets created", 0, NULL },
	{ "resolved", "Of those, resolved or closed", 0, NULL },
	{ "resolution_pct", "Resolution rate", 1, "target_resolution_pct" },
	{ "frt_median_min", "First response time, median", -1, "target_frt_median_min" },
	{ "frt_p90_min", "First response time, 90th percentile", -1, "target_frt_p90_min" },
	{ "frt_median_bh_min", "First response time, median, business hours", -1, NULL },
	{ "res_median_h", "Resolution time, median", -1, "target_res_median_h" },
	{ "res_p90_h", "Resolution time, 90th percentile", -1, "target_res_p90_h" },
	{ "res_median_bh_h", "Resolution time, median, business hours", -1, NULL },
	{ "reopen_pct", "Reopened, of resolved tickets", -1, "target_reopen_pct" },
	{ "fcr_pct", "First-contact resolution", 1, "target_fcr_pct" },
	{ "sla_frt_pct", "SLA met: first response", 1, "target_sla_frt_pct" },
	{ "sla_res_pct", "SLA met: resolution", 1, "target_sla_res_pct" },
	{ "surveys", "Surveys with a score", 0, NULL },
	{ "csat_pct", "Satisfaction (CSAT): surveys scoring 4 or 5", 1, "target_csat_pct" },
	{ "mean_score", "Mean survey score (1-5)", 1, "target_mean_score" },
	{ "nps", "Net Promoter Score (-100 to 100)", 1, "target_nps" },
	{ "service_index", "Service index (0-100)", 1, "target_service_index" },
	{ "attitude_index", "Service item: attitude (0-100)", 1, NULL },
	{ "skill_index", "Service item: skill (0-100)", 1, NULL },
	{ "timeliness_index", "Service item: timeliness (0-100)", 1, NULL },
	{ "follow_through_index", "Service item: follow-through (0-100)", 1, NULL },
};

static const struct metric_info *metric_info(const char *name)
{
	for (size_t i = 0; i < sizeof metric_infos / sizeof metric_infos[0]; i++)
		if (strcmp(metric_infos[i].name, name) == 0)
			return &metric_infos[i];
	return NULL;
}

/* Everything the sheets are made of, computed before anything is written. */
struct report_data {
	skpi_period prev;
	skpi_result *now, *before;          /* kpi_run, no dimension */
	skpi_result *dim[4];                /* agent, team, channel, category */
	skpi_result *trend;                 /* 12 months, first column "month" */
	skpi_result *sla, *quality, *ingests, *sla_config, *rank_settings, *settings;
	rank_board *board;
	skpi_diag rank_error;               /* why there is no board (board NULL) */
};

static const kpi_dim sheet_dims[4] = { KPI_DIM_AGENT, KPI_DIM_TEAM, KPI_DIM_CHANNEL,
				       KPI_DIM_CATEGORY };
static const char *const sheet_dim_names[4] = { "Agents", "Teams", "Channels", "Categories" };

static void report_data_release(struct report_data *r)
{
	skpi_result_free(r->now);
	skpi_result_free(r->before);
	for (size_t i = 0; i < 4; i++)
		skpi_result_free(r->dim[i]);
	skpi_result_free(r->trend);
	skpi_result_free(r->sla);
	skpi_result_free(r->quality);
	skpi_result_free(r->ingests);
	skpi_result_free(r->sla_config);
	skpi_result_free(r->rank_settings);
	skpi_result_free(r->settings);
	rank_board_free(r->board);
}

static skpi_err nomem(skpi_diag *d)
{
	return skpi_diag_set(d, SKPI_ERR_NOMEM, NULL, 0, "out of memory building the workbook");
}

static void query_init(kpi_query *q, const xlsx_report_opts *o, const skpi_period *p,
		       int ndims, kpi_dim dim)
{
	memset(q, 0, sizeof *q);
	q->period = *p;
	q->ndims = ndims;
	q->dims[0] = dim;
	q->as_of = o->as_of;
	q->config = o->config;
	q->cache = o->cache;
}

/* Copy row sr of src into a new row of dst (same column types, in order). */
static skpi_err copy_row(skpi_result *dst, const skpi_result *src, size_t sr, skpi_diag *d)
{
	long r = skpi_result_add_row(dst);

	if (r < 0)
		return nomem(d);
	for (size_t c = 0; c < src->ncols && c < dst->ncols; c++) {
		const skpi_value *v = skpi_result_get(src, sr, c);
		skpi_err e = SKPI_OK;

		if (!v || v->is_null)
			continue;
		switch (src->cols[c].type) {
		case SKPI_TEXT: e = skpi_result_set_text(dst, (size_t)r, c, v->s); break;
		case SKPI_INT: e = skpi_result_set_int(dst, (size_t)r, c, v->i); break;
		case SKPI_REAL: e = skpi_result_set_real(dst, (size_t)r, c, v->r); break;
		}
		if (e == SKPI_ERR_NOMEM)
			return nomem(d);
		if (e != SKPI_OK)
			return skpi_diag_set(d, e, NULL, 0, "copying a row of '%s'", src->title ? src->title : "");
	}
	return SKPI_OK;
}

/* A new result set with src's columns, the first renamed first (NULL: kept). */
static skpi_result *same_columns(const skpi_result *src, const char *title, const char *first)
{
	skpi_result *rs = skpi_result_new(title);

	for (size_t c = 0; rs && c < src->ncols; c++)
		if (skpi_result_add_col(rs, c == 0 && first ? first : src->cols[c].name,
					src->cols[c].type, src->cols[c].unit, src->cols[c].decimals) < 0) {
			skpi_result_free(rs);
			rs = NULL;
		}
	return rs;
}

/* The end of a build_* function: on success rs is the caller's (*out), on failure it is
 * freed and *out is NULL.  Returns e. */
static skpi_err hand_over(skpi_result *rs, skpi_err e, skpi_result **out)
{
	if (e) {
		skpi_result_free(rs);
		rs = NULL;
	}
	*out = rs;
	return e;
}

/* The 12 months ending with the month of the period's last day, one row each (a month
 * without tickets or surveys gets the row kpi_run gives an empty period). */
static skpi_err build_trend(sqlite3 *db, const xlsx_report_opts *o, skpi_result **out,
			    skpi_diag *d)
{
	skpi_period last, first, range, m;
	skpi_result *by_month = NULL, *one = NULL, *rs = NULL;
	char spec[16], title[96];
	kpi_query q;
	int y, mo, dd;
	skpi_err e;

	*out = NULL;
	skpi_civil_from_days(o->period.to_day - 1, &y, &mo, &dd);
	snprintf(spec, sizeof spec, "%04d-%02d", y, mo);
	e = period_parse(spec, 0, &last, d);
	if (e)
		goto out;
	period_shift(&last, -11, &first);
	e = period_from_to(first.from, last.to, &range, d);
	if (e)
		goto out;
	query_init(&q, o, &range, 1, KPI_DIM_MONTH);
	e = kpi_run(db, &q, &by_month, d);
	if (e)
		goto out;
	snprintf(title, sizeof title, "Trend: the 12 months %s to %s", first.label, last.label);
	rs = same_columns(by_month, title, "month");
	if (!rs) {
		e = nomem(d);
		goto out;
	}
	for (int i = 0; i < 12 && !e; i++) {
		size_t r;

		period_shift(&first, i, &m);
		for (r = 0; r < by_month->nrows; r++) {
			const skpi_value *g = skpi_result_get(by_month, r, 0);

			if (g && !g->is_null && g->s && strcmp(g->s, m.label) == 0)
				break;
		}
		if (r < by_month->nrows) {
			e = copy_row(rs, by_month, r, d);
		} else {
			query_init(&q, o, &m, 0, KPI_DIM_MONTH);
			e = kpi_run(db, &q, &one, d);
			if (!e)
				e = copy_row(rs, one, 0, d);
			skpi_result_free(one);
			one = NULL;
		}
		if (!e && skpi_result_set_text(rs, rs->nrows - 1, 0, m.label) != SKPI_OK)
			e = nomem(d);
	}
out:
	skpi_result_free(by_month);
	return hand_over(rs, e, out);
}

/* Result columns of a fixed query. */
struct colspec {
	const char *name;
	skpi_type type;
	skpi_unit unit;
	int decimals;
};

static skpi_result *fixed_result(const char *title, const struct colspec *cols, size_t n)
{
	skpi_result *rs = skpi_result_new(title);

	for (size_t i = 0; rs && i < n; i++)
		if (skpi_result_add_col(rs, cols[i].name, cols[i].type, cols[i].unit, cols[i].decimals) < 0) {
			skpi_result_free(rs);
			rs = NULL;
		}
	return rs;
}

static skpi_err set_value(skpi_result *rs, size_t r, size_t c, sqlite3_stmt *st, int sc)
{
	if (sqlite3_column_type(st, sc) == SQLITE_NULL)
		return SKPI_OK;
	switch (rs->cols[c].type) {
	case SKPI_TEXT: return skpi_result_set_text(rs, r, c, (const char *)sqlite3_column_text(st, sc));
	case SKPI_INT: return skpi_result_set_int(rs, r, c, sqlite3_column_int64(st, sc));
	case SKPI_REAL: return skpi_result_set_real(rs, r, c, sqlite3_column_double(st, sc));
	}
	return SKPI_ERR_INTERNAL;
}

static const struct colspec ingest_cols[] = {
	{ "ingest_id", SKPI_INT, SKPI_UNIT_NONE, 0 },
	{ "kind", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "file_name", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "sha256", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "map_file", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "finished_at", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "rows_read", SKPI_INT, SKPI_UNIT_COUNT, 0 },
	{ "inserted", SKPI_INT, SKPI_UNIT_COUNT, 0 },
	{ "updated", SKPI_INT, SKPI_UNIT_COUNT, 0 },
	{ "unchanged", SKPI_INT, SKPI_UNIT_COUNT, 0 },
	{ "rejected", SKPI_INT, SKPI_UNIT_COUNT, 0 },
	{ "dq_rows", SKPI_INT, SKPI_UNIT_COUNT, 0 },
	{ "period_tickets", SKPI_INT, SKPI_UNIT_COUNT, 0 },
	{ "period_surveys", SKPI_INT, SKPI_UNIT_COUNT, 0 },
};
#define NINGEST_COLS (sizeof ingest_cols / sizeof ingest_cols[0])

/* The ingests whose rows hold the period's tickets and surveys (schema/xlsx_ingests.sql). */
static skpi_err build_ingests(sqlite3 *db, const skpi_period *p, skpi_result **out,
			      skpi_diag *d)
{
	const char *sql = store_sql("xlsx_ingests.sql");
	sqlite3_stmt *st = NULL;
	skpi_result *rs = NULL;
	skpi_err e = SKPI_OK;
	int rc;

	*out = NULL;
	if (!sql)
		return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "schema/xlsx_ingests.sql is not built in");
	rs = fixed_result("Ingests behind these figures", ingest_cols, NINGEST_COLS);
	if (!rs)
		return nomem(d);
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":from"), p->from, -1,
				       SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":to"), p->to, -1,
				       SQLITE_TRANSIENT);
	if (rc != SQLITE_OK) {
		e = store_fail(db, rc, "listing the ingests", d);
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long r = skpi_result_add_row(rs);

		if (r < 0 || sqlite3_column_count(st) != (int)NINGEST_COLS) {
			e = r < 0 ? nomem(d) : skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0,
							      "schema/xlsx_ingests.sql: wrong columns");
			goto out;
		}
		for (size_t c = 0; c < NINGEST_COLS; c++)
			if (set_value(rs, (size_t)r, c, st, (int)c) != SKPI_OK) {
				e = nomem(d);
				goto out;
			}
	}
	if (rc != SQLITE_DONE)
		e = store_fail(db, rc, "listing the ingests", d);
out:
	sqlite3_finalize(st);
	return hand_over(rs, e, out);
}

/* ---- Definitions: the metric definitions of schema/kpi_*.sql, and the config ---- */

/* A growing string. */
struct buf {
	char *s;
	size_t len, cap;
};

static int buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->s, cap);
		if (!p)
			return -1;
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

/* Add the paragraph in pb (if any) as a row (family, text) of rs and empty pb. */
static skpi_err flush_paragraph(skpi_result *rs, const char *family, struct buf *pb,
				skpi_diag *d)
{
	long r;

	if (pb->len == 0)
		return SKPI_OK;
	r = skpi_result_add_row(rs);
	if (r < 0 || skpi_result_set_text(rs, (size_t)r, 0, family) != SKPI_OK ||
	    skpi_result_set_text(rs, (size_t)r, 1, pb->s) != SKPI_OK)
		return nomem(d);
	pb->len = 0;
	pb->s[0] = '\0';
	return SKPI_OK;
}

#define DEFINITION_MARK "Definition (docs/metrics.md, word for word):"

/* The definition block at the head of one schema file, one row per paragraph or item:
 * the comment lines after DEFINITION_MARK up to the first empty comment line; an item
 * starts with "- ", an indented line continues it, backquotes are dropped. */
static skpi_err add_definitions(skpi_result *rs, const char *file, const char *family,
				skpi_diag *d)
{
	const char *sql = store_sql(file), *p;
	struct buf pb = { NULL, 0, 0 };
	int in_item = 0;
	skpi_err e = SKPI_OK;

	if (!sql || !(p = strstr(sql, DEFINITION_MARK)))
		return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0,
				     "schema/%s has no definition to show", file);
	p = strchr(p, '\n');
	while (p && e == SKPI_OK) {
		const char *line = p + 1, *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *t;
		size_t tl;

		if (len < 2 || line[0] != '-' || line[1] != '-')
			break;
		t = line + 2;
		tl = len - 2;
		if (tl > 0 && *t == ' ') {
			t++;
			tl--;
		}
		if (tl == 0)
			break;
		if (tl >= 2 && t[0] == '-' && t[1] == ' ') {
			e = flush_paragraph(rs, family, &pb, d);
			in_item = 1;
			if (!e && buf_add(&pb, "\xE2\x80\xA2", 3) != 0) /* a bullet, U+2022 */
				e = nomem(d);
			t += 2; /* the joining below puts one space after the bullet */
			tl -= 2;
		} else if (t[0] == ' ' && in_item) {
			while (tl > 0 && *t == ' ') {
				t++;
				tl--;
			}
		} else if (in_item) {
			e = flush_paragraph(rs, family, &pb, d);
			in_item = 0;
		}
		if (e == SKPI_OK && pb.len > 0 && buf_add(&pb, " ", 1) != 0)
			e = nomem(d);
		for (size_t i = 0; i < tl && e == SKPI_OK; i++)
			if (t[i] != '`' && buf_add(&pb, t + i, 1) != 0)
				e = nomem(d);
		p = end;
	}
	if (e == SKPI_OK)
		e = flush_paragraph(rs, family, &pb, d);
	free(pb.s);
	return e;
}

static const struct colspec definition_cols[] = {
	{ "family", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "definition", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
};

static skpi_err build_definitions(skpi_result **out, skpi_diag *d)
{
	static const char *const files[][2] = {
		{ "kpi_tickets.sql", "tickets" },
		{ "kpi_times.sql", "times" },
		{ "kpi_surveys.sql", "surveys" },
		{ "kpi_sla.sql", "SLA" },
		{ "kpi_quality.sql", "data quality" },
	};
	skpi_result *rs = fixed_result("Definitions", definition_cols, 2);
	skpi_err e = rs ? SKPI_OK : nomem(d);

	for (size_t i = 0; i < sizeof files / sizeof files[0] && e == SKPI_OK; i++)
		e = add_definitions(rs, files[i][0], files[i][1], d);
	return hand_over(rs, e, out);
}

/* ",a,b," (a rule's condition) as "a, b"; NULL stays NULL ("any"). */
static char *condition_text(const char *cond, int *fail)
{
	struct buf b = { NULL, 0, 0 };

	if (!cond)
		return NULL;
	for (const char *p = cond; *p; p++) {
		if (*p == ',') {
			if (p != cond && p[1] && buf_add(&b, ", ", 2) != 0)
				*fail = 1;
		} else if (buf_add(&b, p, 1) != 0) {
			*fail = 1;
		}
	}
	if (!b.s && buf_add(&b, "", 0) != 0)
		*fail = 1;
	return b.s;
}

static const struct colspec sla_rule_cols[] = {
	{ "rule", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "priority", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "channel", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "category", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "first_response", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "resolution", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "line", SKPI_INT, SKPI_UNIT_NONE, 0 },
};

/* The SLA rules of the config, in file order (the first that matches a ticket wins). */
static skpi_err build_sla_config(const skpi_config *cfg, skpi_result **out, skpi_diag *d)
{
	skpi_result *rs = fixed_result("SLA rules", sla_rule_cols, 7);
	skpi_err e = rs ? SKPI_OK : nomem(d);

	for (size_t i = 0; cfg && i < cfg->nrules && e == SKPI_OK; i++) {
		const config_sla_rule *rule = &cfg->rules[i];
		const char *conds[3] = { rule->priority, rule->channel, rule->category };
		long r = skpi_result_add_row(rs);
		int fail = r < 0;

		if (!fail)
			fail = skpi_result_set_text(rs, (size_t)r, 0, rule->name) != SKPI_OK;
		for (size_t c = 0; c < 3 && !fail; c++) {
			char *t = condition_text(conds[c], &fail);

			if (!fail)
				fail = skpi_result_set_text(rs, (size_t)r, 1 + c, t ? t : "any") != SKPI_OK;
			free(t);
		}
		if (!fail && rule->first_response.set)
			fail = skpi_result_set_text(rs, (size_t)r, 4, rule->first_response.text) != SKPI_OK;
		if (!fail && rule->resolution.set)
			fail = skpi_result_set_text(rs, (size_t)r, 5, rule->resolution.text) != SKPI_OK;
		if (!fail)
			fail = skpi_result_set_int(rs, (size_t)r, 6, rule->line) != SKPI_OK;
		if (fail)
			e = nomem(d);
	}
	return hand_over(rs, e, out);
}

static const struct colspec setting_cols[] = {
	{ "setting", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "meaning", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "value", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "line", SKPI_INT, SKPI_UNIT_NONE, 0 },
};

/* Every setting of [sla], [ranking] and [report] with the value in force: as written in the
 * config (line given) or the default (line empty; value empty when there is none). */
static skpi_err build_settings(const skpi_config *cfg, skpi_result **out, skpi_diag *d)
{
	skpi_result *rs = fixed_result("Settings", setting_cols, 4);
	config_setting_info info;
	skpi_err e = rs ? SKPI_OK : nomem(d);

	for (size_t i = 0; e == SKPI_OK && config_setting_at(i, &info); i++) {
		char name[160];
		const char *v = config_str(cfg, info.section, info.key);
		long line = config_line(cfg, info.section, info.key);
		long r = skpi_result_add_row(rs);

		snprintf(name, sizeof name, "[%s] %s", info.section, info.key);
		if (r < 0 || skpi_result_set_text(rs, (size_t)r, 0, name) ||
		    skpi_result_set_text(rs, (size_t)r, 1, info.help) ||
		    skpi_result_set_text(rs, (size_t)r, 2, v) ||
		    (line > 0 && skpi_result_set_int(rs, (size_t)r, 3, line)))
			e = nomem(d);
	}
	return hand_over(rs, e, out);
}

static const struct colspec rank_setting_cols[] = {
	{ "component", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	{ "weight", SKPI_REAL, SKPI_UNIT_NONE, 2 },
	{ "floor", SKPI_REAL, SKPI_UNIT_NONE, 1 },
	{ "target", SKPI_REAL, SKPI_UNIT_NONE, 1 },
};

/* The ranking's components as they were applied (defaults included). */
static skpi_err build_rank_settings(const rank_settings *s, skpi_result **out, skpi_diag *d)
{
	skpi_result *rs = fixed_result("Ranking components", rank_setting_cols, 4);
	skpi_err e = rs ? SKPI_OK : nomem(d);

	for (int c = 0; c < RANK__NCOMP && e == SKPI_OK; c++) {
		long r = skpi_result_add_row(rs);

		if (r < 0 || skpi_result_set_text(rs, (size_t)r, 0, rank_comp_name((rank_comp)c)) ||
		    skpi_result_set_real(rs, (size_t)r, 1, s->weight[c]) ||
		    skpi_result_set_real(rs, (size_t)r, 2, s->floor[c]) ||
		    skpi_result_set_real(rs, (size_t)r, 3, s->target[c]))
			e = nomem(d);
	}
	return hand_over(rs, e, out);
}

/* ---- the sheets ---- */

#define SUMMARY_HEADER_ROW 4
#define TABLE_HEADER_ROW 2      /* sheet_table: heading, note, header */
#define CHART_W 480             /* pixels: libxlsxwriter's default chart size */
#define CHART_H 288
#define ROW_PX 20               /* pixels of a default row */

/* The value of column name in the first row of rs: 1 and *v when it is a number. */
static int first_number(const skpi_result *rs, size_t c, double *v)
{
	const skpi_value *x;

	if (!rs || rs->nrows == 0 || c >= rs->ncols)
		return 0;
	x = skpi_result_get(rs, 0, c);
	if (!x || x->is_null)
		return 0;
	if (rs->cols[c].type == SKPI_INT)
		*v = (double)x->i;
	else if (rs->cols[c].type == SKPI_REAL)
		*v = x->r;
	else
		return 0;
	return isfinite(*v);
}

/* The target of a metric from [report] target_<metric>: 1 and *t when set. */
static int metric_target(const skpi_config *cfg, const struct metric_info *mi, double *t)
{
	const char *s;
	char *end;

	if (!cfg || !mi || !mi->target_key)
		return 0;
	s = config_str(cfg, "report", mi->target_key);
	if (!s || !*s)
		return 0;
	*t = strtod(s, &end);
	return end != s && *end == '\0' && isfinite(*t);
}

static skpi_err cond_format(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, uint8_t criteria,
			    double value, lxw_format *f, skpi_diag *d)
{
	lxw_conditional_format cf;

	memset(&cf, 0, sizeof cf);
	cf.type = LXW_CONDITIONAL_TYPE_CELL;
	cf.criteria = criteria;
	cf.value = value;
	cf.format = f;
	return lxw_fail(worksheet_conditional_format_cell(ws, row, col, &cf),
			"setting a conditional format", d);
}

/* One line chart of a column of the Trend sheet (rows first..last), at row of ws. */
static skpi_err trend_chart(xlsx_book *b, lxw_worksheet *ws, lxw_row_t row, int slot,
			    const skpi_result *trend, const char *col, const char *title,
			    const char *yname, skpi_diag *d)
{
	int c = skpi_result_col(trend, col);
	lxw_row_t first = TABLE_HEADER_ROW + 1, last = first + (lxw_row_t)trend->nrows - 1;
	lxw_chart_options opt;
	lxw_chart_series *ser;
	lxw_chart *ch;

	if (c < 0 || trend->nrows == 0)
		return SKPI_OK;
	ch = workbook_add_chart(b->wb, LXW_CHART_LINE);
	if (!ch)
		return nomem(d);
	ser = chart_add_series(ch, NULL, NULL);
	if (!ser)
		return nomem(d);
	/* every string here is a constant of this file: a chart title or series name that
	 * starts with '=' would be read as a reference */
	chart_series_set_categories(ser, "Trend", first, 0, last, 0);
	chart_series_set_values(ser, "Trend", first, (lxw_col_t)c, last, (lxw_col_t)c);
	chart_series_set_name(ser, title);
	chart_series_set_marker_type(ser, LXW_CHART_MARKER_CIRCLE);
	chart_title_set_name(ch, title);
	chart_axis_set_name(ch->x_axis, "month");
	chart_axis_set_name(ch->y_axis, yname);
	chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
	chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);
	memset(&opt, 0, sizeof opt);
	opt.x_offset = slot * (CHART_W + 16);
	opt.x_scale = 1;
	opt.y_scale = 1;
	return lxw_fail(worksheet_insert_chart_opt(ws, row, 0, ch, &opt), "inserting a chart", d);
}

/* The pixel size of a PNG file from its IHDR chunk; 0 when it is not a PNG. */
static int png_size(const char *path, unsigned long *w, unsigned long *h)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
	unsigned char hd[24];
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (!fp)
		return 0;
	n = fread(hd, 1, sizeof hd, fp);
	fclose(fp);
	if (n != sizeof hd || memcmp(hd, sig, 8) != 0 || memcmp(hd + 12, "IHDR", 4) != 0)
		return 0;
	*w = (unsigned long)hd[16] << 24 | (unsigned long)hd[17] << 16 | (unsigned long)hd[18] << 8 | hd[19];
	*h = (unsigned long)hd[20] << 24 | (unsigned long)hd[21] << 16 | (unsigned long)hd[22] << 8 | hd[23];
	return *w > 0 && *h > 0;
}

/* The images, one under the other from row, scaled to at most 960 pixels wide. */
static skpi_err put_images(lxw_worksheet *ws, lxw_row_t row, const char *const *images,
			   size_t n, skpi_diag *d)
{
	for (size_t i = 0; i < n; i++) {
		lxw_image_options opt;
		unsigned long w, h;
		double scale;
		lxw_error e;

		if (!images[i] || !png_size(images[i], &w, &h)) {
			skpi_diag_set(d, SKPI_ERR_NOINPUT, images[i] ? images[i] : "", 0,
				      "not a readable PNG image");
			skpi_diag_hint(d, "draw the charts again with 'supportkpi chart', or leave them out "
				       "with --no-charts");
			return SKPI_ERR_NOINPUT;
		}
		scale = w > 960 ? 960.0 / (double)w : 1.0;
		memset(&opt, 0, sizeof opt);
		opt.x_scale = scale;
		opt.y_scale = scale;
		e = worksheet_insert_image_opt(ws, row, 0, images[i], &opt);
		if (e != LXW_NO_ERROR) {
			skpi_diag_set(d, SKPI_ERR_NOINPUT, images[i], 0, "cannot embed the image: %s",
				      lxw_strerror(e));
			return SKPI_ERR_NOINPUT;
		}
		row += (lxw_row_t)ceil((double)h * scale / ROW_PX) + 2;
	}
	return SKPI_OK;
}

static skpi_err sheet_summary(xlsx_book *b, const xlsx_report_opts *o,
			      const struct report_data *r, const char *zone, const char *as_of,
			      skpi_diag *d)
{
	static const char *const head[] = { "metric", "meaning", "this period", "previous period",
					     "change", "target", "vs target" };
	static const double fixed_width[] = { 0, 0, 15, 17, 12, 10, 12 };
	char title[128], note[512], last_day[11];
	lxw_row_t row;
	xlsx_sheet sh;
	int y, m, dd;
	skpi_err e;

	skpi_civil_from_days(o->period.to_day - 1, &y, &m, &dd);
	snprintf(last_day, sizeof last_day, "%04d-%02d-%02d", y, m, dd);
	e = sheet_new(b, "Summary", &sh, d);
	if (e)
		return e;
	snprintf(title, sizeof title, "Support KPIs %s", o->period.label);
	e = put_heading(&sh, title, b->f_title, d);
	snprintf(note, sizeof note, "Tickets created and surveys submitted from %s to %s (local time, %s); "
		 "compared with the previous period, %s (%s to before %s).", o->period.from, last_day,
		 zone, r->prev.label, r->prev.from, r->prev.to);
	if (!e)
		e = put_text(&sh, 1, 0, note, b->f_note, 0, d);
	snprintf(note, sizeof note, "Open tickets judged against their SLA as of %s.  Every figure is "
		 "defined on the Definitions sheet; an empty cell means no data, never 0.", as_of);
	if (!e)
		e = put_text(&sh, 2, 0, note, b->f_note, 0, d);
	for (size_t c = 0; c < sizeof head / sizeof head[0] && !e; c++) {
		e = put_text(&sh, SUMMARY_HEADER_ROW, (lxw_col_t)c, head[c],
			     c >= 2 && c <= 5 ? b->f_header_num : b->f_header, 0, d);
		widen(&sh, (lxw_col_t)c, fixed_width[c]);
	}
	row = SUMMARY_HEADER_ROW + 1;
	for (size_t c = 0; r->now && c < r->now->ncols && !e; c++, row++) {
		const skpi_col *col = &r->now->cols[c];
		const struct metric_info *mi = metric_info(col->name);
		int pc = r->before ? skpi_result_col(r->before, col->name) : -1;
		double cur = 0, prev = 0, target = 0;
		int has_cur, has_prev, has_target;

		if (col->type == SKPI_TEXT) { /* the group ("all") */
			row--;
			continue;
		}
		has_cur = first_number(r->now, c, &cur);
		has_prev = pc >= 0 && first_number(r->before, (size_t)pc, &prev);
		has_target = mi && mi->better && metric_target(o->config, mi, &target);
		e = put_text(&sh, row, 0, col->name, b->f_text, 1, d);
		if (!e)
			e = put_text(&sh, row, 1, mi ? mi->label : "", b->f_text, 1, d);
		if (!e)
			e = put_value(b, &sh, row, 2, col, skpi_result_get(r->now, 0, c), STYLE_BOLD, d);
		if (!e)
			e = pc >= 0 ? put_value(b, &sh, row, 3, &r->before->cols[pc],
						 skpi_result_get(r->before, 0, (size_t)pc), STYLE_PLAIN, d)
				    : lxw_fail(worksheet_write_blank(sh.ws, row, 3, NULL), "writing a cell", d);
		if (!e && has_cur && has_prev) {
			lxw_format *f = change_format(b, col->unit, col->type == SKPI_INT ? 0 : col->decimals);

			e = f ? put_number(&sh, row, 4, cur - prev, col->unit, col->decimals, f, d) : nomem(d);
		}
		if (!e && has_target) {
			lxw_format *f = num_format(b, col->unit, col->type == SKPI_INT ? 0 : col->decimals,
						   STYLE_PLAIN);

			e = f ? put_number(&sh, row, 5, target, col->unit, col->decimals, f, d) : nomem(d);
		}
		if (!e && has_target && has_cur) {
			int met = mi->better > 0 ? cur >= target : cur <= target;

			e = put_text(&sh, row, 6, met ? "met" : "not met", met ? b->f_good : b->f_bad, 1, d);
			/* the same judgement as a conditional format on the figure itself, so that it
			 * follows the cell if someone edits the target or the figure */
			if (!e)
				e = cond_format(sh.ws, row, 2, mi->better > 0 ? LXW_CONDITIONAL_CRITERIA_GREATER_THAN_OR_EQUAL_TO
									 : LXW_CONDITIONAL_CRITERIA_LESS_THAN_OR_EQUAL_TO,
						target, b->f_cf_good, d);
			if (!e)
				e = cond_format(sh.ws, row, 2, mi->better > 0 ? LXW_CONDITIONAL_CRITERIA_LESS_THAN
									 : LXW_CONDITIONAL_CRITERIA_GREATER_THAN,
						target, b->f_cf_bad, d);
		}
	}
	if (e)
		return e;
	worksheet_freeze_panes(sh.ws, SUMMARY_HEADER_ROW + 1, 0);
	row += 1;
	e = put_text(&sh, row++, 0, "Last 12 months (native Excel charts of the Trend sheet)", b->f_bold, 0, d);
	if (!e)
		e = trend_chart(b, sh.ws, row, 0, r->trend, "csat_pct", "CSAT %", "percent of surveys", d);
	if (!e)
		e = trend_chart(b, sh.ws, row, 1, r->trend, "resolution_pct", "Resolution rate %",
				"percent of tickets", d);
	if (!e)
		e = trend_chart(b, sh.ws, row, 2, r->trend, "frt_median_min", "First response, median (min)",
				"minutes", d);
	row += CHART_H / ROW_PX + 2;
	if (!e && o->nimages > 0) {
		e = put_text(&sh, row++, 0, "Charts drawn by gnuplot", b->f_bold, 0, d);
		if (!e)
			e = put_images(sh.ws, row, o->images, o->nimages, d);
	}
	if (!e)
		e = sheet_finish(&sh, d);
	return e;
}

static skpi_err sheet_ranking(xlsx_book *b, const xlsx_report_opts *o,
			      const struct report_data *r, skpi_diag *d)
{
	const rank_settings *s = r->board ? &r->board->s : NULL;
	char title[128], note[1400];
	xlsx_sheet sh;
	skpi_err e;

	e = sheet_new(b, "Ranking", &sh, d);
	if (e)
		return e;
	snprintf(title, sizeof title, "Ranking of agents %s", o->period.label);
	e = put_heading(&sh, title, b->f_title, d);
	if (!s) {
		const skpi_diag *w = &r->rank_error;

		char where[600] = "";

		if (w->file[0] && w->line)
			snprintf(where, sizeof where, "'%s' line %ld: ", w->file, w->line);
		else if (w->file[0])
			snprintf(where, sizeof where, "'%s': ", w->file);
		snprintf(note, sizeof note, "No ranking: %s%s", where, w->msg);
		if (!e)
			e = put_text(&sh, 1, 0, note, b->f_bad, 0, d);
		if (!e && w->hint[0])
			e = put_text(&sh, 2, 0, w->hint, b->f_note, 0, d);
		return e;
	}
	snprintf(note, sizeof note, "Ranked: agents with at least %ld tickets and %ld surveys.  Score 0-100 "
		 "from weighted points (weights on the Definitions sheet); grades: excellent >= %g, "
		 "good >= %g, pass >= %g.  'supportkpi rank --explain AGENT' shows the arithmetic.",
		 s->min_tickets, s->min_surveys, s->grade_excellent, s->grade_good, s->grade_pass);
	if (!e)
		e = put_text(&sh, 1, 0, note, b->f_note, 0, d);
	sh.row = TABLE_HEADER_ROW;
	if (!e)
		e = put_table(b, &sh, r->board->ranked, NULL, d);
	sh.row++;
	if (!e)
		e = put_heading(&sh, "Not ranked", b->f_bold, d);
	if (!e)
		e = put_table(b, &sh, r->board->unranked, NULL, d);
	if (!e)
		e = sheet_finish(&sh, d);
	return e;
}

static skpi_err sheet_quality(xlsx_book *b, const xlsx_report_opts *o,
			      const struct report_data *r, skpi_diag *d)
{
	char title[128];
	xlsx_sheet sh;
	skpi_err e;

	e = sheet_new(b, "Data quality", &sh, d);
	if (e)
		return e;
	snprintf(title, sizeof title, "Data quality %s", o->period.label);
	e = put_heading(&sh, title, b->f_title, d);
	if (!e)
		e = put_text(&sh, 1, 0, "What each figure leaves out or counts in a particular way, and why "
			     "(0 when nothing is concerned).", b->f_note, 0, d);
	sh.row = TABLE_HEADER_ROW;
	if (!e)
		e = put_table(b, &sh, r->quality, NULL, d);
	sh.row++;
	if (!e)
		e = put_heading(&sh, "Ingests behind these figures", b->f_bold, d);
	if (!e)
		e = put_text(&sh, sh.row++, 0, "The files whose rows hold the period's tickets and surveys as "
			     "they are now; period_tickets and period_surveys count them.", b->f_note, 0, d);
	if (!e)
		e = put_table(b, &sh, r->ingests, NULL, d);
	if (!e)
		e = sheet_finish(&sh, d);
	return e;
}

/* The config file as it was read, line by line (the config in force). */
static skpi_err put_config_text(xlsx_book *b, xlsx_sheet *sh, const skpi_config *cfg,
				skpi_diag *d)
{
	static const struct colspec cols[] = {
		{ "line", SKPI_INT, SKPI_UNIT_NONE, 0 },
		{ "text", SKPI_TEXT, SKPI_UNIT_NONE, 0 },
	};
	skpi_result *rs = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long n = 0;
	FILE *fp = NULL;
	skpi_err e = SKPI_OK;

	if (!cfg || !cfg->path)
		return put_text(sh, sh->row++, 0, "No configuration file: no calendar, no SLA rules, "
				"every setting at its default.", b->f_note, 0, d);
	fp = fopen(cfg->path, "r");
	if (!fp) {
		e = skpi_diag_set(d, SKPI_ERR_NOINPUT, cfg->path, 0, "cannot read the configuration again");
		goto out;
	}
	rs = fixed_result("config", cols, 2);
	if (!rs) {
		e = nomem(d);
		goto out;
	}
	while ((len = getline(&line, &cap, fp)) >= 0) {
		long r = skpi_result_add_row(rs);

		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (r < 0 || skpi_result_set_int(rs, (size_t)r, 0, ++n) != SKPI_OK ||
		    (len > 0 && skpi_result_set_text(rs, (size_t)r, 1, line) != SKPI_OK)) {
			e = nomem(d);
			goto out;
		}
	}
	if (ferror(fp)) {
		e = skpi_diag_set(d, SKPI_ERR_IO, cfg->path, 0, "cannot read the configuration again");
		goto out;
	}
	e = put_text(sh, sh->row++, 0, cfg->path, b->f_note, 0, d);
	if (!e)
		e = put_table(b, sh, rs, NULL, d);
out:
	if (fp)
		fclose(fp);
	free(line);
	skpi_result_free(rs);
	return e;
}

static skpi_err sheet_definitions(xlsx_book *b, const xlsx_report_opts *o,
				  const struct report_data *r, skpi_diag *d)
{
	skpi_result *defs = NULL;
	xlsx_sheet sh;
	skpi_err e;

	e = build_definitions(&defs, d);
	if (!e)
		e = sheet_new(b, "Definitions", &sh, d);
	if (e)
		goto out;
	sh.wrap[1] = 1;
	e = put_heading(&sh, "Definitions", b->f_title, d);
	if (!e)
		e = put_text(&sh, 1, 0, "Every figure of this workbook, word for word as in docs/metrics.md, "
			     "then the configuration it was computed with.", b->f_note, 0, d);
	sh.row = TABLE_HEADER_ROW;
	if (!e)
		e = put_table(b, &sh, defs, NULL, d);
	sh.row++;
	if (!e)
		e = put_heading(&sh, "SLA rules in force (the first that matches a ticket wins)", b->f_bold, d);
	if (!e)
		e = put_table(b, &sh, r->sla_config, NULL, d);
	sh.row++;
	if (!e)
		e = put_heading(&sh, "Ranking components in force (points: linear from floor to target)",
				b->f_bold, d);
	if (!e && r->rank_settings)
		e = put_table(b, &sh, r->rank_settings, NULL, d);
	else if (!e)
		e = put_text(&sh, sh.row++, 0, "None: the ranking could not be made (see the Ranking sheet).",
			     b->f_note, 0, d);
	sh.row++;
	if (!e)
		e = put_heading(&sh, "Settings in force (line: where the configuration file sets it; "
				"empty: the default)", b->f_bold, d);
	if (!e)
		e = put_table(b, &sh, r->settings, NULL, d);
	sh.row++;
	if (!e)
		e = put_heading(&sh, "Configuration file", b->f_bold, d);
	if (!e)
		e = put_config_text(b, &sh, o->config, d);
	if (!e)
		e = sheet_finish(&sh, d);
out:
	skpi_result_free(defs);
	return e;
}

/* ---- the report ---- */

static const char *const dim_notes[4] = {
	"A ticket counts for the agent it has now; a survey for the agent named on it, else the "
	"agent its ticket had when the survey was ingested.",
	"A ticket counts for its team; a survey for its ticket's team, else the team of the credited "
	"agent's latest ticket.",
	"A ticket counts for its channel; a survey for its ticket's channel.",
	"A ticket counts for its category; a survey for its ticket's category.",
};

/* Compute every result set of the report inside one read transaction, so that all sheets
 * show the same data even while an ingest runs. */
static skpi_err report_compute(sqlite3 *db, const xlsx_report_opts *o, struct report_data *r,
			       skpi_diag *d)
{
	kpi_query q;
	rank_query rq;
	int began = 0, rc;
	skpi_err e = SKPI_OK;

	if (sqlite3_get_autocommit(db)) {
		rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			return store_fail(db, rc, "starting to read the report", d);
		began = 1;
	}
	period_previous(&o->period, &r->prev);
	query_init(&q, o, &o->period, 0, KPI_DIM_AGENT);
	e = kpi_run(db, &q, &r->now, d);
	if (!e) {
		query_init(&q, o, &r->prev, 0, KPI_DIM_AGENT);
		e = kpi_run(db, &q, &r->before, d);
	}
	for (size_t i = 0; i < 4 && !e; i++) {
		query_init(&q, o, &o->period, 1, sheet_dims[i]);
		e = kpi_run(db, &q, &r->dim[i], d);
	}
	if (!e)
		e = build_trend(db, o, &r->trend, d);
	query_init(&q, o, &o->period, 0, KPI_DIM_AGENT);
	if (!e)
		e = kpi_sla_rules(db, &q, &r->sla, d);
	if (!e)
		e = kpi_quality(db, &q, &r->quality, d);
	if (!e)
		e = build_ingests(db, &o->period, &r->ingests, d);
	if (!e) {
		memset(&rq, 0, sizeof rq);
		rq.period = o->period;
		rq.by_team = 0;
		rq.as_of = o->as_of;
		rq.config = o->config;
		rq.cache = o->cache;
		skpi_diag_clear(&r->rank_error);
		e = rank_run(db, &rq, &r->board, &r->rank_error);
		/* a ranking the settings do not allow (an SLA weight without SLA rules) or with
		 * nothing to rank leaves the rest of the workbook standing: the Ranking sheet
		 * says why, and the caller hears of it as a warning */
		if (e == SKPI_ERR_CONFIG || e == SKPI_ERR_NODATA) {
			r->board = NULL;
			e = SKPI_OK;
		} else if (e && d) {
			*d = r->rank_error;
		}
	}
	if (!e)
		e = build_sla_config(o->config, &r->sla_config, d);
	if (!e)
		e = build_settings(o->config, &r->settings, d);
	if (!e && r->board)
		e = build_rank_settings(&r->board->s, &r->rank_settings, d);
	if (began) {
		/* only read: ending it cannot lose anything */
		rc = sqlite3_exec(db, e ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
		if (rc != SQLITE_OK && !e)
			e = store_fail(db, rc, "finishing reading the report", d);
	}
	return e;
}

skpi_err xlsx_report_write(sqlite3 *db, const xlsx_report_opts *o, const char *path,
			   skpi_diag *d)
{
	struct report_data r;
	xlsx_book *b = NULL;
	skpi_tz *tz = NULL;
	xlsx_props props;
	xlsx_report_opts own;
	kpi_cache *own_cache = NULL;
	char zone[128], as_of[20], title[128], subject[160], heading[160];
	skpi_err e;

	memset(&r, 0, sizeof r);
	if (!db || !o || !path)
		return skpi_diag_set(d, SKPI_ERR_INTERNAL, NULL, 0, "xlsx_report_write: missing argument");
	/* the ranking asks again for figures of the other sheets: computed once (without a
	 * cache of its own, the workbook is simply computed without one) */
	if (!o->cache) {
		own = *o;
		own.cache = own_cache = kpi_cache_new();
		o = &own;
	}
	e = store_timezone(db, zone, sizeof zone, d);
	if (!e)
		e = skpi_tz_load(zone, NULL, &tz, d);
	if (e)
		goto out;
	skpi_wall_format(skpi_tz_to_wall(tz, o->as_of), as_of);
	e = report_compute(db, o, &r, d);
	if (e)
		goto out;
	if (o->warning) {
		skpi_diag_clear(o->warning);
		if (!r.board)
			*o->warning = r.rank_error;
	}

	snprintf(title, sizeof title, "Support KPIs %s", o->period.label);
	snprintf(subject, sizeof subject, "Helpdesk KPIs, agent ranking, SLA and data quality, %s",
		 o->period.label);
	memset(&props, 0, sizeof props);
	props.title = title;
	props.subject = subject;
	props.comments = "Written by supportkpi xlsx; the figures are defined on the Definitions sheet.";
	/* the day after the period, 00:00 UTC: the same data give the same bytes */
	props.created = o->period.to_day * 86400;
	e = xlsx_book_new(path, &props, &b, d);
	if (!e)
		e = sheet_summary(b, o, &r, zone, as_of, d);
	for (size_t i = 0; i < 4 && !e; i++) {
		snprintf(heading, sizeof heading, "%s %s", sheet_dim_names[i], o->period.label);
		e = sheet_table(b, sheet_dim_names[i], heading, dim_notes[i], r.dim[i],
				kpi_dim_name(sheet_dims[i]), d);
	}
	if (!e)
		e = sheet_ranking(b, o, &r, d);
	if (!e) {
		snprintf(heading, sizeof heading, "SLA compliance %s", o->period.label);
		e = sheet_table(b, "SLA", heading, o->config && o->config->nrules
				? "Per rule and target; the rules are on the Definitions sheet."
				: "No SLA rules in the configuration ([sla NAME] sections): nothing to judge.",
				r.sla, NULL, d);
	}
	if (!e)
		e = sheet_table(b, "Trend", r.trend->title, "Each month: its tickets created and surveys "
				"submitted; an empty cell means no data.", r.trend, NULL, d);
	if (!e)
		e = sheet_quality(b, o, &r, d);
	if (!e)
		e = sheet_definitions(b, o, &r, d);
	if (!e) {
		e = xlsx_book_close(b, d);
		b = NULL;
		if (e)
			unlink(path);
	}
out:
	if (b)
		xlsx_book_discard(b);
	report_data_release(&r);
	skpi_tz_free(tz);
	kpi_cache_free(own_cache);
	return e;
}
