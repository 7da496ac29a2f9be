#!/bin/sh
# report.sh — end-to-end tests of `supportkpi report`, the unattended monthly run: a full
# run from an inbox of sample exports, the rerun that changes nothing, a concurrent run
# refused, a run killed (kill -9) during ingest followed by a clean run giving the same
# result as an uninterrupted one, bad configs (file:line, 78, nothing ingested), a broken
# export next to good ones, rejected rows, unmatched files, --dry-run and --quiet.
#
# Expected figures are counted here from the CSV files with Python's csv module (not by
# supportkpi), and file modes, lock behaviour and byte identity with the shell's tools.
. "${SKPI_TOP:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

BIN=$(cd "$SKPI_BIN" 2>/dev/null && pwd)
R=$BIN/supportkpi-report
S=$BIN/supportkpi-sample
if [ ! -x "$R" ] || [ ! -x "$S" ] || ! command -v sqlite3 >/dev/null || ! command -v flock >/dev/null; then
	not_ok "report: supportkpi-report, supportkpi-sample, sqlite3 and flock are available" \
		"no '$R' or '$S', or no sqlite3 / flock"
	finish
fi
cd "$tmp" || exit 1

# holds NAME COMMAND... : ok when the command succeeds (a condition, not a run)
holds() {
	_n=$1
	shift
	if "$@"; then ok "$_n"; else not_ok "$_n" "failed: $*"; fi
}
# count_rows FILE [COLUMN PREFIX] : data rows of a CSV file (quoted newlines counted right),
# or those whose COLUMN starts with PREFIX
count_rows() {
	"$PY" - "$@" <<'EOF'
import csv, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = list(csv.DictReader(f))
if len(sys.argv) > 2:
    rows = [r for r in rows if (r[sys.argv[2]] or '').startswith(sys.argv[3])]
print(len(rows))
EOF
}
# field CSV COLUMN : the value of COLUMN in the first data row
field() {
	"$PY" - "$1" "$2" <<'EOF'
import csv, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    print(next(csv.DictReader(f))[sys.argv[2]])
EOF
}

# ---- the sample exports: three months ending in October 2026, seed 7 ----
check "report: sample exports generated" "$S" --tickets 1500 --months 3 --end 2026-10 --seed 7 \
	--agents 12 --out "$tmp/gen"

# centre DIR : a centre with its config, empty inbox, archive and output directories
centre() {
	mkdir -p "$1/inbox" "$1/archive" "$1/out" "$1/log" "$1/maps"
	# a mapping file for the tickets: the sample's own headers, "N/A" as a null marker
	printf '[file]\nnull = N/A\n' >"$1/maps/tickets.map"
	cat >"$1/centre.ini" <<'EOF'
; a test centre
[calendar]
timezone = Europe/Berlin
working_days = mon-fri
hours = 08:00-18:00

[sla urgent]
priority = urgent
first_response = 30 business minutes
resolution = 2 days

[sla default]
first_response = 1 days
resolution = 10 days

[report]
db = centre.db
inbox = inbox
archive = archive
outdir = out
log_file = log/report.log
tickets_files = tickets-*.csv
tickets_map = maps/tickets.map
surveys_files = surveys-*.csv
assessments_files = assessments-*.csv
file_mode = 0640
charts = none
EOF
}
fill() { # fill DIR : the three sample exports into DIR/inbox
	cp "$tmp/gen/tickets.csv" "$1/inbox/tickets-2026-10.csv"
	cp "$tmp/gen/surveys.csv" "$1/inbox/surveys-2026-10.csv"
	cp "$tmp/gen/assessments.csv" "$1/inbox/assessments-2026-10.csv"
}

# ---- command line ----
run "$R" --help
if [ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] &&
	head -n 1 "$tmp/out" | grep -q '^usage: supportkpi report \[--dry-run\] \[--period P\] \[--quiet\] --config FILE$'; then
	ok "report: --help prints the usage to stdout, exit 0"
else
	not_ok "report: --help prints the usage to stdout, exit 0" "exit $rc"
fi
run "$R"
if [ "$rc" -eq 64 ] && grep -q -- '--config is required' "$tmp/err" && grep -q '^usage:' "$tmp/err"; then
	ok "report: no --config: usage error 64"
else
	not_ok "report: no --config: usage error 64" "exit $rc"
