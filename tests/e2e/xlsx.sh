#!/bin/sh
# xlsx.sh — end-to-end tests of `supportkpi xlsx`: the command line and exit codes, the
# sheets, real number cells equal to `supportkpi kpi --format csv` for the same period,
# figures worked out by hand on a small export written here, text that looks like a
# formula kept as text, reproducible bytes, the file's mode, and the charts (with and
# without gnuplot).  The workbook is read back with openpyxl (tests/xlsx_check.py).
. "${SKPI_TOP:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

K=$(cd "$SKPI_BIN" 2>/dev/null && pwd)/supportkpi
X="$PY $SKPI_TOP/tests/xlsx_check.py"
if [ ! -x "$K" ] || [ ! -x "$SKPI_BIN/supportkpi-xlsx" ] || ! $PY -c 'import openpyxl' 2>/dev/null; then
	not_ok "xlsx: supportkpi xlsx and python3-openpyxl are available" \
		"no '$SKPI_BIN/supportkpi-xlsx', or $PY cannot import openpyxl"
	finish
fi
cd "$tmp" || exit 1
DB=$tmp/c.db

# Checks of the workbooks with openpyxl (tests/xlsx_check.py), collected and run together
# by checks_run in one Python process (starting Python and openpyxl is the slow part):
#   expect NAME FILE SHEET KEY COLUMN WANT   one cell (see xlsx_check.py expect)
#   xcheck NAME CHECK ARG...                 any other check of xlsx_check.py
xcheck() {
	_n=$1
	shift
	{
		printf '%s' "$_n"
		printf '\t%s' "$@"
		printf '\n'
	} >>"$tmp/batch"
}
expect() {
	_n=$1
	shift
	xcheck "$_n" expect "$@"
}
checks_run() {
	[ -s "$tmp/batch" ] || return 0
	$X batch <"$tmp/batch" >"$tmp/batch.out" 2>"$tmp/batch.err"
	if [ "$(wc -l <"$tmp/batch.out")" -ne "$(wc -l <"$tmp/batch")" ]; then
		not_ok "xlsx: every openpyxl check ran" "xlsx_check.py batch did not report each line:"
		diag_file "$tmp/batch.err"
	fi
	while IFS='	' read -r _st _name _why; do
		if [ "$_st" = ok ]; then
			ok "$_name"
		else
			not_ok "$_name" "$_why"
		fi
	done <"$tmp/batch.out"
	: >"$tmp/batch"
}

