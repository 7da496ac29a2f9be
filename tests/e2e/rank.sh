#!/bin/sh
# rank.sh — `supportkpi rank` end to end on a small hand-made centre: eligibility at the
# minimum, equal scores, the order, a weight change that flips two agents, the small
# sample that must not top the board, three months last in a row, an agent who moved team
# mid-month, manager assessments, --explain, errors, and the rerun giving the same bytes.
#
# The data (written below by a small generator) is the same in 2026-08, -09 and -10:
#   agent  team         tickets resolved  surveys scoring 4-5
#   Ann    North           20      18        10       9      exactly at the minimums
#   Bob    North / South   20+20   15+15     10+10   10+9    moved North -> South on the 16th
#   Cat    North           40      34        20      17
#   Dan    South           25      20        12       6
#   Eve    South           30      21        10       7
#   Lucky  South           20      18         2       2      two lucky surveys
#   Short  South           19      19        10      10      one ticket short
# Most checks use plain.ini: satisfaction and resolution weighted 0.5 each, floors 0 and
# targets 100 (points = the percentage), no shrinkage (priors 0): the score is then
# 0.5 x csat% + 0.5 x resolution%, easy to check by hand.
. "${SKPI_TOP:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

db=$tmp/c.db
R() { "$SKPI_BIN/supportkpi-rank" --db "$db" "$@"; }

"$PY" - "$tmp" <<'EOF'
import sys, os
d = sys.argv[1]
spec = [("Ann", "North", 20, 18, 10, 9), ("Bob", "North", 20, 15, 10, 10),
        ("Bob", "South", 20, 15, 10, 9), ("Cat", "North", 40, 34, 20, 17),
        ("Dan", "South", 25, 20, 12, 6), ("Eve", "South", 30, 21, 10, 7),
        ("Lucky", "South", 20, 18, 2, 2), ("Short", "South", 19, 19, 10, 10)]
with open(os.path.join(d, "tickets.csv"), "w") as t, open(os.path.join(d, "surveys.csv"), "w") as s:
    t.write("ticket_id,created_at,first_response_at,resolved_at,status,agent,team,reopen_count\n")
    s.write("survey_id,ticket_id,submitted_at,score\n")
    for month in ("2026-08", "2026-09", "2026-10"):
        for agent, team, n, r, ns, pos in spec:
            for i in range(n):
                # Bob's North tickets on days 1-10, his South ones on days 16-25
                day = 1 + i % 10 + (15 if (agent, team) == ("Bob", "South") else 0)
                tid = "%s-%s-%s-%d" % (month, agent, team, i)
                at = "%s-%02d 09:%02d:00" % (month, day, i)
                fr = "%s-%02d 10:%02d:00" % (month, day, i)
                res = "%s-%02d 15:00:00" % (month, day) if i < r else ""
                t.write("%s,%s,%s,%s,%s,%s,%s,0\n" % (tid, at, fr, res,
                        "resolved" if i < r else "open", agent, team))
                if i < ns:
                    s.write("S-%s,%s,%s-%02d 16:00:00,%d\n" % (tid, tid, month, day,
                            5 if i < pos else 2))
EOF

cat >"$tmp/plain.ini" <<'EOF'
[ranking]
weight_satisfaction = 0.5
weight_resolution = 0.5
weight_frt = 0
weight_sla = 0
weight_reopen = 0
satisfaction_floor = 0
satisfaction_target = 100
resolution_floor = 0
resolution_target = 100
prior_surveys = 0
prior_tickets = 0
EOF

if "$SKPI_BIN/supportkpi-init" --db "$db" >/dev/null 2>&1 &&
   "$SKPI_BIN/supportkpi-ingest" --db "$db" --kind tickets --quiet "$tmp/tickets.csv" &&
   "$SKPI_BIN/supportkpi-ingest" --db "$db" --kind surveys --quiet "$tmp/surveys.csv"; then
	ok "rank: the hand-made centre loads"
else
	not_ok "rank: the hand-made centre loads"
fi

