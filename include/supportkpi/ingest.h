/* ingest — load one export file into the database: read (csvin), map (rowmap), validate,
 * upsert (one transaction per file), keep status history and data-quality notes, write the
 * rows that cannot be placed to a rejects CSV, and record the ingest.
 *
 * Counts always add up: read = inserted + updated + unchanged + rejected. */
#ifndef SUPPORTKPI_INGEST_H
#define SUPPORTKPI_INGEST_H

#include <sqlite3.h>
#include <stdint.h>

#include "supportkpi/err.h"
#include "supportkpi/rowmap.h"
#include "supportkpi/tz.h"

typedef struct ingest_opts {
	skpi_kind kind;
	const char *path;          /* the export */
	const char *map_path;      /* a mapping file, or NULL */
	const char *rejects_path;  /* NULL: beside the input, NAME.rejects.csv */
	const skpi_tz *tz;         /* the database's zone (borrowed) */
	/* called now and then with the bytes read so far and the file size (may be NULL) */
	void (*progress)(void *ctx, unsigned long long done, unsigned long long total);
	void *progress_ctx;
} ingest_opts;

typedef struct ingest_stats {
	int64_t ingest_id;          /* the ingest_log row */
	char sha256[65];            /* of the file's bytes, lower-case hex */
	unsigned long long read, inserted, updated, unchanged, rejected;
	unsigned long long updated_in_file; /* of updated: rows updating a key an earlier row
					     * of the same file had written */
	unsigned long long dq_rows;  /* rows of this file with a data-quality note */
	unsigned long long dq_notes; /* notes written */
	int64_t previous_id;        /* an earlier ingest of the same bytes, or 0 */
	char previous_at[32];       /* when it finished (UTC), if previous_id */
	char rejects_path[1024];    /* written when rejected > 0 (mode 0600: it holds whole rows) */
	char first_reject[512];     /* "line N: reason" of the first rejected row, or "" */
} ingest_stats;

/* Ingest one file.  On error nothing of the file is in the database, no rejects file is
 * left behind, and d says which file, which line, what was wrong and what to do. */
skpi_err ingest_file(sqlite3 *db, const ingest_opts *opts, ingest_stats *st, skpi_diag *d);

/* SHA-256 of a file's bytes as lower-case hex. */
skpi_err skpi_sha256_file(const char *path, char hex[65], skpi_diag *d);

#endif