# ---- a small export, figures worked out by hand (database zone UTC) ----
# October 2026 (the period): T01-T05.  September: T06.  August: T07.
#   agents: T01 '=HYPERLINK("http://evil.example/","click")', T02 '+1', T03 '@x',
#           T04 '-2', T05 and T06 and T07 'Zoë Müller' -- each a formula to a spreadsheet
#           that reads text naively
#   first response (min): T01 30, T02 10, T03 60, T04 20, T05 5
#       sorted 5 10 20 30 60: median 20; p90: h = 4 x 0.9 = 3.6 -> 30 + 0.6 x 30 = 48
#   resolved: T01 T02 T04 T05 (T03 open): 4 of 5 -> resolution_pct 80
#   resolution time (h): T01 4, T02 24, T04 2, T05 1; sorted 1 2 4 24: median
#       h = 1.5 -> 2 + 0.5 x 2 = 3
#   reopen_pct: T02 reopened, 1 of 4 -> 25;  fcr_pct: replies <= 1: T01 T04 T05 -> 75
#   surveys (credited to the ticket's agent): S1 T01 score 5 nps 10, S2 T02 score 2 nps 3,
#       S3 T05 score 4 nps 9 -> surveys 3, csat 2/3 -> 66.666..., mean 11/3,
#       nps 100 x (2 - 1) / 3 = 33.333...
# September: T06 (frt 40 min, resolved), S4 score 3 nps 7 -> tickets 1, resolution 100,
#   frt median 40, csat 0, nps 0.  So the changes: tickets +4, resolution_pct -20,
#   frt_median_min -20, csat_pct +66.666...
cat >tickets.csv <<'EOF'
ticket_id,created_at,first_response_at,resolved_at,closed_at,updated_at,status,agent,team,channel,category,priority,reopen_count,replies,subject
T01,2026-10-01 09:00:00,2026-10-01 09:30:00,2026-10-01 13:00:00,,2026-10-01 13:00:00,resolved,"=HYPERLINK(""http://evil.example/"",""click"")",Care,email,billing,normal,0,1,Invoice
T02,2026-10-02 10:00:00,2026-10-02 10:10:00,2026-10-03 10:00:00,2026-10-04 10:00:00,2026-10-04 10:00:00,closed,+1,Care,phone,billing,high,1,3,Refund
T03,2026-10-05 08:00:00,2026-10-05 09:00:00,,,2026-10-05 09:00:00,open,@x,Tech,chat,technical,normal,,2,Login
T04,2026-10-06 12:00:00,2026-10-06 12:20:00,2026-10-06 14:00:00,,2026-10-06 14:00:00,resolved,-2,Tech,email,technical,low,0,1,=1+2
T05,2026-10-07 15:00:00,2026-10-07 15:05:00,2026-10-07 16:00:00,,2026-10-07 16:00:00,resolved,Zoë Müller,Care,chat,billing,normal,0,0,Card
T06,2026-09-15 11:00:00,2026-09-15 11:40:00,2026-09-15 15:00:00,,2026-09-15 15:00:00,resolved,Zoë Müller,Care,email,billing,normal,0,1,Old
T07,2026-08-10 10:00:00,2026-08-10 12:00:00,,,2026-08-10 12:00:00,open,Zoë Müller,Care,web,other,normal,0,1,Older
EOF
cat >surveys.csv <<'EOF'
survey_id,ticket_id,agent,submitted_at,score,nps,attitude,skill,timeliness,follow_through
S1,T01,,2026-10-02 08:00:00,5,10,4,4,4,4
S2,T02,,2026-10-04 12:00:00,2,3,1,2,1,1
S3,T05,,2026-10-08 09:00:00,4,9,3,4,3,3
S4,T06,,2026-09-16 09:00:00,3,7,,,,
EOF
EVIL='=HYPERLINK("http://evil.example/","click")'

"$K" init --db "$DB" >/dev/null 2>&1 &&
	"$K" ingest --db "$DB" --kind tickets tickets.csv >/dev/null 2>&1 &&
	"$K" ingest --db "$DB" --kind surveys surveys.csv >/dev/null 2>&1
if [ $? -ne 0 ]; then
	not_ok "xlsx: the fixture loads"
	finish
fi
ok "xlsx: the fixture loads"

# ---- command line ----
run "$K" xlsx --help
if [ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] && head -n 1 "$tmp/out" | grep -q '^usage: supportkpi xlsx ' &&
	grep -q -- '--no-charts' "$tmp/out"; then
	ok "xlsx: --help prints the usage on stdout, exit 0"
else
	not_ok "xlsx: --help prints the usage on stdout, exit 0" "exit $rc"
fi
check_exit "xlsx: no -o is a usage error (64)" 64 "$K" xlsx --db "$DB" --period 2026-10
check_exit "xlsx: no period is a usage error (64)" 64 "$K" xlsx --db "$DB" -o a.xlsx
check_exit "xlsx: a bad period is a usage error (64)" 64 "$K" xlsx --db "$DB" --period 2026-13 -o a.xlsx
check_exit "xlsx: --period with --from is a usage error (64)" 64 \
	"$K" xlsx --db "$DB" --period 2026-10 --from 2026-10-01 --to 2026-11-01 -o a.xlsx
