#!/bin/sh
# demo.sh [BUILD_DIR] : the whole toolchain on generated data, for `make demo`.
# DEMO_OUT=DIR puts the files and the database there instead of BUILD_DIR/demo.
#  1. supportkpi-sample writes a year of realistic exports (12 months ending 2026-10) into
#     BUILD_DIR/demo/ (tickets.csv, surveys.csv, assessments.csv);
#  2. supportkpi init makes BUILD_DIR/demo/demo.db, supportkpi ingest loads the exports;
#  3. the month's headline figures for 2026-10 are printed (supportkpi kpi, with the
#     calendar and SLA rules of samples/centre.ini);
# It starts afresh each time and prints on stdout only the figures.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
bin=$build/bin
out=${DEMO_OUT:-$build/demo}
db=$out/demo.db
period=2026-10

for p in supportkpi supportkpi-init supportkpi-ingest supportkpi-kpi supportkpi-sample; do
	[ -x "$bin/$p" ] || { echo "demo: '$bin/$p' is not built: run 'make' first" >&2; exit 66; }
done
rm -rf "$out"
mkdir -p "$out"

echo "demo: generating 12 months of sample exports into $out" >&2
"$bin/supportkpi-sample" --tickets 20000 --seed 1 --end "$period" --out "$out"
"$bin/supportkpi" init --db "$db" --timezone Europe/Berlin
"$bin/supportkpi" ingest --db "$db" --kind tickets "$out/tickets.csv"
"$bin/supportkpi" ingest --db "$db" --kind surveys "$out/surveys.csv"

echo "demo: the figures of $period (supportkpi kpi --config samples/centre.ini --period $period):" >&2
"$bin/supportkpi" kpi --db "$db" --config "$top/samples/centre.ini" --period "$period"
echo "demo: the database is $db; try: sqlite3 $db 'SELECT * FROM tickets LIMIT 5'" >&2

# 4. The unattended monthly run (docs/cron.md) on the same exports: samples/centre.ini is
#    copied into DIR/centre/ (its [report] paths are relative to it), the exports are
#    dropped into its inbox, and `supportkpi report` ingests them, archives them and writes
#    the workbook, charts and extracts into DIR/centre/reports/2026-10/.  Its summary (the
#    cron mail) goes to stdout, its step log to DIR/centre/report.log.
if [ -x "$bin/supportkpi-report" ]; then
	c=$out/centre
	mkdir -p "$c/inbox" "$c/archive" "$c/reports"
	cp "$top/samples/centre.ini" "$c/centre.ini"
	for f in tickets surveys assessments; do
		cp "$out/$f.csv" "$c/inbox/$f-$period.csv"
	done
	echo "demo: the monthly run: supportkpi report --config $c/centre.ini --period $period" >&2
	st=0
	"$bin/supportkpi" report --config "$c/centre.ini" --period "$period" 2>"$c/report.log" || st=$?
	if [ "$st" -gt 1 ]; then
		cat "$c/report.log" >&2
		exit "$st"
	fi
	echo "demo: the workbook is $c/reports/$period/supportkpi-$period.xlsx; the step log" \
		"$c/report.log" >&2
fi
