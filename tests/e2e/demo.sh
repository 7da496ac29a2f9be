#!/bin/sh
# demo.sh — `make demo` end to end: samples/demo.sh generates a year of exports, loads
# them into a fresh database and prints the month's figures; run it twice (it starts
# afresh) and check what it loaded against the files it generated.
. "${SKPI_TOP:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

B=$(cd "$SKPI_BIN" 2>/dev/null && pwd)
if [ ! -x "$B/supportkpi-sample" ] || ! command -v sqlite3 >/dev/null; then
	not_ok "demo: the tools and sqlite3 are available"
	finish
fi
for i in 1 2; do
	DEMO_OUT=$tmp/demo check "demo: samples/demo.sh runs (run $i)" sh "$SKPI_TOP/samples/demo.sh" "${B%/bin}"
done
[ -s "$tmp/out" ] && ok "demo: prints figures on stdout" || not_ok "demo: prints figures on stdout"
grep -q "ingest: '.*tickets.csv': 20000 rows read: 20000 inserted, 0 updated, 0 unchanged, 0 rejected" "$tmp/err" &&
	ok "demo: loads the 20000 generated tickets, none rejected" ||
	{ not_ok "demo: loads the 20000 generated tickets, none rejected"; diag_file "$tmp/err"; }
# every generated survey row (lines of surveys.csv but the header; no field holds a
# newline in surveys) is in the database once
want=$(($(wc -l <"$tmp/demo/surveys.csv") - 1))
got=$(sqlite3 "$tmp/demo/demo.db" "SELECT count(*) FROM surveys")
[ "$want" = "$got" ] && ok "demo: every survey loaded ($got)" || not_ok "demo: every survey loaded" "want $want, got $got"
finish