check_exit "xlsx: an unknown option is a usage error (64)" 64 "$K" xlsx --bogus
check_exit "xlsx: a missing database (66)" 66 "$K" xlsx --db "$tmp/none.db" --period 2026-10 -o a.xlsx
check_exit "xlsx: a missing output directory (73)" 73 \
	"$K" xlsx --db "$DB" --period 2026-10 --no-charts -o "$tmp/no/such/dir/a.xlsx"
[ ! -e a.xlsx ] && ok "xlsx: nothing written on a usage error" || not_ok "xlsx: nothing written on a usage error"

# ---- the workbook ----
# Without a config the default ranking weighs SLA compliance and there are no SLA rules:
# the workbook is written, its Ranking sheet says why there is no ranking, exit 1.
run "$K" xlsx --db "$DB" --period 2026-10 --as-of '2026-11-01 00:00' --no-charts -o w.xlsx
if [ -s w.xlsx ] && [ "$rc" -eq 1 ] && grep -q 'warning: the workbook has no ranking' "$tmp/err"; then
	ok "xlsx: no SLA rule for the default SLA weight: written, a warning, exit 1"
else
	not_ok "xlsx: no SLA rule for the default SLA weight: written, a warning, exit 1" "exit $rc"
	diag_file "$tmp/err"
fi
if $X dump w.xlsx Ranking | grep -q "^Ranking!A2 s 'No ranking: .*weight_sla"; then
	ok "xlsx: the Ranking sheet says why there is no ranking"
else
	not_ok "xlsx: the Ranking sheet says why there is no ranking"
fi
[ ! -s "$tmp/out" ] && ok "xlsx: nothing on stdout" || not_ok "xlsx: nothing on stdout"
same "xlsx: the file's mode is 0640 (rankings are confidential)" "640" "$(stat -c %a w.xlsx)"
same "xlsx: no temporary file is left beside it" "w.xlsx" "$(ls -A . | grep xlsx)"
same "xlsx: the sheets, in order" \
	"Summary Agents Teams Channels Categories Ranking SLA Trend Data quality Definitions" \
	"$($X sheets w.xlsx | tr '\n' ' ' | sed 's/ $//')"
$X props w.xlsx >props.txt 2>&1
same "xlsx: created date is the day after the period (reproducible)" \
	"created 2026-11-01T00:00:00" "$(sed -n 1p props.txt)"

