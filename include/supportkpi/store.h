/* store — the SQLite database: opening and migrating it, the bulk upsert of tickets and
 * surveys, status history, data-quality notes and the ingest log.
 *
 * Schema migrations are the files schema/NNNN_*.sql, built into the library and applied in
 * order under PRAGMA user_version.  Other .sql files in schema/ (KPI queries) are not
 * migrations; fetch them with store_sql(). */
#ifndef SUPPORTKPI_STORE_H
#define SUPPORTKPI_STORE_H

#include <sqlite3.h>
#include <stdint.h>

#include "supportkpi/err.h"

/* The database path: opt if given, else $SUPPORTKPI_DB, else "supportkpi.db".  Borrowed. */
const char *store_default_path(const char *opt);

enum store_open_mode {
	STORE_OPEN_EXISTING, /* fail with SKPI_ERR_NOINPUT if the file does not exist */
	STORE_OPEN_CREATE    /* create it if missing */
};

/* Open the database at path, set the pragmas (rollback journal, synchronous = FULL, a busy
 * timeout of $SUPPORTKPI_BUSY_TIMEOUT seconds, default 5, for another run's lock), and apply
 * pending migrations.  A database whose user_version is newer than this program knows
 * fails with SKPI_ERR_SCHEMA.  On success *db is the caller's: close with store_close. */
skpi_err store_open(const char *path, enum store_open_mode mode, sqlite3 **db, skpi_diag *d);
void store_close(sqlite3 *db);

/* Schema version this program writes, and the one the open database has. */
int store_schema_version(void);

/* The text of the built-in schema file called name (e.g. "kpi_tickets.sql"), or NULL.
 * Static storage: do not free. */
const char *store_sql(const char *name);

/* The database's time zone (meta 'timezone', set at init; "UTC" when unset) into buf. */
skpi_err store_timezone(sqlite3 *db, char *buf, size_t n, skpi_diag *d);

/* Record the time zone at init.  Changing it on a database that already holds rows is
 * refused (SKPI_ERR_CONFIG): its stored local times would change meaning. */
skpi_err store_set_timezone(sqlite3 *db, const char *zone, skpi_diag *d);

/* Map an SQLite result code to skpi_err (SQLITE_BUSY/LOCKED -> SKPI_ERR_BUSY, ...) and
 * fill d with sqlite3_errmsg(db) and what. */
skpi_err store_fail(sqlite3 *db, int rc, const char *what, skpi_diag *d);

#endif