fi
check_exit "report: unknown option: 64" 64 "$R" --bogus --config x.ini
check_exit "report: extra argument: 64" 64 "$R" --config x.ini extra
run "$R" --config x.ini --period 2026-13
if [ "$rc" -eq 64 ] && grep -q "'2026-13' is not a period" "$tmp/err"; then
	ok "report: a bad --period: usage error 64"
else
	not_ok "report: a bad --period: usage error 64" "exit $rc"; diag_file "$tmp/err"
fi

# ---- a full monthly run ----
A=$tmp/a
centre "$A"
sed -i '/^charts = none$/d' "$A/centre.ini"   # this centre draws its charts (png)
fill "$A"
run "$R" --config "$A/centre.ini" --period 2026-10
cp "$tmp/out" "$tmp/a.summary"
# the sample data is clean: nothing rejected, no warning
same "report: full run exits 0" 0 "$rc"
[ "$rc" -eq 0 ] || diag_file "$tmp/err"
P=$A/out/2026-10
for f in supportkpi-2026-10.xlsx kpi-all-2026-10.csv kpi-all-2026-10.json kpi-agent-2026-10.csv \
	kpi-agent-2026-10.json kpi-team-2026-10.csv kpi-team-2026-10.json ranking-2026-10.csv \
	ranking-2026-10.json unranked-2026-10.csv quality-2026-10.csv sla-2026-10.csv; do
	if [ -s "$P/$f" ] && [ "$(stat -c %a "$P/$f")" = 640 ]; then
		ok "report: wrote $f with mode 0640"
	else
		not_ok "report: wrote $f with mode 0640" "$(ls -l "$P/$f" 2>&1)"
	fi
done
if ls "$P/charts/"*.png >/dev/null 2>&1; then
	ok "report: charts written"
	bad=$(find "$P/charts" -type f ! -perm 0640 | head -n 1)
	same "report: charts have mode 0640" "" "$bad"
else
	not_ok "report: charts written" "$(ls -la "$P" "$P/charts" 2>&1)"
fi
same "report: no temporary file left in the output directory" "" "$(find "$P" -name '.*' | head -n 3)"
same "report: inbox emptied" "" "$(ls -A "$A/inbox")"
same "report: the three exports archived under their names" \
	"assessments-2026-10.csv surveys-2026-10.csv tickets-2026-10.csv" "$(ls "$A/archive" | tr '\n' ' ' | sed 's/ $//')"
holds "report: archived file has the same bytes" cmp -s "$tmp/gen/tickets.csv" "$A/archive/tickets-2026-10.csv"
same "report: every ticket row is in the database" "$(count_rows "$tmp/gen/tickets.csv")" \
	"$(sql "$A/centre.db" 'SELECT count(*) FROM tickets')"
same "report: every survey row is in the database" "$(count_rows "$tmp/gen/surveys.csv")" \
	"$(sql "$A/centre.db" 'SELECT count(*) FROM surveys')"
same "report: three ingests logged, with the files' SHA-256" \
	"$(sha256sum "$tmp/gen/tickets.csv" "$tmp/gen/surveys.csv" "$tmp/gen/assessments.csv" | cut -d' ' -f1 | sort | tr '\n' ' ')" \
	"$(sql "$A/centre.db" 'SELECT sha256 FROM ingest_log ORDER BY sha256' | tr '\n' ' ')"
same "report: tickets ingested first, then surveys, then assessments" "tickets surveys assessments" \
	"$(sql "$A/centre.db" 'SELECT kind FROM ingest_log ORDER BY ingest_id' | tr '\n' ' ' | sed 's/ $//')"
# each ingest says where its file went: the archive path, holding the bytes of its SHA-256
arch_ok=1
for id in $(sql "$A/centre.db" 'SELECT ingest_id FROM ingest_log'); do
	a=$(sql "$A/centre.db" "SELECT archived_as FROM ingest_log WHERE ingest_id = $id")
	h=$(sql "$A/centre.db" "SELECT sha256 FROM ingest_log WHERE ingest_id = $id")
	case $a in "$A/archive/"*) ;; *) arch_ok=0 ;; esac
	[ -f "$a" ] && [ "$(sha256sum <"$a" | cut -d' ' -f1)" = "$h" ] || arch_ok=0
