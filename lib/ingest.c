/* ingest — one export file into the database (see ingest.h). */
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "supportkpi/csvin.h"
#include "supportkpi/ingest.h"
#include "supportkpi/store.h"

#define MAX_DBCOLS 24
#define STALE_REASON "older than the stored state of this ticket: not applied"

/* How a table column gets its value from the mapped row. */
enum src { S_TEXT, S_WALL, S_TS, S_INT, S_REAL, S_STATUS, S_STATUS_RAW, S_KEY, S_CREDIT };

struct dbcol {
	const char *name;
	enum src src;
	const char *canon; /* the canonical column it comes from, or NULL (derived) */
};

struct table {
	const char *name;
	const char *key;
	const struct dbcol *cols;
	int ncols;
};

/* column positions, so that the code names them without looking them up per row */
enum { TC_ID, TC_CREATED_AT, TC_CREATED_TS, TC_FR_AT, TC_FR_TS, TC_RES_AT, TC_RES_TS,
       TC_CLOSED_AT, TC_CLOSED_TS, TC_UPD_AT, TC_UPD_TS, TC_STATUS, TC_STATUS_RAW };
enum { SC_KEY, SC_ID, SC_TICKET, SC_AGENT, SC_CREDIT, SC_SUB_AT, SC_SUB_TS };

static const struct dbcol ticket_dbcols[] = {
	[TC_ID] = { "ticket_id", S_TEXT, "ticket_id" },
	[TC_CREATED_AT] = { "created_at", S_WALL, "created_at" },
	[TC_CREATED_TS] = { "created_ts", S_TS, "created_at" },
	[TC_FR_AT] = { "first_response_at", S_WALL, "first_response_at" },
	[TC_FR_TS] = { "first_response_ts", S_TS, "first_response_at" },
	[TC_RES_AT] = { "resolved_at", S_WALL, "resolved_at" },
	[TC_RES_TS] = { "resolved_ts", S_TS, "resolved_at" },
	[TC_CLOSED_AT] = { "closed_at", S_WALL, "closed_at" },
	[TC_CLOSED_TS] = { "closed_ts", S_TS, "closed_at" },
	[TC_UPD_AT] = { "updated_at", S_WALL, "updated_at" },
	[TC_UPD_TS] = { "updated_ts", S_TS, "updated_at" },
	[TC_STATUS] = { "status", S_STATUS, "status" },
	[TC_STATUS_RAW] = { "status_raw", S_STATUS_RAW, "status" },
	{ "agent", S_TEXT, "agent" }, { "team", S_TEXT, "team" }, { "channel", S_TEXT, "channel" },
	{ "category", S_TEXT, "category" }, { "priority", S_TEXT, "priority" },
	{ "reopen_count", S_INT, "reopen_count" }, { "replies", S_INT, "replies" },
	{ "subject", S_TEXT, "subject" },
};

static const struct dbcol survey_dbcols[] = {
	[SC_KEY] = { "survey_key", S_KEY, NULL },
	[SC_ID] = { "survey_id", S_TEXT, "survey_id" },
	[SC_TICKET] = { "ticket_id", S_TEXT, "ticket_id" },
	[SC_AGENT] = { "agent", S_TEXT, "agent" },
	[SC_CREDIT] = { "credited_agent", S_CREDIT, NULL },
	[SC_SUB_AT] = { "submitted_at", S_WALL, "submitted_at" },
	[SC_SUB_TS] = { "submitted_ts", S_TS, "submitted_at" },
	{ "score", S_INT, "score" }, { "nps", S_INT, "nps" }, { "attitude", S_INT, "attitude" },
	{ "skill", S_INT, "skill" }, { "timeliness", S_INT, "timeliness" },
	{ "follow_through", S_INT, "follow_through" },
};

enum { AC_KEY, AC_AGENT, AC_PERIOD, AC_SCORE, AC_ASSESSOR };

static const struct dbcol assessment_dbcols[] = {
	[AC_KEY] = { "assessment_key", S_KEY, NULL },
	[AC_AGENT] = { "agent", S_TEXT, "agent" },
	[AC_PERIOD] = { "period", S_TEXT, "period" },
	[AC_SCORE] = { "score", S_REAL, "score" },
	[AC_ASSESSOR] = { "assessor", S_TEXT, "assessor" },
};

static const struct table tables[] = {
	[SKPI_KIND_TICKETS] = { "tickets", "ticket_id", ticket_dbcols,
				(int)(sizeof ticket_dbcols / sizeof ticket_dbcols[0]) },
	[SKPI_KIND_SURVEYS] = { "surveys", "survey_key", survey_dbcols,
				(int)(sizeof survey_dbcols / sizeof survey_dbcols[0]) },
	[SKPI_KIND_ASSESSMENTS] = { "assessments", "assessment_key", assessment_dbcols,
				    (int)(sizeof assessment_dbcols / sizeof assessment_dbcols[0]) },
};

/* a value of the row being loaded; s points into the csv row, the stored row or buf */
struct val {
	int null;
	int64_t i;
	double r;
	const char *s;
	size_t n;
	char buf[64];
};

/* one data-quality note of the row being loaded */
struct note {
	const char *column;
	char raw[256];
	size_t raw_len;
	char reason[160];
};

/* The work is split between two threads (docs/design.md, "Speed"):
 *   the reader (struct rd, its own thread) reads the file, feeds SHA-256 and csvin, maps
 *     each row, writes the rejects file, and packs the mapped rows into batches;
 *   the writer (struct ing, the calling thread) takes the batches in file order and does
 *     everything SQLite: upsert, history, notes, credit, the counts.
 * They share nothing but the read-only options and table, and the queue (struct pipe),
 * which holds at most NBATCH batches: memory stays flat whatever the size of the file. */

/* the writer: the connection, its statements and the counts (the calling thread only) */
struct ing {
	sqlite3 *db;
	const ingest_opts *o;
	ingest_stats *st;
	const struct table *t;
	int present[MAX_DBCOLS];   /* the export has the column (else it keeps its value) */
	struct val v[MAX_DBCOLS];  /* the row being written, unpacked from its batch */
	struct note notes[ROWMAP_MAX_COLS + 2];
	int nnotes;
	sqlite3_stmt *ins, *sel, *upd, *hist, *dq, *credit, *dq_seen;
	int repeat;                /* these bytes were ingested before: change nothing */
	char map_sha[65];          /* SHA-256 of the mapping file, or "" */
	char *credit_buf;          /* the ticket's agent, for credited_agent */
	size_t credit_cap;
	char **idx_sql;            /* indexes dropped for the load, rebuilt before COMMIT */
	int nidx;
};

#define NBATCH 4               /* batches in flight: one being filled, one being written */
#define BATCH_ROWS 1024
#define BATCH_TEXT (1u << 20)  /* a batch is sealed when its text passes this too */
#define NO_TEXT ((size_t)-1)

/* a value on its way to the writer: its text (NUL-terminated) at off in the batch's text */
struct pval {
	int null;
	int64_t i;
	double r;
	size_t off, n;
};

struct prow {
	long line;
	int rejected;              /* written to the rejects file by the reader */
	size_t why;                /* rejected: "line N: reason" for first_reject, or NO_TEXT */
	size_t first_note;         /* notes[first_note .. + nnotes] of the batch */
	int nnotes;
	struct pval v[MAX_DBCOLS];
};

struct batch {
	struct prow *rows;         /* BATCH_ROWS of them */
	size_t nrows;
	char *text;                /* the values' bytes, copied out of csvin's row buffer */
	size_t text_len, text_cap;
	struct note *notes;
	size_t nnotes, notes_cap;
	int present[MAX_DBCOLS];
	unsigned long long bytes;  /* of the file read when the batch was sealed (progress) */
	struct batch *next;
};

/* the queue between the two threads: mu guards the lists and the fields after them; a
 * batch off the lists belongs to the thread that took it */
struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t to_writer;  /* a batch is full, or the reader is done */
	pthread_cond_t to_reader;  /* a batch is free, or the writer has given up */
	struct batch slot[NBATCH];
	struct batch *free_list;
	struct batch *full_head, *full_tail; /* in file order */
	int done;                  /* the reader has sealed its last batch */
	int cancel;                /* the writer failed: the reader stops */
	skpi_err err;              /* the reader's error, which comes after its last row */
	skpi_diag diag;
};

