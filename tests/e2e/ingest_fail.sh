#!/bin/sh
# ingest_fail.sh — end-to-end tests of how `supportkpi ingest` fails: every exit code of
# docs/exit-codes.md it can return (64 usage, 65 bad data with nothing loaded, 66 input
# missing, 73 cannot create the rejects file, 75 database locked), the message for each,
# and atomicity: a file is in the database entirely or not at all, even after kill -9.
. "${SKPI_TOP:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

K=$(cd "$SKPI_BIN" 2>/dev/null && pwd)/supportkpi
if [ ! -x "$K" ] || ! command -v sqlite3 >/dev/null; then
	not_ok "ingest_fail: supportkpi and sqlite3 are available"
	finish
fi
cd "$tmp" || exit 1
DB=$tmp/f.db
nothing_loaded() { # NAME
	if [ "$(q "SELECT (SELECT count(*) FROM tickets) + (SELECT count(*) FROM ingest_log)
			+ (SELECT count(*) FROM data_quality) + (SELECT count(*) FROM ticket_status_history)")" = 0 ]; then
		ok "$1"
	else
		not_ok "$1"
	fi
}

"$K" init --db "$DB" 2>/dev/null
printf 'ticket_id,created_at\nA1,2026-10-01 00:00\n' >good.csv

# ---- 64: usage ----
for bad in "" "--kind tickets" "--kind ticket good.csv" \
	"--bogus --kind tickets good.csv" "--kind tickets --rejects r.csv good.csv good.csv" "--kind"; do
	# shellcheck disable=SC2086 # split on purpose
	run "$K" ingest --db "$DB" $bad
	if [ "$rc" -eq 64 ] && grep -q '^usage: supportkpi ingest' "$tmp/err" && [ ! -s "$tmp/out" ]; then
		ok "ingest_fail: usage '$bad': 64 and the usage on stderr"
	else
		not_ok "ingest_fail: usage '$bad': 64 and the usage on stderr" "exit $rc"
		diag_file "$tmp/err"
	fi
done
cp good.csv good.orig
check_exit "ingest_fail: --rejects naming the export itself: 64" 64 \
	"$K" ingest --db "$DB" --kind tickets --rejects "$tmp/good.csv" good.csv
cmp -s good.csv good.orig && ok "ingest_fail: ... and the export is left as it was" ||
	not_ok "ingest_fail: ... and the export is left as it was"
nothing_loaded "ingest_fail: nothing loaded after usage errors"

# ---- 66: input missing ----
check_exit "ingest_fail: a missing export: 66" 66 "$K" ingest --db "$DB" --kind tickets nosuch.csv
says "ingest_fail: a missing export is named" "^supportkpi ingest: 'nosuch.csv': cannot read: No such file or directory$"
mkdir adir
check_exit "ingest_fail: a directory: 66" 66 "$K" ingest --db "$DB" --kind tickets adir
check_exit "ingest_fail: a missing database: 66" 66 "$K" ingest --db "$tmp/none.db" --kind tickets good.csv
says "ingest_fail: a missing database says how to create it" "hint: create it with 'supportkpi init --db $tmp/none.db'"
[ ! -e "$tmp/none.db" ] && ok "ingest_fail: ingest does not create a database" ||
	not_ok "ingest_fail: ingest does not create a database"
printf 'not a database, just text\n' >text.db
check_exit "ingest_fail: a file that is not a database: 66" 66 "$K" ingest --db text.db --kind tickets good.csv
says "ingest_fail: ... says so" "not a supportkpi (SQLite) database"
if [ "$(id -u)" != 0 ]; then
	cp good.csv unreadable.csv && chmod 000 unreadable.csv
	check_exit "ingest_fail: an unreadable export: 66" 66 "$K" ingest --db "$DB" --kind tickets unreadable.csv
else
	skip "ingest_fail: an unreadable export: 66" "running as root"
fi
nothing_loaded "ingest_fail: nothing loaded after missing inputs"

# ---- 65: bad data, nothing loaded ----
# each file: its bytes, the line the message names, and what it says
fails65() { # NAME FILE LINE PATTERN
	run "$K" ingest --db "$DB" --kind tickets "$2"
	if [ "$rc" -eq 65 ] && grep -q "^supportkpi ingest: '$2'$3$4" "$tmp/err" &&
		grep -q '^supportkpi ingest: hint: ' "$tmp/err" && [ ! -e "${2%.csv}.rejects.csv" ]; then
		ok "ingest_fail: $1: 65, where, what, a hint, no rejects file"
	else
		not_ok "ingest_fail: $1: 65, where, what, a hint, no rejects file" "exit $rc"
		diag_file "$tmp/err"
	fi
}
: >empty.csv
fails65 "an empty file" empty.csv "" ": the file is empty: there is no header row"
# rows before the broken one are not loaded either: one transaction per file
printf 'ticket_id,created_at,subject\nB1,2026-10-01 00:00,ok\nB2,2026-10-01 00:00,"never closed\nB3,2026-10-01 00:00,x\n' >unterminated.csv
fails65 "an unterminated quote" unterminated.csv " line 3" ": a quoted field that starts in this row is never closed"
printf 'ticket_id,created_at,subject\nB1,2026-10-01 00:00,ok\nB2,2026-10-01 00:00,a "quoted" word\n' >stray.csv
fails65 "a quote inside an unquoted field" stray.csv " line 3" ": a quote inside an unquoted field"
printf 'ticket_id,created_at\nB1,2026-10-01 00:00\nB2,caf\351\n' >latin1.csv
fails65 "Latin-1 bytes in a UTF-8 file" latin1.csv " line 3" ": the text is not valid UTF-8"
printf '\211PNG\r\n\032\n\000\000\000\rIHDR' >image.csv
fails65 "a PNG named .csv" image.csv "" ": this is a PNG image, not a CSV file"
# the workbook itself instead of its CSV export: named, with what to do instead
"$PY" -c 'import zipfile
with zipfile.ZipFile("export.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>")
    z.writestr("xl/worksheets/sheet1.xml", "<worksheet>" + "<row/>" * 500 + "</worksheet>")'
