/* store — opening and migrating the database (see store.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "schema_sql.h"
#include "supportkpi/store.h"

const char *store_default_path(const char *opt)
{
	const char *env;

	if (opt && *opt)
		return opt;
	env = getenv("SUPPORTKPI_DB");
	if (env && *env)
		return env;
	return "supportkpi.db";
}

skpi_err store_fail(sqlite3 *db, int rc, const char *what, skpi_diag *d)
{
	int prim = rc & 0xff;
	skpi_err e = (prim == SQLITE_BUSY || prim == SQLITE_LOCKED) ? SKPI_ERR_BUSY
		   : prim == SQLITE_NOMEM ? SKPI_ERR_NOMEM
		   : (prim == SQLITE_IOERR || prim == SQLITE_FULL) ? SKPI_ERR_IO
		   : prim == SQLITE_CANTOPEN ? SKPI_ERR_NOINPUT
		   : prim == SQLITE_NOTADB ? SKPI_ERR_NOINPUT
		   : SKPI_ERR_DB;

	skpi_diag_set(d, e, NULL, 0, "%s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	if (e == SKPI_ERR_BUSY)
		skpi_diag_hint(d, "another supportkpi run holds the database; try again when it ends");
	else if (prim == SQLITE_NOTADB)
		skpi_diag_hint(d, "the file is not a supportkpi (SQLite) database; check --db");
	return e;
}

/* migrations are the schema files named NNNN_*.sql; their number is their version */
static int migration_number(const char *name)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		v = v * 10 + (name[i] - '0');
	}
	return name[4] == '_' ? v : 0;
}

int store_schema_version(void)
{
	int v = 0;

	for (const struct skpi_sql_file *f = skpi_sql_files; f->name; f++)
		if (migration_number(f->name) > v)
			v = migration_number(f->name);
	return v;
}

const char *store_sql(const char *name)
{
	for (const struct skpi_sql_file *f = skpi_sql_files; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f->text;
	return NULL;
}

/* how long to wait for another run's lock: $SUPPORTKPI_BUSY_TIMEOUT seconds (0-3600),
 * else 5 s */
static int busy_timeout_ms(void)
{
	const char *env = getenv("SUPPORTKPI_BUSY_TIMEOUT");
	char *end;
	long s;

	if (!env || !*env)
		return 5000;
	errno = 0;
	s = strtol(env, &end, 10);
	if (errno || *end || s < 0 || s > 3600)
		return 5000;
	return (int)(s * 1000);
}

static skpi_err migrate(sqlite3 *db, skpi_diag *d)
{
	sqlite3_stmt *st = NULL;
	int have = 0, rc;
	skpi_err e = SKPI_OK;
	char pragma[40];

	rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		e = store_fail(db, rc, "reading the schema version", d);
		goto out;
	}
	have = sqlite3_column_int(st, 0);
	if (have > store_schema_version()) {
		e = skpi_diag_set(d, SKPI_ERR_SCHEMA, NULL, 0,
				  "database schema version %d is newer than this supportkpi knows (%d)",
				  have, store_schema_version());
		skpi_diag_hint(d, "upgrade supportkpi to read this database");
		goto out;
	}
	if (have == store_schema_version())
		goto out;
	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		e = store_fail(db, rc, "starting the schema migration", d);
		goto out;
	}
	for (const struct skpi_sql_file *f = skpi_sql_files; f->name; f++) {
		int v = migration_number(f->name);
		char *msg = NULL;

		if (v <= have)
			continue;
		rc = sqlite3_exec(db, f->text, NULL, NULL, &msg);
		if (rc != SQLITE_OK) {
			e = skpi_diag_set(d, SKPI_ERR_DB, NULL, 0, "applying schema/%s: %s", f->name,
					  msg ? msg : sqlite3_errstr(rc));
			sqlite3_free(msg);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			goto out;
		}
	}
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", store_schema_version());
	rc = sqlite3_exec(db, pragma, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		e = store_fail(db, rc, "committing the schema migration", d);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
out:
	sqlite3_finalize(st);
	return e;
}

