#!/bin/sh
# bench.sh BUILD_DIR : timed comparisons, each against a peer measured in the same run.
#  1. ingest of 1,000,000 sample tickets and their surveys into a fresh database, against
#     the sqlite3 shell's plain .import of the same two files; peak memory of each; the
#     seconds of each phase of the ingest (supportkpi ingest --verbose).
#  2. tests/bench_kpi.sh: one month of KPIs by agent, against a hand-written query.
# Timings are printed, never asserted: they belong here, not in the tests.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/${1:-build}/bin
n=${BENCH_TICKETS:-1000000}
work=$(mktemp -d "${TMPDIR:-/tmp}/skpi-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

measure() { # label command... : prints "label seconds peak_kb cpu_seconds"
	label=$1; shift
	/usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/err" || {
		echo "bench: $label failed:" >&2; cat "$work/err" >&2; exit 1; }
	set -- $(tail -n 1 "$work/time")
	echo "$label $1 $2 $(echo "$3 $4" | awk '{ print $1 + $2 }')"
}

# timings swing with what else the machine runs: say how busy it was
[ -r /proc/loadavg ] && echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) on $(getconf _NPROCESSORS_ONLN) CPUs"
echo "# generating $n tickets (supportkpi-sample --seed 1)"
"$bin/supportkpi-sample" --tickets "$n" --seed 1 --out "$work/in"
ls -l "$work/in" | awk 'NR > 1 { printf "#   %-16s %10.1f MB\n", $9, $5 / 1e6 }'

# the phases of each ingest (--verbose): "hash read rows wait indexes commit", in seconds
phases() { # KIND : from the last measured run's standard error
	sed -n 's/.*: seconds: //p' "$work/err" | tr -c '0-9.\n' ' ' |
		awk -v k="$1" '{ print k, $1, $2, $3, $4, $5, $6 }' >>"$work/phases"
}
"$bin/supportkpi" init --db "$work/skpi.db" 2>/dev/null
set -- $(measure ingest "$bin/supportkpi" ingest --db "$work/skpi.db" --kind tickets -v "$work/in/tickets.csv")
ing_t=$2 ing_m=$3 ing_c=$4
phases tickets
set -- $(measure ingest "$bin/supportkpi" ingest --db "$work/skpi.db" --kind surveys -v "$work/in/surveys.csv")
phases surveys
ing_t=$(echo "$ing_t $2" | awk '{ print $1 + $2 }'); [ "$3" -gt "$ing_m" ] && ing_m=$3
ing_c=$(echo "$ing_c $4" | awk '{ print $1 + $2 }')
set -- $(measure import sqlite3 "$work/plain.db" -cmd '.mode csv' ".import $work/in/tickets.csv tickets" \
	".import $work/in/surveys.csv surveys")
imp_t=$2 imp_m=$3 imp_c=$4
mb() { echo "$1" | awk '{ printf "%.1f", $1 / 1024 }'; }
echo "ingest of tickets + surveys (elapsed, CPU user+system, peak memory, database size):"
printf '  supportkpi ingest  %7.2f s  cpu %7.2f s  peak %7.1f MB  db %7.1f MB\n' "$ing_t" "$ing_c" \
	"$(mb "$ing_m")" "$(mb $(($(wc -c <"$work/skpi.db") / 1024)))"
printf '  sqlite3 .import    %7.2f s  cpu %7.2f s  peak %7.1f MB  db %7.1f MB\n' "$imp_t" "$imp_c" \
	"$(mb "$imp_m")" "$(mb $(($(wc -c <"$work/plain.db") / 1024)))"
echo "$ing_t $imp_t" | awk '{ printf "  ratio ingest/import: %.2f (goal: at most 1.00)\n", $1 / ($2 > 0 ? $2 : 0.01) }'
echo "supportkpi ingest by phase (elapsed seconds; the reader thread reads, parses and maps"
echo "while the main thread writes the rows to SQLite, so read overlaps rows):"
awk -v imp="$imp_t" '
	{ printf "  %-8s hash %5.2f  read %6.2f  rows %6.2f  waiting %5.2f  indexes %6.2f  commit %5.2f\n",
		$1, $2, $3, $4, $5, $6, $7; sq += $4 + $6 + $7 }
	END { printf "  SQLite alone (rows + indexes + commit): %.2f s, against %.2f s for .import\n", sq, imp }
' "$work/phases"
[ -r /proc/loadavg ] && echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) after the ingests"

if [ -f "$top/tests/bench_kpi.sh" ]; then
	sh "$top/tests/bench_kpi.sh" "$bin" "$work/skpi.db"
fi