# Ann 0.5 x 90 + 0.5 x 90 = 90.0 (excellent); Bob (19/20 = 95 %, 30/40 = 75 %) 85.0 and
# Cat (17/20 = 85 %, 34/40 = 85 %) 85.0: a tie, same surveys and tickets, so by name, both
# rank 2; Eve 70.0; Dan (6/12 = 50 %, 20/25 = 80 %) 65.0, last three months running.
# Lucky (2 surveys) and Short (19 tickets) are not ranked.  The months are alike, so
# prev_rank = rank.  Eve has one agent below her: bottom2.
check_output "rank: csv, ties, minimums, flags, previous period" 0 \
'rank,agent,score,grade,tickets,surveys,satisfaction_points,resolution_points,prev_rank,rank_change,flags
1,Ann,90.000000,excellent,20,10,90.000000,90.000000,1,0,top
2,Bob,85.000000,good,40,20,95.000000,75.000000,2,0,
2,Cat,85.000000,good,40,20,85.000000,85.000000,2,0,
4,Eve,70.000000,pass,30,10,70.000000,70.000000,4,0,bottom2
5,Dan,65.000000,pass,25,12,50.000000,80.000000,5,0,"bottom2,bottom3_consecutive"' \
	R --config "$tmp/plain.ini" --period 2026-10 --format csv

check_output "rank: --unranked lists the reason" 0 \
'agent,tickets,surveys,reason
Lucky,20,2,"2 surveys, below the minimum of 10"
Short,19,10,"19 tickets, below the minimum of 20"' \
	R --config "$tmp/plain.ini" --period 2026-10 --format csv --unranked

# in 2026-09 there is no July before August: Dan has been last only twice
run R --config "$tmp/plain.ini" --period 2026-09 --format csv
if grep -q '^5,Dan,65.000000,pass,25,12,50.000000,80.000000,5,0,bottom2$' "$tmp/out"; then
	ok "rank: last twice is not bottom3_consecutive"
else
	not_ok "rank: last twice is not bottom3_consecutive" "$(cat "$tmp/out" "$tmp/err")"
fi
# in 2026-08 nobody was ranked the month before
run R --config "$tmp/plain.ini" --period 2026-08 --format csv
if grep -q '^1,Ann,90.000000,excellent,20,10,90.000000,90.000000,,,top$' "$tmp/out"; then
	ok "rank: no previous ranking gives an empty prev_rank"
else
	not_ok "rank: no previous ranking gives an empty prev_rank" "$(cat "$tmp/out" "$tmp/err")"
fi

# the table prints both lists; the unranked one titled
run R --config "$tmp/plain.ini" --period 2026-10
if [ "$rc" -eq 0 ] && grep -q '^Ranking of the agents, 2026-10$' "$tmp/out" &&
   grep -q '^Not ranked, 2026-10$' "$tmp/out" &&
   grep -q '^Short  *19  *10  19 tickets, below the minimum of 20$' "$tmp/out"; then
	ok "rank: the table shows the ranking and the unranked list"
else
	not_ok "rank: the table shows the ranking and the unranked list" "$(cat "$tmp/out" "$tmp/err")"
fi

# weights 0.8 / 0.2 flip Ann and Bob: Bob 0.8 x 95 + 0.2 x 75 = 91.0, Ann 0.8 x 90 +
# 0.2 x 90 = 90.0, Cat 0.8 x 85 + 0.2 x 85 = 85.0
sed -e 's/^weight_satisfaction = 0.5/weight_satisfaction = 0.8/' \
    -e 's/^weight_resolution = 0.5/weight_resolution = 0.2/' "$tmp/plain.ini" >"$tmp/flip.ini"