# hand-worked figures
expect "xlsx: Summary tickets this period = 5" w.xlsx Summary tickets "this period" 5
expect "xlsx: Summary tickets previous period = 1" w.xlsx Summary tickets "previous period" 1
expect "xlsx: Summary tickets change = +4" w.xlsx Summary tickets change 4
expect "xlsx: Summary resolution_pct = 80" w.xlsx Summary resolution_pct "this period" 80
expect "xlsx: Summary resolution_pct change = -20 (points)" w.xlsx Summary resolution_pct change -20
expect "xlsx: Summary frt_median_min = 20" w.xlsx Summary frt_median_min "this period" 20
expect "xlsx: Summary frt_p90_min = 48" w.xlsx Summary frt_p90_min "this period" 48
expect "xlsx: Summary res_median_h = 3" w.xlsx Summary res_median_h "this period" 3
expect "xlsx: Summary reopen_pct = 25" w.xlsx Summary reopen_pct "this period" 25
expect "xlsx: Summary fcr_pct = 75" w.xlsx Summary fcr_pct "this period" 75
expect "xlsx: Summary csat_pct = 200/3" w.xlsx Summary csat_pct "this period" 66.66666666666667
expect "xlsx: Summary csat_pct change = +200/3" w.xlsx Summary csat_pct change 66.66666666666667
expect "xlsx: Summary mean_score = 11/3" w.xlsx Summary mean_score "this period" 3.6666666666666665
expect "xlsx: Summary nps = 100/3" w.xlsx Summary nps "this period" 33.333333333333336
expect "xlsx: Summary sla_frt_pct without rules is empty, not 0" w.xlsx Summary sla_frt_pct "this period" ""
expect "xlsx: Agents: the formula-like agent has its 1 ticket" w.xlsx Agents "$EVIL" tickets 1
expect "xlsx: Agents: and the survey on its ticket (csat 100)" w.xlsx Agents "$EVIL" csat_pct 100
expect "xlsx: Agents: Zoë Müller has 1 ticket in October" w.xlsx Agents "Zoë Müller" tickets 1
expect "xlsx: Agents: '@x' has no resolved ticket: res_median_h empty" w.xlsx Agents "@x" res_median_h ""
expect "xlsx: Teams: Care has 3 tickets" w.xlsx Teams Care tickets 3
expect "xlsx: Channels: email has 2 tickets" w.xlsx Channels email tickets 2
expect "xlsx: Categories: technical has 2 tickets" w.xlsx Categories technical tickets 2
expect "xlsx: Trend: 2026-08 has 1 ticket" w.xlsx Trend 2026-08 tickets 1
expect "xlsx: Trend: 2026-10 has 5 tickets" w.xlsx Trend 2026-10 tickets 5
expect "xlsx: Trend: a month without data has 0 tickets" w.xlsx Trend 2026-01 tickets 0
expect "xlsx: Trend: and no figure (empty, not 0)" w.xlsx Trend 2026-01 csat_pct ""
same "xlsx: Trend: the 12 months ending with the period, in order" \
	"2025-11 2025-12 2026-01 2026-02 2026-03 2026-04 2026-05 2026-06 2026-07 2026-08 2026-09 2026-10" \
	"$($X dump w.xlsx Trend | sed -n "s/^Trend!A\([0-9]*\) s '\([0-9-]*\)'.*/\2/p" | tr '\n' ' ' | sed 's/ $//')"
expect "xlsx: Data quality: the period's tickets are counted" \
	w.xlsx "Data quality" check:tickets_in_period count 5
expect "xlsx: Data quality: and its surveys" w.xlsx "Data quality" check:surveys_in_period count 3
xcheck "xlsx: Data quality: the ingests behind it, with their SHA-256" strings w.xlsx \
	"$(sha256sum tickets.csv | cut -c1-64)" "$(sha256sum surveys.csv | cut -c1-64)"

# formula injection: these are strings, and no cell anywhere holds a formula
xcheck "xlsx: text that starts with = + - @ is written as text" strings w.xlsx "$EVIL" "+1" "@x" "-2"
xcheck "xlsx: no cell holds a formula" noformulas w.xlsx

# every figure equals `supportkpi kpi --format csv` for the same period
if [ -x "$(dirname "$K")/supportkpi-kpi" ]; then
	kpi() { "$K" kpi --db "$DB" --as-of '2026-11-01 00:00' --format csv "$@"; }
	kpi --period 2026-10 >now.csv && kpi --period 2026-09 >prev.csv &&
		kpi --period 2026-10 --by agent >agent.csv && kpi --period 2026-10 --by team >team.csv &&
		kpi --period 2026-10 --by channel >channel.csv &&
		kpi --period 2026-10 --by category >category.csv &&
		kpi --from 2025-11-01 --to 2026-11-01 --by month >month.csv
	if [ $? -eq 0 ]; then
		xcheck "xlsx: Summary equals kpi --format csv (this and the previous period)" summary w.xlsx now.csv prev.csv
		xcheck "xlsx: Agents equals kpi --by agent" compare w.xlsx Agents agent.csv agent
		xcheck "xlsx: Teams equals kpi --by team" compare w.xlsx Teams team.csv team
		xcheck "xlsx: Channels equals kpi --by channel" compare w.xlsx Channels channel.csv channel
		xcheck "xlsx: Categories equals kpi --by category" compare w.xlsx Categories category.csv category
		# kpi lists only the months with data; the Trend sheet has all 12: compare those rows
		xcheck "xlsx: Trend: the months with data equal kpi --by month" \
			compare-keyed w.xlsx Trend month.csv month
	else
		not_ok "xlsx: supportkpi kpi --format csv runs for the comparison"
	fi
