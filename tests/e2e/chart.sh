#!/bin/sh
# chart.sh — end-to-end tests of supportkpi chart: the command line, the charts written
# (real PNGs of the documented size, well-formed SVG), agent names that try to escape into
# gnuplot, the figures of the first-response histogram worked out by hand, byte-stable
# reruns, and gnuplot missing.
. "${SKPI_TOP:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

B=$(cd "$SKPI_BIN" 2>/dev/null && pwd)
C=$B/supportkpi-chart
if [ ! -x "$C" ]; then
	not_ok "chart: binary is built" "no executable supportkpi-chart in '$SKPI_BIN'"
	finish
fi
cd "$tmp" || exit 1
unset SUPPORTKPI_GNUPLOT
have_gnuplot=0
command -v gnuplot >/dev/null 2>&1 && have_gnuplot=1

# ---- the fixture: 4 agents x 20 tickets in October 2026, each with a survey ----
# Agent a, ticket j (0-19): created 2026-10-(j+1) 09:00, first response j+1 minutes
# later, resolved at 12:00.  Names: a double quote and a gnuplot command, a name with a
# line feed (quoted in the CSV), one with ' ; # and a literal backslash-n, one with the
# characters of gnuplot's enhanced-text markup.
{
	echo 'ticket_id,created_at,first_response_at,resolved_at,closed_at,updated_at,status,agent,team,channel,category,priority,reopen_count,replies,subject'
	awk 'BEGIN {
		name[0] = "\"x\"\" ; system(\"\"touch PWNED\"\")\""
		name[1] = "\"Line\nBreak\""
		name[2] = "O'\''Brien; #1 \\n"
		name[3] = "Zo\303\253_{x}^2 @y"
		for (a = 0; a < 4; a++)
			for (j = 0; j < 20; j++)
				printf "T%d%02d,2026-10-%02d 09:00:00,2026-10-%02d 09:%02d:00,2026-10-%02d 12:00:00,,2026-10-%02d 12:00:00,resolved,%s,%s,email,billing,normal,0,1,s\n",
					a, j, j + 1, j + 1, j + 1, j + 1, j + 1, name[a], a < 2 ? "Team A" : "Team B"
	}'
} >tickets.csv
{
	echo 'survey_id,ticket_id,agent,submitted_at,score,nps,attitude,skill,timeliness,follow_through'
	awk 'BEGIN {
		for (a = 0; a < 4; a++)
			for (j = 0; j < 20; j++)
				printf "S%d%02d,T%d%02d,,2026-10-%02d 15:00:00,%d,9,4,4,4,4\n",
					a, j, a, j, j + 1, j % (a + 2) ? 5 : 2
	}'
} >surveys.csv
# the ranking weighs SLA compliance by default, so the centre has one rule (every ticket
# meets it)
printf '[sla default]\nfirst_response = 30 minutes\nresolution = 8 hours\n' >centre.ini
if ! "$B/supportkpi-init" --db db --timezone UTC >/dev/null 2>&1 ||
	! "$B/supportkpi-ingest" --db db --kind tickets tickets.csv >/dev/null 2>"$tmp/ingest.err" ||
	! "$B/supportkpi-ingest" --db db --kind surveys surveys.csv >/dev/null 2>>"$tmp/ingest.err"; then
	not_ok "chart: the fixture loads" "$(cat "$tmp/ingest.err")"
	finish
fi

# width and height of a PNG from its IHDR chunk (bytes 16-23, big-endian), after checking
# the 8-byte signature and the chunk name
png_size() {
	od -An -v -tu1 -N24 "$1" | tr -s ' \n' '  ' | awk '{
		if ($1 != 137 || $2 != 80 || $3 != 78 || $4 != 71 || $5 != 13 || $6 != 10 ||
		    $7 != 26 || $8 != 10 || $13 != 73 || $14 != 72 || $15 != 68 || $16 != 82) {
			print "not-a-png"; exit
		}
		printf "%dx%d\n", (($17 * 256 + $18) * 256 + $19) * 256 + $20,
			(($21 * 256 + $22) * 256 + $23) * 256 + $24
	}'
}

