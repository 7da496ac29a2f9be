#!/bin/sh
# kpi.sh — end-to-end tests of `supportkpi kpi`: init (Europe/Berlin) + ingest of small
# exports written here, then the figures in csv, json and table, two dimensions, the local
# month boundary, a duration across the end of summer time, SLA rules from a config file,
# --quality, --sla, and the usage errors.
#
# Expected values are worked out by hand in the comments.  The csv and json outputs are
# read with Python's csv and json modules and compared field by field (numbers within
# 1e-9; an undefined figure must be empty in csv and null in json).
. "${SKPI_TOP:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

K=$(cd "$SKPI_BIN" 2>/dev/null && pwd)/supportkpi
if [ ! -x "$K" ] || [ ! -x "$PY" ]; then
	not_ok "kpi: supportkpi and python3 are available" "no '$K' or no $PY"
	finish
fi
cd "$tmp" || exit 1
DB=$tmp/k.db

# Europe/Berlin: summer time ends on Sunday 2026-10-25 at 03:00 CEST (-> 02:00 CET).
cat >tickets.csv <<'EOF'
ticket_id,created_at,first_response_at,resolved_at,closed_at,updated_at,status,agent,team,channel,category,priority,reopen_count,replies,subject
A1,2026-10-05 09:00:00,2026-10-05 09:10:00,2026-10-05 11:00:00,,2026-10-05 11:00:00,resolved,Ann,Red,email,billing,high,0,1,plain
A2,2026-10-24 12:00:00,2026-10-25 12:00:00,2026-10-26 12:00:00,,2026-10-26 12:00:00,resolved,Ann,Red,email,billing,low,1,2,over the clock change
B1,2026-10-31 23:59:59,2026-11-01 00:29:59,,,2026-11-01 00:29:59,open,Bob,Blue,chat,tech,low,0,1,last second of October
B2,2026-11-01 00:00:00,2026-11-01 00:05:00,,,2026-11-01 00:05:00,open,Bob,Blue,chat,tech,low,0,1,first second of November
EOF
# S1 names no agent: credited to A1's agent, Ann.  S2's ticket is unknown.  S3 is November.
cat >surveys.csv <<'EOF'
survey_id,ticket_id,agent,submitted_at,score,nps,attitude,skill,timeliness,follow_through
S1,A1,,2026-10-06 10:00:00,5,10,4,4,3,
S2,Z9,Cid,2026-10-10 10:00:00,2,3,,,,
S3,B1,,2026-11-01 09:00:00,4,9,,,,
EOF

check "kpi: init" "$K" init --db "$DB" --timezone Europe/Berlin
check "kpi: ingest tickets" "$K" ingest --db "$DB" --kind tickets tickets.csv
check "kpi: ingest surveys" "$K" ingest --db "$DB" --kind surveys surveys.csv

# expect NAME FORMAT FILE KEY=VALUE... : the row of FILE (csv or json) whose group is
# the first argument's GROUP (given as group=...) has each column KEY equal to VALUE;
# VALUE '' means undefined (empty in csv, null in json).
expect() {
	_n=$1 _f=$2 _file=$3
	shift 3
	if "$PY" - "$_f" "$_file" "$@" >"$tmp/why" 2>&1 <<'PYEOF'
import csv, json, sys
fmt, path, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
want = dict(p.split("=", 1) for p in pairs)
if fmt == "csv":
    rows = list(csv.DictReader(open(path, newline="", encoding="utf-8")))
else:
    rows = json.load(open(path, encoding="utf-8"))
match = [r for r in rows if r["group"] == want["group"]]
if len(match) != 1:
    sys.exit("%d rows with group %r in %r" % (len(match), want["group"], [r["group"] for r in rows]))
row, bad = match[0], []
for k, v in want.items():
    got = row[k]
    if v == "":
        ok = got == "" if fmt == "csv" else got is None
    elif fmt == "json" and k not in ("group",) and not isinstance(got, str):
        ok = got is not None and abs(float(got) - float(v)) <= 1e-9
    elif fmt == "csv" and k != "group" and got != "" and v.lstrip("-").replace(".", "", 1).isdigit():
        ok = abs(float(got) - float(v)) <= 1e-9
    else:
        ok = got == v
    if not ok:
        bad.append("%s: got %r, want %r" % (k, got, v))
if bad:
    sys.exit("; ".join(bad))
PYEOF
	then
		ok "$_n"
	else
		not_ok "$_n" "$(cat "$tmp/why")"
	fi
}