done
same "report: ingest_log.archived_as names each archived export (same SHA-256)" 1 "$arch_ok"
# October's tickets, counted from the export: created_at starts with 2026-10
oct=$(count_rows "$tmp/gen/tickets.csv" created_at 2026-10)
same "report: kpi-all counts October's tickets" "$oct" "$(field "$P/kpi-all-2026-10.csv" tickets)"
same "report: the database is in the configured zone" "Europe/Berlin" \
	"$(sql "$A/centre.db" "SELECT value FROM meta WHERE key = 'timezone'")"
if grep -q "^supportkpi report 2026-10: ok$" "$tmp/a.summary" && grep -q "tickets $oct" "$tmp/a.summary" &&
	grep -q "tickets-2026-10.csv: ingested (tickets)" "$tmp/a.summary" &&
	grep -q "^  supportkpi-2026-10.xlsx$" "$tmp/a.summary"; then
	ok "report: the summary has the headline, the files ingested and the files written"
else
	not_ok "report: the summary has the headline, the files ingested and the files written"
	diag_file "$tmp/a.summary"
fi
if [ -s "$A/log/report.log" ] &&
	grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [-+][0-9]{4} supportkpi report: ingesting 'tickets-2026-10.csv' as tickets$" "$A/log/report.log" &&
	grep -q "finished with exit status 0" "$A/log/report.log"; then
	ok "report: steps logged with timestamps to the log file"
else
	not_ok "report: steps logged with timestamps to the log file"
	diag_file "$A/log/report.log"
fi
same "report: with a log file, nothing on stderr" "" "$(cat "$tmp/err")"
if "$PY" -c 'import openpyxl' 2>/dev/null; then
	if "$PY" - "$P/supportkpi-2026-10.xlsx" "$oct" <<'EOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert 'Summary' in wb.sheetnames and 'Ranking' in wb.sheetnames, wb.sheetnames
EOF
	then ok "report: the workbook opens in openpyxl with Summary and Ranking"
	else not_ok "report: the workbook opens in openpyxl with Summary and Ranking"
	fi
else
	skip "report: the workbook opens in openpyxl" "no python3-openpyxl"
fi

# ---- the rerun that changes nothing ----
cp -R "$P" "$tmp/a-first"
run "$R" --config "$A/centre.ini" --period 2026-10
same "report: rerun exits 0" 0 "$rc"
diffs=
for f in $(cd "$tmp/a-first" && find . -type f | sort); do
	cmp -s "$tmp/a-first/$f" "$P/$f" || diffs="$diffs $f"
done
same "report: rerun writes byte-identical files (CSV, JSON, workbook, charts)" "" "$diffs"
if grep -q "^inbox: 0 files$" "$tmp/out"; then
	ok "report: rerun finds an empty inbox"
else
	not_ok "report: rerun finds an empty inbox"; diag_file "$tmp/out"
fi
# ---- one run at a time ----
cp "$tmp/gen/tickets.csv" "$A/inbox/tickets-late.csv"
run flock "$A/centre.db.lock" "$R" --config "$A/centre.ini" --period 2026-10
if [ "$rc" -eq 75 ] && grep -q "another report run holds the lock" "$tmp/err"; then
	ok "report: a run while another holds the lock exits 75 with a clear message"
else
	not_ok "report: a run while another holds the lock exits 75 with a clear message" "exit $rc"
	diag_file "$tmp/err"
fi
holds "report: ... and touches nothing" test -f "$A/inbox/tickets-late.csv"
rm -f "$A/inbox/tickets-late.csv"

# ---- outputs an earlier run wrote and this one does not are removed: never a mix ----
echo 'charts = none' >>"$A/centre.ini"
run "$R" --config "$A/centre.ini" --period 2026-10
if [ "$rc" -eq 0 ] && [ -z "$(find "$P/charts" -type f)" ] && [ -s "$P/supportkpi-2026-10.xlsx" ] &&
	grep -q "removed '$P/charts/trend-rates.png': an earlier run wrote it" "$A/log/report.log"; then
	ok "report: charts turned off: the old charts are removed, the rest rewritten"
else
	not_ok "report: charts turned off: the old charts are removed, the rest rewritten" "exit $rc"
	diag_file "$tmp/out"
fi

# ---- kill -9 during ingest, then a clean run: same result as an uninterrupted run ----
# A big export of old tickets (2024, outside every window of the October report, so the
# outputs stay quick to compute) is ingested first and killed; then October's exports.
# Its ids T000001... are also October's: the October file updates those rows, in both runs.
check "report: a big old export for the kill test" "$S" --tickets 100000 --months 3 --end 2024-12 \
	--seed 11 --agents 12 --out "$tmp/big"