# ---- command line ----

run "$C" --help
if [ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] && head -n 1 "$tmp/out" | grep -q '^usage: supportkpi chart ' &&
	grep -q 'gnuplot-nox' "$tmp/out"; then
	ok "chart: --help prints the usage to stdout, exit 0"
else
	not_ok "chart: --help prints the usage to stdout, exit 0" "exit $rc"
fi
check_exit "chart: no --period is a usage error" 64 "$C" --db db -o out
check_exit "chart: no -o is a usage error" 64 "$C" --db db --period 2026-10
check_exit "chart: --format gif is a usage error" 64 "$C" --db db --period 2026-10 -o out --format gif
check_exit "chart: a bad period is a usage error" 64 "$C" --db db --period 2026-13 -o out
check_exit "chart: a missing database is exit 66" 66 "$C" --db nothere.db --period 2026-10 -o out

# ---- gnuplot missing: a clear message, exit 1, nothing written ----

run env PATH=/nonexistent "$C" --db db --period 2026-10 -o nognuplot
if [ "$rc" -eq 1 ] && grep -q 'gnuplot is not installed' "$tmp/err" && grep -q 'gnuplot-nox' "$tmp/err" &&
	grep -q 'charts skipped' "$tmp/err" && [ ! -s "$tmp/out" ] && [ -z "$(ls nognuplot 2>/dev/null)" ]; then
	ok "chart: without gnuplot on PATH: message naming gnuplot-nox, exit 1"
else
	not_ok "chart: without gnuplot on PATH: message naming gnuplot-nox, exit 1" "exit $rc" "$(cat "$tmp/err")"
fi
run env SUPPORTKPI_GNUPLOT=/nonexistent/gnuplot "$C" --db db --period 2026-10 -o nognuplot
if [ "$rc" -eq 1 ] && grep -q 'SUPPORTKPI_GNUPLOT' "$tmp/err" && grep -q 'charts skipped' "$tmp/err"; then
	ok "chart: SUPPORTKPI_GNUPLOT naming nothing: message, exit 1"
else
	not_ok "chart: SUPPORTKPI_GNUPLOT naming nothing: message, exit 1" "exit $rc" "$(cat "$tmp/err")"
fi

if [ "$have_gnuplot" -eq 0 ]; then
	skip "chart: PNG and SVG charts" "gnuplot is not installed"
	finish
fi

# ---- PNG ----

run "$C" --db db --config centre.ini --period 2026-10 -o png
printf 'png/trend-rates.png\npng/trend-frt.png\npng/ranking.png\npng/frt-histogram.png\npng/teams.png\n' >"$tmp/want"
if [ "$rc" -eq 0 ] && cmp -s "$tmp/want" "$tmp/out"; then
	ok "chart: png: five charts written and listed on stdout"
else
	not_ok "chart: png: five charts written and listed on stdout" "exit $rc" "$(cat "$tmp/out")" "$(cat "$tmp/err")"
fi
# sizes (docs/man/supportkpi-chart.1): 960x540; the ranking 140 + 22 x 4 = 228 high, so
# the minimum 360; the teams chart 160 + 2 teams x (4 series + 1) x 18 = 340 wide, so the
# minimum 960
sizes=$(for f in trend-rates trend-frt ranking frt-histogram teams; do
	printf '%s %s\n' "$f" "$(png_size "png/$f.png")"; done)
want='trend-rates 960x540
trend-frt 960x540
ranking 960x360
frt-histogram 960x540
teams 960x540'
if [ "$sizes" = "$want" ]; then
	ok "chart: png: real PNG files of the documented sizes"
else
	not_ok "chart: png: real PNG files of the documented sizes" $sizes