/* the reader: the file, csvin, the mapping and the rejects file (the reader thread only,
 * and the calling thread before it starts and after it is joined) */
struct rd {
	const ingest_opts *o;
	const struct table *t;
	ingest_stats *st;          /* its own: rejected, first_reject, rejects_path, sha256 */
	rowmap map;
	int have_header;
	int canon_of[MAX_DBCOLS];  /* canonical column index per db column, -1 derived */
	int present[MAX_DBCOLS];
	struct val v[MAX_DBCOLS];
	struct note notes[ROWMAP_MAX_COLS + 2];
	int nnotes;
	char key_buf[512];
	FILE *rej;
	char rej_tmp[1100];
	FILE *fp;
	char *buf;                 /* 64 KiB */
	csvin csv;
	struct pipe *p;
	struct batch *cur;         /* being filled */
	int stopped;               /* the writer cancelled: stop, report nothing */
	double busy;               /* seconds at work, not waiting for a free batch */
};

/* --- small helpers ---------------------------------------------------------------- */

static skpi_err db_fail(struct ing *g, int rc, const char *what, skpi_diag *d)
{
	skpi_err e = store_fail(g->db, rc, what, d);

	if (d && !d->file[0])
		snprintf(d->file, sizeof d->file, "%s", g->o->path);
	return e;
}

/* add a note to notes[*nnotes] (ROWMAP_MAX_COLS + 2 of them) */
static void add_note(struct note *notes, int *nnotes, const char *column, const char *raw, size_t n,
		     const char *reason, const char *detail)
{
	struct note *nt;

	if (*nnotes >= ROWMAP_MAX_COLS + 2)
		return;
	nt = &notes[(*nnotes)++];
	nt->column = column;
	nt->raw_len = n < sizeof nt->raw ? n : sizeof nt->raw - 1;
	if (raw)
		memcpy(nt->raw, raw, nt->raw_len);
	nt->raw[nt->raw_len] = '\0';
	snprintf(nt->reason, sizeof nt->reason, "%s%s", reason, detail ? detail : "");
}

/* write one CSV field, quoted when it needs to be */
static void put_field(FILE *fp, const char *s, size_t n)
{
	int q = n && (s[0] == ' ' || s[n - 1] == ' ');

	for (size_t i = 0; i < n && !q; i++)
		q = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!q) {
		fwrite(s, 1, n, fp);
		return;
	}
	putc('"', fp);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			putc('"', fp);
		putc(s[i], fp);
	}
	putc('"', fp);
}

static skpi_err open_rejects(struct rd *g, skpi_diag *d)
{
	const char *path = g->st->rejects_path;

	int fd;

	snprintf(g->rej_tmp, sizeof g->rej_tmp, "%s.tmp.%ld", path, (long)getpid());
	/* whole rows of the export (names, e-mail addresses): readable by the owner only */
	fd = open(g->rej_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	g->rej = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!g->rej && fd >= 0)
		close(fd);
	if (!g->rej) {
		skpi_diag_set(d, SKPI_ERR_CREATE, path, 0, "cannot write the rejects file: %s",
			      strerror(errno));
		skpi_diag_hint(d, "choose a writable place with --rejects FILE");
		return SKPI_ERR_CREATE;
	}
	fputs("line,reason", g->rej);
	for (size_t f = 0; f < g->map.header_fields; f++) {
		putc(',', g->rej);
		put_field(g->rej, g->map.header_names[f], strlen(g->map.header_names[f]));
	}
	putc('\n', g->rej);
	return SKPI_OK;
}

static skpi_err reject(struct rd *g, const csvin_row *row, const char *reason, skpi_diag *d)
{
	skpi_err e;

	g->st->rejected++;
	if (!g->st->first_reject[0])
		snprintf(g->st->first_reject, sizeof g->st->first_reject, "line %ld: %.440s", row->line,
			 reason);
	if (!g->rej && (e = open_rejects(g, d)) != SKPI_OK)
		return e;
	fprintf(g->rej, "%ld,", row->line);
	put_field(g->rej, reason, strlen(reason));
	for (size_t f = 0; f < row->nfields; f++) {
		putc(',', g->rej);
		if (row->fields[f])
			put_field(g->rej, row->fields[f], row->lens[f]);
	}
	putc('\n', g->rej);
	if (ferror(g->rej)) {
		skpi_diag_set(d, SKPI_ERR_IO, g->st->rejects_path, 0, "write error on the rejects file");
		return SKPI_ERR_IO;
	}
	return SKPI_OK;
}

/* --- statements ------------------------------------------------------------------- */

static skpi_err prepare(struct ing *g, sqlite3_stmt **st, const char *sql, skpi_diag *d)
{
	int rc = sqlite3_prepare_v3(g->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);

	return rc == SQLITE_OK ? SKPI_OK : db_fail(g, rc, "preparing a statement", d);
}