run R --config "$tmp/flip.ini" --period 2026-10 --format csv
if [ "$(sed -n '2,4p' "$tmp/out" | cut -d, -f1-3)" = "1,Bob,91.000000
2,Ann,90.000000
3,Cat,85.000000" ]; then
	ok "rank: a weight change flips two agents"
else
	not_ok "rank: a weight change flips two agents" "$(cat "$tmp/out" "$tmp/err")"
fi

# The small sample: with the minimum of surveys lowered to 1 and no correction, Lucky
# (2 of 2 surveys, 18/20 resolved) would score 0.5 x 100 + 0.5 x 90 = 95.0 above Ann's 90.0.
# With shrinkage (priors 20) toward the centre (70 of 84 surveys = 83.333333 %, 160 of 194
# tickets = 82.474227 %):
#   Lucky satisfaction (2 x 100 + 20 x 83.333333) / 22 = 84.848485
#   Ann   satisfaction (10 x 90 + 20 x 83.333333) / 30 = 85.555556
#   both  resolution  (20 x 90 + 20 x 82.474227) / 40 = 86.237113
#   Lucky 0.5 x (84.848485 + 86.237113) = 85.542799 -> 85.5; Ann 85.896334 -> 85.9
sed -e 's/^prior_surveys = 0/prior_surveys = 20/' -e 's/^prior_tickets = 0/prior_tickets = 20/' \
    "$tmp/plain.ini" >"$tmp/small.ini"
printf 'min_surveys = 1\n' >>"$tmp/small.ini"
run R --config "$tmp/small.ini" --period 2026-10 --format csv
if grep -q ',Ann,85.900000,' "$tmp/out" && grep -q ',Lucky,85.500000,' "$tmp/out" &&
   [ "$(grep -n ',Ann,' "$tmp/out" | cut -d: -f1)" -lt "$(grep -n ',Lucky,' "$tmp/out" | cut -d: -f1)" ]; then
	ok "rank: two lucky surveys do not put Lucky above Ann"
else
	not_ok "rank: two lucky surveys do not put Lucky above Ann" "$(cat "$tmp/out" "$tmp/err")"
fi
sed -e 's/^prior_surveys = 20/prior_surveys = 0/' -e 's/^prior_tickets = 20/prior_tickets = 0/' \
    "$tmp/small.ini" >"$tmp/raw.ini"
run R --config "$tmp/raw.ini" --period 2026-10 --format csv
if sed -n 2p "$tmp/out" | grep -q '^1,Lucky,95.000000,'; then
	ok "rank: without the correction Lucky would top the board"
else
	not_ok "rank: without the correction Lucky would top the board" "$(cat "$tmp/out" "$tmp/err")"
fi

# Teams: Bob's tickets and surveys count for the team on each ticket, so his first half
# of the month goes to North and the second to South:
#   North = Ann 20/18, 10/9 + Bob 20/15, 10/10 + Cat 40/34, 20/17
#         = 80 tickets, 67 resolved (83.75 %), 40 surveys, 36 good (90 %) -> 86.875 -> 86.9
#   South = Dan 25/20, 12/6 + Eve 30/21, 10/7 + Bob 20/15, 10/9 + Lucky 20/18, 2/2
#           + Short 19/19, 10/10 = 114 tickets, 93 resolved (81.578947 %), 44 surveys,
#           34 good (77.272727 %) -> 79.425837 -> 79.4
# Two teams: no bottom2; South is last three months running.
check_output "rank: --by team credits a moved agent's tickets to the team on each ticket" 0 \
'Ranking of the teams, 2026-10
rank  team   score  grade  tickets  surveys  satisfaction_points  resolution_points  prev_rank  rank_change  flags
----  -----  -----  -----  -------  -------  -------------------  -----------------  ---------  -----------  -------------------
   1  North   86.9  good        80       40                 90.0               83.8          1            0  top
   2  South   79.4  pass       114       44                 77.3               81.6          2            0  bottom3_consecutive' \
	R --config "$tmp/plain.ini" --period 2026-10 --by team

# SLA compliance alone, points = the percentage: first response within 1 hour (all met:
# every first response comes 60 minutes after creation) and resolution within 6 hours
# (the resolved are met, at 15:00 after a 09:xx creation; the open ones breached at
# --as-of 2026-11-01).  Pooled: met = tickets + resolved, counted = 2 x tickets:
#   Ann (20 + 18) / 40 = 95 %   Cat (40 + 34) / 80 = 92.5 %   Dan (25 + 20) / 50 = 90 %
#   Bob (40 + 30) / 80 = 87.5 % Eve (30 + 21) / 60 = 85 %
cat >"$tmp/sla.ini" <<'EOF'
[sla all]
first_response = 1 hours
resolution = 6 hours

[ranking]
weight_satisfaction = 0
weight_resolution = 0
weight_frt = 0
weight_sla = 1
weight_reopen = 0
sla_floor = 0
sla_target = 100
prior_tickets = 0
EOF
check_output "rank: SLA outcomes pooled over both targets" 0 \
'rank,agent,score,grade,tickets,surveys,sla_points,prev_rank,rank_change,flags
1,Ann,95.000000,excellent,20,10,95.000000,1,0,top
2,Cat,92.500000,excellent,40,20,92.500000,2,0,
3,Dan,90.000000,excellent,25,12,90.000000,3,0,
4,Bob,87.500000,good,40,20,87.500000,4,0,bottom2
5,Eve,85.000000,good,30,10,85.000000,5,0,"bottom2,bottom3_consecutive"' \
	R --config "$tmp/sla.ini" --period 2026-10 --format csv --as-of 2026-11-01

# --explain: the arithmetic from the raw counts
run R --config "$tmp/plain.ini" --period 2026-10 --explain Bob
if [ "$rc" -eq 0 ] &&
   grep -q '^  agent:  40 tickets, 30 resolved (0 of them reopened), 20 surveys (19 scoring 4 or 5),$' "$tmp/out" &&
   grep -q '^    measured    x = 100 x 19 / 20 = 95.000000 %$' "$tmp/out" &&
   grep -q '^    measured    x = 100 x 30 / 40 = 75.000000 %$' "$tmp/out" &&
   grep -q '^KPI score    47.500000 + 37.500000 = 85.000000$' "$tmp/out" &&
   grep -q '^Score        85.000000, rounded to one decimal: 85.0$' "$tmp/out" &&
   grep -q '^Rank         2 of 5 ranked; previous period 2, change +0$' "$tmp/out"; then
	ok "rank: --explain shows the arithmetic"
else
	not_ok "rank: --explain shows the arithmetic" "$(cat "$tmp/out" "$tmp/err")"
fi
run R --config "$tmp/plain.ini" --period 2026-10 --explain Short
if [ "$rc" -eq 0 ] && grep -q '^Rank         not ranked: 19 tickets, below the minimum of 20$' "$tmp/out"; then
	ok "rank: --explain says why an agent is not ranked"
else
	not_ok "rank: --explain says why an agent is not ranked" "$(cat "$tmp/out" "$tmp/err")"
fi
run R --config "$tmp/plain.ini" --period 2026-10 --by team --explain North
if [ "$rc" -eq 0 ] && grep -q "^How the score of team 'North' for 2026-10 was computed" "$tmp/out" &&
   grep -q '^    measured    x = 100 x 67 / 80 = 83.750000 %$' "$tmp/out" &&
   grep -q '^Score        86.875000, rounded to one decimal: 86.9$' "$tmp/out"; then
	ok "rank: --explain a team"
else
	not_ok "rank: --explain a team" "$(cat "$tmp/out" "$tmp/err")"
fi
check_exit "rank: --explain takes no csv" 64 R --period 2026-10 --explain Bob --format csv
check_exit "rank: --explain of an unknown agent is a usage error" 64 \
	R --config "$tmp/plain.ini" --period 2026-10 --explain Nobody

# Manager assessments, half the score; Cat's own assessment a quarter of hers:
#   Ann  0.5 x 90 + 0.5 x 80 = 85.0          Bob 0.5 x 85 + 0.5 x 100 = 92.5
#   Cat  assessment 0.75 x 70 + 0.25 x 100 = 77.5; 0.5 x 85 + 0.5 x 77.5 = 81.25 -> 81.3
#   Dan  0.5 x 65 + 0.5 x 65 = 65.0          Eve has none: not ranked
# Only September's assessment of Dan (10) counts for 2026-09: there he is ranked alone,
# rank 1, so prev_rank 1 and rank_change 1 - 4 = -3; rank 1 is not last, so no
# bottom3_consecutive.  August has no assessment: nobody ranked.
printf 'agent,period,score,assessor\nAnn,2026-10,80,Lead\nBob,2026-10,100,Lead\nCat,2026-10,70,Lead\nCat,2026-10,100,Cat\nDan,2026-10,65,Lead\nDan,2026-09,10,Lead\n' >"$tmp/assess.csv"
run "$SKPI_BIN/supportkpi-ingest" --db "$db" --kind assessments --quiet "$tmp/assess.csv"
{ cat "$tmp/plain.ini"; printf 'assessment_weight = 0.5\nself_assessment_weight = 0.25\n'; } >"$tmp/assess.ini"
check_output "rank: manager assessments blended" 0 \
'rank,agent,score,grade,tickets,surveys,satisfaction_points,resolution_points,assessment_points,prev_rank,rank_change,flags
1,Bob,92.500000,excellent,40,20,95.000000,75.000000,100.000000,,,top
2,Ann,85.000000,good,20,10,90.000000,90.000000,80.000000,,,
3,Cat,81.300000,good,40,20,85.000000,85.000000,77.500000,,,bottom2
4,Dan,65.000000,pass,25,12,50.000000,80.000000,65.000000,1,-3,bottom2' \
	R --config "$tmp/assess.ini" --period 2026-10 --format csv
run R --config "$tmp/assess.ini" --period 2026-10 --format csv --unranked
if grep -q '^Eve,30,10,no manager assessment for 2026-10$' "$tmp/out"; then
	ok "rank: without an assessment an agent is not ranked"
else
	not_ok "rank: without an assessment an agent is not ranked" "$(cat "$tmp/out" "$tmp/err")"
fi

# assessments that cannot be loaded are rejected with the reason, the rest is loaded;
# the same key (agent, period, assessor) loaded again replaces the score
printf 'agent,period,score,assessor\nAnn,2026-13,80,Lead\nAnn,2026-10,101,Lead\nAnn,2026-10,abc,Lead\nAnn,2026-10,82,Lead\n' >"$tmp/bad-assess.csv"
run "$SKPI_BIN/supportkpi-ingest" --db "$db" --kind assessments --quiet "$tmp/bad-assess.csv"
if [ "$rc" -eq 1 ] && [ "$(cut -d, -f1-2 "$tmp/bad-assess.rejects.csv")" = "line,reason
2,period '2026-13' is not a month YYYY-MM
3,score '101' is not a number from 0 to 100
4,score 'abc' is not a number from 0 to 100" ] &&
   [ "$(sqlite3 "$db" "SELECT score FROM assessments WHERE agent = 'Ann' AND period = '2026-10'")" = "82.0" ]; then
	ok "rank: ingest --kind assessments rejects bad rows and replaces by key"
else
	not_ok "rank: ingest --kind assessments rejects bad rows and replaces by key" "exit $rc" \
		"$(cat "$tmp/err" "$tmp/bad-assess.rejects.csv" 2>&1)"
fi

# the rerun gives the same bytes, in every format
for f in table csv json; do
	R --config "$tmp/plain.ini" --period 2026-10 --format $f >"$tmp/a.$f" 2>&1
	R --config "$tmp/plain.ini" --period 2026-10 --format $f >"$tmp/b.$f" 2>&1
	if [ -s "$tmp/a.$f" ] && cmp -s "$tmp/a.$f" "$tmp/b.$f"; then
		ok "rank: the rerun gives the same bytes ($f)"
	else
		not_ok "rank: the rerun gives the same bytes ($f)"
	fi
done
run R --config "$tmp/plain.ini" --period 2026-10 --format json
if "$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); assert [x["agent"] for x in r]==["Ann","Bob","Cat","Eve","Dan"]; assert r[0]["flags"]=="top" and r[1]["flags"] is None' "$tmp/out"; then
	ok "rank: json is an array of the ranked, flags null when none"
else
	not_ok "rank: json is an array of the ranked, flags null when none" "$(cat "$tmp/out")"
fi

# tickets without an agent are listed apart, never ranked (loaded last: they would change
# the centre's figures used above)
printf 'ticket_id,created_at,status,agent\nX-1,2026-10-05 09:00:00,open,\n' >"$tmp/noagent.csv"
run "$SKPI_BIN/supportkpi-ingest" --db "$db" --kind tickets --quiet "$tmp/noagent.csv"
run R --config "$tmp/plain.ini" --period 2026-10 --format csv --unranked
if grep -q '^(none),1,0,records without an agent$' "$tmp/out"; then
	ok "rank: records without an agent are listed apart"
else
	not_ok "rank: records without an agent are listed apart" "$(cat "$tmp/out" "$tmp/err")"
fi

# nobody ranked: the (empty) ranking is written, with a warning and exit status 1
check_output "rank: an empty period gives an empty ranking" 1 \
'rank,agent,score,grade,tickets,surveys,satisfaction_points,resolution_points,prev_rank,rank_change,flags' \
	R --config "$tmp/plain.ini" --period 2026-01 --format csv
if grep -q '^supportkpi rank: nobody is ranked in 2026-01: it has no tickets or surveys$' "$tmp/err"; then
	ok "rank: an empty period is explained on stderr"
else
	not_ok "rank: an empty period is explained on stderr" "$(cat "$tmp/err")"
fi
{ cat "$tmp/plain.ini"; printf 'min_tickets = 1000\n'; } >"$tmp/none.ini"
run R --config "$tmp/none.ini" --period 2026-10 --format json
if [ "$rc" -eq 1 ] && [ "$(cat "$tmp/out")" = "[]" ] &&
   grep -q 'nobody is ranked in 2026-10: 8 agents are below the minimums' "$tmp/err"; then
	ok "rank: everybody below the minimum is a warning"
else
	not_ok "rank: everybody below the minimum is a warning" "exit $rc" "$(cat "$tmp/out" "$tmp/err")"
fi

# errors
printf '[ranking]\nweight_satisfaction = 0.5\nweight_resolution = 0.4\nweight_frt = 0\nweight_sla = 0\nweight_reopen = 0\n' >"$tmp/bad.ini"
run R --config "$tmp/bad.ini" --period 2026-10
if [ "$rc" -eq 78 ] && grep -q "'$tmp/bad.ini' line 2: the weights sum to 0.9, not 1" "$tmp/err"; then
	ok "rank: weights that do not sum to 1 are an error at their line"
else
	not_ok "rank: weights that do not sum to 1 are an error at their line" "exit $rc" "$(cat "$tmp/err")"
fi
run R --period 2026-10
if [ "$rc" -eq 78 ] && grep -q "weight_sla is 0.2 (the default) but 2026-10 has no SLA outcome" "$tmp/err"; then
	ok "rank: a weighted component without data is an error, not silently dropped"
else
	not_ok "rank: a weighted component without data is an error, not silently dropped" "exit $rc" "$(cat "$tmp/err")"
fi
# an export without reopen data: reopen_pct is undefined (docs/metrics.md), so a weighted
# reopen component has no data and is an error, not full points for everybody
nr=$tmp/noreopen.db
"$SKPI_BIN/supportkpi" init --db "$nr" --timezone UTC >/dev/null 2>&1
printf 'ticket_id,created_at,first_response_at,resolved_at,status,agent\nN1,2026-10-01 09:00,2026-10-01 09:10,2026-10-01 12:00,resolved,Ann\n' >"$tmp/nr.csv"
"$SKPI_BIN/supportkpi" ingest --db "$nr" --kind tickets "$tmp/nr.csv" >/dev/null 2>&1
printf '[ranking]\nweight_satisfaction = 0\nweight_resolution = 0.5\nweight_frt = 0\nweight_sla = 0\nweight_reopen = 0.5\n' >"$tmp/nr.ini"
run "$SKPI_BIN/supportkpi-rank" --db "$nr" --config "$tmp/nr.ini" --period 2026-10
if [ "$rc" -eq 78 ] && grep -q "weight_reopen is 0.5 but 2026-10 has no resolved ticket with a reopen_count" "$tmp/err"; then
	ok "rank: no reopen data with a reopen weight is an error, not full points"
else
	not_ok "rank: no reopen data with a reopen weight is an error, not full points" "exit $rc" "$(cat "$tmp/err")"
fi
check_exit "rank: --period is required" 64 R
check_exit "rank: --by must be agent or team" 64 R --period 2026-10 --by channel
check_exit "rank: --format must be known" 64 R --period 2026-10 --format xml
check_exit "rank: a bad period is a usage error" 64 R --period 2026-13
check_exit "rank: --explain and --unranked exclude each other" 64 R --period 2026-10 --explain Ann --unranked
run "$SKPI_BIN/supportkpi-rank" --help
if [ "$rc" -eq 0 ] && head -1 "$tmp/out" | grep -q '^usage: supportkpi rank '; then
	ok "rank: --help prints the usage on stdout"
else
	not_ok "rank: --help prints the usage on stdout"
fi

finish