# ---- October by agent ----
run "$K" kpi --db "$DB" --period 2026-10 --by agent --format csv
cp "$tmp/out" oct.csv
[ "$rc" -eq 0 ] && ok "kpi: csv by agent runs" || not_ok "kpi: csv by agent runs" "$(cat "$tmp/err")"
# Ann: A1 and A2, both resolved.  First responses: A1 10 min; A2 Sat 12:00 CEST (10:00
# UTC) to Sun 12:00 CET (11:00 UTC) = 25 h = 1500 min, not 24 h: median (10 + 1500) / 2
# = 755, p90 h = 0.9: 10 + 0.9 * 1490 = 1351.  Resolution: A1 2 h; A2 Sat 12:00 CEST to
# Mon 12:00 CET = 49 h: median 25.5, p90 2 + 0.9 * 47 = 44.3.  Reopened A2: 50 %;
# FCR: A1 (1 reply) yes, A2 (2) no: 50 %.  Survey S1 (credited through A1): score 5,
# NPS 10, items 4 4 3: service 100 * (11/3 - 1) / 3 = 800/9, attitude and skill 100,
# timeliness 100 * 2 / 3, follow-through unanswered: undefined.
expect "kpi: Ann's October in csv" csv oct.csv group=Ann tickets=2 resolved=2 \
	resolution_pct=100 frt_median_min=755 frt_p90_min=1351 res_median_h=25.5 \
	res_p90_h=44.3 reopen_pct=50 fcr_pct=50 surveys=1 csat_pct=100 mean_score=5 nps=100 \
	service_index=88.88888888888889 attitude_index=100 skill_index=100 \
	timeliness_index=66.66666666666667 follow_through_index= \
	frt_median_bh_min= res_median_bh_h= sla_frt_pct= sla_res_pct=
# Bob: B1 at 23:59:59 on October 31st is October's (B2 at 00:00:00 is November's); open:
# resolved 0, 0 %; first response 30 min; no resolution: times, reopen and FCR undefined.
expect "kpi: Bob's October: the last second is in, undefined is empty" csv oct.csv \
	group=Bob tickets=1 resolved=0 resolution_pct=0 frt_median_min=30 frt_p90_min=30 \
	res_median_h= res_p90_h= reopen_pct= fcr_pct= surveys=0 csat_pct= nps=
# Cid: no ticket, a survey on an unknown ticket: listed with 0 tickets; score 2, NPS 3.
expect "kpi: Cid is listed for a survey alone" csv oct.csv group=Cid tickets=0 \
	resolution_pct= surveys=1 csat_pct=0 mean_score=2 nps=-100
if [ "$(cut -d, -f1 oct.csv | tr '\n' ' ')" = "group Ann Bob Cid " ]; then
	ok "kpi: header first, groups sorted"
else
	not_ok "kpi: header first, groups sorted" "$(cut -d, -f1 oct.csv | tr '\n' ' ')"
fi

run "$K" kpi --db "$DB" --period 2026-10 --by agent --format json
cp "$tmp/out" oct.json
expect "kpi: Ann's October in json" json oct.json group=Ann tickets=2 frt_median_min=755 \
	res_p90_h=44.3 follow_through_index= sla_frt_pct=
expect "kpi: Bob's undefined figures are null in json" json oct.json group=Bob \
	resolution_pct=0 res_median_h= fcr_pct= csat_pct=

# ---- the whole period, empty periods, boundaries ----
run "$K" kpi --db "$DB" --period 2026-10 --format csv
cp "$tmp/out" all.csv
# A1 A2 B1: 3 tickets, 2 resolved; first responses 10 30 1500: median 30, p90 h = 1.8:
# 30 + 0.8 * 1470 = 1206.  Surveys S1 S2: scores 5 2: csat 50, mean 3.5; NPS 10 and 3:
# 100 * (1 - 1) / 2 = 0 (a real 0, not undefined).
expect "kpi: October, one row" csv all.csv group=all tickets=3 resolved=2 \
	resolution_pct=66.66666666666667 frt_median_min=30 frt_p90_min=1206 surveys=2 \
	csat_pct=50 mean_score=3.5 nps=0