/* The upsert statements are made from the fixed column lists above (never from data). */
static skpi_err prepare_all(struct ing *g, skpi_diag *d)
{
	const struct table *t = g->t;
	char cols[1024] = "", params[512] = "", sets[2048] = "", sql[4096];
	size_t oc = 0, op = 0, os = 0;
	skpi_err e;

	for (int i = 0; i < t->ncols; i++) {
		oc += (size_t)snprintf(cols + oc, sizeof cols - oc, "%s%s", i ? ", " : "", t->cols[i].name);
		op += (size_t)snprintf(params + op, sizeof params - op, "%s?%d", i ? ", " : "", i + 1);
		if (i)
			os += (size_t)snprintf(sets + os, sizeof sets - os, "%s = ?%d, ", t->cols[i].name, i + 1);
	}
	snprintf(sql, sizeof sql, "INSERT INTO %s (%s, ingest_id, source_line) VALUES (%s, ?%d, ?%d) "
		 "ON CONFLICT (%s) DO NOTHING", t->name, cols, params, t->ncols + 1, t->ncols + 2, t->key);
	if ((e = prepare(g, &g->ins, sql, d)))
		return e;
	/* the stored row, and which ingest wrote it (column ncols) */
	snprintf(sql, sizeof sql, "SELECT %s, ingest_id FROM %s WHERE %s = ?1", cols, t->name, t->key);
	if ((e = prepare(g, &g->sel, sql, d)))
		return e;
	snprintf(sql, sizeof sql, "UPDATE %s SET %singest_id = ?%d, source_line = ?%d WHERE %s = ?1",
		 t->name, sets, t->ncols + 1, t->ncols + 2, t->key);
	if ((e = prepare(g, &g->upd, sql, d)))
		return e;
	if ((e = prepare(g, &g->dq, "INSERT INTO data_quality (ingest_id, kind, record_key, line, "
			 "column_name, raw_value, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", d)))
		return e;
	if ((e = prepare(g, &g->dq_seen, "SELECT EXISTS (SELECT 1 FROM data_quality WHERE kind = ?1 "
			 "AND record_key = ?2 AND column_name = ?3 AND raw_value IS ?4 AND reason = ?5)", d)))
		return e;
	if (g->o->kind == SKPI_KIND_TICKETS &&
	    (e = prepare(g, &g->hist, "INSERT INTO ticket_status_history (ticket_id, changed_at, "
			 "changed_ts, old_status, new_status, ingest_id, source_line) "
			 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", d)))
		return e;
	if (g->o->kind == SKPI_KIND_SURVEYS &&
	    (e = prepare(g, &g->credit, "SELECT agent FROM tickets WHERE ticket_id = ?1", d)))
		return e;
	return SKPI_OK;
}

static void finalize_all(struct ing *g)
{
	sqlite3_finalize(g->ins);
	sqlite3_finalize(g->sel);
	sqlite3_finalize(g->upd);
	sqlite3_finalize(g->dq);
	sqlite3_finalize(g->hist);
	sqlite3_finalize(g->credit);
	sqlite3_finalize(g->dq_seen);
}

static int bind_val(sqlite3_stmt *st, int i, const struct val *v, enum src src)
{
	if (v->null)
		return sqlite3_bind_null(st, i);
	switch (src) {
	case S_TS:
	case S_INT:
	case S_STATUS:
		if (src == S_STATUS)
			return sqlite3_bind_text(st, i, v->s, -1, SQLITE_STATIC);
		return sqlite3_bind_int64(st, i, v->i);
	case S_REAL:
		return sqlite3_bind_double(st, i, v->r);
	default:
		/* static: the values live until the statement is reset (see upsert) */
		return sqlite3_bind_text(st, i, v->s, (int)v->n, SQLITE_STATIC);
	}
}

static skpi_err bind_row(struct ing *g, sqlite3_stmt *st, long line)
{
	int rc = SQLITE_OK;

	for (int i = 0; i < g->t->ncols && rc == SQLITE_OK; i++)
		rc = bind_val(st, i + 1, &g->v[i], g->t->cols[i].src);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, g->t->ncols + 1, g->st->ingest_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, g->t->ncols + 2, line);
	return rc;
}

/* --- mapping one row --------------------------------------------------------------- */

static void set_text(struct val *v, const char *s, size_t n)
{
	v->null = s == NULL;
	v->s = s;
	v->n = n;
}

/* canonical column c for messages: "created_at", or "created_at ('Date Created')" when a
 * mapping file renamed it, so that the user finds it in the export */
static const char *col_label(const rowmap *m, int c, char *buf, size_t n)
{
	if (!m->header[c])
		return m->cols[c].name;
	snprintf(buf, n, "%s ('%s')", m->cols[c].name, m->header[c]);
	return buf;
}

/* Fill g->v from the csv row.  Returns a reason to reject the row, or NULL. */
static const char *map_row(struct rd *g, const csvin_row *row, char *why, size_t whysz)
{
	const rowmap *m = &g->map;
	const struct table *t = g->t;
	rowmap_time tm[ROWMAP_MAX_COLS];
	int tm_ok[ROWMAP_MAX_COLS] = { 0 };

	g->nnotes = 0;
	if (row->nfields != m->header_fields) {
		snprintf(why, whysz, "the row has %zu fields, the header has %zu", row->nfields,
			 m->header_fields);
		return why;
	}
	/* timestamps and required columns first */
	for (size_t c = 0; c < m->ncols; c++) {
		size_t n;
		const char *s = rowmap_field(m, row, (int)c, &n);
		char label[192];

		if (!s && m->cols[c].required) {
			snprintf(why, whysz, "%s is empty", col_label(m, (int)c, label, sizeof label));
			return why;
		}
		if (s && m->cols[c].type == RM_TIME) {
			if (rowmap_time_of(m, (int)c, s, n, &tm[c]) == 0) {
				tm_ok[c] = 1;
			} else if (m->cols[c].required) {
				char val[128];

				skpi_printable(val, sizeof val, s, n);
				snprintf(why, whysz, "%s '%s' is not a timestamp (expected %s)",
					 col_label(m, (int)c, label, sizeof label), val, rowmap_time_form(m, (int)c));
				return why;
			} else {
				add_note(g->notes, &g->nnotes, m->cols[c].name, s, n,
					 "not a timestamp; expected ", rowmap_time_form(m, (int)c));
			}
		}
		if (s && m->cols[c].type == RM_KEY && m->cols[c].required && n == 0) {
			snprintf(why, whysz, "%s is empty", col_label(m, (int)c, label, sizeof label));
			return why;
		}
	}
	for (int i = 0; i < t->ncols; i++) {
		const struct dbcol *dc = &t->cols[i];
		struct val *v = &g->v[i];
		int c = g->canon_of[i];
		size_t n = 0;
		const char *s = c >= 0 ? rowmap_field(m, row, c, &n) : NULL;

		memset(v, 0, offsetof(struct val, buf));
		v->null = 1;
		switch (dc->src) {
		case S_TEXT:
			set_text(v, s, n);
			break;
		case S_WALL:
		case S_TS:
			if (s && tm_ok[c]) {
				int64_t inst, wall;

				if (tm[c].has_offset) {
					inst = tm[c].wall - tm[c].offset;
					wall = skpi_tz_to_wall(g->o->tz, inst);
				} else {
					inst = skpi_tz_from_wall(g->o->tz, tm[c].wall, NULL);
					wall = skpi_tz_to_wall(g->o->tz, inst);
				}
				v->null = 0;
				if (dc->src == S_TS) {
					v->i = inst;
				} else {
					skpi_wall_format(wall, v->buf);
					v->s = v->buf;
					v->n = 19;
				}
			}
			break;
		case S_INT:
		case S_REAL:
			if (s) {
				char tmp[64], *end;
				double x;

				if (n >= sizeof tmp) {
					add_note(g->notes, &g->nnotes, dc->canon, s, n, "not a number", NULL);
					break;
				}
				memcpy(tmp, s, n);
				tmp[n] = '\0';
				errno = 0;
				x = strtod(tmp, &end);
				if (end == tmp || *end || errno || x != x) {
					add_note(g->notes, &g->nnotes, dc->canon, s, n, "not a number", NULL);
				} else if (dc->src == S_INT && x != (double)(int64_t)x) {
					add_note(g->notes, &g->nnotes, dc->canon, s, n, "not a whole number",
						 NULL);
				} else if (x < m->cols[c].lo || x > m->cols[c].hi) {
					char range[64];

					snprintf(range, sizeof range, "outside %g-%g", m->cols[c].lo, m->cols[c].hi);
					add_note(g->notes, &g->nnotes, dc->canon, s, n, range, NULL);
				} else {
					v->null = 0;
					v->i = (int64_t)x;
					v->r = x;
				}
			}
			break;
		case S_STATUS:
			if (s) {
				int stt = rowmap_status(m, s, n);

				if (stt == SKPI_ST_NONE)
					add_note(g->notes, &g->nnotes, "status", s, n,
						 "not in the status vocabulary (add it under [status] in the mapping file)", NULL);
				else {
					v->null = 0;
					v->s = skpi_status_name(stt);
					v->n = strlen(v->s);
				}
			}
			break;
		case S_STATUS_RAW:
			set_text(v, s, n);
			break;
		case S_KEY:
		case S_CREDIT:
			break; /* derived below */
		}
	}
	return NULL;
}

/* checks across fields: a time before creation is not a real time */
static void check_ticket_times(struct rd *g, const csvin_row *row)
{
	static const int after[][2] = { { TC_FR_AT, TC_FR_TS }, { TC_RES_AT, TC_RES_TS },
					{ TC_CLOSED_AT, TC_CLOSED_TS } };

	for (int k = 0; k < 3; k++) {
		int ia = after[k][0], it = after[k][1];

		if (!g->v[it].null && g->v[it].i < g->v[TC_CREATED_TS].i) {
			size_t n;
			const char *raw = rowmap_field(&g->map, row, g->canon_of[ia], &n);

			char label[192];

			add_note(g->notes, &g->nnotes, g->t->cols[ia].name, raw, n, "before ",
				 col_label(&g->map, g->canon_of[TC_CREATED_AT], label, sizeof label));
			g->v[ia].null = g->v[it].null = 1;
		}
	}
}

/* derived survey columns: the key, and whom the survey is credited to */
static const char *derive_survey(struct rd *g, char *why, size_t whysz)
{
	struct val *key = &g->v[SC_KEY];
	const struct val *sid = &g->v[SC_ID];
	const struct val *tid = &g->v[SC_TICKET];
	const struct val *sub = &g->v[SC_SUB_AT];

	if (!sid->null) {
		set_text(key, sid->s, sid->n);
	} else if (!tid->null && !sub->null) {
		int n = snprintf(g->key_buf, sizeof g->key_buf, "%.*s @ %s", (int)tid->n, tid->s, sub->s);

		if (n < 0 || (size_t)n >= sizeof g->key_buf) { /* a cut key could name another survey */
			snprintf(why, whysz, "no survey_id, and ticket_id is too long (over %zu bytes) to key "
				 "the survey", sizeof g->key_buf - 23);
			return why;
		}
		set_text(key, g->key_buf, (size_t)n);
	} else {
		snprintf(why, whysz, "survey_id and ticket_id are both empty");
		return why;
	}
	return NULL;
}

/* "YYYY-MM" with a month 01-12 */
static int is_month(const char *p, size_t n)
{
	if (n != 7 || p[4] != '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (i != 4 && (p[i] < '0' || p[i] > '9'))
			return 0;
	return (p[5] == '0' && p[6] != '0') || (p[5] == '1' && p[6] <= '2');
}

/* derived assessment columns: the period checked, the key (schema/0003_assessments.sql) */
static const char *derive_assessment(struct rd *g, const csvin_row *row, char *why, size_t whysz)
{
	const struct val *agent = &g->v[AC_AGENT];
	const struct val *per = &g->v[AC_PERIOD];
	const struct val *who = &g->v[AC_ASSESSOR];
	char shown[128];
	int n;

	if (per->null || !is_month(per->s, per->n)) {
		skpi_printable(shown, sizeof shown, per->null ? "" : per->s, per->null ? 0 : per->n);
		snprintf(why, whysz, "period '%s' is not a month YYYY-MM", shown);
		return why;
	}
	if (g->v[AC_SCORE].null) {
		size_t len;
		const char *raw = rowmap_field(&g->map, row, g->canon_of[AC_SCORE], &len);

		skpi_printable(shown, sizeof shown, raw ? raw : "", raw ? len : 0);
		snprintf(why, whysz, "score '%s' is not a number from 0 to 100", shown);
		return why;
	}
	n = snprintf(g->key_buf, sizeof g->key_buf, "%.*s @ %.7s @ %.*s", (int)agent->n, agent->s, per->s,
		     who->null ? 0 : (int)who->n, who->null ? "" : who->s);
	set_text(&g->v[AC_KEY], g->key_buf,
		 (size_t)n < sizeof g->key_buf ? (size_t)n : sizeof g->key_buf - 1);
	return NULL;
}

static skpi_err credit_survey(struct ing *g, const struct val *stored_credit, skpi_diag *d)
{
	struct val *cr = &g->v[SC_CREDIT];
	const struct val *agent = &g->v[SC_AGENT];
	const struct val *tid = &g->v[SC_TICKET];
	int rc;

	if (!agent->null) {
		*cr = *agent;
		return SKPI_OK;
	}
	/* the credit is fixed when the survey is first credited (docs/metrics.md, "Who gets
	 * the credit after a reassignment"): a survey loaded again without an agent named on
	 * it keeps it, even if its ticket has changed hands since */
	if (stored_credit && !stored_credit->null) {
		*cr = *stored_credit;
		return SKPI_OK;
	}
	cr->null = 1;
	if (!tid->null) {
		sqlite3_bind_text(g->credit, 1, tid->s, (int)tid->n, SQLITE_STATIC);
		rc = sqlite3_step(g->credit);
		if (rc == SQLITE_ROW && sqlite3_column_type(g->credit, 0) != SQLITE_NULL) {
			const char *a = (const char *)sqlite3_column_text(g->credit, 0);
			size_t n = (size_t)sqlite3_column_bytes(g->credit, 0);

			/* copied whole (the statement's text dies at reset), never cut */
			if (n + 1 > g->credit_cap) {
				char *b = realloc(g->credit_buf, n + 1);

				if (!b) {
					sqlite3_reset(g->credit);
					return skpi_diag_set(d, SKPI_ERR_NOMEM, g->o->path, 0, "out of memory");
				}
				g->credit_buf = b;
				g->credit_cap = n + 1;
			}
			memcpy(g->credit_buf, a, n);
			g->credit_buf[n] = '\0';
			set_text(cr, g->credit_buf, n);
		} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			sqlite3_reset(g->credit);
			return db_fail(g, rc, "looking up the survey's ticket", d);
		}
		sqlite3_reset(g->credit);
	}
	return SKPI_OK;
}

/* --- writing ----------------------------------------------------------------------- */

/* 1 when the same note (record, column, raw value, reason) is already stored: loading the
 * same rows again, or a later export repeating a bad value, adds no second note */
static int note_seen(struct ing *g, const struct val *key, const struct note *nt, int *seen)
{
	int rc;

	sqlite3_bind_text(g->dq_seen, 1, skpi_kind_name(g->o->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(g->dq_seen, 2, key->s, (int)key->n, SQLITE_STATIC);
	sqlite3_bind_text(g->dq_seen, 3, nt->column, -1, SQLITE_STATIC);
	if (nt->raw_len)
		sqlite3_bind_text(g->dq_seen, 4, nt->raw, (int)nt->raw_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(g->dq_seen, 4);
	sqlite3_bind_text(g->dq_seen, 5, nt->reason, -1, SQLITE_STATIC);
	rc = sqlite3_step(g->dq_seen);
	*seen = rc == SQLITE_ROW && sqlite3_column_int(g->dq_seen, 0);
	sqlite3_reset(g->dq_seen);
	return rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static skpi_err write_notes(struct ing *g, const struct val *key, long line, skpi_diag *d)
{
	for (int k = 0; k < g->nnotes; k++) {
		const struct note *nt = &g->notes[k];
		int rc, seen;

		if ((rc = note_seen(g, key, nt, &seen)) != SQLITE_OK)
			return db_fail(g, rc, "reading the data-quality notes", d);
		if (seen)
			continue;

		sqlite3_bind_int64(g->dq, 1, g->st->ingest_id);
		sqlite3_bind_text(g->dq, 2, skpi_kind_name(g->o->kind), -1, SQLITE_STATIC);
		sqlite3_bind_text(g->dq, 3, key->s, (int)key->n, SQLITE_TRANSIENT);
		sqlite3_bind_int64(g->dq, 4, line);
		sqlite3_bind_text(g->dq, 5, nt->column, -1, SQLITE_STATIC);
		if (nt->raw_len)
			sqlite3_bind_text(g->dq, 6, nt->raw, (int)nt->raw_len, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(g->dq, 6);
		sqlite3_bind_text(g->dq, 7, nt->reason, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(g->dq);
		sqlite3_reset(g->dq);
		if (rc != SQLITE_DONE)
			return db_fail(g, rc, "writing a data-quality note", d);
		g->st->dq_notes++;
	}
	return SKPI_OK;
}

static skpi_err write_history(struct ing *g, const struct val *old, long line, skpi_diag *d)
{
	const struct val *nw = &g->v[TC_STATUS];
	const struct val *upd_at = &g->v[TC_UPD_AT];
	const struct val *upd_ts = &g->v[TC_UPD_TS];
	int rc;

	if (old ? (old->null == nw->null && (nw->null || strcmp(old->s, nw->s) == 0)) : nw->null)
		return SKPI_OK;
	sqlite3_bind_text(g->hist, 1, g->v[0].s, (int)g->v[0].n, SQLITE_STATIC);
	if (!upd_at->null) {
		sqlite3_bind_text(g->hist, 2, upd_at->s, (int)upd_at->n, SQLITE_STATIC);
		sqlite3_bind_int64(g->hist, 3, upd_ts->i);
	} else if (!old) { /* the first status seen: as of creation */
		const struct val *cat = &g->v[TC_CREATED_AT];

		sqlite3_bind_text(g->hist, 2, cat->s, (int)cat->n, SQLITE_STATIC);
		sqlite3_bind_int64(g->hist, 3, g->v[TC_CREATED_TS].i);
	} else {
		sqlite3_bind_null(g->hist, 2);
		sqlite3_bind_null(g->hist, 3);
	}
	if (old && !old->null)
		sqlite3_bind_text(g->hist, 4, old->s, (int)old->n, SQLITE_STATIC);
	else
		sqlite3_bind_null(g->hist, 4);
	if (!nw->null)
		sqlite3_bind_text(g->hist, 5, nw->s, (int)nw->n, SQLITE_STATIC);
	else
		sqlite3_bind_null(g->hist, 5);
	sqlite3_bind_int64(g->hist, 6, g->st->ingest_id);
	sqlite3_bind_int64(g->hist, 7, line);
	rc = sqlite3_step(g->hist);
	sqlite3_reset(g->hist);
	return rc == SQLITE_DONE ? SKPI_OK : db_fail(g, rc, "writing the status history", d);
}

/* read the stored value of column i from g->sel into v (borrowed from the statement) */
static void stored_val(struct ing *g, int i, struct val *v)
{
	enum src src = g->t->cols[i].src;

	memset(v, 0, offsetof(struct val, buf));
	v->null = sqlite3_column_type(g->sel, i) == SQLITE_NULL;
	if (v->null)
		return;
	if (src == S_TS || src == S_INT) {
		v->i = sqlite3_column_int64(g->sel, i);
	} else if (src == S_REAL) {
		v->r = sqlite3_column_double(g->sel, i);
	} else {
		v->s = (const char *)sqlite3_column_text(g->sel, i);
		v->n = (size_t)sqlite3_column_bytes(g->sel, i);
	}
}

static int same_val(const struct val *a, const struct val *b, enum src src)
{
	if (a->null || b->null)
		return a->null == b->null;
	if (src == S_TS || src == S_INT)
		return a->i == b->i;
	if (src == S_REAL)
		return a->r == b->r;
	if (src == S_STATUS)
		return strcmp(a->s, b->s) == 0;
	return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
}

/* insert the row, or compare it with the stored one and update it */
static skpi_err upsert(struct ing *g, long line, skpi_diag *d)
{
	const struct table *t = g->t;
	struct val old[MAX_DBCOLS];
	int rc, changed = 0, stale = 0, is_ticket = g->o->kind == SKPI_KIND_TICKETS;
	
	skpi_err e = SKPI_OK;

	if (g->o->kind == SKPI_KIND_SURVEYS && (e = credit_survey(g, NULL, d)))
		return e;
	rc = bind_row(g, g->ins, line);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(g->ins);
	sqlite3_reset(g->ins);
	if (rc != SQLITE_DONE)
		return db_fail(g, rc, "inserting a row", d);
	if (sqlite3_changes(g->db) == 1) {
		g->st->inserted++;
		if (is_ticket && (e = write_history(g, NULL, line, d)))
			return e;
		return write_notes(g, &g->v[0], line, d);
	}
	/* the key exists: compare */
	sqlite3_bind_text(g->sel, 1, g->v[0].s, (int)g->v[0].n, SQLITE_STATIC);
	rc = sqlite3_step(g->sel);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(g->sel);
		return db_fail(g, rc == SQLITE_DONE ? SQLITE_INTERNAL : rc, "reading a stored row", d);
	}
	for (int i = 0; i < t->ncols; i++)
		stored_val(g, i, &old[i]);
	if (is_ticket) {
		int uts = TC_UPD_TS;

		stale = g->present[uts] && !g->v[uts].null && !old[uts].null && g->v[uts].i < old[uts].i;
	}
	if (g->o->kind == SKPI_KIND_SURVEYS) {
		int ic = SC_CREDIT;

		if ((e = credit_survey(g, &old[ic], d)))
			goto out;
	}
	for (int i = 0; i < t->ncols && !stale; i++) {
		if (!g->present[i])
			g->v[i] = old[i]; /* a column the export does not have keeps its value */
		else if (!same_val(&g->v[i], &old[i], t->cols[i].src))
			changed = 1;
	}
	if (stale) {
		g->st->unchanged++;
		g->nnotes = 0;
		add_note(g->notes, &g->nnotes, "updated_at", g->v[TC_UPD_AT].s, 19, STALE_REASON, NULL);
		e = write_notes(g, &g->v[0], line, d);
		goto out;
	}
	if (!changed) {
		g->st->unchanged++;
		goto out;
	}
	rc = bind_row(g, g->upd, line);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(g->upd);
	sqlite3_reset(g->upd);
	if (rc != SQLITE_DONE) {
		e = db_fail(g, rc, "updating a row", d);
		goto out;
	}
	g->st->updated++;
	if (sqlite3_column_int64(g->sel, t->ncols) == g->st->ingest_id)
		g->st->updated_in_file++;
	if (is_ticket && (e = write_history(g, &old[TC_STATUS], line, d)))
		goto out;
	e = write_notes(g, &g->v[0], line, d);
out:
	sqlite3_reset(g->sel);
	return e;
}

/* --- the queue between the reader and the writer ------------------------------------ */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static skpi_err pipe_init(struct pipe *p)
{
	int mu = 0, cw = 0, cr = 0;

	memset(p, 0, sizeof *p);
	for (int i = 0; i < NBATCH; i++) {
		struct batch *b = &p->slot[i];

		b->rows = malloc(BATCH_ROWS * sizeof *b->rows);
		b->text_cap = 256 * 1024;
		b->text = malloc(b->text_cap);
		if (!b->rows || !b->text)
			goto fail;
		b->next = p->free_list;
		p->free_list = b;
	}
	mu = pthread_mutex_init(&p->mu, NULL) == 0;
	cw = mu && pthread_cond_init(&p->to_writer, NULL) == 0;
	cr = cw && pthread_cond_init(&p->to_reader, NULL) == 0;
	if (cr)
		return SKPI_OK;
	if (cw)
		pthread_cond_destroy(&p->to_writer);
	if (mu)
		pthread_mutex_destroy(&p->mu);
fail:
	for (int i = 0; i < NBATCH; i++) {
		free(p->slot[i].rows);
		free(p->slot[i].text);
	}
	memset(p, 0, sizeof *p);
	return SKPI_ERR_NOMEM;
}

static void pipe_release(struct pipe *p)
{
	pthread_cond_destroy(&p->to_reader);
	pthread_cond_destroy(&p->to_writer);
	pthread_mutex_destroy(&p->mu);
	for (int i = 0; i < NBATCH; i++) {
		free(p->slot[i].rows);
		free(p->slot[i].text);
		free(p->slot[i].notes);
	}
}

/* reader: an empty batch, waiting for the writer to free one; NULL when it gave up */
static struct batch *take_free(struct rd *g)
{
	struct pipe *p = g->p;
	struct batch *b;
	double t0 = now_s();

	pthread_mutex_lock(&p->mu);
	while (!p->free_list && !p->cancel)
		pthread_cond_wait(&p->to_reader, &p->mu);
	b = p->cancel ? NULL : p->free_list;
	if (b)
		p->free_list = b->next;
	pthread_mutex_unlock(&p->mu);
	g->busy -= now_s() - t0;
	if (!b) {
		g->stopped = 1;
		return NULL;
	}
	b->nrows = b->text_len = b->nnotes = 0;
	b->next = NULL;
	memcpy(b->present, g->present, sizeof b->present);
	return b;
}

/* reader: hand the batch being filled (if any) to the writer; last: the reader is done,
 * and e (with d) is what it ends with, after the rows handed over so far */
static void seal(struct rd *g, int last, skpi_err e, const skpi_diag *d)
{
	struct pipe *p = g->p;
	struct batch *b = g->cur;

	g->cur = NULL;
	if (b)
		b->bytes = g->csv.bytes_in;
	pthread_mutex_lock(&p->mu);
	if (b && b->nrows) {
		if (p->full_tail)
			p->full_tail->next = b;
		else
			p->full_head = b;
		p->full_tail = b;
	} else if (b) {
		b->next = p->free_list;
		p->free_list = b;
	}
	if (last) {
		p->done = 1;
		p->err = e;
		if (e && d)
			p->diag = *d;
	}
	pthread_cond_signal(&p->to_writer);
	pthread_mutex_unlock(&p->mu);
}

/* reader: bytes (and a NUL) into the batch's text; its offset, or NO_TEXT when memory ran out */
static size_t put_text(struct batch *b, const char *s, size_t n)
{
	size_t off = b->text_len;

	if (b->text_cap - b->text_len < n + 1) {
		size_t cap = b->text_cap;
		char *t;

		while (cap - b->text_len < n + 1)
			cap *= 2;
		if (!(t = realloc(b->text, cap)))
			return NO_TEXT;
		b->text = t;
		b->text_cap = cap;
	}
	memcpy(b->text + off, s, n);
	b->text[off + n] = '\0';
	b->text_len += n + 1;
	return off;
}

/* reader: g->v and g->notes into row pr of batch b; -1 when memory ran out */
static int pack_values(const struct rd *g, struct batch *b, struct prow *pr)
{
	for (int i = 0; i < g->t->ncols; i++) {
		const struct val *v = &g->v[i];
		struct pval *pv = &pr->v[i];

		pv->null = v->null;
		pv->i = v->i;
		pv->r = v->r;
		pv->n = v->n;
		pv->off = NO_TEXT;
		if (v->s && (pv->off = put_text(b, v->s, v->n)) == NO_TEXT)
			return -1;
	}
	if (!g->nnotes)
		return 0;
	if (b->notes_cap - b->nnotes < (size_t)g->nnotes) {
		size_t cap = b->notes_cap ? 2 * b->notes_cap : 64;
		struct note *nn;

		while (cap - b->nnotes < (size_t)g->nnotes)
			cap *= 2;
		if (!(nn = realloc(b->notes, cap * sizeof *nn)))
			return -1;
		b->notes = nn;
		b->notes_cap = cap;
	}
	memcpy(b->notes + b->nnotes, g->notes, (size_t)g->nnotes * sizeof *g->notes);
	b->nnotes += (size_t)g->nnotes;
	pr->nnotes = g->nnotes;
	return 0;
}

/* reader: the row just mapped (g->v, g->notes), or rejected for the reason why, into the
 * batch being filled; a full batch goes to the writer */
static skpi_err pack_row(struct rd *g, long line, const char *why, skpi_diag *d)
{
	struct batch *b;
	struct prow *pr;
	int bad;

	if (!g->cur && !(g->cur = take_free(g)))
		return SKPI_ERR_INTERNAL; /* stopped: nobody reads this error */
	b = g->cur;
	pr = &b->rows[b->nrows];
	pr->line = line;
	pr->rejected = why != NULL;
	pr->why = NO_TEXT;
	pr->first_note = b->nnotes;
	pr->nnotes = 0;
	if (why && g->st->rejected == 1) { /* the file's first reject: for the summary */
		char first[512];

		snprintf(first, sizeof first, "line %ld: %.440s", line, why);
		bad = (pr->why = put_text(b, first, strlen(first))) == NO_TEXT;
	} else {
		bad = !why && pack_values(g, b, pr) != 0;
	}
	if (bad)
		return skpi_diag_set(d, SKPI_ERR_NOMEM, g->o->path, line, "out of memory");
	if (++b->nrows == BATCH_ROWS || b->text_len >= BATCH_TEXT)
		seal(g, 0, SKPI_OK, NULL);
	return SKPI_OK;
}

/* reader: csvin's callback */
static skpi_err on_row(void *ctx, const csvin_row *row, skpi_diag *d)
{
	struct rd *g = ctx;
	char why[512];
	const char *reason;
	skpi_err e;

	if (!g->have_header) {
		g->have_header = 1;
		if ((e = rowmap_bind(&g->map, row, g->o->path, d)) != SKPI_OK)
			return e;
		for (int i = 0; i < g->t->ncols; i++)
			g->present[i] = g->canon_of[i] < 0 || g->map.index[g->canon_of[i]] >= 0;
		return SKPI_OK;
	}
	reason = map_row(g, row, why, sizeof why);
	if (!reason && g->o->kind == SKPI_KIND_SURVEYS)
		reason = derive_survey(g, why, sizeof why);
	if (!reason && g->o->kind == SKPI_KIND_ASSESSMENTS)
		reason = derive_assessment(g, row, why, sizeof why);
	if (reason) {
		if ((e = reject(g, row, reason, d)) != SKPI_OK)
			return e;
	} else if (g->o->kind == SKPI_KIND_TICKETS) {
		check_ticket_times(g, row);
	}
	return pack_row(g, row->line, reason, d);
}

static void hex(const uint8_t *b, size_t n, char *out);

/* the reader thread: the whole file through csvin; ends by sealing its last batch with
 * the error, if any, that stopped it */
static void *reader_main(void *arg)
{
	struct rd *g = arg;
	struct sha256_ctx sha;
	uint8_t digest[SHA256_DIGEST_SIZE];
	char again[65];
	skpi_diag diag;
	size_t n;
	skpi_err e = SKPI_OK;

	g->busy = -now_s();
	skpi_diag_clear(&diag);
	sha256_init(&sha);
	while ((n = fread(g->buf, 1, 65536, g->fp)) > 0) {
		sha256_update(&sha, n, (const uint8_t *)g->buf);
		if ((e = csvin_feed(&g->csv, g->buf, n, &diag)) != SKPI_OK)
			goto out;
	}
	if (ferror(g->fp)) {
		e = skpi_diag_set(&diag, SKPI_ERR_IO, g->o->path, 0, "read error: %s", strerror(errno));
		goto out;
	}
	if ((e = csvin_finish(&g->csv, &diag)) != SKPI_OK)
		goto out;
	if (!g->have_header) {
		e = skpi_diag_set(&diag, SKPI_ERR_CSV, g->o->path, 0,
				  "the file is empty: there is no header row");
		skpi_diag_hint(&diag, "an export starts with a header row naming its columns");
		goto out;
	}
	/* the same bytes as the first pass, or the rows are not those of the hash logged */
	sha256_digest(&sha, sizeof digest, digest);
	hex(digest, sizeof digest, again);
	if (strcmp(again, g->st->sha256) != 0) {
		e = skpi_diag_set(&diag, SKPI_ERR_BUSY, g->o->path, 0, "the file changed while it was read");
		skpi_diag_hint(&diag, "wait until the export is complete, then ingest it again");
		goto out;
	}
out:
	if (!g->stopped)
		seal(g, 1, e, &diag);
	g->busy += now_s();
	return NULL;
}

/* writer: the rows of batch b, in order */
static skpi_err write_batch(struct ing *g, const struct batch *b, skpi_diag *d)
{
	skpi_err e;

	memcpy(g->present, b->present, sizeof g->present);
	for (size_t k = 0; k < b->nrows; k++) {
		const struct prow *pr = &b->rows[k];

		g->st->read++;
		if (pr->rejected) {
			g->st->rejected++;
			if (pr->why != NO_TEXT)
				snprintf(g->st->first_reject, sizeof g->st->first_reject, "%s",
					 b->text + pr->why);
			continue;
		}
		for (int i = 0; i < g->t->ncols; i++) {
			const struct pval *pv = &pr->v[i];
			struct val *v = &g->v[i];

			v->null = pv->null;
			v->i = pv->i;
			v->r = pv->r;
			v->s = pv->off == NO_TEXT ? NULL : b->text + pv->off;
			v->n = pv->n;
		}
		g->nnotes = pr->nnotes;
		if (pr->nnotes) /* b->notes is NULL until a batch has had a note */
			memcpy(g->notes, b->notes + pr->first_note, (size_t)pr->nnotes * sizeof *g->notes);
		if (g->repeat) { /* loaded before, as it is: count it, touch nothing */
			g->st->unchanged++;
			if (g->nnotes)
				g->st->dq_rows++;
			continue;
		}
		e = upsert(g, pr->line, d);
		if (g->nnotes)
			g->st->dq_rows++;
		if (e) {
			if (d && !d->line)
				d->line = pr->line;
			return e;
		}
	}
	return SKPI_OK;
}

/* writer: every batch the reader hands over, then the reader's own error, if any */
static skpi_err write_rows(struct ing *g, struct pipe *p, unsigned long long size, skpi_diag *d)
{
	skpi_err e = SKPI_OK;

	for (;;) {
		struct batch *b;
		double t0 = now_s();

		pthread_mutex_lock(&p->mu);
		while (!p->full_head && !p->done)
			pthread_cond_wait(&p->to_writer, &p->mu);
		b = p->full_head;
		if (b) {
			p->full_head = b->next;
			if (!p->full_head)
				p->full_tail = NULL;
		} else if ((e = p->err) != SKPI_OK && d) {
			*d = p->diag;
		}
		pthread_mutex_unlock(&p->mu);
		g->st->t_wait += now_s() - t0;
		if (!b)
			return e;
		t0 = now_s();
		e = write_batch(g, b, d);
		g->st->t_rows += now_s() - t0;
		if (e)
			return e;
		if (g->o->progress)
			g->o->progress(g->o->progress_ctx, b->bytes, size);
		pthread_mutex_lock(&p->mu);
		b->next = p->free_list;
		p->free_list = b;
		pthread_cond_signal(&p->to_reader);
		pthread_mutex_unlock(&p->mu);
	}
}

/* writer: stop the reader (if still going) and wait for it */
static void stop_reader(struct pipe *p, pthread_t tid)
{
	pthread_mutex_lock(&p->mu);
	p->cancel = 1;
	pthread_cond_broadcast(&p->to_reader);
	pthread_mutex_unlock(&p->mu);
	pthread_join(tid, NULL);
}

/* --- the file ----------------------------------------------------------------------- */

static void utc_now(char buf[32])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void default_rejects(const char *path, char *out, size_t n)
{
	size_t len = strlen(path);

	if (len > 4 && strcasecmp(path + len - 4, ".csv") == 0)
		len -= 4;
	snprintf(out, n, "%.*s.rejects.csv", (int)len, path);
}

static skpi_err find_previous(struct ing *g, skpi_diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(g->db, "SELECT ingest_id, finished_at FROM ingest_log WHERE sha256 = ?1 "
				    "AND kind = ?2 AND ingest_id < ?3 AND map_sha256 IS ?4 "
				    "ORDER BY ingest_id LIMIT 1", -1, &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, g->st->sha256, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, skpi_kind_name(g->o->kind), -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, g->st->ingest_id);
		if (g->map_sha[0])
			sqlite3_bind_text(st, 4, g->map_sha, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_ROW) {
		g->st->previous_id = sqlite3_column_int64(st, 0);
		snprintf(g->st->previous_at, sizeof g->st->previous_at, "%s",
			 (const char *)sqlite3_column_text(st, 1));
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SKPI_OK : db_fail(g, rc, "reading the ingest log", d);
}

static skpi_err log_ingest(struct ing *g, const char *started, skpi_diag *d)
{
	sqlite3_stmt *st = NULL;
	char finished[32];
	int rc;

	utc_now(finished);
	rc = sqlite3_prepare_v2(g->db, "UPDATE ingest_log SET sha256 = ?2, finished_at = ?3, rows_read = ?4, "
				"inserted = ?5, updated = ?6, unchanged = ?7, rejected = ?8, dq_rows = ?9, "
				"started_at = ?10 WHERE ingest_id = ?1", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, g->st->ingest_id);
		sqlite3_bind_text(st, 2, g->st->sha256, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, finished, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)g->st->read);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)g->st->inserted);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)g->st->updated);
		sqlite3_bind_int64(st, 7, (sqlite3_int64)g->st->unchanged);
		sqlite3_bind_int64(st, 8, (sqlite3_int64)g->st->rejected);
		sqlite3_bind_int64(st, 9, (sqlite3_int64)g->st->dq_rows);
		sqlite3_bind_text(st, 10, started, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SKPI_OK : db_fail(g, rc, "recording the ingest", d);
}

static skpi_err begin_log(struct ing *g, const char *started, skpi_diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(g->db, "INSERT INTO ingest_log (kind, file_name, sha256, map_file, "
				    "started_at, finished_at, rows_read, inserted, updated, unchanged, rejected, "
				    "dq_rows, map_sha256) VALUES (?1, ?2, '', ?3, ?4, ?4, 0, 0, 0, 0, 0, 0, ?5)",
				    -1, &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, skpi_kind_name(g->o->kind), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, g->o->path, -1, SQLITE_STATIC);
		if (g->o->map_path)
			sqlite3_bind_text(st, 3, g->o->map_path, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, started, -1, SQLITE_STATIC);
		if (g->map_sha[0])
			sqlite3_bind_text(st, 5, g->map_sha, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(g, rc, "recording the ingest", d);
	g->st->ingest_id = sqlite3_last_insert_rowid(g->db);
	return SKPI_OK;
}

/* A survey without an agent that arrived before its ticket (or before its ticket had an
 * agent) waits with no credit; it is credited to the agent its ticket has when the ticket
 * arrives.  A survey already credited keeps its credit when the ticket is reassigned
 * later (docs/metrics.md, "Who gets the credit after a reassignment").
 *
 * Written so that it is driven by the surveys and reaches each ticket by its key: as a
 * join (UPDATE ... FROM tickets), SQLite chose to walk every ticket through
 * tickets_agent_latest and fetch each one by key for its ingest_id: a random read of the
 * whole table, 66,000 page reads at 200,000 tickets (docs/design.md, "Speed"). */
static skpi_err credit_waiting_surveys(struct ing *g, skpi_diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(g->db,
		"UPDATE surveys SET credited_agent = "
		"(SELECT t.agent FROM tickets t WHERE t.ticket_id = surveys.ticket_id) "
		"WHERE agent IS NULL AND credited_agent IS NULL AND ticket_id IS NOT NULL "
		"AND EXISTS (SELECT 1 FROM tickets t WHERE t.ticket_id = surveys.ticket_id "
		"AND t.ingest_id = ?1 AND t.agent IS NOT NULL)", -1, &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, g->st->ingest_id);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SKPI_OK : db_fail(g, rc, "crediting surveys to their ticket's agent", d);
}

/* A first load into an empty table builds the table's own secondary indexes once, by
 * sorting, after the rows are in, instead of inserting every row into each of them as it
 * comes (schema/0002_kpi.sql's tickets_period holds 13 columns).  The definitions are
 * the database's own (sqlite_schema), so whatever indexes the schema has are rebuilt as
 * they were; unique indexes stay, as they decide conflicts while the rows load.  It all
 * happens inside the file's transaction: a failure or a kill leaves the indexes as they
 * were. */
static skpi_err defer_indexes(struct ing *g, skpi_diag *d)
{
	sqlite3_stmt *st = NULL;
	char sql[160], **names = NULL;
	int rc, n = 0;
	skpi_err e = SKPI_OK;

	snprintf(sql, sizeof sql, "SELECT EXISTS (SELECT 1 FROM %s)", g->t->name);
	rc = sqlite3_prepare_v2(g->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		e = db_fail(g, rc, "reading the database", d);
		goto out;
	}
	if (sqlite3_column_int(st, 0))
		goto out; /* rows are there already: the indexes are kept up to date row by row */
	sqlite3_finalize(st);
	rc = sqlite3_prepare_v2(g->db, "SELECT s.name, s.sql FROM pragma_index_list(?1) AS il "
				"JOIN sqlite_schema AS s ON s.type = 'index' AND s.name = il.name "
				"WHERE il.origin = 'c' AND il.\"unique\" = 0 AND s.sql IS NOT NULL "
				"ORDER BY s.name", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, g->t->name, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		char **nn = realloc(names, (size_t)(n + 1) * sizeof *nn);
		char **ns = realloc(g->idx_sql, (size_t)(n + 1) * sizeof *ns);

		if (nn)
			names = nn;
		if (ns)
			g->idx_sql = ns;
		if (!nn || !ns || !(names[n] = strdup((const char *)sqlite3_column_text(st, 0)))) {
			e = skpi_diag_set(d, SKPI_ERR_NOMEM, g->o->path, 0, "out of memory");
			goto out;
		}
		if (!(g->idx_sql[n] = strdup((const char *)sqlite3_column_text(st, 1)))) {
			free(names[n]);
			e = skpi_diag_set(d, SKPI_ERR_NOMEM, g->o->path, 0, "out of memory");
			goto out;
		}
		g->nidx = ++n;
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE) {
		e = db_fail(g, rc, "reading the schema", d);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	for (int i = 0; i < n; i++) {
		/* the name comes from sqlite_schema, quoted as an identifier (%w) */
		char *drop = sqlite3_mprintf("DROP INDEX \"%w\"", names[i]);

		rc = drop ? sqlite3_exec(g->db, drop, NULL, NULL, NULL) : SQLITE_NOMEM;
		sqlite3_free(drop);
		if (rc != SQLITE_OK) {
			e = db_fail(g, rc, "setting the indexes aside for the load", d);
			goto out;
		}
	}
out:
	sqlite3_finalize(st);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return e;
}

/* the value of a pragma that returns one integer, or -1 */
static int pragma_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* build the indexes defer_indexes dropped, from their own definitions */
static skpi_err rebuild_indexes(struct ing *g, skpi_diag *d)
{
	int rc = SQLITE_OK, temp_store = pragma_int(g->db, "PRAGMA temp_store");
	int cache = pragma_int(g->db, "PRAGMA cache_size");
	char set[48];

	if (!g->nidx)
		return SKPI_OK;
	/* The sort behind CREATE INDEX keeps as much in memory as the page cache may hold,
	 * then writes sorted runs to temporary files, which the connection's temp_store =
	 * MEMORY (store.c) would keep in memory too: with 1,000,000 tickets that tripled the
	 * peak memory of the ingest.  So while building: runs of 16 MiB, on disk.  Settings
	 * that do not take (SQLite refuses to change temp_store once temporary tables are
	 * open) only cost memory, never correctness. */
	if (temp_store == 2)
		sqlite3_exec(g->db, "PRAGMA temp_store = FILE", NULL, NULL, NULL);
	if (cache < -16384 || cache > 4096)
		sqlite3_exec(g->db, "PRAGMA cache_size = -16384", NULL, NULL, NULL);
	for (int i = 0; i < g->nidx && rc == SQLITE_OK; i++)
		rc = sqlite3_exec(g->db, g->idx_sql[i], NULL, NULL, NULL);
	if (cache < -16384 || cache > 4096) {
		snprintf(set, sizeof set, "PRAGMA cache_size = %d", cache);
		sqlite3_exec(g->db, set, NULL, NULL, NULL);
	}
	if (temp_store == 2)
		sqlite3_exec(g->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
	return rc == SQLITE_OK ? SKPI_OK : db_fail(g, rc, "building the indexes", d);
}

static void hex(const uint8_t *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

skpi_err skpi_sha256_file(const char *path, char out[65], skpi_diag *d)
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	char buf[65536];
	size_t n;
	FILE *fp = fopen(path, "rb");
	int bad;

	if (!fp)
		return skpi_diag_set(d, SKPI_ERR_NOINPUT, path, 0, "cannot read: %s", strerror(errno));
	sha256_init(&ctx);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		sha256_update(&ctx, n, (const uint8_t *)buf);
	bad = ferror(fp);
	fclose(fp);
	if (bad)
		return skpi_diag_set(d, SKPI_ERR_IO, path, 0, "read error");
	sha256_digest(&ctx, sizeof digest, digest);
	hex(digest, sizeof digest, out);
	return SKPI_OK;
}

skpi_err ingest_file(sqlite3 *db, const ingest_opts *o, ingest_stats *st, skpi_diag *d)
{
	struct ing g;
	struct rd rd;
	struct pipe p;
	ingest_stats rst;          /* the reader's counts, kept apart from the writer's */
	pthread_t tid;
	int csv_ready = 0, in_txn = 0, pipe_ready = 0, running = 0, rc;
	struct stat sb;
	struct sha256_ctx sha;
	uint8_t digest[SHA256_DIGEST_SIZE];
	char started[32];
	size_t n;
	double t0;
	skpi_err e;

	memset(st, 0, sizeof *st);
	memset(&g, 0, sizeof g);
	memset(&rd, 0, sizeof rd);
	memset(&rst, 0, sizeof rst);
	g.db = db;
	g.o = rd.o = o;
	g.st = st;
	rd.st = &rst;
	g.t = rd.t = &tables[o->kind];
	if ((e = rowmap_init(&rd.map, o->kind)) != SKPI_OK)
		return skpi_diag_set(d, e, o->path, 0, "out of memory");
	if (o->map_path && ((e = rowmap_load(&rd.map, o->map_path, d)) != SKPI_OK ||
			    (e = skpi_sha256_file(o->map_path, g.map_sha, d)) != SKPI_OK))
		goto out;
	for (int i = 0; i < rd.t->ncols; i++)
		rd.canon_of[i] = rd.t->cols[i].canon ? rowmap_column_index(o->kind, rd.t->cols[i].canon) : -1;
	if (o->rejects_path)
		snprintf(st->rejects_path, sizeof st->rejects_path, "%s", o->rejects_path);
	else
		default_rejects(o->path, st->rejects_path, sizeof st->rejects_path);
	memcpy(rst.rejects_path, st->rejects_path, sizeof rst.rejects_path);

	rd.fp = fopen(o->path, "rb");
	if (!rd.fp || fstat(fileno(rd.fp), &sb) != 0) {
		e = skpi_diag_set(d, SKPI_ERR_NOINPUT, o->path, 0, "cannot read: %s", strerror(errno));
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		e = skpi_diag_set(d, SKPI_ERR_NOINPUT, o->path, 0, "is a directory, not an export file");
		goto out;
	}
	{
		struct stat rb;

		if (stat(st->rejects_path, &rb) == 0 && rb.st_dev == sb.st_dev && rb.st_ino == sb.st_ino) {
			e = skpi_diag_set(d, SKPI_ERR_USAGE, o->path, 0,
					  "the rejects file '%s' is the export itself", st->rejects_path);
			skpi_diag_hint(d, "name another file with --rejects");
			goto out;
		}
	}
	rd.buf = malloc(65536);
	if (!rd.buf) {
		e = skpi_diag_set(d, SKPI_ERR_NOMEM, o->path, 0, "out of memory");
		goto out;
	}
	if ((e = csvin_init(&rd.csv, o->path, rd.map.encoding, rd.map.delim, on_row, &rd, d)) != SKPI_OK) {
		if (d && rd.map.map_path) {
			snprintf(d->file, sizeof d->file, "%s", rd.map.map_path);
		}
		goto out;
	}
	csv_ready = 1;
	if (o->map_hint)
		rd.csv.map_hint = rd.map.map_hint = o->map_hint;
	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		e = db_fail(&g, rc, "starting the transaction", d);
		goto out;
	}
	in_txn = 1;
	utc_now(started);
	if ((e = begin_log(&g, started, d)))
		goto out;
	/* the same bytes ingested before (of this kind) change nothing, even when rows of one
	 * ticket repeat in the file without updated_at: hash first, then read */
	t0 = now_s();
	sha256_init(&sha);
	while ((n = fread(rd.buf, 1, 65536, rd.fp)) > 0)
		sha256_update(&sha, n, (const uint8_t *)rd.buf);
	if (ferror(rd.fp) || fseek(rd.fp, 0, SEEK_SET) != 0) {
		e = skpi_diag_set(d, SKPI_ERR_IO, o->path, 0, "read error: %s", strerror(errno));
		goto out;
	}
	sha256_digest(&sha, sizeof digest, digest);
	hex(digest, sizeof digest, st->sha256);
	memcpy(rst.sha256, st->sha256, sizeof rst.sha256);
	st->t_hash = now_s() - t0;
	if ((e = find_previous(&g, d)))
		goto out;
	g.repeat = st->previous_id != 0;
	if ((!g.repeat && (e = defer_indexes(&g, d))) || (e = prepare_all(&g, d)))
		goto out;

	/* the rows: read and mapped on the reader thread, written here, in file order */
	if (pipe_init(&p) != SKPI_OK) {
		e = skpi_diag_set(d, SKPI_ERR_NOMEM, o->path, 0, "out of memory");
		goto out;
	}
	pipe_ready = 1;
	rd.p = &p;
	if ((rc = pthread_create(&tid, NULL, reader_main, &rd)) != 0) {
		e = skpi_diag_set(d, SKPI_ERR_NOMEM, o->path, 0, "cannot start the reader thread: %s",
				  strerror(rc));
		goto out;
	}
	running = 1;
	e = write_rows(&g, &p, (unsigned long long)sb.st_size, d);
	stop_reader(&p, tid);
	running = 0;
	st->t_read = rd.busy;
	if (e)
		goto out;

	t0 = now_s();
	e = rebuild_indexes(&g, d);
	st->t_index = now_s() - t0;
	if (e)
		goto out;
	if (o->kind == SKPI_KIND_TICKETS && !g.repeat && (e = credit_waiting_surveys(&g, d)))
		goto out;
	if ((e = log_ingest(&g, started, d)))
		goto out;
	if (rd.rej) {
		int bad = fflush(rd.rej) != 0 || ferror(rd.rej);

		bad |= fclose(rd.rej) != 0;
		rd.rej = NULL;
		if (bad || rename(rd.rej_tmp, st->rejects_path) != 0) {
			e = skpi_diag_set(d, SKPI_ERR_CREATE, st->rejects_path, 0,
					  "cannot write the rejects file: %s", strerror(errno));
			goto out;
		}
		rd.rej_tmp[0] = '\0';
	}
	finalize_all(&g);
	g.ins = g.sel = g.upd = g.hist = g.dq = g.credit = g.dq_seen = NULL;
	t0 = now_s();
	rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	st->t_commit = now_s() - t0;
	if (rc != SQLITE_OK) {
		e = db_fail(&g, rc, "committing", d);
		if (st->rejected)
			unlink(st->rejects_path);
		goto out;
	}
	in_txn = 0;
out:
	if (running)
		stop_reader(&p, tid);
	if (pipe_ready)
		pipe_release(&p);
	finalize_all(&g);
	if (in_txn)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	if (rd.rej)
		fclose(rd.rej);
	if (rd.rej_tmp[0])
		unlink(rd.rej_tmp);
	if (csv_ready)
		csvin_release(&rd.csv);
	if (rd.fp)
		fclose(rd.fp);
	free(rd.buf);
	rowmap_release(&rd.map);
	free(g.credit_buf);
	for (int i = 0; i < g.nidx; i++)
		free(g.idx_sql[i]);
	free(g.idx_sql);
	if (e) {
		st->inserted = st->updated = st->unchanged = 0;
		if (d && !d->file[0])
			snprintf(d->file, sizeof d->file, "%s", o->path);
	}
	return e;
}
