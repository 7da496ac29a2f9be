/* out — render a result set as an aligned text table, as CSV or as JSON.
 *
 * The renderers only read the result set (the caller keeps owning it) and write to a
 * FILE the caller opened and closes.  They never print anywhere else.  Each returns
 *   SKPI_OK,
 *   SKPI_ERR_IO        when the stream reports an error (ferror) — checked after an fflush,
 *                      so a full disk is caught here and not only at fclose,
 *   SKPI_ERR_NOMEM     when out of memory,
 *   SKPI_ERR_INTERNAL  when fp or rs is NULL.
 * Output may be partly written when an error is returned.
 *
 * The title of the result set appears only in the table format.
 *
 * table — for a terminal:
 *   [title]     when rs->title is not NULL
 *   header      column names
 *   rule        '-' under each column, as wide as the column
 *   rows
 *   Columns are separated by two spaces; INT and REAL columns (header included) are
 *   right-aligned, TEXT columns left-aligned; no line ends in padding.  REAL values
 *   show the column's `decimals` (printf "%.*f" with a '.' point; a negative count counts
 *   as 0, more than 20 as 20; a value that rounds to zero prints without a minus sign).
 *   NULL shows as "-".  A non-finite REAL shows as "nan", "inf" or "-inf".  Widths are
 *   display columns (see out_text_width).
 *   Control characters (C0, DEL, C1, U+2028/U+2029 and the bidirectional embedding,
 *   override and isolate controls) and bytes that are not valid UTF-8 print as '?'.
 *
 * csv — RFC 4180 with two documented choices:
 *   - lines end in "\n", not CRLF;
 *   - formula-injection guard (OWASP): a TEXT cell, or a column name, that starts with
 *     '=', '+', '-', '@', TAB or CR is written with a single quote (') in front.  Numbers
 *     are never prefixed: the INT -5 is written -5.
 *   A header row of column names always comes first (also with no rows; with no columns
 *   nothing at all is written).  A field is quoted (with "" for each ") when it holds a
 *   comma, a double quote, CR or LF, or starts or ends with a space or TAB.
 *   NULL is an empty field and the empty string is "" (so the two stay distinct; in a
 *   one-column result a NULL row is written as "" so that the row is not a blank line
 *   that readers skip).  INT is written in full ("%" PRId64).  REAL is written in fixed
 *   notation with a '.' decimal point (whatever LC_NUMERIC says), with the fewest decimals,
 *   at least 6, for which strtod reads back the very same double: 0.5 -> 0.500000,
 *   2.0/3 -> 0.6666666666666666, 1e20 -> 100000000000000000000.000000.  A non-finite
 *   REAL is an empty field, like NULL; -0.0 is written as 0.000000.  Other than the
 *   quoting, the bytes of TEXT are passed through unchanged (no UTF-8 check).
 *
 * json — an array with one object per row, keys being the column names in column order,
 * written with jansson, one row per line:
 *   [
 *     {"agent": "Zoë", "tickets": 3, "csat_pct": 87.5, "note": null}
 *   ]
 *   and "[]" when there are no rows; the output ends with "\n".  NULL and non-finite
 *   REAL -> null, INT -> integer, REAL -> number with the fewest significant digits
 *   (at most 17) that read back as the same double, written without a positive exponent
 *   up to 17 digits, always with a '.' or an exponent (3.0 -> 3.0, 100.0 -> 100.0,
 *   2.0/3 -> 0.6666666666666666, 1e20 -> 1e20, -0.0 -> 0.0), TEXT -> string (non-ASCII
 *   written as UTF-8, bytes that are not valid UTF-8 replaced by U+FFFD).  The same
 *   result set always gives the same bytes.  Two columns with the same name make
 *   SKPI_ERR_INTERNAL (a JSON object cannot hold both). */
#ifndef SUPPORTKPI_OUT_H
#define SUPPORTKPI_OUT_H

#include <stddef.h>
#include <stdio.h>

#include "supportkpi/err.h"
#include "supportkpi/result.h"

typedef enum out_format {
	OUT_TABLE,
	OUT_CSV,
	OUT_JSON
} out_format;

/* Parse a format name: "table", "csv" or "json" (exactly, lower case).  On success sets
 * *f; an unknown name (or NULL) returns SKPI_ERR_USAGE and leaves *f alone. */
skpi_err out_format_parse(const char *name, out_format *f);

/* The name of f ("table", "csv", "json"); "?" for a value outside the enum.  Static. */
const char *out_format_name(out_format f);

skpi_err out_table(FILE *fp, const skpi_result *rs);
skpi_err out_csv(FILE *fp, const skpi_result *rs);
skpi_err out_json(FILE *fp, const skpi_result *rs);

/* One row as a record, for a terminal: [title], then one line per column, "name  value
 * unit": names left-aligned, numbers right-aligned, values as out_table shows them ("-" for
 * NULL), the unit after a non-NULL value ("%", "min", "h", "points"; none for counts and
 * scores).  For a one-row result (the whole period) that is too wide to read as a table.
 * SKPI_ERR_INTERNAL when row is not a row of rs. */
skpi_err out_table_record(FILE *fp, const skpi_result *rs, size_t row);

/* out_table, out_csv or out_json, as f says (SKPI_ERR_INTERNAL for another value). */
skpi_err out_write(FILE *fp, const skpi_result *rs, out_format f);

/* The display width of UTF-8 text s in terminal columns, as the table format counts it:
 * most characters 1, East Asian wide and fullwidth characters (CJK ideographs, kana,
 * Hangul, fullwidth forms, common emoji) 2, combining marks and zero-width characters 0,
 * control characters and invalid bytes 1 (they print as '?').  NULL is 0. */
size_t out_text_width(const char *s);

#endif
