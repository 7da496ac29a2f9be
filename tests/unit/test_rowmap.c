/* test_rowmap — timestamps in every accepted form, mapping files (what they set and how
 * their errors name the line), and header binding.
 *
 * Expected instants are worked out independently of the code under test: the constants
 * were computed with `date -u -d '...' +%s` and are cross-checked against a small
 * days-from-civil written here. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supportkpi/rowmap.h"
#include "supportkpi/tz.h"
#include "unit.h"

/* --- helpers ----------------------------------------------------------------------- */

/* days since 1970-01-01, by counting (slow and obvious, unlike the library's) */
static int64_t days_by_counting(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t days = 0;

	for (int yy = 1970; yy < y; yy++)
		days += (yy % 4 == 0 && (yy % 100 != 0 || yy % 400 == 0)) ? 366 : 365;
	for (int yy = y; yy < 1970; yy++)
		days -= (yy % 4 == 0 && (yy % 100 != 0 || yy % 400 == 0)) ? 366 : 365;
	for (int mm = 1; mm < m; mm++)
		days += mdays[mm - 1] + (mm == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
	return days + d - 1;
}

static int64_t wall_of(int y, int mo, int d, int h, int mi, int s)
{
	return days_by_counting(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/* parse s with fmt; checks success and the wall time and offset */
static void parses(const char *file, int line, const char *fmt, const char *s, int64_t want,
		   int want_has_off, long want_off)
{
	rowmap_time t = { -1, -1, -1 };
	char msg[256];

	if (rowmap_parse_time(fmt, s, strlen(s), &t) != 0) {
		snprintf(msg, sizeof msg, "'%s' with %s: not parsed", s, fmt ? fmt : "the standard forms");
		unit_fail(file, line, msg);
		return;
	}
	if (t.wall != want || t.has_offset != want_has_off || (want_has_off && t.offset != want_off)) {
		snprintf(msg, sizeof msg, "'%s' with %s: wall %lld offset %d/%ld, want %lld offset %d/%ld",
			 s, fmt ? fmt : "the standard forms", (long long)t.wall, t.has_offset, t.offset,
			 (long long)want, want_has_off, want_off);
		unit_fail(file, line, msg);
	}
}

static void refuses(const char *file, int line, const char *fmt, const char *s)
{
	rowmap_time t;
	char msg[256];

	if (rowmap_parse_time(fmt, s, strlen(s), &t) == 0) {
		snprintf(msg, sizeof msg, "'%s' with %s: parsed, want refused", s,
			 fmt ? fmt : "the standard forms");
		unit_fail(file, line, msg);
	}
}

#define PARSES(fmt, s, want) parses(__FILE__, __LINE__, fmt, s, want, 0, 0)
#define PARSES_OFF(fmt, s, want, off) parses(__FILE__, __LINE__, fmt, s, want, 1, off)
#define REFUSES(fmt, s) refuses(__FILE__, __LINE__, fmt, s)

/* a mapping file in /tmp holding text; the path is returned in path (caller unlinks) */
static void write_map(char path[64], const char *text)
{
	int fd;
	size_t n = strlen(text);

	snprintf(path, 64, "/tmp/test_rowmap_XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, n) != (ssize_t)n)
		abort();
	close(fd);
}

/* load text as a mapping for kind; returns the error, fills d */
static skpi_err load_text(rowmap *m, skpi_kind kind, const char *text, skpi_diag *d, char path[64])
{
	skpi_err e;

	write_map(path, text);
	if (rowmap_init(m, kind) != SKPI_OK)
		abort();
	skpi_diag_clear(d);
	e = rowmap_load(m, path, d);
	unlink(path);
	return e;
}

/* the mapping text must fail with SKPI_ERR_CONFIG naming the file and line, and the
 * message must contain needle */
static void map_fails(const char *file, int line, skpi_kind kind, const char *text, long want_line,
		      const char *needle)
{
	rowmap m;
	skpi_diag d;
	char path[64], msg[1200];
	skpi_err e = load_text(&m, kind, text, &d, path);

	if (e != SKPI_ERR_CONFIG || d.code != SKPI_ERR_CONFIG || d.line != want_line ||
	    strcmp(d.file, path) != 0 || !strstr(d.msg, needle)) {
		snprintf(msg, sizeof msg, "error %d, diag '%.100s' line %ld: %.300s; want %d, '%s' line %ld: ...%.300s...",
			 (int)e, d.file, d.line, d.msg, (int)SKPI_ERR_CONFIG, path, want_line, needle);
		unit_fail(file, line, msg);
	}
	rowmap_release(&m);
}

#define MAP_FAILS(kind, text, line, needle) map_fails(__FILE__, __LINE__, kind, text, line, needle)

/* a csvin_row from a list of fields (NULL for an empty unquoted field) */
struct fake_row {
	csvin_row row;
	const char *f[ROWMAP_MAX_COLS + 4];
	size_t len[ROWMAP_MAX_COLS + 4];
};

static const csvin_row *mkrow(struct fake_row *r, long line, size_t n, const char *const *fields)
{
	for (size_t i = 0; i < n; i++) {
		r->f[i] = fields[i];
		r->len[i] = fields[i] ? strlen(fields[i]) : 0;
	}
	r->row.nfields = n;
	r->row.fields = r->f;
	r->row.lens = r->len;
	r->row.line = r->row.end_line = line;
	return &r->row;
}

#define ROW(r, line, ...) mkrow(r, line, sizeof (const char *[]){ __VA_ARGS__ } / sizeof (const char *), \
				(const char *[]){ __VA_ARGS__ })

static int col(skpi_kind k, const char *name)
{
	int c = rowmap_column_index(k, name);

	if (c < 0)
		abort();
	return c;
}

/* --- timestamps ---------------------------------------------------------------------- */

TEST(oracle_agrees_with_date)
{
	/* `date -u -d '2026-03-05 14:07:09' +%s` and friends */
	CHECK_INT(wall_of(2026, 3, 5, 14, 7, 9), 1772719629);
	CHECK_INT(wall_of(2024, 2, 29, 0, 0, 0), 1709164800);
	CHECK_INT(wall_of(2025, 12, 31, 23, 59, 0), 1767225540);
	CHECK_INT(wall_of(1969, 7, 20, 20, 17, 0), -14182980);
	CHECK_INT(wall_of(2068, 1, 1, 0, 0, 0), 3092601600);
	CHECK_INT(wall_of(2000, 2, 29, 12, 0, 0), 951825600);
	/* and with the library's civil arithmetic */
	CHECK_INT(skpi_days_from_civil(2026, 3, 5), days_by_counting(2026, 3, 5));
	CHECK_INT(skpi_days_from_civil(1969, 7, 20), days_by_counting(1969, 7, 20));
}

TEST(standard_forms)
{
	int64_t t = 1772719629; /* 2026-03-05 14:07:09 */
	int64_t m = 1772719620; /* 2026-03-05 14:07:00 */

	PARSES(NULL, "2026-03-05 14:07", m);
	PARSES(NULL, "2026-03-05 14:07:09", t);
	PARSES(NULL, "2026/03/05 14:07", m);
	PARSES(NULL, "2026/03/05 14:07:09", t);
	PARSES(NULL, "2026-03-05T14:07:09", t);
	PARSES(NULL, "2026-03-05T14:07", m);
	PARSES(NULL, "2026-03-05", 1772668800);
	PARSES(NULL, "2026/03/05", 1772668800);
	PARSES(NULL, "2026-03-05   14:07:09", t);  /* several spaces */
	PARSES(NULL, "2026-3-5 9:07", wall_of(2026, 3, 5, 9, 7, 0));
	/* fractions of a second are dropped, with . or , */
	PARSES(NULL, "2026-03-05T14:07:09.5", t);
	PARSES(NULL, "2026-03-05 14:07:09.123456789", t);
	PARSES(NULL, "2026-03-05T14:07:09,25", t);
	/* offsets: the wall reading is kept, the offset given apart (seconds east) */
	PARSES_OFF(NULL, "2026-03-05T14:07:09Z", t, 0);
	PARSES_OFF(NULL, "2026-03-05T14:07:09z", t, 0);
	PARSES_OFF(NULL, "2026-03-05T14:07:09+08:00", t, 8 * 3600);
	PARSES_OFF(NULL, "2026-03-05T14:07:09-0530", t, -(5 * 3600 + 30 * 60));
	PARSES_OFF(NULL, "2026-03-05T14:07:09.250+05:45", t, 5 * 3600 + 45 * 60);
	PARSES_OFF(NULL, "2026-03-05T14:07Z", m, 0);
	PARSES_OFF(NULL, "2026-03-05T14:07:09+08", t, 8 * 3600);
	PARSES_OFF(NULL, "2026-03-05 14:07:09 +08:00", t, 8 * 3600);
	PARSES_OFF(NULL, "2026-03-05T14:07:09+14:00", t, 14 * 3600);
	/* leap days */
	PARSES(NULL, "2024-02-29 00:00", 1709164800);
	PARSES(NULL, "2000-02-29 12:00", 951825600);
	PARSES(NULL, "2025-12-31 23:59:59", 1767225599);
	PARSES(NULL, "1969-07-20 20:17", -14182980);
}

TEST(standard_forms_refuse_what_is_not_a_time)
{
	REFUSES(NULL, "2026-02-30 10:00");
	REFUSES(NULL, "2026-02-29 10:00");
	REFUSES(NULL, "2025-02-29");
	REFUSES(NULL, "1900-02-29");
	REFUSES(NULL, "2026-13-01");
	REFUSES(NULL, "2026-00-10");
	REFUSES(NULL, "2026-04-31");
	REFUSES(NULL, "2026-04-00");
	REFUSES(NULL, "2026-03-05 24:00");
	REFUSES(NULL, "2026-03-05 23:60");
	REFUSES(NULL, "2026-03-05 23:59:60");
	REFUSES(NULL, "2026-03-05 14:7");
	REFUSES(NULL, "2026-03-05 14");
	REFUSES(NULL, "2026-03-05T");
	REFUSES(NULL, "2026-03-05 ");
	REFUSES(NULL, "2026-03-05 14:07x");
	REFUSES(NULL, "2026-03-05 14:07:09 extra");
	REFUSES(NULL, "2026-03-05T14:07:09+08:00junk");
	REFUSES(NULL, "2026-03-05T14:07:09+15:00");
	REFUSES(NULL, "2026-03-05T14:07:09+08:60");
	REFUSES(NULL, "2026-03-05T14:07:09.");
	REFUSES(NULL, "2026-03/05");
	REFUSES(NULL, "2026/03-05");
	REFUSES(NULL, "26-03-05");
	REFUSES(NULL, "20260305");
	REFUSES(NULL, "05/03/2026 14:07");
	REFUSES(NULL, "");
	REFUSES(NULL, "yesterday");
	/* an offset belongs to the ISO (dashed) form only */
	REFUSES(NULL, "2026/03/05 14:07+08:00");
}

TEST(formats)
{
	const char *dmy = "%d/%m/%Y %H:%M";

	PARSES(dmy, "31/12/2025 23:59", 1767225540);
	PARSES(dmy, "5/3/2026 14:07", 1772719620);
	PARSES(dmy, "05/03/2026  14:07", 1772719620); /* a space matches several */
	REFUSES(dmy, "31/02/2026 10:00");
	REFUSES(dmy, "12/31/2025 23:59");             /* month 31 */
	REFUSES(dmy, "31/12/2025 23:59 extra");
	REFUSES(dmy, "31/12/2025");
	REFUSES(dmy, "2025-12-31 23:59");
	PARSES("%d-%m-%Y %H:%M", "01-02-2026 08:05", 1769933100);
	REFUSES("%d-%m-%Y %H:%M", "2026-02-01 08:05");
	PARSES("%d.%m.%Y %H:%M:%S", "13.01.2023 16:42:00", 1673628120);
	/* 12-hour clock with a two-digit year */
	PARSES("%m/%d/%y %I:%M %p", "03/05/26 12:15 AM", 1772669700);
	PARSES("%m/%d/%y %I:%M %p", "03/05/26 12:15 PM", 1772712900);
	PARSES("%m/%d/%y %I:%M %p", "03/05/26 01:00 pm", 1772715600);
	PARSES("%m/%d/%y %I:%M %p", "03/05/26 1:00 pm", 1772715600);
	REFUSES("%m/%d/%y %I:%M %p", "03/05/26 13:00 PM");
	REFUSES("%m/%d/%y %I:%M %p", "03/05/26 00:30 AM");
	REFUSES("%m/%d/%y %I:%M %p", "03/05/26 01:00 xm");
	REFUSES("%m/%d/%y %I:%M", "03/05/26 01:00");   /* %I needs %p */
	/* %y: 69-99 are 19xx, 00-68 are 20xx */
	PARSES("%y-%m-%d", "69-07-20", wall_of(1969, 7, 20, 0, 0, 0));
	PARSES("%y-%m-%d", "68-01-01", 3092601600);
	/* month names, short or long, any case */
	PARSES("%d %b %Y %H:%M", "5 Mar 2026 14:07", 1772719620);
	PARSES("%d %b %Y %H:%M", "05 MARCH 2026 14:07", 1772719620);
	PARSES("%b %d, %Y", "Jun 10, 2021", wall_of(2021, 6, 10, 0, 0, 0));
	PARSES("%b %d, %Y", "september 9, 2021", wall_of(2021, 9, 9, 0, 0, 0));
	REFUSES("%d %b %Y %H:%M", "5 Mrz 2026 14:07");
	/* %T, %z, %% */
	PARSES("%Y-%m-%d %T", "2026-03-05 14:07:09", 1772719629);
	PARSES_OFF("%d/%m/%Y %H:%M %z", "05/03/2026 14:07 +0800", 1772719620, 8 * 3600);
	PARSES_OFF("%d/%m/%Y %H:%M%z", "05/03/2026 14:07Z", 1772719620, 0);
	PARSES("%Y%%%m%%%d", "2026%03%05", 1772668800);
	REFUSES("%Y%%%m%%%d", "2026-03-05");
	/* an unknown conversion never matches */
	REFUSES("%Q", "x");
}

/* --- mapping files ----------------------------------------------------------------- */

TEST(defaults_without_a_mapping)
{
	rowmap m;

	CHECK_INT(rowmap_init(&m, SKPI_KIND_TICKETS), SKPI_OK);
	CHECK(m.encoding == NULL);
	CHECK_INT(m.delim, ',');
	CHECK_INT(m.nnulls, 0);
	CHECK_INT(rowmap_status(&m, "Resolved", 8), SKPI_ST_RESOLVED);
	CHECK_INT(rowmap_status(&m, "SOLVED", 6), SKPI_ST_RESOLVED);
	CHECK_INT(rowmap_status(&m, "closed", 6), SKPI_ST_CLOSED);
	CHECK_INT(rowmap_status(&m, "Waiting on customer", 19), SKPI_ST_PENDING);
	CHECK_INT(rowmap_status(&m, "New", 3), SKPI_ST_OPEN);
	CHECK_INT(rowmap_status(&m, "Escalated", 9), SKPI_ST_NONE);
	CHECK_INT(rowmap_status(&m, "Resolve", 7), SKPI_ST_NONE);
	CHECK_STR(skpi_status_name(SKPI_ST_PENDING), "pending");
	CHECK(skpi_status_name(SKPI_ST_NONE) == NULL);
	CHECK_INT(col(SKPI_KIND_TICKETS, "ticket_id"), 0);
	CHECK_INT(rowmap_column_index(SKPI_KIND_TICKETS, "score"), -1);
	CHECK_INT(rowmap_column_index(SKPI_KIND_SURVEYS, "score") >= 0, 1);
	rowmap_release(&m);
}

TEST(kinds)
{
	skpi_kind k = SKPI_KIND_ASSESSMENTS;

	CHECK_INT(skpi_kind_parse("tickets", &k), 0);
	CHECK_INT(k, SKPI_KIND_TICKETS);
	CHECK_INT(skpi_kind_parse("surveys", &k), 0);
	CHECK_INT(k, SKPI_KIND_SURVEYS);
	CHECK_INT(skpi_kind_parse("Tickets", &k), -1);
	CHECK_INT(skpi_kind_parse("ticket", &k), -1);
	CHECK_STR(skpi_kind_name(SKPI_KIND_SURVEYS), "surveys");
}

static const char full_map[] =
	"; a Chinese helpdesk's export\n"
	"# both comment styles\n"
	"[file]\n"
	"kind = tickets\n"
	"encoding = GB18030\n"
	"delimiter = ;\n"
	"null = ?, NULL, N/A\n"
	"null = -\n"
	"timestamp_format = %d/%m/%Y %H:%M\n"
	"\n"
	"[columns]\n"
	"ticket_id = 工单号\n"
	"created_at = Date Created\n"
	"resolved_at = Resolved On\n"
	"status = Ticket Status\n"
	"\n"
	"[formats]\n"
	"resolved_at = %d-%m-%Y %H:%M\n"
	"\n"
	"[status]\n"
	"resolved = Resolved, 已解决\n"
	"pending = Pending Customer Response\n"
	"closed = Done\n"
	"closed = Archived ; an inline comment\n";

TEST(mapping_file_sets_everything)
{
	rowmap m;
	skpi_diag d;
	char path[64];
	rowmap_time t;
	int cr = col(SKPI_KIND_TICKETS, "created_at"), rs = col(SKPI_KIND_TICKETS, "resolved_at");

	CHECK_INT(load_text(&m, SKPI_KIND_TICKETS, full_map, &d, path), SKPI_OK);
	CHECK_STR(m.map_path, path);
	CHECK_STR(m.encoding, "GB18030");
	CHECK_INT(m.delim, ';');
	CHECK_INT(m.nnulls, 4);
	if (m.nnulls == 4) {
		CHECK_STR(m.nulls[0], "?");
		CHECK_STR(m.nulls[1], "NULL");
		CHECK_STR(m.nulls[2], "N/A");
		CHECK_STR(m.nulls[3], "-");
	}
	CHECK_STR(m.default_format, "%d/%m/%Y %H:%M");
	CHECK_STR(m.header[col(SKPI_KIND_TICKETS, "ticket_id")], "工单号");
	CHECK_STR(m.header[cr], "Date Created");
	CHECK_STR(m.header[rs], "Resolved On");
	CHECK(m.header[col(SKPI_KIND_TICKETS, "agent")] == NULL);
	CHECK_STR(m.format[rs], "%d-%m-%Y %H:%M");
	CHECK(m.format[cr] == NULL);
	/* statuses: the file's words, any case, and the defaults still */
	CHECK_INT(rowmap_status(&m, "已解决", strlen("已解决")), SKPI_ST_RESOLVED);
	CHECK_INT(rowmap_status(&m, "pending customer response", 25), SKPI_ST_PENDING);
	CHECK_INT(rowmap_status(&m, "DONE", 4), SKPI_ST_CLOSED);
	CHECK_INT(rowmap_status(&m, "Archived", 8), SKPI_ST_CLOSED);
	CHECK_INT(rowmap_status(&m, "Solved", 6), SKPI_ST_RESOLVED);
	CHECK_INT(rowmap_status(&m, "已解", strlen("已解")), SKPI_ST_NONE);
	/* created_at takes the file's format, resolved_at its own */
	CHECK_INT(rowmap_time_of(&m, cr, "05/03/2026 14:07", 16, &t), 0);
	CHECK_INT(t.wall, 1772719620);
	CHECK_INT(rowmap_time_of(&m, cr, "2026-03-05 14:07", 16, &t), -1);
	CHECK_INT(rowmap_time_of(&m, rs, "05-03-2026 14:07", 16, &t), 0);
	CHECK_INT(t.wall, 1772719620);
	CHECK_INT(rowmap_time_of(&m, rs, "05/03/2026 14:07", 16, &t), -1);
	CHECK_STR(rowmap_time_form(&m, rs), "%d-%m-%Y %H:%M");
	CHECK_STR(rowmap_time_form(&m, cr), "%d/%m/%Y %H:%M");
	rowmap_release(&m);
}

TEST(mapping_file_small_settings)
{
	rowmap m;
	skpi_diag d;
	char path[64];
	rowmap_time t;
	int sub = col(SKPI_KIND_SURVEYS, "submitted_at");

	CHECK_INT(load_text(&m, SKPI_KIND_SURVEYS, "[file]\ndelimiter = tab\n[columns]\nsubmitted_at = Fecha\n",
			    &d, path), SKPI_OK);
	CHECK_INT(m.delim, '\t');
	CHECK_STR(m.header[sub], "Fecha");
	/* no format given: the standard forms */
	CHECK_INT(rowmap_time_of(&m, sub, "2026-03-05T14:07:09Z", 20, &t), 0);
	CHECK_INT(t.wall, 1772719629);
	CHECK_INT(t.has_offset, 1);
	rowmap_release(&m);
	/* an empty mapping file changes nothing */
	CHECK_INT(load_text(&m, SKPI_KIND_TICKETS, "", &d, path), SKPI_OK);
	CHECK_INT(m.delim, ',');
	rowmap_release(&m);
	/* delimiter words; a value may start with ';' (not an inline comment), a later ' ;' is one */
	CHECK_INT(load_text(&m, SKPI_KIND_TICKETS, "[file]\ndelimiter = semicolon\n", &d, path), SKPI_OK);
	CHECK_INT(m.delim, ';');
	rowmap_release(&m);
	CHECK_INT(load_text(&m, SKPI_KIND_TICKETS, "[file]\ndelimiter = pipe\n", &d, path), SKPI_OK);
	CHECK_INT(m.delim, '|');
	rowmap_release(&m);
	CHECK_INT(load_text(&m, SKPI_KIND_TICKETS, "[file]\ndelimiter\t=\t;   ; the separator\n", &d, path),
		  SKPI_OK);
	CHECK_INT(m.delim, ';');
	rowmap_release(&m);
	/* the same status listed twice under the same meaning is fine */
	CHECK_INT(load_text(&m, SKPI_KIND_TICKETS, "[status]\nclosed = Closed, CLOSED\nclosed = closed\n",
			    &d, path), SKPI_OK);
	rowmap_release(&m);
}

TEST(mapping_file_errors_name_the_line)
{
	MAP_FAILS(SKPI_KIND_TICKETS, "[file]\nencodng = UTF-8\n", 2, "unknown key 'encodng' in [file]");
	MAP_FAILS(SKPI_KIND_TICKETS, "; c\n\n[columns]\nticket = ID\n", 4, "'ticket' is not a column of tickets");
	MAP_FAILS(SKPI_KIND_SURVEYS, "[columns]\nsubmitted_at = Date\ncreated_at = Created\n", 3,
		  "'created_at' is not a column of surveys");
	MAP_FAILS(SKPI_KIND_TICKETS, "[file]\nencoding = UTF-8\n\n[colums]\nticket_id = ID\n", 5,
		  "unknown section [colums]");
	MAP_FAILS(SKPI_KIND_TICKETS, "encoding = UTF-8\n", 1, "unknown section []");
	MAP_FAILS(SKPI_KIND_TICKETS, "[status]\nsolved = Done\n", 2, "unknown key 'solved' in [status]");
	MAP_FAILS(SKPI_KIND_TICKETS, "[formats]\nagent = %d\n", 2, "'agent' is not a timestamp column");
	MAP_FAILS(SKPI_KIND_TICKETS, "[formats]\nagnt = %d\n", 2, "'agnt' is not a column of tickets");
	/* a status given two meanings */
	MAP_FAILS(SKPI_KIND_TICKETS, "[status]\nresolved = Done, Fixed\n\nclosed = Archived, fixed\n", 4,
		  "'fixed'");
	/* ... also against the default vocabulary */
	MAP_FAILS(SKPI_KIND_TICKETS, "[status]\nclosed = Solved\n", 2, "'Solved'");
	MAP_FAILS(SKPI_KIND_TICKETS, "[file]\nkind = surveys\n", 2, "for kind 'surveys'");
	MAP_FAILS(SKPI_KIND_TICKETS, "[file]\ndelimiter = ;;\n", 2, "is not one character");
	MAP_FAILS(SKPI_KIND_TICKETS, "[file]\ndelimiter = \"\n", 2, "is not one character");
	MAP_FAILS(SKPI_KIND_TICKETS, "[file]\ntimestamp_format = dd/mm/yyyy\n", 2, "has no % fields");
	/* a line that is not key = value */
	MAP_FAILS(SKPI_KIND_TICKETS, "[file]\nencoding = UTF-8\nencoding UTF-8\n", 3, "expected 'key = value'");
	MAP_FAILS(SKPI_KIND_TICKETS, "[file\n", 1, "expected 'key = value'");
}

TEST(mapping_file_long_lines)
{
	/* Debian's libinih reads 200-byte lines: 198 characters and the newline fit, 199 do not */
	char text[600], pad[256];
	size_t fixed = strlen("closed = ");
	rowmap m;
	skpi_diag d;
	char path[64];

	memset(pad, 'x', sizeof pad);
	pad[198 - fixed] = '\0';
	snprintf(text, sizeof text, "[status]\n\nclosed = %s\n", pad);
	CHECK_INT(load_text(&m, SKPI_KIND_TICKETS, text, &d, path), SKPI_OK);
	CHECK_INT(rowmap_status(&m, pad, strlen(pad)), SKPI_ST_CLOSED);
	rowmap_release(&m);
	pad[198 - fixed] = 'x';
	pad[199 - fixed] = '\0';
	snprintf(text, sizeof text, "[status]\n\nclosed = %s\nopen = Fine\n", pad);
	MAP_FAILS(SKPI_KIND_TICKETS, text, 3, "longer than 198 characters");
	/* a long line is refused, never cut and read as a shorter value */
	memset(pad, 'y', sizeof pad);
	pad[sizeof pad - 1] = '\0';
	snprintf(text, sizeof text, "[status]\nclosed = %s\n", pad);
	MAP_FAILS(SKPI_KIND_TICKETS, text, 2, "longer than");
}

TEST(mapping_file_missing)
{
	rowmap m;
	skpi_diag d;

	CHECK_INT(rowmap_init(&m, SKPI_KIND_TICKETS), SKPI_OK);
	skpi_diag_clear(&d);
	CHECK_INT(rowmap_load(&m, "/nonexistent/x.map", &d), SKPI_ERR_NOINPUT);
	CHECK(strcmp(d.file, "/nonexistent/x.map") == 0);
	CHECK(d.hint[0] != '\0');
	rowmap_release(&m);
}

/* --- header binding --------------------------------------------------------------- */

TEST(header_any_case_any_order_extra_columns)
{
	rowmap m;
	skpi_diag d;
	struct fake_row r;

	CHECK_INT(rowmap_init(&m, SKPI_KIND_TICKETS), SKPI_OK);
	skpi_diag_clear(&d);
	CHECK_INT(rowmap_bind(&m, ROW(&r, 1, "Subject", "STATUS", "Created_At", "extra", NULL, " Ticket_ID "),
			      "t.csv", &d), SKPI_OK);
	CHECK_INT(m.header_fields, 6);
	CHECK_STR(m.header_names[4], "");
	CHECK_STR(m.header_names[5], " Ticket_ID ");
	CHECK_INT(m.index[col(SKPI_KIND_TICKETS, "ticket_id")], 5);
	CHECK_INT(m.index[col(SKPI_KIND_TICKETS, "created_at")], 2);
	CHECK_INT(m.index[col(SKPI_KIND_TICKETS, "status")], 1);
	CHECK_INT(m.index[col(SKPI_KIND_TICKETS, "subject")], 0);
	CHECK_INT(m.index[col(SKPI_KIND_TICKETS, "agent")], -1);
	rowmap_release(&m);
}

TEST(header_missing_required_column)
{
	rowmap m;
	skpi_diag d;
	struct fake_row r;

	CHECK_INT(rowmap_init(&m, SKPI_KIND_TICKETS), SKPI_OK);
	skpi_diag_clear(&d);
	CHECK_INT(rowmap_bind(&m, ROW(&r, 3, "ticket_id", "status", "created"), "t.csv", &d), SKPI_ERR_HEADER);
	CHECK_INT(d.code, SKPI_ERR_HEADER);
	CHECK(strcmp(d.file, "t.csv") == 0);
	CHECK_INT(d.line, 3);
	CHECK(strstr(d.msg, "'created_at'") != NULL);
	CHECK(strstr(d.hint, "'created'") != NULL); /* says what the header holds */
	rowmap_release(&m);
	/* surveys need submitted_at only */
	CHECK_INT(rowmap_init(&m, SKPI_KIND_SURVEYS), SKPI_OK);
	CHECK_INT(rowmap_bind(&m, ROW(&r, 1, "Submitted_At"), "s.csv", &d), SKPI_OK);
	rowmap_release(&m);
	CHECK_INT(rowmap_init(&m, SKPI_KIND_SURVEYS), SKPI_OK);
	CHECK_INT(rowmap_bind(&m, ROW(&r, 1, "survey_id", "ticket_id", "score"), "s.csv", &d), SKPI_ERR_HEADER);
	CHECK(strstr(d.msg, "'submitted_at'") != NULL);
	rowmap_release(&m);
}

TEST(header_through_a_mapping)
{
	rowmap m;
	skpi_diag d;
	char path[64];
	struct fake_row r;
	static const char map[] = "[columns]\nticket_id = Ticket ID\ncreated_at = Date Created\n"
				  "resolved_at = Resolved On\n";

	CHECK_INT(load_text(&m, SKPI_KIND_TICKETS, map, &d, path), SKPI_OK);
	CHECK_INT(rowmap_bind(&m, ROW(&r, 1, "x", "date created", "TICKET ID", "Resolved On", "ticket_id"),
			      "t.csv", &d), SKPI_OK);
	CHECK_INT(m.index[col(SKPI_KIND_TICKETS, "ticket_id")], 2); /* the mapped one, not 'ticket_id' */
	CHECK_INT(m.index[col(SKPI_KIND_TICKETS, "created_at")], 1);
	CHECK_INT(m.index[col(SKPI_KIND_TICKETS, "resolved_at")], 3);
	rowmap_release(&m);

	/* a header the mapping names that the file lacks, even for an optional column */
	CHECK_INT(load_text(&m, SKPI_KIND_TICKETS, map, &d, path), SKPI_OK);
	skpi_diag_clear(&d);
	CHECK_INT(rowmap_bind(&m, ROW(&r, 1, "Ticket ID", "Date Created", "Resolved"), "t.csv", &d),
		  SKPI_ERR_HEADER);
	CHECK_INT(d.line, 1);
	CHECK(strstr(d.msg, "'Resolved On'") != NULL);
	CHECK(strstr(d.msg, "resolved_at") != NULL);
	rowmap_release(&m);

	/* the canonical name no longer counts once the column is mapped */
	CHECK_INT(load_text(&m, SKPI_KIND_TICKETS, map, &d, path), SKPI_OK);
	CHECK_INT(rowmap_bind(&m, ROW(&r, 1, "ticket_id", "created_at", "Resolved On"), "t.csv", &d),
		  SKPI_ERR_HEADER);
	CHECK(strstr(d.msg, "'Ticket ID'") != NULL);
	rowmap_release(&m);
}

TEST(header_duplicates)
{
	rowmap m;
	skpi_diag d;
	struct fake_row r;

	CHECK_INT(rowmap_init(&m, SKPI_KIND_TICKETS), SKPI_OK);
	skpi_diag_clear(&d);
	CHECK_INT(rowmap_bind(&m, ROW(&r, 2, "ticket_id", "created_at", "TICKET_ID"), "t.csv", &d),
		  SKPI_ERR_HEADER);
	CHECK_INT(d.line, 2);
	CHECK(strstr(d.msg, "twice") != NULL);
	rowmap_release(&m);
	/* a repeated column nobody uses does not matter */
	CHECK_INT(rowmap_init(&m, SKPI_KIND_TICKETS), SKPI_OK);
	CHECK_INT(rowmap_bind(&m, ROW(&r, 1, "note", "ticket_id", "note", "created_at"), "t.csv", &d), SKPI_OK);
	rowmap_release(&m);
}

TEST(fields_trimmed_and_null_markers)
{
	rowmap m;
	skpi_diag d;
	char path[64];
	struct fake_row h, r;
	const char *s;
	size_t n;
	int id = col(SKPI_KIND_TICKETS, "ticket_id"), ag = col(SKPI_KIND_TICKETS, "agent"),
	    tm = col(SKPI_KIND_TICKETS, "team"), su = col(SKPI_KIND_TICKETS, "subject"),
	    st = col(SKPI_KIND_TICKETS, "status");

	CHECK_INT(load_text(&m, SKPI_KIND_TICKETS, "[file]\nnull = ?, NULL, N/A, -\n", &d, path), SKPI_OK);
	CHECK_INT(rowmap_bind(&m, ROW(&h, 1, "ticket_id", "created_at", "agent", "team", "subject"), "t.csv", &d),
		  SKPI_OK);
	ROW(&r, 2, "  T1\t", "2026-03-05", "null", "?", "N/A2");
	s = rowmap_field(&m, &r.row, id, &n);
	CHECK(s != NULL && n == 2 && memcmp(s, "T1", 2) == 0);
	CHECK(rowmap_field(&m, &r.row, ag, &n) == NULL); /* markers match in any case */
	CHECK_INT(n, 0);
	CHECK(rowmap_field(&m, &r.row, tm, &n) == NULL);
	s = rowmap_field(&m, &r.row, su, &n);            /* only whole values are markers */
	CHECK(s != NULL && n == 4 && memcmp(s, "N/A2", 4) == 0);
	CHECK(rowmap_field(&m, &r.row, st, &n) == NULL); /* not in the header */
	ROW(&r, 3, "T2", "2026-03-05", " - ", "   ", NULL);
	CHECK(rowmap_field(&m, &r.row, ag, &n) == NULL);
	CHECK(rowmap_field(&m, &r.row, tm, &n) == NULL); /* spaces only */
	CHECK(rowmap_field(&m, &r.row, su, &n) == NULL); /* an empty field */
	ROW(&r, 4, "T3", "2026-03-05");                  /* a short row */
	CHECK(rowmap_field(&m, &r.row, su, &n) == NULL);
	rowmap_release(&m);
	/* without a mapping, NULL is a value like any other */
	CHECK_INT(rowmap_init(&m, SKPI_KIND_TICKETS), SKPI_OK);
	CHECK_INT(rowmap_bind(&m, ROW(&h, 1, "ticket_id", "created_at", "agent"), "t.csv", &d), SKPI_OK);
	ROW(&r, 2, "T1", "2026-03-05", "NULL");
	s = rowmap_field(&m, &r.row, ag, &n);
	CHECK(s != NULL && n == 4);
	rowmap_release(&m);
}

int main(void)
{
	RUN(oracle_agrees_with_date);
	RUN(standard_forms);
	RUN(standard_forms_refuse_what_is_not_a_time);
	RUN(formats);
	RUN(defaults_without_a_mapping);
	RUN(kinds);
	RUN(mapping_file_sets_everything);
	RUN(mapping_file_small_settings);
	RUN(mapping_file_errors_name_the_line);
	RUN(mapping_file_long_lines);
	RUN(mapping_file_missing);
	RUN(header_any_case_any_order_extra_columns);
	RUN(header_missing_required_column);
	RUN(header_through_a_mapping);
	RUN(header_duplicates);
	RUN(fields_trimmed_and_null_markers);
	return unit_done();
}
