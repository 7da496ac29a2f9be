#!/bin/sh
# ingest.sh — end-to-end tests of `supportkpi init` and `supportkpi ingest --kind tickets` on
# files written here: the CSV edge cases (BOM, CRLF, quoted commas, quotes and newlines,
# blank lines, ragged rows), rejects written row by row, data-quality notes, the upsert
# (later rows update, the same file twice changes nothing), status history, ISO offsets
# converted to the database's zone, the ingest log and its SHA-256, counts that add up.
#
# Expected values are worked out by hand in the comments; Unix times come from GNU date
# with the system's zone files (TZ=Europe/Berlin date -d ... +%s), not from supportkpi.
. "${SKPI_TOP:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

K=$(cd "$SKPI_BIN" 2>/dev/null && pwd)/supportkpi
if [ ! -x "$K" ] || ! command -v sqlite3 >/dev/null; then
	not_ok "ingest: supportkpi and sqlite3 are available" "no '$K' or no sqlite3"
	finish
fi
cd "$tmp" || exit 1
DB=$tmp/c.db

berlin() { TZ=Europe/Berlin date -d "$1" +%s; }
utc() { TZ=UTC date -d "$1" +%s; }

# ---- init ----

check_exit "init: creates the database with a zone" 0 "$K" init --db "$DB" --timezone Europe/Berlin
if grep -q "^supportkpi init: '$DB' is ready (schema version [0-9]*, time zone Europe/Berlin)$" "$tmp/err" &&
	[ ! -s "$tmp/out" ]; then
	ok "init: says it is ready on stderr, nothing on stdout"
else
	not_ok "init: says it is ready on stderr, nothing on stdout"
	diag_file "$tmp/err"
fi
same "init: meta holds the zone" "Europe/Berlin" "$(q "SELECT value FROM meta WHERE key = 'timezone'")"
check_exit "init: again on the same database is fine" 0 "$K" init --db "$DB"
check_exit "init: an unknown zone is a configuration error (78)" 78 "$K" init --db "$tmp/z.db" --timezone Mars/Olympus
[ ! -e "$tmp/z.db" ] && ok "init: nothing created for an unknown zone" || not_ok "init: nothing created for an unknown zone"
SUPPORTKPI_DB=$tmp/env.db check_exit "init: \$SUPPORTKPI_DB names the database" 0 "$K" init
[ -f "$tmp/env.db" ] && ok "init: created \$SUPPORTKPI_DB" || not_ok "init: created \$SUPPORTKPI_DB"
mkdir "$tmp/cwd" && (cd "$tmp/cwd" && "$K" init 2>/dev/null)
[ -f "$tmp/cwd/supportkpi.db" ] && ok "init: default ./supportkpi.db" || not_ok "init: default ./supportkpi.db"

# ---- one file with every CSV edge case ----
# Physical lines (CRLF endings, a UTF-8 BOM before the header):
#  1 header (8 columns)
#  2 T1: quoted comma in the subject, status Open
#  3 (blank)
#  4 T2: a subject with doubled quotes and a newline: the row ends on line 5
#  6 T3: created_at 31/02/2026 -> rejected (not a timestamp)
#  7 (no ticket_id) -> rejected
#  8 T4: ISO times with offsets; resolved_at before created_at -> note, stored empty
#  9 T5: 4 fields -> rejected (ragged)
# 10 T6: reopen_count 'x' -> note; status 'Escalated' not in the vocabulary -> note
# 11 T1 again: now resolved -> updates T1
# 12 (blank)
# 13 T7: first_response_at 'soon' -> note; created_at after the DST change
printf '\357\273\277ticket_id,created_at,first_response_at,resolved_at,status,agent,subject,reopen_count,updated_at\r\n' >t.csv
printf 'T1,2026-10-01 09:00,2026-10-01 09:30,,Open,Ann,"printer, jammed",0,2026-10-01 09:30\r\n' >>t.csv
printf '\r\n' >>t.csv
printf 'T2,2026/10/02 10:00:30,,2026-10-02 11:00,Resolved,Bob,"says ""hi""\r\nthere",1,\r\n' >>t.csv
printf 'T3,31/02/2026,,,open,Cy,s,0,\r\n' >>t.csv
printf ',2026-10-01 09:00,,,open,Dee,s,0,\r\n' >>t.csv
printf 'T4,2026-10-03T08:00:00Z,2026-10-03T08:05:00-05:00,2026-10-01,closed,Eve,s,,\r\n' >>t.csv
printf 'T5,2026-10-01 09:00,,open\r\n' >>t.csv
printf 'T6,2026-10-05 12:00:00,,,Escalated,Fay,s,x,\r\n' >>t.csv
printf 'T1,2026-10-01 09:00,2026-10-01 09:30,2026-10-04 12:00,resolved,Ann,"printer, jammed",0,2026-10-04 12:00\r\n' >>t.csv
printf '\r\n' >>t.csv
printf 'T7,2026-10-26 08:00,soon,,pending,Gus,s,2,\r\n' >>t.csv

