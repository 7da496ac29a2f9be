#!/bin/sh
# ingest_verbose.sh — `supportkpi ingest --verbose` (the phase timings: their format only,
# never their values), and the two-thread ingest on a file of many batches (the reader
# thread hands rows over 1024 at a time): counts, the first reject, the rejects file in
# file order, and errors found late in the file by either thread (bad CSV by the reader, a
# database error by the writer) leaving nothing behind.
. "${SKPI_TOP:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

K=$(cd "$SKPI_BIN" 2>/dev/null && pwd)/supportkpi
if [ ! -x "$K" ] || ! command -v sqlite3 >/dev/null; then
	not_ok "ingest_verbose: supportkpi and sqlite3 are available"
	finish
fi
cd "$tmp" || exit 1
DB=$tmp/v.db
"$K" init --db "$DB" 2>/dev/null

# ---- --verbose: one line of six phases, each a number of seconds >= 0 ----
printf 'ticket_id,created_at,status\nA1,2026-10-01 09:00,open\nA2,2026-10-01 10:00,closed\n' >small.csv
num='[0-9][0-9]*\.[0-9][0-9]'
line="^supportkpi ingest: 'small.csv': seconds: hash $num, read $num (reader thread, busy), rows $num (SQLite), waiting for rows $num, indexes $num, commit $num\$"
run "$K" ingest --db "$DB" --kind tickets --verbose small.csv
if [ "$rc" -eq 0 ] && [ "$(grep -c "$line" "$tmp/err")" -eq 1 ] &&
	grep -q "^supportkpi ingest: 'small.csv': 2 rows read: 2 inserted" "$tmp/err" && [ ! -s "$tmp/out" ]; then
	ok "ingest_verbose: --verbose prints the summary, then the six phases in seconds"
else
	not_ok "ingest_verbose: --verbose prints the summary, then the six phases in seconds" "exit $rc"
	diag_file "$tmp/err"
fi
# --quiet keeps the timings and drops the summary; -v is the short form
run "$K" ingest --db "$DB" --kind tickets --quiet -v small.csv
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	grep -q "$line" "$tmp/err"; then
	ok "ingest_verbose: --quiet -v prints the timings line alone"
else
	not_ok "ingest_verbose: --quiet -v prints the timings line alone" "exit $rc"
	diag_file "$tmp/err"
fi
# without -v: no timings
run "$K" ingest --db "$DB" --kind tickets small.csv
if [ "$rc" -eq 0 ] && ! grep -q 'seconds:' "$tmp/err"; then
	ok "ingest_verbose: no timings without --verbose"
else
	not_ok "ingest_verbose: no timings without --verbose"
	diag_file "$tmp/err"
fi
if "$K" ingest --help | grep -q -- '-v, --verbose'; then
	ok "ingest_verbose: --help lists -v, --verbose"
else
	not_ok "ingest_verbose: --help lists -v, --verbose"
fi

