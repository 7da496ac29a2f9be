/* report — the unattended monthly run of `supportkpi report` (docs/cron.md): one run at a
 * time, the inbox of new exports, ingest and archive, the period's outputs written whole,
 * and a summary for the cron mail.  It knows the order of the steps, not their details:
 * ingest, kpi, rank, xlsx and plot do the work.
 *
 * The pieces, in the order a run uses them:
 *   report_settings_load   the [report] section of the config, checked (directories exist,
 *                          patterns and mapping files are valid) with 'FILE' line N
 *   report_lock            an exclusive flock(2) on a lock file: the kernel drops it when
 *                          the process dies, so a killed run never blocks the next one
 *   report_scan            the inbox: regular files, not hidden, sorted, each told apart by
 *                          the fnmatch(3) patterns of each kind
 *   report_run             ingest (skipping files whose SHA-256 is already in the ingest
 *                          log), archive each file only after its transaction committed,
 *                          then every output of the period into OUTDIR/<period>/
 *   report_out_*           an output file written under a temporary name in its directory,
 *                          flushed, fsync'd, given its mode and renamed into place
 *
 * The library never prints: steps are told to the caller's log function, and the outcome
 * is left in a report_summary.
 *
 * Ownership: report_settings_load fills a report_settings that the caller releases with
 * report_settings_release; report_scan returns an array the caller frees with
 * report_files_free; report_run fills a report_summary that the caller releases with
 * report_summary_release.  Everything reachable from them belongs to them. */
#ifndef SUPPORTKPI_REPORT_H
#define SUPPORTKPI_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "supportkpi/config.h"
#include "supportkpi/err.h"
#include "supportkpi/ingest.h"
#include "supportkpi/result.h"
#include "supportkpi/rowmap.h"

#define REPORT_NKINDS 3          /* tickets, surveys, assessments (skpi_kind order) */
#define REPORT_MODE_DEFAULT 0640 /* output files: rankings are confidential (the default
				    of [report] file_mode in lib/config.c) */

/* The [report] settings, paths made absolute against the config file's directory. */
typedef struct report_settings {
	char *db;                /* the database; NULL: $SUPPORTKPI_DB, else ./supportkpi.db */
	char *inbox;             /* directory of new exports */
	char *archive;           /* directory the ingested exports are moved to */
	char *outdir;            /* outputs go to OUTDIR/<period>/ */
	char *log_file;          /* steps are appended there; NULL: standard error */
	char *lock_file;         /* NULL: the database's path with ".lock" appended */
	char *patterns[REPORT_NKINDS]; /* comma-separated fnmatch patterns per kind, or NULL */
	char *maps[REPORT_NKINDS];     /* mapping file per kind, or NULL */
	mode_t file_mode;        /* of every output file (default 0640: rankings are
				    confidential); directories get x where r is set */
	char *period;            /* the default period ("last-month") */
	char *charts;            /* "png", "svg" or "none" */
} report_settings;

/* Read and check [report] of cfg (config_load has checked each value's type and range):
 * the inbox, archive and output directories must exist and be writable, so must the
 * directories of the database, log file and lock file; every mapping file must load;
 * a kind with a mapping file must have patterns, and some kind must; period must be a
 * period and charts png, svg or none; [ranking] must pass rank_settings_load and weigh
 * SLA compliance only when there are [sla NAME] rules.
 * SKPI_ERR_CONFIG with the file and the key's line otherwise (a mapping file's own errors
 * name that file and its line).  Nothing is created or changed. */
skpi_err report_settings_load(const skpi_config *cfg, report_settings *s, skpi_diag *d);
void report_settings_release(report_settings *s);

/* The lock file of s (lock_file, else DB.lock for the database path db).  Caller frees. */
char *report_lock_path(const report_settings *s, const char *db);

/* Take the lock at path (created with mode 0600 if missing) without waiting.  On success
 * *fd holds it until report_unlock (or the process ends).  Another holder: SKPI_ERR_BUSY,
 * saying since when (the holder writes its pid and start time into the file). */
skpi_err report_lock(const char *path, int *fd, skpi_diag *d);
void report_unlock(int fd);

/* What became of one file of the inbox. */
typedef enum report_state {
	REPORT_FILE_NEW,         /* matched, not ingested yet */
	REPORT_FILE_UNMATCHED,   /* no kind's pattern matches: left in the inbox */
	REPORT_FILE_AMBIGUOUS,   /* patterns of two kinds match: left in the inbox */
	REPORT_FILE_INGESTED,    /* ingested and archived */
	REPORT_FILE_DUPLICATE,   /* its bytes were ingested before: archived, not ingested */
	REPORT_FILE_FAILED       /* could not be ingested (diag says why): left in the inbox */
} report_state;