for c in "$tmp/b" "$tmp/c"; do
	centre "$c"
	cp "$tmp/big/tickets.csv" "$c/inbox/tickets-2024-12.csv"
	fill "$c"
done
run "$R" --config "$tmp/c/centre.ini" --period 2026-10
same "report: uninterrupted run on the big export exits 0" 0 "$rc"
"$R" --config "$tmp/b/centre.ini" --period 2026-10 >/dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 600 ] && ! grep -q "ingesting 'tickets-2024-12.csv'" "$tmp/b/log/report.log" 2>/dev/null; do
	sleep 0.01
	i=$((i + 1))
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [ -f "$tmp/b/inbox/tickets-2024-12.csv" ] &&
	[ "$(sql "$tmp/b/centre.db" 'SELECT count(*) FROM ingest_log')" = 0 ] &&
	[ "$(sql "$tmp/b/centre.db" 'SELECT count(*) FROM tickets')" = 0 ]; then
	ok "report: killed during ingest: nothing of the file in the database, file still in the inbox"
else
	not_ok "report: killed during ingest: nothing of the file in the database, file still in the inbox" \
		"ingests: $(sql "$tmp/b/centre.db" 'SELECT count(*) FROM ingest_log')"
	diag_file "$tmp/b/log/report.log"
fi
run "$R" --config "$tmp/b/centre.ini" --period 2026-10
same "report: the run after the kill exits 0 (the kernel released the lock)" 0 "$rc"
[ "$rc" -eq 0 ] || diag_file "$tmp/err"
diffs=
for f in kpi-all-2026-10.csv kpi-agent-2026-10.json kpi-team-2026-10.csv ranking-2026-10.csv \
	ranking-2026-10.json unranked-2026-10.csv quality-2026-10.csv sla-2026-10.csv; do
	cmp -s "$tmp/b/out/2026-10/$f" "$tmp/c/out/2026-10/$f" || diffs="$diffs $f"
done
same "report: after kill and rerun, the outputs equal the uninterrupted run's" "" "$diffs"
for t in tickets surveys ticket_status_history data_quality assessments; do
	sql "$tmp/b/centre.db" "SELECT * FROM $t ORDER BY 1, 2, 3" >"$tmp/b.$t"
	sql "$tmp/c/centre.db" "SELECT * FROM $t ORDER BY 1, 2, 3" >"$tmp/c.$t"
	holds "report: after kill and rerun, table $t equals the uninterrupted run's" cmp -s "$tmp/b.$t" "$tmp/c.$t"
done

# ---- bad configs: file:line, exit 78, nothing ingested ----
D=$tmp/d
centre "$D"
fill "$D"
cp "$D/centre.ini" "$D/good.ini"
# an unknown key added after "inbox = inbox" (line L) is on line L + 1
L=$(grep -n '^inbox = inbox$' "$D/good.ini" | cut -d: -f1)
sed "${L}a\\
inbx = typo" "$D/good.ini" >"$D/centre.ini"
run "$R" --config "$D/centre.ini" --period 2026-10
if [ "$rc" -eq 78 ] && grep -q "'$D/centre.ini' line $((L + 1))" "$tmp/err" && grep -q "inbx" "$tmp/err"; then
	ok "report: unknown key: 'FILE' line N, exit 78"
else
	not_ok "report: unknown key: 'FILE' line N, exit 78" "exit $rc"; diag_file "$tmp/err"
fi
same "report: ... nothing ingested, no database made" "no" "$([ -e "$D/centre.db" ] && echo yes || echo no)"
same "report: ... the inbox untouched" 3 "$(ls "$D/inbox" | wc -l | tr -d ' ')"
L=$(grep -n '^archive = archive$' "$D/good.ini" | cut -d: -f1)
sed 's/^archive = archive$/archive = no-such-dir/' "$D/good.ini" >"$D/centre.ini"
run "$R" --config "$D/centre.ini" --period 2026-10
if [ "$rc" -eq 78 ] && grep -q "line $L: archive '.*no-such-dir' does not exist" "$tmp/err"; then
	ok "report: missing archive directory: its line, exit 78"
else
	not_ok "report: missing archive directory: its line, exit 78" "exit $rc"; diag_file "$tmp/err"
