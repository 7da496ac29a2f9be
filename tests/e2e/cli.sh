#!/bin/sh
# cli.sh — end-to-end tests of what every command shares: the driver (git-style dispatch,
# --help, --version, help COMMAND), --help on every installed command (stdout, exit 0,
# usage first), usage errors (64), a failed write of the help (74), the man pages
# (mdoc, linted with mandoc when it is installed), and `make install`.
. "${SKPI_TOP:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

B=$(cd "$SKPI_BIN" 2>/dev/null && pwd)
K=$B/supportkpi
if [ ! -x "$K" ]; then
	not_ok "cli: the driver is built" "no '$K'"
	finish
fi
cd "$tmp" || exit 1

# ---- the driver ----
run "$K" --help
if [ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] && head -n 1 "$tmp/out" | grep -q '^usage: supportkpi ' &&
	grep -q '^  ingest ' "$tmp/out" && grep -q '^64 usage; 65 bad input data' "$tmp/out"; then
	ok "cli: supportkpi --help: usage, commands and exit codes on stdout"
else
	not_ok "cli: supportkpi --help: usage, commands and exit codes on stdout" "exit $rc"
fi
check_output "cli: supportkpi --version" 0 "supportkpi $(sed -n 's/^VERSION *:= *//p' "$SKPI_TOP/Makefile")" "$K" --version
check_exit "cli: no command: 64" 64 "$K"
check_exit "cli: an unknown command: 64" 64 "$K" frobnicate
check_exit "cli: an unknown option: 64" 64 "$K" --frobnicate
check_exit "cli: help for an unknown command: 64" 64 "$K" help frobnicate
# shellcheck disable=SC2016 # $1 is expanded by the inner sh
check_exit "cli: --help to a full disk: 74" 74 sh -c '"$1" --help >/dev/full' sh "$K"
# dispatch: the driver runs supportkpi-init beside it with the arguments
check_exit "cli: supportkpi init runs supportkpi-init" 0 "$K" init --db "$tmp/d.db"
[ -f "$tmp/d.db" ] && ok "cli: ... with its arguments" || not_ok "cli: ... with its arguments"

# ---- --help of every command that is built ----
for p in "$B"/supportkpi-*; do
	[ -x "$p" ] || continue
	c=${p##*/supportkpi-}
	run "$p" --help
	if [ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] &&
		head -n 1 "$tmp/out" | grep -q "^usage: supportkpi[ -]$c"; then
		ok "cli: supportkpi-$c --help: usage on stdout, exit 0"
	else
		not_ok "cli: supportkpi-$c --help: usage on stdout, exit 0" "exit $rc"
		diag_file "$tmp/out"
		diag_file "$tmp/err"
	fi
	run "$p" --no-such-option
	if [ "$rc" -eq 64 ] && grep -q '^usage: ' "$tmp/err" && [ ! -s "$tmp/out" ]; then
		ok "cli: supportkpi-$c with a bad option: usage on stderr, exit 64"
	else
		not_ok "cli: supportkpi-$c with a bad option: usage on stderr, exit 64" "exit $rc"
	fi
	# shellcheck disable=SC2016
	check_exit "cli: supportkpi-$c --help to a full disk: 74" 74 sh -c '"$1" --help >/dev/full' sh "$p"
	# the exit codes are in every --help, as in docs/exit-codes.md
	run "$p" --help
	if grep -q '64 usage' "$tmp/out" && grep -q -E '(^|[ ;])75 ' "$tmp/out"; then
		ok "cli: supportkpi-$c --help lists the exit codes"
	else
		not_ok "cli: supportkpi-$c --help lists the exit codes"
	fi
done

# ---- manual pages ----
for c in init ingest; do
	run "$K" help "$c"
	if [ "$rc" -eq 0 ] && grep -q "supportkpi $c" "$tmp/out" && grep -q 'EXIT STATUS\|Exit status' "$tmp/out"; then
		ok "cli: supportkpi help $c shows the page (or the --help)"
	else
		not_ok "cli: supportkpi help $c shows the page (or the --help)" "exit $rc"
		diag_file "$tmp/err"
	fi
done
if command -v man >/dev/null; then
	run "$K" help ingest
	if grep -q '^NAME' "$tmp/out" && grep -q '^SYNOPSIS' "$tmp/out"; then
		ok "cli: supportkpi help ingest is the manual page when man is installed"
	else
		not_ok "cli: supportkpi help ingest is the manual page when man is installed"
	fi
	# without man or mandoc on PATH, and not on a terminal: the command's --help
	run env PATH=/nonexistent "$K" help ingest
	if [ "$rc" -eq 0 ] && head -n 1 "$tmp/out" | grep -q '^usage: supportkpi ingest'; then
		ok "cli: supportkpi help ingest falls back to --help"
	else
		not_ok "cli: supportkpi help ingest falls back to --help" "exit $rc"
	fi
else
	skip "cli: supportkpi help ingest is the manual page when man is installed" "no man"
	skip "cli: supportkpi help ingest falls back to --help" "no man"
fi
if command -v mandoc >/dev/null; then
	for m in "$SKPI_TOP"/docs/man/*.1; do
		if mandoc -T lint -W warning "$m" >"$tmp/lint" 2>&1; then
			ok "cli: mandoc -T lint ${m##*/}"
		else
			not_ok "cli: mandoc -T lint ${m##*/}"
			diag_file "$tmp/lint"
		fi
	done