else
	not_ok "xlsx: supportkpi-kpi is built, to compare the workbook with its CSV"
fi

# ---- a configuration: SLA rules, targets, the file's mode ----
# T02 is the only high-priority ticket: first response 10 min within 30 -> sla_frt_pct 100.
# Targets: csat 66.7 >= 60 met; frt median 20 > 15 not met; reopen 25 <= 30 met (lower is
# better); nps 33.3 < 50 not met.
cat >c.ini <<'EOF'
[sla high]
priority = high
first_response = 30 minutes

[report]
target_csat_pct = 60
target_frt_median_min = 15
target_reopen_pct = 30
target_nps = 50
file_mode = 0600

[ranking]
min_tickets = 1
min_surveys = 1
EOF
run "$K" xlsx --db "$DB" --config c.ini --period 2026-10 --as-of '2026-11-01 00:00' --no-charts -o t.xlsx
if [ -s t.xlsx ] && [ "$rc" -le 1 ]; then
	ok "xlsx: with a config: written"
else
	not_ok "xlsx: with a config: written" "exit $rc"
	diag_file "$tmp/err"
fi
same "xlsx: with a config: the mode is [report] file_mode" "600" "$(stat -c %a t.xlsx)"
expect "xlsx: target csat_pct shown" t.xlsx Summary csat_pct target 60
expect "xlsx: csat_pct 66.7 >= 60: met" t.xlsx Summary csat_pct "vs target" met
expect "xlsx: frt_median_min 20 > 15: not met (lower is better)" t.xlsx Summary frt_median_min "vs target" "not met"
expect "xlsx: reopen_pct 25 <= 30: met (lower is better)" t.xlsx Summary reopen_pct "vs target" met
expect "xlsx: nps 33.3 < 50: not met" t.xlsx Summary nps "vs target" "not met"
expect "xlsx: no target, no mark" t.xlsx Summary fcr_pct "vs target" ""
expect "xlsx: sla_frt_pct from the rule = 100" t.xlsx Summary sla_frt_pct "this period" 100
expect "xlsx: SLA sheet: rule high met 1" t.xlsx SLA rule:high met 1
# the figure's cell carries the same judgement as a conditional format, both ways: green
# when it meets the target, red when not (4 targets x 2 rules)
$X cf t.xlsx Summary >cf.txt
if [ "$(grep -c ' cellIs ' cf.txt)" -eq 8 ] &&
	grep -q ' greaterThanOrEqual 60$' cf.txt && grep -q ' lessThan 60$' cf.txt &&
	grep -q ' lessThanOrEqual 15$' cf.txt && grep -q ' greaterThan 15$' cf.txt; then
	ok "xlsx: targets as conditional formats on the figures, both ways"
else
	not_ok "xlsx: targets as conditional formats on the figures, both ways"
	diag_file cf.txt
fi
xcheck "xlsx: Definitions: the config file, line by line, and the settings in force" \
	strings t.xlsx "target_csat_pct = 60" "[report] target_csat_pct" "[sla] pause_statuses"
