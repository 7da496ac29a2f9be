/* ingest — load one export file into the database: read (csvin), map (rowmap), validate,
 * upsert (one transaction per file), keep status history and data-quality notes, write the
 * rows that cannot be placed to a rejects CSV, and record the ingest.
 *
 * Counts always add up: read = inserted + updated + unchanged + rejected.
 *
 * Threads: ingest_file reads, parses and maps the rows on a second thread of its own
 * (pthreads), joined before it returns, while the calling thread writes them to SQLite.
 * The connection is used by the calling thread only; the options (and the zone they point
 * to) are read by both threads and must not change during the call. */
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
	const char *map_hint;      /* how the user gives a mapping file, for the hints of
				    * errors a mapping file would fix ("... in a mapping file,
				    * and <map_hint>"); NULL: "pass it with --map" (static) */
	/* called now and then with the bytes read so far and the file size (may be NULL);
	 * always on the calling thread, never on the reader thread */
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
	/* where the time went, in seconds (elapsed, not CPU); the reader's and the writer's
	 * overlap, as the two threads run at once */
	double t_hash;              /* the first pass: SHA-256 of the file, to find a repeat */
	double t_read;              /* reader thread, busy: reading, parsing, mapping, rejects */
	double t_rows;              /* calling thread: the rows into SQLite (upsert, history,
				     * notes, credit) */
	double t_wait;              /* calling thread: waiting for the reader's rows */
	double t_index;             /* building the indexes set aside for a first load */
	double t_commit;            /* COMMIT: writing and syncing the database */
} ingest_stats;

/* Ingest one file.  On error nothing of the file is in the database, no rejects file is
 * left behind, and d says which file, which line, what was wrong and what to do. */
skpi_err ingest_file(sqlite3 *db, const ingest_opts *opts, ingest_stats *st, skpi_diag *d);

/* SHA-256 of a file's bytes as lower-case hex. */
skpi_err skpi_sha256_file(const char *path, char hex[65], skpi_diag *d);

#endif