fi
L=$(grep -n '^file_mode = 0640$' "$D/good.ini" | cut -d: -f1)
sed 's/^file_mode = 0640$/file_mode = 0999/' "$D/good.ini" >"$D/centre.ini"
run "$R" --config "$D/centre.ini" --period 2026-10
if [ "$rc" -eq 78 ] && grep -q "line $L:" "$tmp/err" && grep -q "file_mode" "$tmp/err"; then
	ok "report: bad file_mode: its line, exit 78"
else
	not_ok "report: bad file_mode: its line, exit 78" "exit $rc"; diag_file "$tmp/err"
fi
printf '[file]\nnull = N/A\nbogus key\n' >"$D/maps/tickets.map"
cp "$D/good.ini" "$D/centre.ini"
run "$R" --config "$D/centre.ini" --period 2026-10
if [ "$rc" -eq 78 ] && grep -q "tickets.map' line 3" "$tmp/err"; then
	ok "report: broken mapping file: its file and line, exit 78"
else
	not_ok "report: broken mapping file: its file and line, exit 78" "exit $rc"; diag_file "$tmp/err"
fi
same "report: ... still nothing ingested" "no" "$([ -e "$D/centre.db" ] && echo yes || echo no)"
# SLA weighed (weight_sla defaults to 0.20) without a single [sla NAME] rule
printf '[file]\nnull = N/A\n' >"$D/maps/tickets.map"
sed '/^\[sla /,/^$/d' "$D/good.ini" >"$D/centre.ini"
run "$R" --config "$D/centre.ini" --period 2026-10
if [ "$rc" -eq 78 ] && grep -q "weight_sla is 0.2 (the default) but the config has no \[sla NAME\] rule" "$tmp/err"; then
	ok "report: SLA weighed without SLA rules: 78 before anything is ingested"
else
	not_ok "report: SLA weighed without SLA rules: 78 before anything is ingested" "exit $rc"
	diag_file "$tmp/err"
fi
run "$R" --config "$D/missing.ini"
same "report: a config that does not exist: 78" 78 "$rc"

# ---- a broken export next to good ones ----
E=$tmp/e
centre "$E"
fill "$E"
# an unterminated quote on line 3: not CSV, nothing of it can be loaded
printf 'ticket_id,created_at,status\nX1,2026-10-05 10:00,open\nX2,"2026-10-05 11:00,open\n' \
	>"$E/inbox/tickets-2026-10b.csv"
run "$R" --config "$E/centre.ini" --period 2026-10
same "report: a broken export makes the exit status 65" 65 "$rc"
holds "report: ... the broken file is left in the inbox" test -f "$E/inbox/tickets-2026-10b.csv"
same "report: ... and only it" "tickets-2026-10b.csv" "$(ls "$E/inbox")"
holds "report: ... the good ones are archived" test -f "$E/archive/surveys-2026-10.csv"
same "report: ... and loaded" "$(count_rows "$tmp/gen/tickets.csv")" "$(sql "$E/centre.db" 'SELECT count(*) FROM tickets')"
same "report: ... no ticket of the broken file" 0 "$(sql "$E/centre.db" "SELECT count(*) FROM tickets WHERE ticket_id LIKE 'X%'")"
holds "report: ... the outputs are written" test -s "$E/out/2026-10/kpi-all-2026-10.csv"
if grep -q "tickets-2026-10b.csv: NOT INGESTED, left in the inbox" "$tmp/out" &&
	grep -q "^supportkpi report 2026-10: done, but an export was not loaded$" "$tmp/out"; then
	ok "report: ... the summary names the broken file"
else
	not_ok "report: ... the summary names the broken file"; diag_file "$tmp/out"
fi

# ---- rejected rows and unmatched files: warnings, exit 1 ----
W=$tmp/w
centre "$W"
# line 3 has no created_at: rejected; lines 2 and 4 load
printf 'ticket_id,created_at,status\nW1,2026-10-05 10:00,open\nW2,,open\nW3,2026-10-06 09:30,closed\n' \
	>"$W/inbox/tickets-w.csv"
printf 'hello\n' >"$W/inbox/README.txt"
ln -s "$tmp/gen/tickets.csv" "$W/inbox/tickets-link.csv"   # a link is never followed
run "$R" --config "$W/centre.ini" --period 2026-10
same "report: rejected rows and an unmatched file: exit 1" 1 "$rc"
same "report: ... the rows that could be placed are loaded" "W1 W3" \
	"$(sql "$W/centre.db" 'SELECT ticket_id FROM tickets ORDER BY 1' | tr '\n' ' ' | sed 's/ $//')"
