#!/bin/sh
# kpi_docs.sh — docs/metrics.md states every definition word for word as the head of
# the SQL file that implements it (schema/kpi_*.sql, the comment lines after
# "-- Definition" up to the first blank comment line), and the man page passes mandoc's
# lint when mandoc is installed.
. "${SKPI_TOP:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

doc=$SKPI_TOP/docs/metrics.md
[ -f "$doc" ] || { not_ok "kpi docs: docs/metrics.md exists"; finish; }
# the document with its lines joined by single spaces
tr '\n' ' ' <"$doc" | tr -s ' ' >"$tmp/doc"
for f in "$SKPI_TOP"/schema/kpi_*.sql; do
	name=$(basename "$f")
	awk '/^-- Definition/ { on = 1; next }
	     on && /^--$/ { exit }
	     on && /^-- / { sub(/^-- /, ""); print; next }
	     on { exit }' "$f" >"$tmp/def"
	if [ ! -s "$tmp/def" ]; then
		continue   # a file of queries only (no definition of its own)
	fi
	tr '\n' ' ' <"$tmp/def" | tr -s ' ' | sed 's/ $//' >"$tmp/want"
	if grep -qF -- "$(cat "$tmp/want")" "$tmp/doc"; then
		ok "kpi docs: $name's definition is in docs/metrics.md word for word"
	else
		not_ok "kpi docs: $name's definition is in docs/metrics.md word for word" \
			"$(head -c 300 "$tmp/want")"
	fi
done
man=$SKPI_TOP/docs/man/supportkpi-kpi.1
if command -v mandoc >/dev/null; then
	check "kpi docs: the man page passes mandoc -T lint" mandoc -T lint -W warning "$man"
	# the synopsis of --help and of the man page list the same options
	if [ -x "$SKPI_BIN/supportkpi-kpi" ]; then
		"$SKPI_BIN/supportkpi-kpi" --help | sed -n '/^usage:/,/^$/p' | grep -o -- '--[a-z-]*' | sort -u >"$tmp/help"
		mandoc -T ascii "$man" | sed 's/.\x08//g' | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' |
			grep -o -- '--[a-z-]*' | sort -u >"$tmp/man"
		if cmp -s "$tmp/help" "$tmp/man"; then
			ok "kpi docs: --help and the man page have the same synopsis options"
		else
			not_ok "kpi docs: --help and the man page have the same synopsis options" \
				"help: $(tr '\n' ' ' <"$tmp/help")" "man: $(tr '\n' ' ' <"$tmp/man")"
		fi
	fi
else
	skip "kpi docs: the man page passes mandoc -T lint" "mandoc is not installed"
fi
finish