# ---- a file of 5000 rows: five batches and more ----
# Row k (1..5000) is on line k+1 and has ticket_id T<k>, created 2026-10-01 00:00 plus k
# minutes (awk's strftime is not POSIX: the time is built from k by hand).  Rejected by
# construction: rows 10 and 4500 (created_at empty; required).  Data-quality notes: rows
# 3000 (reopen_count 'x') and 3001 (first_response_at before created_at).  Row 4999
# repeats T7 with another status, so it updates T7 (a later row of the same file).
gen() { # ROWS [BAD_LINE] : the export; BAD_LINE, if given, opens a quote never closed
	awk -v n="$1" -v bad="${2:-0}" 'BEGIN {
		print "ticket_id,created_at,first_response_at,status,reopen_count"
		for (k = 1; k <= n; k++) {
			m = k; h = int(m / 60); m = m % 60; d = 1 + int(h / 24); h = h % 24
			t = sprintf("2026-10-%02d %02d:%02d", d, h, m)
			id = "T" k; st = "open"; fr = ""; rc = "0"
			if (k == 10 || k == 4500) t = ""
			if (k == 3000) rc = "x"
			if (k == 3001) fr = "2026-09-01 00:00"
			if (k == 4999) { id = "T7"; st = "closed"; t = "2026-10-01 00:07" }
			if (k + 1 == bad) { print id ",\"" t ",,open,0"; continue }
			print id "," t "," fr "," st "," rc
		}
	}'
}
gen 5000 >big.csv
DB=$tmp/big.db
"$K" init --db "$DB" 2>/dev/null
run "$K" ingest --db "$DB" --kind tickets big.csv
# 5000 read; 2 rejected; 4998 placed, of which row 4999 updates T7: 4997 inserted, 1 updated
same "ingest_verbose: 5000 rows: the counts" \
	"1|5000 rows read: 4997 inserted, 1 updated (1 by a later row for the same key in this file), 0 unchanged, 2 rejected" \
	"$rc|$(sed -n "s/^supportkpi ingest: 'big.csv': \(.*\) (see .*/\1/p" "$tmp/err")"
same "ingest_verbose: 5000 rows: the database" "4997|1|closed|1|2" \
	"$(q "SELECT count(*), (SELECT rows_read = 5000 AND inserted = 4997 AND updated = 1 AND rejected = 2
		FROM ingest_log), (SELECT status FROM tickets WHERE ticket_id = 'T7'),
		(SELECT count(*) FROM tickets WHERE ticket_id IN ('T10', 'T4500')) = 0,
		(SELECT count(*) FROM data_quality) FROM tickets")"
same "ingest_verbose: 5000 rows: notes on the right lines" "3001|reopen_count
3002|first_response_at" "$(q "SELECT line, column_name FROM data_quality ORDER BY line")"
# the rejects file: header, then lines 11 and 4501 in file order
same "ingest_verbose: 5000 rows: the rejects file in file order" "line,reason,ticket_id,created_at,first_response_at,status,reopen_count
11,created_at is empty,T10,,,open,0
4501,created_at is empty,T4500,,,open,0" "$(cat big.rejects.csv)"
# the same bytes again: every placed row unchanged, the same two rejected, the same two
# rows with a note (3000 and 3001), nothing written, the rejects file the same
cp big.rejects.csv big.rejects.first
run "$K" ingest --db "$DB" --kind tickets big.csv
same "ingest_verbose: 5000 rows again: the summary" "1
supportkpi ingest: 'big.csv': 5000 rows read: 0 inserted, 0 updated, 4998 unchanged, 2 rejected (see 'big.rejects.csv'); 2 loaded rows carry a data-quality note" \
	"$rc
$(sed -n 1p "$tmp/err")"
same "ingest_verbose: 5000 rows again: nothing written, the same rejects file" "4997|2|2|same" \
	"$(q "SELECT count(*), (SELECT count(*) FROM data_quality), (SELECT count(*) FROM ingest_log)
		FROM tickets")|$(cmp -s big.rejects.csv big.rejects.first && echo same)"

# bad CSV near the end (line 4990), found by the reader after four batches were written:
# nothing of the file stays, the message names the line, no rejects file is left
gen 5000 4990 >late.csv
DB=$tmp/late.db
"$K" init --db "$DB" 2>/dev/null
run "$K" ingest --db "$DB" --kind tickets late.csv
if [ "$rc" -eq 65 ] && grep -q "'late.csv' line 4990" "$tmp/err" && [ ! -e late.rejects.csv ] &&
	[ "$(ls | grep -c 'late\.rejects')" -eq 0 ]; then
	ok "ingest_verbose: bad CSV on line 4990: 65, the line named, no rejects file"
else
	not_ok "ingest_verbose: bad CSV on line 4990: 65, the line named, no rejects file" "exit $rc"
	diag_file "$tmp/err"
fi
same "ingest_verbose: bad CSV on line 4990: nothing loaded" "0|0|0|0" \
	"$(q "SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM ingest_log),
		(SELECT count(*) FROM data_quality), (SELECT count(*) FROM ticket_status_history)")"

# a database error on row 2000 (a trigger refuses T2000), found by the writer while the
# reader is ahead: the writer's error is the one reported, nothing stays, the reader stops
DB=$tmp/trig.db
"$K" init --db "$DB" 2>/dev/null
q "CREATE TRIGGER refuse BEFORE INSERT ON tickets WHEN NEW.ticket_id = 'T2000'
	BEGIN SELECT RAISE(ABORT, 'refused by the test'); END" >/dev/null
run "$K" ingest --db "$DB" --kind tickets big.csv
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && grep -q "line 2001" "$tmp/err" && grep -q 'refused by the test' "$tmp/err" &&
	[ "$(ls | grep -c 'big\.rejects\.csv\.tmp')" -eq 0 ]; then
	ok "ingest_verbose: a database error on line 2001: reported with its line, no temporary rejects file"
else
	not_ok "ingest_verbose: a database error on line 2001: reported with its line, no temporary rejects file" "exit $rc"
	diag_file "$tmp/err"
fi
same "ingest_verbose: a database error on line 2001: nothing loaded" "0|0|0" \
	"$(q "SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM ingest_log),
		(SELECT count(*) FROM ticket_status_history)")"
finish