if [ -f "$W/archive/tickets-w.rejects.csv" ] && grep -q "W2" "$W/archive/tickets-w.rejects.csv"; then
	ok "report: ... the rejects file lies beside the archived export"
else
	not_ok "report: ... the rejects file lies beside the archived export" "$(ls "$W/archive")"
fi
holds "report: ... the unmatched file stays in the inbox" test -f "$W/inbox/README.txt"
if [ -L "$W/inbox/tickets-link.csv" ] && grep -q "tickets-link.csv' is not a regular file" "$tmp/out"; then
	ok "report: ... a symbolic link is reported, not followed, and left"
else
	not_ok "report: ... a symbolic link is reported, not followed, and left"; diag_file "$tmp/out"
fi
if grep -q "README.txt' matches no" "$tmp/out" && grep -q "1 rows rejected" "$tmp/out"; then
	ok "report: ... both warnings in the summary"
else
	not_ok "report: ... both warnings in the summary"; diag_file "$tmp/out"
fi

# ---- every row rejected (a day-first export, the mapping not yet told): left in the inbox
# until the mapping is fixed, then loaded by the next run ----
Z=$tmp/z
centre "$Z"
printf 'ticket_id,created_at,status\nZ1,25/10/2026 10:00,open\nZ2,26/10/2026 09:30,closed\n' \
	>"$Z/inbox/tickets-z.csv"
run "$R" --config "$Z/centre.ini" --period 2026-10
same "report: every row rejected: exit 65" 65 "$rc"
holds "report: ... the file stays in the inbox" test -f "$Z/inbox/tickets-z.csv"
same "report: ... nothing loaded" 0 "$(sql "$Z/centre.db" 'SELECT count(*) FROM tickets')"
if grep -q "every row was rejected, nothing was loaded; the first: line 2: created_at '25/10/2026 10:00' is not a timestamp" "$tmp/out" &&
	grep -q "; check the mapping file '.*maps/tickets.map' (\[report\] tickets_map: columns, timestamp_format)" "$Z/log/report.log"; then
	ok "report: ... says why (summary), and the log names the config key of the mapping"
else
	not_ok "report: ... says why (summary), and the log names the config key of the mapping"
	diag_file "$tmp/out"; diag_file "$Z/log/report.log"
fi
run "$R" --config "$Z/centre.ini" --period 2026-10
same "report: ... a rerun with the same mapping tries it again, and fails again: 65" 65 "$rc"
holds "report: ... still in the inbox" test -f "$Z/inbox/tickets-z.csv"
printf 'timestamp_format = %%d/%%m/%%Y %%H:%%M\n' >>"$Z/maps/tickets.map"
run "$R" --config "$Z/centre.ini" --period 2026-10
# exit 1: two tickets are too few to rank anyone (a warning), nothing else
same "report: ... with the mapping fixed, the next run loads it: exit 1 (no one ranked)" 1 "$rc"
same "report: ... no rejected rows this time" "0 0" \
	"$(sql "$Z/centre.db" "SELECT rejected || ' ' || (SELECT count(*) FROM data_quality) FROM ingest_log ORDER BY ingest_id DESC LIMIT 1")"
same "report: ... both tickets, dates read day-first" "Z1 2026-10-25 10:00:00|Z2 2026-10-26 09:30:00" \
	"$(sql "$Z/centre.db" "SELECT ticket_id || ' ' || created_at FROM tickets ORDER BY 1" | tr '\n' '|' | sed 's/|$//')"
holds "report: ... and archives it" test -f "$Z/archive/tickets-z.csv"
# a file ingested by hand (ingest_log.archived_as empty) that then reaches the inbox: not
# ingested again, archived, and its ingest now says where it went
printf 'ticket_id,created_at,status\nZ3,27/10/2026 08:00,open\n' >"$tmp/tickets-z3.csv"
"$BIN/supportkpi-ingest" --db "$Z/centre.db" --kind tickets --map "$Z/maps/tickets.map" \
	"$tmp/tickets-z3.csv" 2>/dev/null
z3=$(sql "$Z/centre.db" "SELECT ingest_id FROM ingest_log WHERE file_name = '$tmp/tickets-z3.csv'")
same "report: a file ingested by hand is not archived yet" "" \
	"$(sql "$Z/centre.db" "SELECT archived_as FROM ingest_log WHERE ingest_id = $z3")"