run "$K" kpi --db "$DB" --period 2026-11 --format csv
cp "$tmp/out" nov.csv
# November: B2 only; S3 (credited to Bob through B1)
expect "kpi: November holds the first second" csv nov.csv group=all tickets=1 surveys=1 \
	frt_median_min=5
run "$K" kpi --db "$DB" --period 2025-01 --format csv
cp "$tmp/out" empty.csv
expect "kpi: an empty period is one row of zeros and undefined" csv empty.csv group=all \
	tickets=0 resolved=0 surveys=0 resolution_pct= frt_median_min= csat_pct= nps=
run "$K" kpi --db "$DB" --from 2026-10-31 --to 2026-11-01 --format csv
cp "$tmp/out" day.csv
expect "kpi: --from/--to is half-open" csv day.csv group=all tickets=1
run "$K" kpi --db "$DB" --period 2026 --format csv
cp "$tmp/out" year.csv
expect "kpi: the year holds October and November" csv year.csv group=all tickets=4 surveys=3

# ---- two dimensions ----
run "$K" kpi --db "$DB" --period 2026-Q4 --by agent,month --format csv
cp "$tmp/out" two.csv
# Ann/10 (A1 A2, S1), Bob/10 (B1), Bob/11 (B2, S3 credited to Bob), Cid/10 (S2)
if [ "$(cut -d, -f1-3 two.csv | tr '\n' ' ')" = "group,agent,month Ann / 2026-10,Ann,2026-10 Bob / 2026-10,Bob,2026-10 Bob / 2026-11,Bob,2026-11 Cid / 2026-10,Cid,2026-10 " ]; then
	ok "kpi: --by agent,month groups and columns"
else
	not_ok "kpi: --by agent,month groups and columns" "$(cut -d, -f1-3 two.csv | tr '\n' ' ')"
fi
expect "kpi: Bob in November" csv two.csv "group=Bob / 2026-11" tickets=1 surveys=1 \
	csat_pct=100 nps=100

# ---- table and relative periods ----
run "$K" kpi --db "$DB" --period 2026-10 --by team
if [ "$rc" -eq 0 ] && [ "$(head -n 1 "$tmp/out")" = "KPIs 2026-10 by team" ] &&
	grep -q '^Red ' "$tmp/out" && grep -q '^(none) ' "$tmp/out"; then
	ok "kpi: table with a title; Cid's survey (no ticket, no team) is (none)"
else
	not_ok "kpi: table with a title; Cid's survey (no ticket, no team) is (none)"
	diag_file "$tmp/out"
fi
last=$(TZ=Europe/Berlin date -d "$(TZ=Europe/Berlin date +%Y-%m-15) -1 month" +%Y-%m)
run "$K" kpi --db "$DB" --period last-month
[ "$(head -n 1 "$tmp/out")" = "KPIs $last" ] && ok "kpi: last-month is $last in Berlin" ||
	not_ok "kpi: last-month is $last in Berlin" "$(head -n 1 "$tmp/out")"

# ---- SLA and business hours ----
cat >centre.ini <<'EOF'
[calendar]
timezone = Europe/Berlin
working_days = mon-fri
hours = 09:00-17:00

[sla chat]
channel = chat
first_response = 15 minutes
resolution = 1 working days

[sla any]
first_response = 1 hours
EOF
# first responses: A1 10 min <= 1 h: met; A2 25 h: breached.  B1 (chat) 30 min > 15:
# breached.  Resolution (chat only): B1 open since Sat 10-31 23:59:59; --as-of Mon 11-02
# 10:00 is 1 business hour later: within 8 h, not counted; --as-of Tue 11-03 10:00 is
# 9 h: breached.  Business-hour first responses: A1 Mon 09:00-09:10: 10 min; A2 Sat 12:00
# -> Sun 12:00: 0; so Ann's median is 5.  Business-hour resolution: A1 Mon 09:00-11:00:
# 2 h; A2 Sat 12:00 -> Mon 12:00: Monday 09:00-12:00, 3 h: median 2.5.
run "$K" kpi --db "$DB" --config centre.ini --as-of "2026-11-02 10:00" --period 2026-10 --by agent --format csv
cp "$tmp/out" sla.csv
[ "$rc" -eq 0 ] && ok "kpi: --config runs" || not_ok "kpi: --config runs" "$(cat "$tmp/err")"
expect "kpi: Ann's SLA and business-hour figures" csv sla.csv group=Ann sla_frt_pct=50 \
	sla_res_pct= frt_median_bh_min=5 res_median_bh_h=2.5
