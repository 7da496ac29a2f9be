#!/bin/sh
# bench_kpi.sh BIN_DIR DB : one month of KPIs by agent in CSV, timed against the sqlite3
# shell running a plain hand-written query of the same month's counts and means (no
# percentiles), in the same run and on the same database.  Called by tests/bench.sh;
# runs alone too:  sh tests/bench_kpi.sh build/bin /tmp/skpi.db
# Each side runs BENCH_RUNS times (default 5), after one warm-up run; the fastest wall
# time and the smallest CPU time count (the machine's other load only ever adds time).
# Timings are printed, never asserted.
set -eu
bin=${1:?usage: bench_kpi.sh BIN_DIR DB}
db=${2:?usage: bench_kpi.sh BIN_DIR DB}
runs=${BENCH_RUNS:-5}
command -v sqlite3 >/dev/null || { echo "bench_kpi: the sqlite3 shell is missing" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/skpi-bench-kpi.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# the month: BENCH_PERIOD, else the month of the latest ticket
period=${BENCH_PERIOD:-$(sqlite3 "$db" "SELECT substr(max(created_at), 1, 7) FROM tickets")}
from="$period-01"
to=$(sqlite3 "$db" "SELECT date('$from', '+1 month')")

# The peer: what an analyst would type for the same month by agent, counts and means only.
cat >"$work/plain.sql" <<EOF
SELECT agent,
       count(*) AS tickets,
       sum(status IN ('resolved', 'closed')) AS resolved,
       100.0 * sum(status IN ('resolved', 'closed')) / count(*) AS resolution_pct,
       avg(CASE WHEN first_response_ts >= created_ts
                THEN (first_response_ts - created_ts) / 60.0 END) AS frt_mean_min,
       avg(CASE WHEN status IN ('resolved', 'closed')
                THEN (coalesce(resolved_ts, closed_ts) - created_ts) / 3600.0 END) AS res_mean_h,
       sum(status IN ('resolved', 'closed') AND reopen_count > 0) AS reopened,
       sum(status IN ('resolved', 'closed') AND replies <= 1) AS first_contact
FROM tickets
WHERE created_at >= '$from' AND created_at < '$to'
GROUP BY agent;
SELECT credited_agent,
       count(score) AS surveys,
       avg(score) AS mean_score,
       100.0 * sum(score >= 4) / count(score) AS csat_pct,
       avg(nps) AS mean_nps
FROM surveys
WHERE submitted_at >= '$from' AND submitted_at < '$to'
GROUP BY credited_agent;
EOF

# fastest LABEL COMMAND... : prints "wall cpu", the fastest wall time and the smallest
# user + system CPU time of $runs runs (the CPU time does not count waiting for a core
# that other programs hold, so it is the steadier of the two on a busy machine)
fastest() {
	label=$1
	shift
	"$@" >/dev/null 2>"$work/err" || { echo "bench_kpi: $label failed:" >&2; cat "$work/err" >&2; exit 1; }
	: >"$work/times"
	i=0
	while [ "$i" -lt "$runs" ]; do
		/usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >/dev/null 2>>"$work/err"
		tail -n 1 "$work/time" >>"$work/times"
		i=$((i + 1))
	done
	awk 'NR == 1 || $1 < w { w = $1 } NR == 1 || $2 + $3 < c { c = $2 + $3 }
	     END { printf "%.3f %.3f\n", w, c }' "$work/times"
}

n=$(sqlite3 "$db" "SELECT count(*) FROM tickets WHERE created_at >= '$from' AND created_at < '$to'")
s=$(sqlite3 "$db" "SELECT count(*) FROM surveys WHERE submitted_at >= '$from' AND submitted_at < '$to'")
echo "kpi of one month by agent ($period: $n tickets, $s surveys; best of $runs runs):"
set -- $(fastest kpi "$bin/supportkpi" kpi --db "$db" --period "$period" --by agent --format csv)
kpi_w=$1 kpi_c=$2
set -- $(fastest sqlite3 sqlite3 -readonly -csv "$db" ".read $work/plain.sql")
sql_w=$1 sql_c=$2
echo "                                              wall        CPU"
printf '  supportkpi kpi (every figure, percentiles)  %7.3f s  %7.3f s\n' "$kpi_w" "$kpi_c"
printf '  sqlite3 shell (counts and means only)       %7.3f s  %7.3f s\n' "$sql_w" "$sql_c"
echo "$kpi_w $sql_w $kpi_c $sql_c" | awk '{
	printf "  ratio kpi/sqlite3: wall %.2f, CPU %.2f (goal: at most 1.00)\n",
	       $1 / ($2 > 0 ? $2 : 0.001), $3 / ($4 > 0 ? $4 : 0.001) }'

# BENCH_CALLGRIND=1: the instructions each side executes, counted by valgrind's callgrind
# (about 30 s more).  Unlike the times, the count does not depend on the machine's other
# load, so a change of a few percent shows (docs/metrics.md quotes these counts).
if [ "${BENCH_CALLGRIND:-0}" = 1 ]; then
	command -v valgrind >/dev/null || { echo "bench_kpi: valgrind is missing" >&2; exit 1; }
	instr() {
		valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$@" \
			>/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
		awk '/^summary:/ { printf "%.0f\n", $2 / 1e6 }' "$work/cg.out"
	}
	# supportkpi-kpi itself: the driver "supportkpi kpi" runs it as a child
	kpi_i=$(instr "$bin/supportkpi-kpi" --db "$db" --period "$period" --by agent --format csv)
	sql_i=$(instr sqlite3 -readonly -csv "$db" ".read $work/plain.sql")
	echo "  instructions (millions): supportkpi kpi $kpi_i, sqlite3 shell $sql_i" \
	     "(ratio $(echo "$kpi_i $sql_i" | awk '{ printf "%.2f", $1 / ($2 > 0 ? $2 : 1) }'))"
fi

# The plans of the KPI queries themselves, read from schema/.  The shell lacks the C
# functions percentile_inc and business_seconds: for the plan they are swapped for the
# aggregate max(x) (percentile_inc(x, p) is an aggregate too, and may carry a FILTER)
# and coalesce(), which takes the same arguments; how the tables are read does not
# depend on them.
top=$(cd "$(dirname "$0")/.." && pwd)
for f in kpi_tickets kpi_surveys; do
	echo "query plan of schema/$f.sql (EXPLAIN QUERY PLAN):"
	{
		printf '.param set :from "%s"\n.param set :to "%s"\n' "'$from'" "'$to'"
		printf '.param set :dim1 "%s"\n.param set :dim2 "%s"\n' "'agent'" "'all'"
		printf '.param set :calendar 0\n'
		printf 'EXPLAIN QUERY PLAN\n'
		sed -n "/^-- name: $f\$/,\$p" "$top/schema/$f.sql" |
			sed -E 's/percentile_inc\(([a-z_]+), [0-9.]+\)/max(\1)/g; s/business_seconds\(/coalesce(/g'
	} >"$work/plan.sql"
	sqlite3 -readonly "$db" <"$work/plan.sql" | sed 's/^/  /'
done