cp "$tmp/tickets-z3.csv" "$Z/inbox/"
run "$R" --config "$Z/centre.ini" --period 2026-10
if grep -q "tickets-z3.csv' (tickets): these bytes were ingested already (ingest $z3," "$Z/log/report.log" &&
	[ "$(sql "$Z/centre.db" "SELECT archived_as FROM ingest_log WHERE ingest_id = $z3")" = "$Z/archive/tickets-z3.csv" ] &&
	[ "$(sql "$Z/centre.db" 'SELECT count(*) FROM ingest_log')" = 4 ]; then
	ok "report: ... the same bytes in the inbox: archived, not ingested, and that ingest says where"
else
	not_ok "report: ... the same bytes in the inbox: archived, not ingested, and that ingest says where"
	diag_file "$Z/log/report.log"
fi

# the hints of a file a mapping file would fix name the config key, not ingest's --map
printf 'ticket_id;created_at\nS1;2026-10-01 10:00\n' >"$Z/inbox/tickets-semi.csv"
run "$R" --config "$Z/centre.ini" --period 2026-10
if [ "$rc" -eq 65 ] && [ -f "$Z/inbox/tickets-semi.csv" ] &&
	grep -q "tickets-semi.csv.*separated by another character; set it in a mapping file (\[file\] delimiter = semicolon, tab or pipe) and name it in the config (\[report\] tickets_map)" "$Z/log/report.log" &&
	! grep -q -- '--map' "$Z/log/report.log"; then
	ok "report: a ;-separated export: 65, left in the inbox, the hint names [report] tickets_map"
else
	not_ok "report: a ;-separated export: 65, left in the inbox, the hint names [report] tickets_map" "exit $rc"
	diag_file "$Z/log/report.log"
fi
rm -f "$Z/inbox/tickets-semi.csv"

# ---- a name taken in the archive, a name two kinds claim, leftovers of a killed run ----
Y=$tmp/y
centre "$Y"
sed -i 's/^surveys_files = surveys-\*\.csv$/surveys_files = surveys-*.csv, *surveys.csv/' "$Y/centre.ini"
cp "$tmp/gen/tickets.csv" "$Y/inbox/tickets-2026-10.csv"
cp "$tmp/gen/surveys.csv" "$Y/inbox/surveys-2026-10.csv"
printf 'ticket_id,created_at\n' >"$Y/inbox/tickets-surveys.csv"   # tickets-*.csv and *surveys.csv
printf 'old\n' >"$Y/archive/tickets-2026-10.csv"                  # other bytes, same name
mkdir -p "$Y/out/2026-10/.charts.report-tmp.Qx12ab"
printf 'half' >"$Y/out/2026-10/.kpi-all-2026-10.csv.report-tmp.Ab12Cd"
printf 'half' >"$Y/out/2026-10/.charts.report-tmp.Qx12ab/teams.png"
run "$R" --config "$Y/centre.ini" --period 2026-10
same "report: a name claimed by two kinds: exit 65" 65 "$rc"
holds "report: ... that file stays in the inbox" test -f "$Y/inbox/tickets-surveys.csv"
holds "report: ... the summary says why" grep -q "tickets-surveys.csv: matches two kinds, left in the inbox" "$tmp/out"
sha12=$(sha256sum "$tmp/gen/tickets.csv" | cut -c1-12)
holds "report: a name taken by other bytes in the archive: archived as NAME.<sha256 prefix>.csv" \
	cmp -s "$tmp/gen/tickets.csv" "$Y/archive/tickets-2026-10.$sha12.csv"
same "report: ... the file already there is untouched" "old" "$(cat "$Y/archive/tickets-2026-10.csv")"
same "report: temporary files of a killed run are removed" "" "$(find "$Y/out/2026-10" -name '.*')"
holds "report: ... and the output is whole" test "$(head -c 5 "$Y/out/2026-10/kpi-all-2026-10.csv")" = "group"

