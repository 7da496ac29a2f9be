# lib.sh — helpers for the end-to-end scripts in tests/e2e/ (POSIX sh).
#
# tests/run.sh runs each tests/e2e/*.sh (not this file) as `sh SCRIPT` with
#   SKPI_BIN  the directory holding the built binaries (e.g. build/bin)
#   SKPI_TOP  the repository root
# and counts the lines starting with "ok " and "not ok ".  A script starts with
#
#   . "${SKPI_TOP:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
#
# and ends with `finish`.  What it gets:
#
#   $SKPI_TOP, $SKPI_BIN   as above; defaults: the repository above this file's caller,
#                          and $SKPI_TOP/build/bin
#   $PY                    /usr/bin/python3 (the Debian one, with openpyxl)
#   $tmp                   a fresh directory, removed when the script exits (lib.sh
#                          owns the EXIT trap: do not set another)
#   $rc                    the exit status of the last `run`
#   $tmp/out, $tmp/err     standard output and error of the last `run`
#
#   ok NAME                    print "ok - NAME" and count a pass
#   not_ok NAME [LINE...]      print each LINE as "# LINE", then "not ok - NAME";
#                              count a failure
#   diag LINE...               print each LINE as "# LINE" (a diagnostic)
#   diag_file FILE             print the first 20 lines of FILE as diagnostics
#   skip NAME REASON           print "ok - NAME # SKIP REASON" (counts as a pass)
#   run CMD...                 run CMD, stdout to $tmp/out, stderr to $tmp/err, status
#                              to $rc; never fails itself
#   check NAME CMD...          ok when CMD exits 0, else not_ok showing its status and
#                              its standard error
#   check_exit NAME CODE CMD...  ok when CMD exits with CODE
#   check_output NAME CODE EXPECTED CMD...
#                              golden test: ok when CMD exits with CODE and its standard
#                              output is exactly EXPECTED plus a final newline (use ''
#                              for no output); a failure shows the diff
#   same NAME EXPECTED ACTUAL  ok when the two texts are equal, else not_ok showing the
#                              diff (- expected, + actual)
#   says NAME PATTERN          ok when the last run's standard error matches the grep
#                              pattern, else not_ok showing that standard error
#   sql DB SQL                 run SQL on the database DB with sqlite3, one row a line,
#                              fields separated by '|'
#   q SQL                      sql "$DB" SQL (the script sets $DB)
#   finish                     exit with the number of failures (capped at 125), so the
#                              script fails when anything failed
#
# Names should be unique within a script and say what is checked, e.g.
# "sample: same seed gives identical tickets.csv".

SKPI_TOP=${SKPI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
SKPI_BIN=${SKPI_BIN:-$SKPI_TOP/build/bin}
PY=/usr/bin/python3
export SKPI_TOP SKPI_BIN PY

_lib_fails=0
_lib_passes=0
rc=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/skpi-e2e.XXXXXX") || {
	echo "not ok - cannot create a temporary directory"
	exit 1
}
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP

diag() {
	for _l in "$@"; do
		printf '# %s\n' "$_l"
	done
}

diag_file() {
	[ -f "$1" ] || return 0
	sed -n '1,20s/^/# /p' "$1"
}

ok() {
	_lib_passes=$((_lib_passes + 1))
	printf 'ok - %s\n' "$1"
}

not_ok() {
	_n=$1
	shift
	diag "$@"
	_lib_fails=$((_lib_fails + 1))
	printf 'not ok - %s\n' "$_n"
}

skip() {
	_lib_passes=$((_lib_passes + 1))
	printf 'ok - %s # SKIP %s\n' "$1" "$2"
}

run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	return 0
}

check() {
	_n=$1
	shift
	run "$@"
	if [ "$rc" -eq 0 ]; then
		ok "$_n"
	else
		diag "command: $*" "exit status $rc, expected 0; standard error:"
		diag_file "$tmp/err"
		not_ok "$_n"
	fi
}

check_exit() {
	_n=$1
	_want=$2
	shift 2
	run "$@"
	if [ "$rc" -eq "$_want" ]; then
		ok "$_n"
	else
		diag "command: $*" "exit status $rc, expected $_want; standard error:"
		diag_file "$tmp/err"
		not_ok "$_n"
	fi
}

check_output() {
	_n=$1
	_want=$2
	_expected=$3
	shift 3
	run "$@"
	if [ -n "$_expected" ]; then
		printf '%s\n' "$_expected" >"$tmp/expected"
	else
		: >"$tmp/expected"
	fi
	if [ "$rc" -ne "$_want" ]; then
		diag "command: $*" "exit status $rc, expected $_want; standard error:"
		diag_file "$tmp/err"
		not_ok "$_n"
	elif ! cmp -s "$tmp/expected" "$tmp/out"; then
		diag "command: $*" "standard output differs (- expected, + actual):"
		diff -u "$tmp/expected" "$tmp/out" >"$tmp/diff"
		diag_file "$tmp/diff"
		not_ok "$_n"
	else
		ok "$_n"
	fi
}

same() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		printf '%s\n' "$2" >"$tmp/want"
		printf '%s\n' "$3" >"$tmp/got"
		diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"
		not_ok "$1" "(- expected, + actual)"
		diag_file "$tmp/diff"
	fi
}

says() {
	if grep -q -- "$2" "$tmp/err"; then
		ok "$1"
	else
		not_ok "$1" "standard error does not match: $2"
		diag_file "$tmp/err"
	fi
}

sql() {
	sqlite3 -batch -noheader -separator '|' "$1" "$2"
}

q() {
	sql "$DB" "$1"
}

finish() {
	[ "$_lib_fails" -gt 125 ] && _lib_fails=125
	exit "$_lib_fails"
}