else
	skip "cli: mandoc -T lint" "no mandoc"
fi
# each page's SYNOPSIS names the options its --help lists
for c in init ingest sample; do
	m=$SKPI_TOP/docs/man/supportkpi-$c.1
	[ -f "$m" ] && [ -x "$B/supportkpi-$c" ] || { not_ok "cli: supportkpi-$c.1 exists"; continue; }
	"$B/supportkpi-$c" --help | sed -n '/^usage:/,/^$/p' | grep -o -- '--[a-z-]*' | sort -u >"$tmp/u"
	sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' "$m" | grep -o 'Fl -[a-z-]*' | sed 's/Fl /-/' | sort -u >"$tmp/m"
	if cmp -s "$tmp/u" "$tmp/m"; then
		ok "cli: supportkpi-$c: usage and manual SYNOPSIS name the same options"
	else
		diff "$tmp/u" "$tmp/m" >"$tmp/diff"
		not_ok "cli: supportkpi-$c: usage and manual SYNOPSIS name the same options" "(< usage, > manual)"
		diag_file "$tmp/diff"
	fi
done

# ---- make install ----
# Install the build under test (make -o all: do not rebuild it) into a fresh prefix, then
# run the installed driver: it finds its commands and its manual pages there.
O=${B%/bin}
O=${O#"$SKPI_TOP"/}
if [ -f "$SKPI_TOP/$O/libsupportkpi.a" ] && command -v make >/dev/null; then
	run make -s -C "$SKPI_TOP" -o all O="$O" PREFIX="$tmp/inst" install
	if [ "$rc" -eq 0 ] && [ -x "$tmp/inst/bin/supportkpi" ] && [ -x "$tmp/inst/bin/supportkpi-ingest" ] &&
		[ -f "$tmp/inst/share/man/man1/supportkpi-ingest.1" ] && [ -f "$tmp/inst/share/man/man1/supportkpi.1" ]; then
		ok "cli: make install PREFIX=... installs the binaries and manual pages"
	else
		not_ok "cli: make install PREFIX=... installs the binaries and manual pages" "exit $rc"
		diag_file "$tmp/err"
	fi
	run "$tmp/inst/bin/supportkpi" init --db "$tmp/i.db"
	[ "$rc" -eq 0 ] && ok "cli: the installed driver runs its commands" ||
		not_ok "cli: the installed driver runs its commands" "exit $rc"
	if command -v man >/dev/null; then
		run "$tmp/inst/bin/supportkpi" help init
		grep -q '^SYNOPSIS' "$tmp/out" && ok "cli: the installed driver shows the installed page" ||
			not_ok "cli: the installed driver shows the installed page"
	fi
	run make -s -C "$SKPI_TOP" -o all O="$O" PREFIX="$tmp/inst" uninstall
	if [ "$rc" -eq 0 ] && [ -z "$(find "$tmp/inst" -type f)" ]; then
		ok "cli: make uninstall removes them"
	else
		not_ok "cli: make uninstall removes them" "$(find "$tmp/inst" -type f | head -3)"
	fi
else
	skip "cli: make install" "the build directory is not inside the source tree"
fi

finish