# ---- the archive on another file system: copied, synced, then removed from the inbox ----
if [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(stat -c %d /dev/shm)" != "$(stat -c %d "$tmp")" ] &&
	X=$(mktemp -d /dev/shm/skpi-report.XXXXXX); then
	centre "$tmp/x"
	sed "s|^archive = archive\$|archive = $X|" "$tmp/x/centre.ini" >"$tmp/x/c2.ini"
	cp "$tmp/gen/tickets.csv" "$tmp/x/inbox/tickets-2026-10.csv"
	cp "$tmp/gen/surveys.csv" "$tmp/x/inbox/surveys-2026-10.csv"
	chmod 0604 "$tmp/x/inbox/surveys-2026-10.csv"
	run "$R" --config "$tmp/x/c2.ini" --period 2026-10
	if [ "$rc" -eq 0 ] && cmp -s "$tmp/gen/surveys.csv" "$X/surveys-2026-10.csv" &&
		[ ! -e "$tmp/x/inbox/surveys-2026-10.csv" ] && [ "$(stat -c %a "$X/surveys-2026-10.csv")" = 604 ] &&
		[ -z "$(find "$X" -mindepth 1 -name '.*')" ]; then
		ok "report: archive on another file system: copied whole with its mode, then removed"
	else
		not_ok "report: archive on another file system: copied whole with its mode, then removed" \
			"exit $rc" "$(ls -la "$X" "$tmp/x/inbox")"
		diag_file "$tmp/err"
	fi
	rm -rf "$X"
else
	skip "report: archive on another file system" "no writable /dev/shm on another file system"
fi

# ---- --dry-run changes nothing ----
N=$tmp/n
centre "$N"
fill "$N"
sed 's/^log_file = .*$//' "$N/centre.ini" >"$N/c2.ini"
run "$R" --dry-run --config "$N/c2.ini" --period 2026-10
same "report: --dry-run exits 0" 0 "$rc"
same "report: --dry-run leaves the inbox" 3 "$(ls "$N/inbox" | wc -l | tr -d ' ')"
same "report: --dry-run makes no database, lock, archive or output" "" \
	"$(find "$N/archive" "$N/out" -mindepth 1; ls "$N" | grep -e '\.db' -e lock)"
if grep -q "would ingest '.*tickets-2026-10.csv' as tickets" "$tmp/err" &&
	grep -q "would create the database" "$tmp/err"; then
	ok "report: --dry-run says what it would do"
else
	not_ok "report: --dry-run says what it would do"; diag_file "$tmp/err"
fi
# and on a centre that has run: says which files it would skip
cp "$tmp/gen/surveys.csv" "$A/inbox/surveys-dup.csv"
run "$R" --dry-run --config "$A/centre.ini" --period 2026-10
if [ "$rc" -eq 0 ] && grep -q "surveys-dup.csv' (surveys): these bytes were ingested already" "$tmp/err" &&
	[ -f "$A/inbox/surveys-dup.csv" ]; then
	ok "report: --dry-run names the file it would skip, and leaves it"
else
	not_ok "report: --dry-run names the file it would skip, and leaves it" "exit $rc"; diag_file "$tmp/err"
fi
rm -f "$A/inbox/surveys-dup.csv"

# ---- --quiet: silent on success, everything on a warning ----
run "$R" --quiet --config "$N/c2.ini" --period 2026-10
if [ "$rc" -eq 0 ] && [ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ]; then
	ok "report: --quiet prints nothing on success"
else
	not_ok "report: --quiet prints nothing on success" "exit $rc"; diag_file "$tmp/err"
fi
printf 'x\n' >"$N/inbox/notes.txt"
run "$R" --quiet --config "$N/c2.ini" --period 2026-10
if [ "$rc" -eq 1 ] && grep -q "notes.txt' matches no" "$tmp/out" && grep -q "report for 2026-10" "$tmp/err"; then
	ok "report: --quiet prints the steps and the summary on a warning"
else
	not_ok "report: --quiet prints the steps and the summary on a warning" "exit $rc"; diag_file "$tmp/err"
fi

rm -f "$N/inbox/notes.txt"
cp "$N/out/2026-10/kpi-agent-2026-10.json" "$tmp/n-first.json"
# the same bytes dropped in again under another name: not ingested, archived
cp "$tmp/gen/surveys.csv" "$N/inbox/surveys-again.csv"
run "$R" --config "$N/c2.ini" --period 2026-10
same "report: an export already ingested is skipped (exit 0)" 0 "$rc"
same "report: ... and not logged as a new ingest" 3 "$(sql "$N/centre.db" 'SELECT count(*) FROM ingest_log')"
holds "report: ... and archived" test -f "$N/archive/surveys-again.csv"
holds "report: ... the summary says so" grep -q "surveys-again.csv: ingested before, archived" "$tmp/out"
holds "report: ... outputs unchanged" cmp -s "$tmp/n-first.json" "$N/out/2026-10/kpi-agent-2026-10.json"

finish
