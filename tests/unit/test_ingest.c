/* test_ingest — the upsert rules of ingest_file, on small exports written to a temporary
 * directory and a fresh database per test: insert, update, unchanged, older rows not
 * applied, columns the export lacks kept, status history, the survey key and credit,
 * data-quality notes kept once, counts that add up, and a failed file leaving nothing.
 *
 * Expected values are worked out by hand in the comments. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supportkpi/ingest.h"
#include "supportkpi/store.h"
#include "supportkpi/tz.h"
#include "unit.h"

static char dir[64];
static char db_path[128];
static sqlite3 *db;
static skpi_tz *utc;

static void setup(void)
{
	skpi_diag d;

	snprintf(dir, sizeof dir, "/tmp/test_ingest_XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(db_path, sizeof db_path, "%s/t.db", dir);
	if (store_open(db_path, STORE_OPEN_CREATE, &db, &d) != SKPI_OK ||
	    skpi_tz_load("UTC", NULL, &utc, &d) != SKPI_OK) {
		printf("# setup: %s\n", d.msg);
		abort();
	}
}

static void teardown(void)
{
	char cmd[160];

	store_close(db);
	skpi_tz_free(utc);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
}

/* write text to DIR/name; the path is returned in path */
static void put(const char *name, const char *text, char path[160])
{
	FILE *fp;

	snprintf(path, 160, "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (!fp || fputs(text, fp) < 0 || fclose(fp) != 0)
		abort();
}

/* ingest text as kind; returns the error, fills st */
static skpi_err load(skpi_kind kind, const char *name, const char *text, ingest_stats *st)
{
	char path[160];
	ingest_opts o;
	skpi_diag d;
	skpi_err e;

	put(name, text, path);
	memset(&o, 0, sizeof o);
	o.kind = kind;
	o.path = path;
	o.tz = utc;
	skpi_diag_clear(&d);
	e = ingest_file(db, &o, st, &d);
	if (e)
		printf("# ingest '%s': %s\n", name, d.msg);
	return e;
}

/* the first column of the first row of sql, as text ("" for NULL, "?" for no row) */
static char *one_buf;
#define ONE_SIZE 512

static const char *one(const char *sql)
{
	char *buf = one_buf;
	size_t size = ONE_SIZE;
	sqlite3_stmt *st;

	snprintf(buf, size, "?");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(buf, size, "error: %s", sqlite3_errmsg(db));
		return buf;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(buf, size, "%s",
			 sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
	sqlite3_finalize(st);
	return buf;
}

#define COUNTS(st, r, i, u, n, j) do { \
		unsigned long long read_ = (st).read, ins_ = (st).inserted, upd_ = (st).updated, \
			same_ = (st).unchanged, rej_ = (st).rejected, sum_ = ins_ + upd_ + same_ + rej_; \
		CHECK_INT(read_, r); CHECK_INT(ins_, i); CHECK_INT(upd_, u); \
		CHECK_INT(same_, n); CHECK_INT(rej_, j); CHECK_INT(sum_, read_); \
	} while (0)
/* load(...) returns want */
#define LOADS(want, ...) do { skpi_err e_ = load(__VA_ARGS__); CHECK_INT(e_, want); } while (0)
/* the first column of sql's first row is want */
#define ONE(sql, want) do { const char *got_ = one(sql); CHECK_STR(got_, want); } while (0)

TEST(insert_then_update_then_unchanged)
{
	ingest_stats st;

	setup();
	/* two rows of T1 in one file: the second updates the first */
	LOADS(SKPI_OK, SKPI_KIND_TICKETS, "a.csv",
		       "ticket_id,created_at,status,agent\n"
		       "T1,2026-10-01 09:00,open,Ann\n"
		       "T2,2026-10-01 10:00,open,Bob\n"
		       "T1,2026-10-01 09:00,resolved,Ann\n", &st);
	COUNTS(st, 3, 2, 1, 0, 0);
	CHECK_INT(st.updated_in_file, 1);
	ONE(("SELECT status FROM tickets WHERE ticket_id = 'T1'"), "resolved");
	ONE(("SELECT source_line FROM tickets WHERE ticket_id = 'T1'"), "4");
	CHECK(st.previous_id == 0);
	/* the same bytes again: all unchanged, and it says it saw them before */
	LOADS(SKPI_OK, SKPI_KIND_TICKETS, "a.csv",
		       "ticket_id,created_at,status,agent\n"
		       "T1,2026-10-01 09:00,open,Ann\n"
		       "T2,2026-10-01 10:00,open,Bob\n"
		       "T1,2026-10-01 09:00,resolved,Ann\n", &st);
	/* line 2 (open) differs from the stored T1 (resolved) and has no updated_at to say it
	 * is older; but these bytes were loaded before, so nothing is applied at all */
	COUNTS(st, 3, 0, 0, 3, 0);
	ONE(("SELECT count(*) FROM ticket_status_history"), "3");
	ONE(("SELECT status FROM tickets WHERE ticket_id = 'T1'"), "resolved");
	CHECK_INT(st.previous_id, 1);
	/* the log has both ingests with their counts */
	ONE(("SELECT group_concat(inserted || '/' || updated || '/' || unchanged, ' ') FROM "
		      "(SELECT * FROM ingest_log ORDER BY ingest_id)"), "2/1/0 0/0/3");
	teardown();
}

TEST(older_rows_do_not_win)
{
	ingest_stats st;

	setup();
	LOADS(SKPI_OK, SKPI_KIND_TICKETS, "a.csv",
		       "ticket_id,created_at,status,updated_at\n"
		       "T1,2026-10-01 09:00,resolved,2026-10-03 09:00\n"
		       "T1,2026-10-01 09:00,open,2026-10-02 09:00\n", &st);
	/* line 3 is older than line 2's state: counted unchanged, noted, not applied */
	COUNTS(st, 2, 1, 0, 1, 0);
	CHECK_INT(st.dq_rows, 1);
	ONE(("SELECT status FROM tickets"), "resolved");
	ONE(("SELECT line || ' ' || column_name || ' ' || reason FROM data_quality"),
		  "3 updated_at older than the stored state of this ticket: not applied");
	/* the same file again: nothing new, not even that note */
	LOADS(SKPI_OK, SKPI_KIND_TICKETS, "a.csv",
		       "ticket_id,created_at,status,updated_at\n"
		       "T1,2026-10-01 09:00,resolved,2026-10-03 09:00\n"
		       "T1,2026-10-01 09:00,open,2026-10-02 09:00\n", &st);
	COUNTS(st, 2, 0, 0, 2, 0);
	CHECK_INT(st.dq_rows, 0);
	ONE(("SELECT count(*) FROM data_quality"), "1");
	teardown();
}

TEST(missing_columns_keep_their_values)
{
	ingest_stats st;

	setup();
	LOADS(SKPI_OK, SKPI_KIND_TICKETS, "a.csv", "ticket_id,created_at,agent,team,subject\n"
		       "T1,2026-10-01 09:00,Ann,Care,printer\n", &st);
	/* a later export without team and subject, and an empty agent: team and subject are
	 * kept (the export does not have them), agent becomes empty (it does, and it is) */
	LOADS(SKPI_OK, SKPI_KIND_TICKETS, "b.csv", "ticket_id,created_at,agent,status\n"
		       "T1,2026-10-01 09:00,,open\n", &st);
	COUNTS(st, 1, 0, 1, 0, 0);
	CHECK_INT(st.updated_in_file, 0); /* the update is of a row from a.csv */
	ONE(("SELECT coalesce(agent, 'NULL') || '|' || team || '|' || subject || '|' || status "
		      "FROM tickets"), "NULL|Care|printer|open");
	teardown();
}

TEST(status_history)
{
	ingest_stats st;

	setup();
	LOADS(SKPI_OK, SKPI_KIND_TICKETS, "a.csv",
		       "ticket_id,created_at,status,updated_at,agent\n"
		       "T1,2026-10-01 09:00,open,,Ann\n"              /* first status: at created_at */
		       "T1,2026-10-01 09:00,pending,2026-10-02 08:00,Ann\n"
		       "T1,2026-10-01 09:00,pending,2026-10-02 09:00,Bob\n" /* no change of status */
		       "T1,2026-10-01 09:00,resolved,2026-10-03 10:00,Bob\n", &st);
	COUNTS(st, 4, 1, 3, 0, 0);
	ONE(("SELECT group_concat(coalesce(old_status, '-') || '>' || new_status || '@' || changed_at "
		      "|| ':' || changed_ts, ' ') FROM (SELECT * FROM ticket_status_history ORDER BY source_line)"),
		  /* 2026-10-01 09:00 UTC = 1790845200; +23 h = 1790928000; +1 d 2 h = 1791021600 */
		  "->open@2026-10-01 09:00:00:1790845200 open>pending@2026-10-02 08:00:00:1790928000 "
		  "pending>resolved@2026-10-03 10:00:00:1791021600");
	teardown();
}

TEST(survey_key_and_credit)
{
	ingest_stats st;

	setup();
	/* no survey_id: the key is ticket_id @ submitted_at (as stored, so two spellings of the
	 * same time are one key); the second row updates the first */
	LOADS(SKPI_OK, SKPI_KIND_SURVEYS, "s.csv", "ticket_id,submitted_at,score\n"
		       "T1,2026-10-05 10:00,3\n"
		       "T1,2026-10-05T10:00:00Z,4\n", &st);
	COUNTS(st, 2, 1, 1, 0, 0);
	ONE(("SELECT survey_key || '|' || score || '|' || coalesce(credited_agent, 'NULL') FROM surveys"),
		  "T1 @ 2026-10-05 10:00:00|4|NULL");
	/* the ticket arrives: the survey is credited to its agent */
	LOADS(SKPI_OK, SKPI_KIND_TICKETS, "t.csv", "ticket_id,created_at,agent\nT1,2026-10-01 09:00,Ann\n", &st);
	ONE(("SELECT credited_agent FROM surveys"), "Ann");
	/* the survey again (unchanged) keeps the credit */
	LOADS(SKPI_OK, SKPI_KIND_SURVEYS, "s.csv", "ticket_id,submitted_at,score\n"
		       "T1,2026-10-05 10:00,4\n", &st);
	COUNTS(st, 1, 0, 0, 1, 0);
	ONE(("SELECT credited_agent FROM surveys"), "Ann");
	/* the ticket is reassigned to Bob: the credit stays Ann's (docs/metrics.md) */
	LOADS(SKPI_OK, SKPI_KIND_TICKETS, "t2.csv", "ticket_id,created_at,agent\nT1,2026-10-01 09:00,Bob\n", &st);
	ONE(("SELECT credited_agent FROM surveys"), "Ann");
	/* the survey loaded again with a changed score and no agent: still Ann's */
	LOADS(SKPI_OK, SKPI_KIND_SURVEYS, "s3.csv", "ticket_id,submitted_at,score\n"
		       "T1,2026-10-05 10:00,2\n", &st);
	COUNTS(st, 1, 0, 1, 0, 0);
	ONE(("SELECT credited_agent FROM surveys"), "Ann");
	/* a survey row naming Cid moves it */
	LOADS(SKPI_OK, SKPI_KIND_SURVEYS, "s4.csv", "ticket_id,submitted_at,score,agent\n"
		       "T1,2026-10-05 10:00,2,Cid\n", &st);
	ONE(("SELECT credited_agent FROM surveys"), "Cid");
	teardown();
}

TEST(long_names_are_credited_whole)
{
	ingest_stats st;
	char text[512], want[200];

	setup();
	/* a 150-byte agent name: credited to the survey in full, not cut */
	memset(want, 'n', 150);
	want[150] = '\0';
	snprintf(text, sizeof text, "ticket_id,created_at,agent\nT1,2026-10-01 09:00,%s\n", want);
	LOADS(SKPI_OK, SKPI_KIND_TICKETS, "t.csv", text, &st);
	LOADS(SKPI_OK, SKPI_KIND_SURVEYS, "s.csv", "ticket_id,submitted_at,score\nT1,2026-10-05 10:00,4\n", &st);
	ONE(("SELECT credited_agent FROM surveys"), want);
	teardown();
}

TEST(notes_are_kept_once)
{
	ingest_stats st;

	setup();
	LOADS(SKPI_OK, SKPI_KIND_TICKETS, "a.csv", "ticket_id,created_at,reopen_count,status\n"
		       "T1,2026-10-01 09:00,many,open\n", &st);
	CHECK_INT(st.dq_rows, 1);
	CHECK_INT(st.dq_notes, 1);
	/* a later export changes the status and repeats the bad count: updated, the note is
	 * not written a second time, but the row still carries it */
	LOADS(SKPI_OK, SKPI_KIND_TICKETS, "b.csv", "ticket_id,created_at,reopen_count,status\n"
		       "T1,2026-10-01 09:00,many,resolved\n", &st);
	COUNTS(st, 1, 0, 1, 0, 0);
	CHECK_INT(st.dq_rows, 1);
	CHECK_INT(st.dq_notes, 0);
	ONE(("SELECT count(*) FROM data_quality"), "1");
	teardown();
}

TEST(rejects_are_counted_and_written)
{
	ingest_stats st;
	char rej[200];
	FILE *fp;
	char buf[512] = "";
	size_t n;

	setup();
	LOADS(SKPI_OK, SKPI_KIND_TICKETS, "r.csv", "ticket_id,created_at\n"
		       ",2026-10-01 09:00\n"
		       "T2,tomorrow\n"
		       "T3,2026-10-01 09:00,extra\n"
		       "T4,2026-10-01 09:00\n", &st);
	COUNTS(st, 4, 1, 0, 0, 3);
	snprintf(rej, sizeof rej, "%s/r.rejects.csv", dir);
	CHECK(strcmp(st.rejects_path, rej) == 0);
	fp = fopen(rej, "r");
	CHECK(fp != NULL);
	if (fp) {
		n = fread(buf, 1, sizeof buf - 1, fp);
		buf[n] = '\0';
		fclose(fp);
	}
	CHECK_STR(buf, "line,reason,ticket_id,created_at\n"
		       "2,ticket_id is empty,,2026-10-01 09:00\n"
		       "3,\"created_at 'tomorrow' is not a timestamp (expected YYYY-MM-DD HH:MM[:SS], "
		       "YYYY/MM/DD HH:MM[:SS] or ISO 8601)\",T2,tomorrow\n"
		       "4,\"the row has 3 fields, the header has 2\",T3,2026-10-01 09:00,extra\n");
	teardown();
}

TEST(a_failed_file_leaves_nothing)
{
	ingest_stats st;
	char rej[200];

	setup();
	/* a rejected row, then an unterminated quote: the whole file is refused, no rows, no
	 * log entry, no notes, no rejects file */
	LOADS(SKPI_ERR_CSV, SKPI_KIND_TICKETS, "bad.csv", "ticket_id,created_at,reopen_count,subject\n"
		       "T1,2026-10-01 09:00,x,fine\n"
		       ",2026-10-01 09:00,1,no key\n"
		       "T2,2026-10-01 09:00,1,\"never closed\n", &st);
	ONE(("SELECT (SELECT count(*) FROM tickets) + (SELECT count(*) FROM ingest_log) + "
		      "(SELECT count(*) FROM data_quality) + (SELECT count(*) FROM ticket_status_history)"), "0");
	snprintf(rej, sizeof rej, "%s/bad.rejects.csv", dir);
	CHECK(access(rej, F_OK) != 0);
	CHECK_INT(st.inserted + st.updated + st.unchanged, 0);
	teardown();
}

int main(void)
{
	one_buf = malloc(ONE_SIZE);
	if (!one_buf)
		abort();
	RUN(insert_then_update_then_unchanged);
	RUN(older_rows_do_not_win);
	RUN(missing_columns_keep_their_values);
	RUN(status_history);
	RUN(survey_key_and_credit);
	RUN(long_names_are_credited_whole);
	RUN(notes_are_kept_once);
	RUN(rejects_are_counted_and_written);
	RUN(a_failed_file_leaves_nothing);
	free(one_buf);
	return unit_done();
}