skpi_err store_open(const char *path, enum store_open_mode mode, sqlite3 **out, skpi_diag *d)
{
	sqlite3 *db = NULL;
	struct stat sb;
	int rc, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	skpi_err e = SKPI_OK;

	*out = NULL;
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT || mode == STORE_OPEN_EXISTING) {
			e = skpi_diag_set(d, SKPI_ERR_NOINPUT, path, 0, "cannot open the database: %s",
					  strerror(errno));
			if (errno == ENOENT)
				skpi_diag_hint(d, "create it with 'supportkpi init --db %s', or choose one "
					       "with --db or SUPPORTKPI_DB", path);
			return e;
		}
		flags |= SQLITE_OPEN_CREATE;
	} else if (!S_ISREG(sb.st_mode)) {
		return skpi_diag_set(d, SKPI_ERR_NOINPUT, path, 0, "the database is not a regular file");
	}
	rc = sqlite3_open_v2(path, &db, flags, NULL);
	if (rc != SQLITE_OK) {
		e = store_fail(db, rc, "cannot open the database", d);
		if (d)
			snprintf(d->file, sizeof d->file, "%s", path);
		goto out;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, busy_timeout_ms());
	rc = sqlite3_exec(db, "PRAGMA foreign_keys = OFF; PRAGMA journal_mode = DELETE;"
			      "PRAGMA synchronous = FULL; PRAGMA cache_size = -65536;"
			      "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		e = store_fail(db, rc, "cannot open the database", d);
		if (d)
			snprintf(d->file, sizeof d->file, "%s", path);
		goto out;
	}
	e = migrate(db, d);
	if (e && d && !d->file[0])
		snprintf(d->file, sizeof d->file, "%s", path);
out:
	if (e) {
		sqlite3_close(db);
		return e;
	}
	*out = db;
	return SKPI_OK;
}

void store_close(sqlite3 *db)
{
	sqlite3_close(db);
}

skpi_err store_timezone(sqlite3 *db, char *buf, size_t n, skpi_diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'timezone'", -1, &st, NULL);
	skpi_err e = SKPI_OK;

	if (rc != SQLITE_OK)
		return store_fail(db, rc, "reading the time zone", d);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
	else if (rc == SQLITE_DONE)
		snprintf(buf, n, "UTC");
	else
		e = store_fail(db, rc, "reading the time zone", d);
	sqlite3_finalize(st);
	return e;
}

skpi_err store_set_timezone(sqlite3 *db, const char *zone, skpi_diag *d)
{
	char cur[128];
	sqlite3_stmt *st = NULL;
	skpi_err e = store_timezone(db, cur, sizeof cur, d);
	int rc, rows = 0;

	if (e)
		return e;
	if (strcmp(cur, zone) == 0)
		goto write;
	rc = sqlite3_prepare_v2(db, "SELECT EXISTS (SELECT 1 FROM tickets) OR EXISTS (SELECT 1 FROM surveys)",
				-1, &st, NULL);
	if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		e = store_fail(db, rc, "checking the database", d);
		goto out;
	}
	rows = sqlite3_column_int(st, 0);
	if (rows) {
		e = skpi_diag_set(d, SKPI_ERR_CONFIG, NULL, 0,
				  "the database already holds local times in '%s'; it cannot change to '%s'",
				  cur, zone);
		skpi_diag_hint(d, "use a new database for the zone '%s'", zone);
		goto out;
	}
write:
	sqlite3_finalize(st);
	st = NULL;
	rc = sqlite3_prepare_v2(db, "INSERT INTO meta (key, value) VALUES ('timezone', ?1) "
				    "ON CONFLICT (key) DO UPDATE SET value = excluded.value", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, zone, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		e = store_fail(db, rc, "recording the time zone", d);
out:
	sqlite3_finalize(st);
	return e;
}