same "xlsx: without a config: no target, no conditional format" "" "$($X cf w.xlsx Summary)"
# the ranking: at least 1 ticket and 1 survey: the formula-like agent, '+1' and Zoë Müller
# are ranked; '@x' and '-2' (no survey) are not, with the reason
if [ -x "$(dirname "$K")/supportkpi-rank" ] &&
	"$K" rank --db "$DB" --config c.ini --period 2026-10 --as-of '2026-11-01 00:00' --format csv >rank.csv &&
	"$K" rank --db "$DB" --config c.ini --period 2026-10 --as-of '2026-11-01 00:00' --unranked \
		--format csv >unranked.csv; then
	same "xlsx: the fixture ranks 3 agents" 4 "$(wc -l <rank.csv | tr -d ' ')"
	xcheck "xlsx: Ranking equals supportkpi rank --format csv" compare t.xlsx Ranking rank.csv
	xcheck "xlsx: Ranking's 'Not ranked' equals rank --unranked" compare t.xlsx "Ranking@Not ranked" unranked.csv
	same "xlsx: and leaves out 2 ('@x', '-2': no survey)" 3 "$(wc -l <unranked.csv | tr -d ' ')"
else
	not_ok "xlsx: supportkpi rank runs, to compare the Ranking sheet"
fi

# ---- charts: gnuplot's images in Summary; without gnuplot the workbook is still written ----
if command -v gnuplot >/dev/null 2>&1; then
	run "$K" xlsx --db "$DB" --period 2026-10 --as-of '2026-11-01 00:00' -o c.xlsx
	if [ -s c.xlsx ] && [ "$rc" -le 1 ] && ! grep -q 'charts skipped' "$tmp/err"; then
		ok "xlsx: with gnuplot: written, no chart skipped"
	else
		not_ok "xlsx: with gnuplot: written, no chart skipped" "exit $rc"
		diag_file "$tmp/err"
	fi
	$X media c.xlsx >media.txt
	# at least the two trends, the histogram and the teams (the ranking chart needs a ranking)
	if [ "$(grep -c ' [0-9][0-9]*x[0-9][0-9]*$' media.txt)" -ge 4 ] && ! grep -q not-a-png media.txt; then
		ok "xlsx: with gnuplot: the chart images are embedded, real PNGs"
	else
		not_ok "xlsx: with gnuplot: the chart images are embedded, real PNGs"
		diag_file media.txt
	fi
	run "$K" xlsx --db "$DB" --period 2026-10 --as-of '2026-11-01 00:00' -o c2.xlsx
	cmp -s c.xlsx c2.xlsx && ok "xlsx: with the charts too, the same bytes twice" ||
		not_ok "xlsx: with the charts too, the same bytes twice"
else
	skip "xlsx: with gnuplot: the chart images are embedded" "gnuplot is not installed"
fi
SUPPORTKPI_GNUPLOT=$tmp/no-gnuplot run "$K" xlsx --db "$DB" --period 2026-10 --as-of '2026-11-01 00:00' -o n.xlsx
if [ "$rc" -eq 1 ] && [ -s n.xlsx ] && grep -q 'warning: charts skipped' "$tmp/err"; then
	ok "xlsx: without gnuplot: the workbook is written, a warning, exit 1"
else
	not_ok "xlsx: without gnuplot: the workbook is written, a warning, exit 1" "exit $rc"
	diag_file "$tmp/err"
fi
same "xlsx: without gnuplot: no image embedded" "" "$($X media n.xlsx)"
SUPPORTKPI_GNUPLOT=$tmp/no-gnuplot run "$K" xlsx --quiet --db "$DB" --config c.ini --period 2026-10 -o q.xlsx
if [ "$rc" -eq 1 ] && [ -s q.xlsx ] && [ ! -s "$tmp/err" ]; then
	ok "xlsx: --quiet: no warning on stderr, the exit status still 1"
else
	not_ok "xlsx: --quiet: no warning on stderr, the exit status still 1" "exit $rc"
	diag_file "$tmp/err"
fi

checks_run

# ---- reproducible ----
run "$K" xlsx --db "$DB" --period 2026-10 --as-of '2026-11-01 00:00' --no-charts -o w2.xlsx
if cmp -s w.xlsx w2.xlsx; then
	ok "xlsx: the same database and period give the same bytes"
else
	not_ok "xlsx: the same database and period give the same bytes"
fi

finish