expect "kpi: Bob's chat within its resolution target is not counted" csv sla.csv \
	group=Bob sla_frt_pct=0 sla_res_pct=
run "$K" kpi --db "$DB" --config centre.ini --as-of "2026-11-03 10:00" --period 2026-10 --by agent --format csv
cp "$tmp/out" sla2.csv
expect "kpi: Bob's chat open past its target is a breach" csv sla2.csv group=Bob sla_res_pct=0
check_output "kpi: --sla per rule" 0 "rule,target,goal,tickets,met,breached,open_within_target,not_counted,compliance_pct
chat,first_response,15 minutes,1,0,1,0,0,0.000000
chat,resolution,1 working day,1,0,1,0,0,0.000000
any,first_response,1 hour,2,1,1,0,0,50.000000" \
	"$K" kpi --db "$DB" --config centre.ini --as-of "2026-11-03 10:00" --period 2026-10 --sla --format csv
sed 's/Europe\/Berlin/Europe\/Paris/' centre.ini >paris.ini
check_exit "kpi: a config in another zone is a configuration error (78)" 78 \
	"$K" kpi --db "$DB" --config paris.ini --period 2026-10
grep -q "paris.ini' line 2" "$tmp/err" && ok "kpi: the zone error names the file and line" ||
	not_ok "kpi: the zone error names the file and line" "$(cat "$tmp/err")"

# ---- --quality ----
run "$K" kpi --db "$DB" --period 2026-10 --quality --format csv
cp "$tmp/out" quality.csv
# October: 3 tickets; B1 open (no resolution); surveys S1 S2; S2's ticket Z9 is unknown
for want in "tickets,tickets_in_period,3," "surveys,surveys_in_period,2," \
	"surveys,unknown_ticket,1," "tickets,first_response_before_created,0," \
	"ingest,rows_rejected,0,"; do
	grep -q "^$want" quality.csv && ok "kpi: --quality has $want" ||
		not_ok "kpi: --quality has $want" "$(head -5 quality.csv)"
done

# ---- usage errors ----
check_exit "kpi: no period is a usage error" 64 "$K" kpi --db "$DB"
check_exit "kpi: an unknown dimension is a usage error" 64 "$K" kpi --db "$DB" --period 2026-10 --by colour
grep -q "unknown dimension 'colour'" "$tmp/err" && ok "kpi: says which dimension" ||
	not_ok "kpi: says which dimension" "$(cat "$tmp/err")"
check_exit "kpi: three dimensions are a usage error" 64 "$K" kpi --db "$DB" --period 2026-10 --by agent,team,day
check_exit "kpi: a bad period is a usage error" 64 "$K" kpi --db "$DB" --period 2026-13
check_exit "kpi: --period with --from is a usage error" 64 "$K" kpi --db "$DB" --period 2026-10 --from 2026-10-01 --to 2026-11-01
check_exit "kpi: --from without --to is a usage error" 64 "$K" kpi --db "$DB" --from 2026-10-01
check_exit "kpi: --quality with --sla is a usage error" 64 "$K" kpi --db "$DB" --period 2026-10 --quality --sla
check_exit "kpi: an unknown format is a usage error" 64 "$K" kpi --db "$DB" --period 2026-10 --format xml
check_exit "kpi: a bad --as-of is a usage error" 64 "$K" kpi --db "$DB" --period 2026-10 --as-of yesterday
check_exit "kpi: a missing database is 66" 66 "$K" kpi --db "$tmp/none.db" --period 2026-10
run "$K" kpi --help
if [ "$rc" -eq 0 ] && head -n 1 "$tmp/out" | grep -q '^usage: supportkpi kpi ' && [ ! -s "$tmp/err" ]; then
	ok "kpi: --help on stdout, exit 0"
else
	not_ok "kpi: --help on stdout, exit 0"
fi
if [ -e /dev/full ]; then
	check_exit "kpi: a full disk is an I/O error (74)" 74 sh -c "'$K' kpi --db '$DB' --period 2026-10 >/dev/full"
fi

finish