typedef struct report_file {
	char *name;              /* the file name in the inbox */
	char *path;              /* inbox/name */
	int kind;                /* skpi_kind, or -1 */
	report_state state;
	char sha256[65];         /* once read */
	int64_t previous_id;     /* DUPLICATE: the earlier ingest */
	char previous_at[32];
	ingest_stats st;         /* INGESTED */
	char *archived;          /* where it was moved, or NULL */
	skpi_diag diag;          /* FAILED (and an archiving failure) */
} report_file;

/* List the inbox of s: the entries whose names do not start with '.', directories left
 * out, in the order they are to be ingested (tickets, surveys, assessments, then the
 * rest; by name, bytewise, within each).  An entry that is not a regular file (a symbolic
 * link, a pipe) is UNMATCHED with diag saying so: it is never read or moved.  Caller frees
 * *files with report_files_free. */
skpi_err report_scan(const report_settings *s, report_file **files, size_t *n, skpi_diag *d);
void report_files_free(report_file *files, size_t n);

/* Move src into directory dir after it was committed: rename(2) when on the same file
 * system, else copy to a temporary name in dir, fsync, rename and unlink src; the
 * directory is fsync'd either way.  The name in dir is src's base name, or, when that is
 * taken by other bytes, NAME.<first 12 hex digits of sha256>.EXT; when it is taken by the
 * same bytes (sha256 given), src is only removed.  *dest (caller frees) is the path in
 * dir.  sha256 may be NULL (then computed). */
skpi_err report_archive(const char *src, const char *dir, const char *sha256, char **dest,
			skpi_diag *d);

/* The name report_archive would give src in dir now (caller frees): for the rejects file
 * of an ingest that is archived there.  NULL when out of memory. */
char *report_archive_name(const char *src, const char *dir, const char *sha256);

/* One output file written whole. */
typedef struct report_out {
	FILE *fp;                /* write here between open and commit */
	char *path;              /* the final name */
	char *tmp;               /* the temporary name in the same directory */
	mode_t mode;
} report_out;

/* Create a temporary file beside path (".NAME.report-tmp.XXXXXX", mode 0600). */
skpi_err report_out_open(report_out *o, const char *path, mode_t mode, skpi_diag *d);
/* Flush, fsync, set the mode, close, rename over path, fsync the directory. */
skpi_err report_out_commit(report_out *o, skpi_diag *d);
/* Remove the temporary file (after a failure); harmless after commit. */
void report_out_abort(report_out *o);
/* Give an existing temporary file (written by another module to o->tmp) its mode and
 * rename it over o->path, fsyncing it and the directory. */
skpi_err report_out_commit_file(report_out *o, skpi_diag *d);

/* Remove the temporary files a killed run left in dir (".*.report-tmp.*").  Call with the
 * lock held.  Returns how many were removed. */
size_t report_out_sweep(const char *dir);

/* Step logging: one call per step or event. */
typedef enum report_level { REPORT_INFO, REPORT_WARN, REPORT_ERROR } report_level;
typedef void (*report_log_fn)(void *ctx, report_level level, const char *msg);

typedef struct report_opts {
	skpi_config *cfg;              /* borrowed; its calendar is given the database's zone */
	const report_settings *s;      /* borrowed */
	const char *period;            /* NULL: s->period */
	int dry_run;                   /* say what would be done, change nothing */
	int64_t now;                   /* Unix seconds: "last-month" and a first run's as-of */
	report_log_fn log;             /* may be NULL */
	void *log_ctx;
} report_opts;

typedef struct report_summary {
	char period[32];               /* the period's label, e.g. "2026-10" */
	char outdir[1024];             /* OUTDIR/<period> */
	report_file *files;            /* the inbox as scanned, with what became of each */
	size_t nfiles;
	unsigned long long rows_read, inserted, updated, unchanged, rejected, dq_rows;
	skpi_result *headline;         /* the period's KPIs (one row), or NULL */
	char **written;                /* output files written (full paths), in order */
	size_t nwritten;
	char **warnings;               /* warnings, one line each */
	size_t nwarnings;
	int files_failed;              /* FAILED + AMBIGUOUS */
} report_summary;

/* Run the report: the caller holds the lock (unless dry_run).  Opens (creating it with the
 * [calendar] time zone if missing) the database of s, checks the time zone, ingests and
 * archives the inbox, then writes the period's outputs.  A file that cannot be ingested
 * is recorded in sum and left in the inbox; the run goes on.  The return is SKPI_OK or
 * the error that stopped the run (d says what); sum is filled as far as the run got. */
skpi_err report_run(const report_opts *o, report_summary *sum, skpi_diag *d);
void report_summary_release(report_summary *sum);

#endif
