/* xlsx — the Excel workbook (libxlsxwriter): any result set as a worksheet, and the monthly
 * report workbook of `supportkpi xlsx` (docs/workbook.md describes every sheet).
 *
 * Two layers:
 *   - the book (xlsx_book_*): writes result sets as tidy worksheets, knowing nothing of
 *     what the figures mean;
 *   - the report (xlsx_report_write): asks the KPI engine and the ranking for the period's
 *     result sets and lays out the sheets Summary, Agents, Teams, Channels, Categories,
 *     Ranking, SLA, Trend, Data quality and Definitions.
 *
 * How a result set becomes a worksheet (the same for every sheet):
 *   - row 1 holds the heading (bold), row 2 a note (the report's sheets; empty for
 *     xlsx_book_add_result), row 3 the column names exactly as in `supportkpi kpi --format
 *     csv`, the rows follow from row 4; rows 1-3 and the first column are frozen, and
 *     row 3 carries an autofilter over the rows;
 *   - INT and REAL values are numbers, never text; NULL, NaN and infinities are empty
 *     cells; the column's unit gives the number format: percent 0-100 as 87.5% (the number
 *     stays 87.5, as in the CSV), minutes "12.3 min", hours "4.5 h", counts "#,##0", scores
 *     and points with the column's decimals;
 *   - TEXT is always written as a string cell, never as a formula, whatever it starts with
 *     ('=', '+', '-', '@'): no formula is ever built from data.  Bytes that are not valid
 *     UTF-8 and control characters other than TAB and LF become U+FFFD (XML cannot hold
 *     them); text longer than Excel's 32,767 characters is cut and ends in "...";
 *   - columns are as wide as their widest cell (display width, out_text_width), between
 *     6 and 70 characters.
 * The same result sets and properties give the same bytes: the document's created date is
 * the one given (the report uses the end of the period), and the ZIP entries carry a fixed
 * date.
 *
 * Errors: SKPI_ERR_CREATE (the file cannot be created), SKPI_ERR_IO (a temporary file or
 * the ZIP container failed), SKPI_ERR_NOMEM, SKPI_ERR_USAGE (a sheet name Excel refuses,
 * too many rows or columns), SKPI_ERR_NOINPUT (an image to embed cannot be read),
 * SKPI_ERR_INTERNAL (a NULL argument).  This module never prints; libxlsxwriter prints a
 * line of its own on stderr for some errors it meets, so the ones that can be foreseen are
 * checked before the call (a file that cannot be created, a sheet name, an image that is
 * not a PNG). */
#ifndef SUPPORTKPI_XLSX_H
#define SUPPORTKPI_XLSX_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "supportkpi/config.h"
#include "supportkpi/err.h"
#include "supportkpi/kpi.h"
#include "supportkpi/period.h"
#include "supportkpi/result.h"

/* ---- the book: result sets as worksheets ---- */

typedef struct xlsx_book xlsx_book;

typedef struct xlsx_props {
	const char *title;     /* document properties; NULL: none */
	const char *subject;
	const char *comments;
	int64_t created;       /* Unix seconds (UTC): the created and modified dates */
} xlsx_props;

/* Start a workbook to be written to path when closed.  props may be NULL (created date
 * 1980-01-01, so still reproducible).  The caller ends it with xlsx_book_close or
 * xlsx_book_discard. */
skpi_err xlsx_book_new(const char *path, const xlsx_props *props, xlsx_book **out,
		       skpi_diag *d);

/* Add a worksheet called sheet (at most 31 characters, none of []:*?/\) holding rs as
 * described above, with heading in row 1 (NULL: rs->title, else the sheet name).
 * rs is only read. */
skpi_err xlsx_book_add_result(xlsx_book *b, const char *sheet, const char *heading,
			      const skpi_result *rs, skpi_diag *d);

/* Write the file and free b (also on error, when the file may be partly written: the
 * caller removes it).  b NULL is SKPI_ERR_INTERNAL. */
skpi_err xlsx_book_close(xlsx_book *b, skpi_diag *d);

/* Give up: free b and remove whatever was written at its path.  b may be NULL. */
void xlsx_book_discard(xlsx_book *b);

/* The text a cell gets for s: a copy with invalid UTF-8 and control characters other than
 * TAB and LF replaced by U+FFFD, cut with "..." when longer than Excel's 32,767 UTF-16
 * code units.  NULL when out of memory (or s NULL).  Caller frees. */
char *xlsx_text_clean(const char *s);

/* ---- the monthly report ---- */

typedef struct xlsx_report_opts {
	skpi_period period;            /* the report's period */
	int64_t as_of;                 /* when still-open tickets are judged (SLA) */
	const skpi_config *config;     /* calendar, SLA rules, [ranking] and [report] targets;
					* NULL: none */
	const char *const *images;     /* PNG files to show on Summary (the plot module's
					* charts), nimages of them; borrowed */
	size_t nimages;
	kpi_cache *cache;              /* results of kpi_run to share with the caller's other
					* outputs (kpi.h), borrowed; NULL: the workbook uses one
					* of its own */
	skpi_diag *warning;            /* may be NULL; else cleared, and filled when a part of
					* the workbook had to be left out: the ranking, when
					* [ranking] does not allow one for this data (an SLA
					* weight without SLA rules) -- the Ranking sheet then says
					* why and the rest is written as usual */
} xlsx_report_opts;

/* Compute the report for o from db and write the workbook to path (path itself: writing
 * to a temporary name and renaming is the caller's choice).  Every result set is read in
 * one read transaction (unless the caller has one open), so all sheets show the same
 * data.  On error nothing is left at path.  Errors are those of the book, and those of
 * kpi_run and rank_run (SKPI_ERR_DB, SKPI_ERR_CONFIG, SKPI_ERR_BUSY, ...) -- except that a
 * ranking [ranking] does not allow for the data (SKPI_ERR_CONFIG, SKPI_ERR_NODATA from
 * rank_run) is not an error: see o->warning. */
skpi_err xlsx_report_write(sqlite3 *db, const xlsx_report_opts *o, const char *path,
			   skpi_diag *d);

#endif