fails65 "an Excel workbook" export.xlsx "" ": this is a ZIP archive: an Excel workbook (.xlsx) or an OpenDocument file (.ods), not a CSV file"
says "ingest_fail: ... and how to get a CSV" "hint: export the data as CSV from the helpdesk, or open the file in a spreadsheet and save it as \"CSV UTF-8 (comma delimited)\""
# a compressed export: named, and told to decompress it
gzip -c good.csv >good.csv.gz
fails65 "a gzip file" good.csv.gz "" ": this is compressed with gzip (.gz), not a CSV file"
says "ingest_fail: ... and to decompress it" "hint: decompress it first (gunzip), then load the CSV inside"
printf 'ticket_id,ticket_id,created_at\n1,2,2026-10-01 00:00\n' >twice.csv
fails65 "a column twice in the header" twice.csv " line 1" ": the header has the column 'ticket_id' twice"
nothing_loaded "ingest_fail: nothing loaded from bad files"

# one bad file among good ones: the good ones load, the exit code is the bad one's
printf 'ticket_id,created_at\nG1,2026-10-01 00:00\n' >g1.csv
printf 'ticket_id,created_at\nG2,2026-10-01 00:00\n' >g2.csv
check_exit "ingest_fail: good, bad, good: exit 65" 65 "$K" ingest --db "$DB" --kind tickets g1.csv unterminated.csv g2.csv
[ "$(q "SELECT group_concat(ticket_id) FROM (SELECT ticket_id FROM tickets ORDER BY 1)")" = "G1,G2" ] &&
	ok "ingest_fail: good, bad, good: both good files loaded" ||
	not_ok "ingest_fail: good, bad, good: both good files loaded"

# ---- 73: the rejects file cannot be created ----
printf 'ticket_id,created_at\nR1,bad\nR2,2026-10-01 00:00\n' >rej.csv
check_exit "ingest_fail: rejects into a missing directory: 73" 73 \
	"$K" ingest --db "$DB" --kind tickets --rejects "$tmp/no/such/dir/r.csv" rej.csv
says "ingest_fail: ... names the rejects file" "'$tmp/no/such/dir/r.csv'"
[ "$(q "SELECT count(*) FROM tickets WHERE ticket_id LIKE 'R%'")" = 0 ] &&
	ok "ingest_fail: nothing loaded when the rejects cannot be kept" ||
	not_ok "ingest_fail: nothing loaded when the rejects cannot be kept"

# ---- 75: the database is locked by another run ----
# sqlite3 holds a write lock for 4 s; ingest waits SUPPORTKPI_BUSY_TIMEOUT=1 s, then gives up.
sqlite3 "$DB" "BEGIN IMMEDIATE; INSERT INTO meta VALUES ('lock', 'x');" ".shell sleep 4" "ROLLBACK;" \
	>/dev/null 2>&1 &
sleep 1
SUPPORTKPI_BUSY_TIMEOUT=1 check_exit "ingest_fail: a locked database: 75" 75 \
	"$K" ingest --db "$DB" --kind tickets good.csv
says "ingest_fail: ... says to try again" "hint: another supportkpi run holds the database; try again when it ends"
wait
check_exit "ingest_fail: after the lock: 0" 0 "$K" ingest --db "$DB" --kind tickets good.csv

# ---- kill -9 in the middle of a big file ----
S=$(dirname "$K")/supportkpi-sample
if [ -x "$S" ]; then
	"$S" --tickets 100000 --seed 3 --months 2 --out big >/dev/null 2>&1
	n=100000
	KDB=$tmp/k.db
	"$K" init --db "$KDB" 2>/dev/null
	killed=0 loaded=0
	for delay in 0.2 0.7; do
		"$K" ingest --db "$KDB" --kind tickets big/tickets.csv 2>/dev/null &
		pid=$!
		sleep "$delay"
		if kill -9 "$pid" 2>/dev/null; then
			killed=$((killed + 1))
		fi
		wait "$pid" 2>/dev/null
		c=$(sqlite3 "$KDB" "SELECT count(*) FROM tickets")
		l=$(sqlite3 "$KDB" "SELECT count(*) FROM ingest_log")
		i=$(sqlite3 "$KDB" "PRAGMA integrity_check")
		if [ "$i" = ok ] && { { [ "$c" = 0 ] && [ "$l" = 0 ]; } || { [ "$c" = "$n" ] && [ "$l" -ge 1 ]; }; }; then
			[ "$c" = "$n" ] && loaded=$((loaded + 1))
			ok "ingest_fail: kill -9 after ${delay}s: all $n rows or none ($c), database intact"
		else
			not_ok "ingest_fail: kill -9 after ${delay}s: all $n rows or none ($c), database intact" \
				"tickets $c, ingest_log $l, integrity $i"
		fi
	done
	diag "kill -9 landed $killed times during the ingest; $loaded runs had finished"
	check_exit "ingest_fail: after the kills the file loads" 0 "$K" ingest --db "$KDB" --kind tickets big/tickets.csv
else
	not_ok "ingest_fail: supportkpi-sample is built"
fi

finish
