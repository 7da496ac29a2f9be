/* rowmap — from an export's header and fields to canonical values: header matching
 * (case-insensitive, any order, extra columns ignored, renamed by a mapping file), timestamp
 * parsing, the status vocabulary and the markers that mean "no value".  Knows no SQLite.
 *
 * Mapping file (INI, docs/mapping.md):
 *   [file]     encoding = GB18030      delimiter = ;      null = ?, NULL, N/A, -
 *              timestamp_format = %d/%m/%Y %H:%M
 *   [columns]  created_at = Date Created       (canonical name = header in the export)
 *   [formats]  resolved_at = %d-%m-%Y %H:%M    (a per-column timestamp format)
 *   [status]   resolved = Resolved, 已解决      (raw values meaning each canonical status) */
#ifndef SUPPORTKPI_ROWMAP_H
#define SUPPORTKPI_ROWMAP_H

#include <stddef.h>
#include <stdint.h>

#include "supportkpi/csvin.h"
#include "supportkpi/err.h"

typedef enum skpi_kind { SKPI_KIND_TICKETS, SKPI_KIND_SURVEYS, SKPI_KIND_ASSESSMENTS } skpi_kind;

/* "tickets" / "surveys" / "assessments" */
const char *skpi_kind_name(skpi_kind k);
/* 0 and *k set when name is a kind, else -1 */
int skpi_kind_parse(const char *name, skpi_kind *k);

enum rowmap_type {
	RM_TEXT,    /* any text */
	RM_KEY,     /* text that identifies a record (trimmed, must not be empty if required) */
	RM_TIME,    /* a timestamp */
	RM_INT,     /* an integer in [lo, hi] */
	RM_REAL,    /* a number in [lo, hi] */
	RM_STATUS,  /* a status, through the vocabulary */
	RM_MONTH    /* a month YYYY-MM */
};

typedef struct rowmap_col {
	const char *name;
	enum rowmap_type type;
	int required;
	double lo, hi;
} rowmap_col;

/* The canonical columns of a kind, in a fixed order; *n is set to their count. */
const rowmap_col *rowmap_columns(skpi_kind kind, size_t *n);
/* The index of a canonical column of kind, or -1. */
int rowmap_column_index(skpi_kind kind, const char *name);

#define ROWMAP_MAX_COLS 16

enum skpi_status { SKPI_ST_NONE = -1, SKPI_ST_OPEN, SKPI_ST_PENDING, SKPI_ST_RESOLVED, SKPI_ST_CLOSED };
/* "open" "pending" "resolved" "closed" */
const char *skpi_status_name(int st);

struct rowmap_vocab { char *raw; int status; };

typedef struct rowmap {
	skpi_kind kind;
	const rowmap_col *cols;
	size_t ncols;
	char *map_path;                     /* the mapping file, or NULL (owned) */
	const char *map_hint;               /* how the user gives a mapping file, ending the
					     * hints "... in a mapping file, and <map_hint>":
					     * "pass it with --map" (rowmap_init), or what the
					     * caller sets (static, not owned) */
	char *header[ROWMAP_MAX_COLS];      /* header name per column from [columns], or NULL */
	char *format[ROWMAP_MAX_COLS];      /* timestamp format per column, or NULL */
	char *default_format;               /* [file] timestamp_format, or NULL: the standard forms */
	char *encoding;                     /* NULL: UTF-8 */
	char delim;
	char **nulls;                       /* markers meaning "no value" */
	size_t nnulls;
	struct rowmap_vocab *vocab;
	size_t nvocab;
	int index[ROWMAP_MAX_COLS];         /* after rowmap_bind: field index, or -1 if absent */
	size_t header_fields;               /* after rowmap_bind: fields in the header row */
	char **header_names;                /* after rowmap_bind: the header as read (owned) */
} rowmap;

/* Set up the default mapping for kind (canonical headers, standard timestamp forms, the
 * default status vocabulary).  Release with rowmap_release. */
skpi_err rowmap_init(rowmap *m, skpi_kind kind);
void rowmap_release(rowmap *m);

/* Read a mapping file on top of the defaults.  Errors name the file and line. */
skpi_err rowmap_load(rowmap *m, const char *path, skpi_diag *d);

/* Match the header row.  A required column that is absent, or a mapped header that is not
 * in the file, is SKPI_ERR_HEADER naming the column and listing what the header holds. */
skpi_err rowmap_bind(rowmap *m, const csvin_row *header, const char *file, skpi_diag *d);

/* The field for canonical column c in row: NULL (and *len 0) when the column is absent,
 * the field is empty, or it holds a null marker; otherwise trimmed of spaces. */
const char *rowmap_field(const rowmap *m, const csvin_row *row, int c, size_t *len);

/* A parsed timestamp: wall = local reading as seconds since 1970 "as if UTC";
 * has_offset and offset (seconds east) when the text carried a zone (Z, +08:00). */
typedef struct rowmap_time {
	int64_t wall;
	int has_offset;
	long offset;
} rowmap_time;

/* Parse s (length n) with format fmt (NULL: the standard forms).  Formats use %Y %m %d %H
 * %M %S %y %b %p %I %z %T %%; a space matches one or more spaces.  Returns 0 on success,
 * -1 when s does not match or is not a real date/time. */
int rowmap_parse_time(const char *fmt, const char *s, size_t n, rowmap_time *t);

/* Parse canonical column c's value (a timestamp) with the column's format. */
int rowmap_time_of(const rowmap *m, int c, const char *s, size_t n, rowmap_time *t);

/* The canonical status for a raw value, or SKPI_ST_NONE when it is not in the vocabulary. */
int rowmap_status(const rowmap *m, const char *s, size_t n);

/* The format a column expects, for messages ("YYYY-MM-DD HH:MM[:SS]" or the format). */
const char *rowmap_time_form(const rowmap *m, int c);

#endif
