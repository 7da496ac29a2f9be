#!/bin/sh
# run.sh BUILD_DIR... : run every unit-test runner and every end-to-end script against each
# build, count the "ok" / "not ok" lines, and end with "N passed, N failed".
# A runner that dies without reporting (a sanitizer abort, a crash) counts as one failure.
# TESTS=pattern limits the scripts and runners to names matching the pattern.
top=$(cd "$(dirname "$0")/.." && pwd)
pass=0 fail=0
log=$(mktemp) || exit 70
trap 'rm -f "$log"' EXIT INT TERM
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
unset SUPPORTKPI_DB

count() { # name status
	p=$(grep -c '^ok ' "$log"); f=$(grep -c '^not ok ' "$log")
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $1 exited $2 without reporting a failure"; f=1
	fi
	pass=$((pass + p)); fail=$((fail + f))
}

for b in "$@"; do
	bin=$(cd "$top/$b" 2>/dev/null && pwd) || { echo "run.sh: no build in '$b'" >&2; exit 66; }
	echo "# build $b"
	for t in "$bin"/tests/test_*; do
		[ -x "$t" ] || continue
		case "$t" in *"${TESTS:-}"*) ;; *) continue ;; esac
		echo "# $(basename "$t")"
		"$t" >"$log" 2>&1; st=$?
		grep -v '^ok ' "$log"
		count "$(basename "$t")" $st
	done
	for s in "$top"/tests/e2e/*.sh; do
		[ -f "$s" ] || continue
		case "$(basename "$s")" in lib.sh) continue ;; esac
		case "$s" in *"${TESTS:-}"*) ;; *) continue ;; esac
		echo "# $(basename "$s")"
		SKPI_BIN="$bin/bin" SKPI_TOP="$top" sh "$s" >"$log" 2>&1; st=$?
		grep -v '^ok ' "$log"
		count "$(basename "$s")" $st
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