fi
if [ ! -e PWNED ] && [ ! -e png/PWNED ] && [ -z "$(ls -A png | grep -v '\.png$')" ]; then
	ok "chart: png: nothing but the charts in the directory, no PWNED file"
else
	not_ok "chart: png: nothing but the charts in the directory, no PWNED file" "$(ls -A . png)"
fi

# the same data twice: the same bytes
run "$C" --db db --config centre.ini --period 2026-10 -o png2
same=1
for f in trend-rates trend-frt ranking frt-histogram teams; do
	cmp -s "png/$f.png" "png2/$f.png" || same=0
done
if [ "$rc" -eq 0 ] && [ "$same" -eq 1 ]; then
	ok "chart: png: a rerun gives byte-identical charts"
else
	not_ok "chart: png: a rerun gives byte-identical charts" "exit $rc"
fi

# ---- SVG: well-formed, the names as labels ----

run "$C" --db db --config centre.ini --period 2026-10 -o svg --format svg
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 5 ] &&
	"$PY" -c 'import sys, xml.dom.minidom
for f in sys.argv[1:]: xml.dom.minidom.parse(f)' svg/*.svg 2>"$tmp/xml.err" &&
	grep -q 'width="960" height="540"' svg/trend-rates.svg &&
	grep -q 'width="960" height="360"' svg/ranking.svg; then
	ok "chart: svg: five well-formed SVG documents of the documented sizes"
else
	not_ok "chart: svg: five well-formed SVG documents of the documented sizes" "exit $rc" "$(cat "$tmp/xml.err")"
fi
# each name is a tic label of the ranking as docs/charts.md says: '"' drawn as '',
# the line feed as a space, the rest as written (SVG escapes & and <)
miss=
for want in ". x'' ; system(''touch PWNED'')<" '. Line Break<' ". O'Brien; #1 \\n<" \
	". Zo$(printf '\303\253')_{x}^2 @y<"; do
	grep -F -q -- "$want" svg/ranking.svg || miss="$miss [$want]"
done
if [ -z "$miss" ] && [ ! -e PWNED ] && [ ! -e svg/PWNED ]; then
	ok "chart: svg: hostile agent names come out as labels and run nothing"
else
	not_ok "chart: svg: hostile agent names come out as labels and run nothing" "missing:$miss"
fi
# ranks: the scores decide, but every agent has a "N. " in front of the name
if [ "$(grep -c -E '>[1-4]\. ' svg/ranking.svg)" -eq 4 ]; then
	ok "chart: svg: the ranking labels carry the rank"
else
	not_ok "chart: svg: the ranking labels carry the rank" "$(grep -o -E '>[0-9]+\. [^<]*<' svg/ranking.svg)"
fi

# The first-response times are 1..20 minutes, each 4 times (80 tickets).  By hand:
# bands "< 5 min" 1-4: 16, "5-15 min" 5-14: 40, "15-30 min" 15-20: 24, none later;
# PERCENTILE.INC median: h = 79 x 0.5 = 39.5, x40 = 10, x41 = 11: 10.5;
# 90th: h = 79 x 0.9 = 71.1, x72 = 18, x73 = 19: 18.1.
h=svg/frt-histogram.svg
if grep -F -q '>n = 80, median 10.5 min, 90th percentile 18.1 min<' "$h" &&
	grep -F -q '>&lt; 5 min<' "$h" && grep -F -q '>5-15 min<' "$h" && grep -F -q '>15-30 min<' "$h" &&
	! grep -F -q '>30-60 min<' "$h" && grep -q '>16<' "$h" && grep -q '>40<' "$h" && grep -q '>24<' "$h"; then
	ok "chart: svg: the first-response histogram has the bands and figures worked out by hand"
else
	not_ok "chart: svg: the first-response histogram has the bands and figures worked out by hand" \
		"$(grep -o '>[^<]*<' "$h" | tr '\n' ' ')"