check_exit "ingest: rows rejected: exit 1" 1 "$K" ingest --db "$DB" --kind tickets t.csv
# 9 rows read (lines 2 4 6 7 8 9 10 11 13): T1 T2 T4 T6 T7 inserted, T1 updated (by line 11,
# a later row of this file), 3 rejected;
# notes on T4 (resolved_at), T6 (reopen_count, status), T7 (first_response_at): 3 rows
same "ingest: the summary counts add up" \
	"supportkpi ingest: 't.csv': 9 rows read: 5 inserted, 1 updated (1 by a later row for the same key in this file), 0 unchanged, 3 rejected (see 't.rejects.csv'); 3 loaded rows carry a data-quality note" \
	"$(cat "$tmp/err")"
[ ! -s "$tmp/out" ] && ok "ingest: nothing on stdout" || not_ok "ingest: nothing on stdout"

# rejects: line, reason, then the row's own fields under the export's header
cat >want.rej <<'EOF'
line,reason,ticket_id,created_at,first_response_at,resolved_at,status,agent,subject,reopen_count,updated_at
6,"created_at '31/02/2026' is not a timestamp (expected YYYY-MM-DD HH:MM[:SS], YYYY/MM/DD HH:MM[:SS] or ISO 8601)",T3,31/02/2026,,,open,Cy,s,0,
7,ticket_id is empty,,2026-10-01 09:00,,,open,Dee,s,0,
9,"the row has 4 fields, the header has 9",T5,2026-10-01 09:00,,open
EOF
if cmp -s want.rej t.rejects.csv; then
	ok "ingest: rejects file row by row"
else
	diff -u want.rej t.rejects.csv >"$tmp/diff"
	not_ok "ingest: rejects file row by row"
	diag_file "$tmp/diff"
fi

# Times: naive ones are Berlin wall time (CEST, +02:00, until 2026-10-25 03:00; CET after).
# T4 created 08:00Z = 10:00 CEST; first response 08:05-05:00 = 13:05Z = 15:05 CEST.
# T7 created 2026-10-26 08:00 CET = 07:00Z.
want="T1|2026-10-01 09:00:00|$(berlin '2026-10-01 09:00')|2026-10-01 09:30:00|2026-10-04 12:00:00|resolved|resolved|Ann|printer, jammed|0|2026-10-04 12:00:00|11
T2|2026-10-02 10:00:30|$(berlin '2026-10-02 10:00:30')||2026-10-02 11:00:00|resolved|Resolved|Bob|says \"hi\"\\nthere|1||4
T4|2026-10-03 10:00:00|$(utc '2026-10-03 08:00')|2026-10-03 15:05:00||closed|closed|Eve|s|||8
T6|2026-10-05 12:00:00|$(berlin '2026-10-05 12:00')||||Escalated|Fay|s|||10
T7|2026-10-26 08:00:00|$(utc '2026-10-26 07:00')|||pending|pending|Gus|s|2||13"
same "ingest: tickets hold the rows, times in the database's zone" "$want" \
	"$(q "SELECT ticket_id, created_at, created_ts, first_response_at, resolved_at, status, status_raw,
	      agent, replace(replace(subject, char(13), ''), char(10), '\\n'), reopen_count, updated_at, source_line
	      FROM tickets ORDER BY ticket_id")"
same "ingest: first_response_ts is the instant" "$(utc '2026-10-03 13:05')" \
	"$(q "SELECT first_response_ts FROM tickets WHERE ticket_id = 'T4'")"