fi
# the histogram's tickets are those of the KPI: its median is supportkpi kpi's
run "$B/supportkpi-kpi" --db db --config centre.ini --period 2026-10 --format csv; cp "$tmp/err" "$tmp/kpi.err"
kmed=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "frt_median_min") c = i }
	NR == 2 && c { printf "%.1f", $c }' "$tmp/out")
if [ "$rc" -eq 0 ] && [ "$kmed" = "10.5" ] && grep -F -q "median $kmed min" "$h"; then
	ok "chart: svg: the histogram's median is the KPI frt_median_min"
else
	not_ok "chart: svg: the histogram's median is the KPI frt_median_min" "kpi exit $rc, median '$kmed'" "$(cat "$tmp/kpi.err")"
fi
# the teams chart names both teams; the months of the trend run 2025-11 .. 2026-10
if grep -F -q '>Team A<' svg/teams.svg && grep -F -q '>Team B<' svg/teams.svg &&
	grep -F -q '>2025-11<' svg/trend-rates.svg && grep -F -q '>2026-10<' svg/trend-rates.svg &&
	! grep -F -q '>2025-10<' svg/trend-rates.svg; then
	ok "chart: svg: teams and the 12 months are labelled"
else
	not_ok "chart: svg: teams and the 12 months are labelled"
fi

# ---- the team ranking: both teams (40 tickets each) are ranked ----
run "$C" --db db --config centre.ini --period 2026-10 --by team --format svg -o teams/
if [ "$rc" -eq 0 ] && grep -q '^teams/ranking.svg$' "$tmp/out" && grep -F -q '>Team ranking, 2026-10<' teams/ranking.svg &&
	[ "$(grep -c -E '>[12]\. Team [AB]<' teams/ranking.svg)" -eq 2 ]; then
	ok "chart: --by team ranks the teams"
else
	not_ok "chart: --by team ranks the teams" "exit $rc" "$(cat "$tmp/out")" "$(cat "$tmp/err")"
fi

# ---- without SLA rules the default ranking cannot be made: its chart is skipped ----
run "$C" --db db --period 2026-10 -o norules
printf 'norules/trend-rates.png\nnorules/trend-frt.png\nnorules/frt-histogram.png\nnorules/teams.png\n' >"$tmp/want"
if [ "$rc" -eq 1 ] && cmp -s "$tmp/want" "$tmp/out" && grep -q 'weight_sla' "$tmp/err" &&
	grep -q 'ranking chart is skipped' "$tmp/err"; then
	ok "chart: a ranking the data cannot support: its chart skipped with the reason, exit 1"
else
	not_ok "chart: a ranking the data cannot support: its chart skipped with the reason, exit 1" \
		"exit $rc" "$(cat "$tmp/out")" "$(cat "$tmp/err")"
fi

# ---- a wrong [ranking] is a configuration error, before anything is drawn ----
printf '[sla default]\nfirst_response = 30 minutes\n[ranking]\nweight_sla = 0.5\n' >bad.ini
run "$C" --db db --config bad.ini --period 2026-10 -o badcfg
if [ "$rc" -eq 78 ] && grep -q "'bad.ini' line 4" "$tmp/err" && [ ! -e badcfg ]; then
	ok "chart: weights that do not sum to 1: file and line, exit 78, nothing drawn"
else
	not_ok "chart: weights that do not sum to 1: file and line, exit 78, nothing drawn" "exit $rc" "$(cat "$tmp/err")"
fi

# ---- an output that cannot be created ----
: >afile
check_exit "chart: -o naming a file is exit 73" 73 "$C" --db db --period 2026-10 -o afile

# ---- a period without tickets: nothing to draw, no error ----
run "$C" --db db --period 2020-01 -o empty
if [ "$rc" -eq 0 ] && [ ! -s "$tmp/out" ] && grep -q 'nothing to draw' "$tmp/err"; then
	ok "chart: a period without tickets draws nothing, exit 0"
else
	not_ok "chart: a period without tickets draws nothing, exit 0" "exit $rc" "$(cat "$tmp/err")"
fi

finish