same "ingest: SQLite's date functions read the stored times" "2026-10|2026-10-04" \
	"$(q "SELECT strftime('%Y-%m', created_at), date(resolved_at) FROM tickets WHERE ticket_id = 'T1'")"

same "ingest: data-quality notes keep the raw value, column and reason" \
"T4|8|resolved_at|2026-10-01|before created_at
T6|10|status|Escalated|not in the status vocabulary (add it under [status] in the mapping file)
T6|10|reopen_count|x|not a number
T7|13|first_response_at|soon|not a timestamp; expected YYYY-MM-DD HH:MM[:SS], YYYY/MM/DD HH:MM[:SS] or ISO 8601" \
	"$(q "SELECT record_key, line, column_name, raw_value, reason FROM data_quality ORDER BY dq_id")"

# history: the first status of each ticket (as of updated_at, else created_at), then T1's
# change open -> resolved at its updated_at; T6 has no status it can name, so none.
same "ingest: status history" \
"T1|2026-10-01 09:30:00||open|2
T1|2026-10-04 12:00:00|open|resolved|11
T2|2026-10-02 10:00:30||resolved|4
T4|2026-10-03 10:00:00||closed|8
T7|2026-10-26 08:00:00||pending|13" \
	"$(q "SELECT ticket_id, changed_at, old_status, new_status, source_line FROM ticket_status_history
	      ORDER BY ticket_id, ingest_id, source_line")"

sha=$(sha256sum t.csv | cut -d' ' -f1)
same "ingest: the log records the file, its SHA-256 and the counts" \
	"1|tickets|t.csv|$sha|9|5|1|0|3|3" \
	"$(q "SELECT ingest_id, kind, file_name, sha256, rows_read, inserted, updated, unchanged, rejected, dq_rows FROM ingest_log")"
same "ingest: the log's start and end times are UTC ISO 8601" "1" \
	"$(q "SELECT started_at GLOB '20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z'
	      AND finished_at >= started_at FROM ingest_log")"

# ---- the same file again ----
dump() {
	for t in tickets ticket_status_history data_quality; do
		sqlite3 -batch "$DB" "SELECT * FROM $t ORDER BY 1, 2" >"$1.$t"
	done
}
dump before
check_exit "ingest: the same file again: exit 1 (rows still rejected)" 1 "$K" ingest --db "$DB" --kind tickets t.csv
# the stored T1 came from line 11; line 2 is older (updated_at): unchanged, like the rest
same "ingest: the same file again changes nothing and says so" \
"supportkpi ingest: 't.csv': 9 rows read: 0 inserted, 0 updated, 6 unchanged, 3 rejected (see 't.rejects.csv'); 3 loaded rows carry a data-quality note
supportkpi ingest: 't.csv' was already ingested (ingest 1, $(q "SELECT finished_at FROM ingest_log WHERE ingest_id = 1")): nothing changed" \
	"$(cat "$tmp/err")"
dump after
for t in tickets ticket_status_history data_quality; do
	if cmp -s "before.$t" "after.$t"; then
		ok "ingest: the same file again leaves $t as it was"
	else
		diff -u "before.$t" "after.$t" >"$tmp/diff"
		not_ok "ingest: the same file again leaves $t as it was"
		diag_file "$tmp/diff"
	fi
done
same "ingest: the second ingest is logged too" "2|9|0|0|6|3" \
	"$(q "SELECT ingest_id, rows_read, inserted, updated, unchanged, rejected FROM ingest_log WHERE ingest_id = 2")"
cmp -s want.rej t.rejects.csv && ok "ingest: the rejects file is written again, the same" ||
	not_ok "ingest: the rejects file is written again, the same"

# ---- a later export updates; older rows do not win ----
# T2 moves to closed (history: resolved -> closed at its updated_at); T7 gets a team change
# only (no history row); T4 comes with an older updated_at than stored?  T4 has none stored,
# so it applies.  T1 at an older updated_at than stored is not applied (a note says so).
cat >t2.csv <<'EOF'
ticket_id,created_at,resolved_at,closed_at,status,agent,updated_at
T2,2026-10-02 10:00:30,2026-10-02 11:00,2026-10-06 08:00,closed,Bob,2026-10-06 08:00
T7,2026-10-26 08:00,,,pending,Hal,2026-10-27 09:00
T1,2026-10-01 09:00,,,open,Ann,2026-10-02 09:00
EOF
check_exit "ingest: a later export: exit 0" 0 "$K" ingest --db "$DB" --kind tickets t2.csv
same "ingest: a later export: counts" \
	"supportkpi ingest: 't2.csv': 3 rows read: 0 inserted, 2 updated, 1 unchanged, 0 rejected; 1 loaded row carries a data-quality note" \
	"$(cat "$tmp/err")"
same "ingest: later rows update; columns the export lacks keep their values" \
"T1|resolved|Ann|printer, jammed|2026-10-04 12:00:00
T2|closed|Bob|says \"hi\"\\nthere|2026-10-06 08:00:00
T7|pending|Hal|s|2026-10-27 09:00:00" \
	"$(q "SELECT ticket_id, status, agent, replace(replace(subject, char(13), ''), char(10), '\\n'), updated_at
	      FROM tickets WHERE ticket_id IN ('T1', 'T2', 'T7') ORDER BY ticket_id")"
same "ingest: a status change adds history, other changes do not" \
	"T2|2026-10-06 08:00:00|resolved|closed|3|2" \
	"$(q "SELECT ticket_id, changed_at, old_status, new_status, ingest_id, source_line FROM ticket_status_history
	      WHERE ingest_id = 3")"
same "ingest: an older row is noted, not applied" \
	"T1|4|updated_at|older than the stored state of this ticket: not applied" \
	"$(q "SELECT record_key, line, column_name, reason FROM data_quality WHERE ingest_id = 3")"

# ---- counts always add up ----
same "ingest: every logged ingest adds up" "0" \
	"$(q "SELECT count(*) FROM ingest_log WHERE rows_read <> inserted + updated + unchanged + rejected")"

# ---- a clean file: exit 0, no rejects file ----
printf 'ticket_id,created_at\nC1,2026-10-01 00:00\n' >clean.csv
check_exit "ingest: a clean file: exit 0" 0 "$K" ingest --db "$DB" --kind tickets clean.csv
[ ! -e clean.rejects.csv ] && ok "ingest: no rejects file when nothing is rejected" ||
	not_ok "ingest: no rejects file when nothing is rejected"
check_exit "ingest: --quiet: exit 0" 0 "$K" ingest --quiet --db "$DB" --kind tickets clean.csv
[ ! -s "$tmp/err" ] && ok "ingest: --quiet prints nothing" || not_ok "ingest: --quiet prints nothing"

# --rejects names the file; several inputs in one run
printf 'ticket_id,created_at\nR1,never\n' >r.csv
# its only row is rejected: nothing was loaded, which is bad input data (65), not a warning
check_exit "ingest: --rejects FILE" 65 "$K" ingest --db "$DB" --kind tickets --rejects "$tmp/mine.csv" r.csv
says "ingest: every row rejected says so, with the first reason" \
	"'r.csv': every row was rejected, nothing was loaded; the first: line 2: created_at 'never' is not a timestamp"
[ "$(stat -c %a "$tmp/mine.csv")" = 600 ] && ok "ingest: the rejects file is readable by its owner only" ||
	not_ok "ingest: the rejects file is readable by its owner only" "mode $(stat -c %a "$tmp/mine.csv")"
same "ingest: --rejects FILE holds the row" "line,reason,ticket_id,created_at
2,\"created_at 'never' is not a timestamp (expected YYYY-MM-DD HH:MM[:SS], YYYY/MM/DD HH:MM[:SS] or ISO 8601)\",R1,never" \
	"$(cat "$tmp/mine.csv" 2>/dev/null)"
[ ! -e r.rejects.csv ] && ok "ingest: --rejects: nothing beside the input" || not_ok "ingest: --rejects: nothing beside the input"
printf 'ticket_id,created_at\nM1,2026-10-01 00:00\n' >m1.csv
printf 'ticket_id,created_at\nM2,2026-10-01 00:00\n' >m2.csv
check_exit "ingest: several files in one run" 0 "$K" ingest --db "$DB" --kind tickets m1.csv m2.csv
same "ingest: several files: one summary each" 2 "$(grep -c 'rows read' "$tmp/err")"
same "ingest: several files: both loaded" "M1
M2" "$(q "SELECT ticket_id FROM tickets WHERE ticket_id LIKE 'M%' ORDER BY 1")"

finish
