#!/bin/sh
# ingest_map.sh — end-to-end tests of mapping files and surveys: a GB18030 export from a
# Chinese helpdesk (written here with iconv) with its own headers, day-first dates, a ';'
# delimiter, null markers and status words; mapping-file errors; surveys that arrive
# before their ticket and are credited to its agent; the survey key.
#
# Expected Unix times come from GNU date and the system's zone files, not from supportkpi.
. "${SKPI_TOP:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

K=$(cd "$SKPI_BIN" 2>/dev/null && pwd)/supportkpi
if [ ! -x "$K" ] || ! command -v sqlite3 >/dev/null || ! command -v iconv >/dev/null; then
	not_ok "ingest_map: supportkpi, sqlite3 and iconv are available"
	finish
fi
cd "$tmp" || exit 1
DB=$tmp/cn.db

shanghai() { TZ=Asia/Shanghai date -d "$1" +%s; }

check_exit "ingest_map: init in Asia/Shanghai" 0 "$K" init --db "$DB" --timezone Asia/Shanghai

# ---- a GB18030 export ----
cat >cn.map <<'EOF'
; a Chinese helpdesk's ticket export
[file]
kind = tickets
encoding = GB18030
delimiter = ;
null = ?, NULL, N/A
null = -
timestamp_format = %d/%m/%Y %H:%M

[columns]
ticket_id = 工单号
created_at = 创建时间
resolved_at = 解决时间
status = 状态
agent = 客服

[formats]
resolved_at = %d-%m-%Y %H:%M    ; resolved_at is written differently

[status]
resolved = 已解决
open = 处理中
closed = 已关闭, Archived
EOF
# line 1 header (an extra column 备注 is ignored; header names in any case/order)
# 2 C1: day-first times in both formats
# 3 C2: '-' is a null marker for resolved_at, '?' for the remark
# 4 C3: created_at in the wrong form for this mapping -> rejected
# 5 C4: 31 April does not exist -> rejected
# 6 C5: status 挂起 is not in the vocabulary -> note; agent '?' is no value; NULL resolved
# 7 C6: 'archived' (any case) is closed; resolved_at '12-13-2026 10:00' has month 13 -> note
cat >cn.utf8 <<'EOF'
备注;状态;工单号;创建时间;解决时间;客服
x;已解决;C1;05/03/2026 14:07;06-03-2026 09:00;张伟
?;处理中;C2;05/03/2026 15:00;-;李娜
;已关闭;C3;2026-03-05 15:00;N/A;王芳
;处理中;C4;31/04/2026 10:00;;张伟
;挂起;C5;06/03/2026 08:00;NULL;?
;ARCHIVED;C6;07/03/2026 08:00;12-13-2026 10:00;王芳
EOF
iconv -f UTF-8 -t GB18030 cn.utf8 >cn.csv
if cmp -s cn.utf8 cn.csv; then
	not_ok "ingest_map: the GB18030 file differs from its UTF-8 text"
else
	ok "ingest_map: the GB18030 file differs from its UTF-8 text"
fi
check_exit "ingest_map: without the mapping the GB18030 file is refused (65)" 65 \
	"$K" ingest --db "$DB" --kind tickets cn.csv
if grep -q "^supportkpi ingest: 'cn.csv' line 1: the text is not valid UTF-8$" "$tmp/err" &&
	grep -q 'hint: .*encoding = GB18030.*--map' "$tmp/err"; then
	ok "ingest_map: says the text is not UTF-8 and how to declare the encoding"
else
	not_ok "ingest_map: says the text is not UTF-8 and how to declare the encoding"
	diag_file "$tmp/err"
fi
same "ingest_map: nothing loaded from the refused file" "0|0" \
	"$(q "SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM ingest_log)")"

check_exit "ingest_map: with --map: exit 1 (two rows rejected)" 1 \
	"$K" ingest --db "$DB" --kind tickets --map cn.map cn.csv
same "ingest_map: summary" \
	"supportkpi ingest: 'cn.csv': 6 rows read: 4 inserted, 0 updated, 0 unchanged, 2 rejected (see 'cn.rejects.csv'); 2 loaded rows carry a data-quality note" \
	"$(cat "$tmp/err")"
# 05/03/2026 14:07 Shanghai is 06:07 UTC
same "ingest_map: tickets in UTF-8, day-first dates, nulls, statuses" \
"C1|2026-03-05 14:07:00|$(shanghai '2026-03-05 14:07')|2026-03-06 09:00:00|resolved|已解决|张伟
C2|2026-03-05 15:00:00|$(shanghai '2026-03-05 15:00')||open|处理中|李娜
C5|2026-03-06 08:00:00|$(shanghai '2026-03-06 08:00')|||挂起|
C6|2026-03-07 08:00:00|$(shanghai '2026-03-07 08:00')||closed|ARCHIVED|王芳" \
	"$(q "SELECT ticket_id, created_at, created_ts, resolved_at, status, status_raw, agent FROM tickets ORDER BY 1")"
same "ingest_map: agent '?' is stored as no value (NULL)" "1" \
	"$(q "SELECT agent IS NULL FROM tickets WHERE ticket_id = 'C5'")"
same "ingest_map: notes in UTF-8" \
"C5|6|status|挂起|not in the status vocabulary (add it under [status] in the mapping file)
C6|7|resolved_at|12-13-2026 10:00|not a timestamp; expected %d-%m-%Y %H:%M" \
	"$(q "SELECT record_key, line, column_name, raw_value, reason FROM data_quality ORDER BY dq_id")"
cat >want.rej <<'EOF'
line,reason,备注,状态,工单号,创建时间,解决时间,客服
4,created_at ('创建时间') '2026-03-05 15:00' is not a timestamp (expected %d/%m/%Y %H:%M),,已关闭,C3,2026-03-05 15:00,N/A,王芳
5,created_at ('创建时间') '31/04/2026 10:00' is not a timestamp (expected %d/%m/%Y %H:%M),,处理中,C4,31/04/2026 10:00,,张伟
EOF
if cmp -s want.rej cn.rejects.csv; then
	ok "ingest_map: rejects in UTF-8, naming the export's column"
else
	diff -u want.rej cn.rejects.csv >"$tmp/diff"
	not_ok "ingest_map: rejects in UTF-8, naming the export's column"
	diag_file "$tmp/diff"
fi
same "ingest_map: the log names the mapping file" "cn.map" \
	"$(q "SELECT map_file FROM ingest_log WHERE ingest_id = 1")"

# the same file and mapping again: nothing changes; with a fixed mapping it loads again
check_exit "ingest_map: the same file and mapping again" 1 "$K" ingest --db "$DB" --kind tickets --map cn.map cn.csv
grep -q "'cn.csv' was already ingested (ingest 1, .*): nothing changed" "$tmp/err" &&
	ok "ingest_map: ... says it was already ingested" ||
	{ not_ok "ingest_map: ... says it was already ingested"; diag_file "$tmp/err"; }
printf '[status]\npending = 挂起\n' >>cn.map
check_exit "ingest_map: the same file with a fixed mapping" 1 "$K" ingest --db "$DB" --kind tickets --map cn.map cn.csv
same "ingest_map: ... is applied: C5 updated to pending" \
	"supportkpi ingest: 'cn.csv': 6 rows read: 0 inserted, 1 updated, 3 unchanged, 2 rejected (see 'cn.rejects.csv'); 1 loaded row carries a data-quality note
pending|挂起" \
	"$(cat "$tmp/err"; q "SELECT status, status_raw FROM tickets WHERE ticket_id = 'C5'")"
same "ingest_map: the log keeps each mapping's SHA-256" "$(sha256sum cn.map | cut -d' ' -f1)" \
	"$(q "SELECT map_sha256 FROM ingest_log ORDER BY ingest_id DESC LIMIT 1")"

# ---- mapping and header errors ----
printf '[file]\nkind = tickets\n[columns]\nticket = ID\n' >bad.map
check_exit "ingest_map: a wrong mapping file: exit 78" 78 "$K" ingest --db "$DB" --kind tickets --map bad.map cn.csv
grep -q "^supportkpi ingest: 'bad.map' line 4: 'ticket' is not a column of tickets$" "$tmp/err" &&
	grep -q "hint: the columns are: ticket_id, created_at" "$tmp/err" &&
	ok "ingest_map: the mapping error names the file, the line and the columns" ||
	{ not_ok "ingest_map: the mapping error names the file, the line and the columns"; diag_file "$tmp/err"; }
check_exit "ingest_map: a surveys mapping for tickets: exit 78" 78 \
	"$K" ingest --db "$DB" --kind surveys --map cn.map cn.csv
check_exit "ingest_map: a missing mapping file: exit 66" 66 \
	"$K" ingest --db "$DB" --kind tickets --map nosuch.map cn.csv
printf '[file]\nencoding = KLINGON-8\n' >enc.map
check_exit "ingest_map: an unknown encoding: exit 78" 78 "$K" ingest --db "$DB" --kind tickets --map enc.map cn.csv

printf 'id,opened\n1,2026-01-01 00:00\n' >nohdr.csv
check_exit "ingest_map: a required column absent: exit 65" 65 "$K" ingest --db "$DB" --kind tickets nohdr.csv
grep -q "^supportkpi ingest: 'nohdr.csv' line 1: the required column 'ticket_id' is not in the header$" "$tmp/err" &&
	grep -q "hint: name the export's column in a mapping file (\[columns\] ticket_id = ...) and pass it with --map; the header has 'id', 'opened'" "$tmp/err" &&
	ok "ingest_map: says which column is missing, what the header has, what to do" ||
	{ not_ok "ingest_map: says which column is missing, what the header has, what to do"; diag_file "$tmp/err"; }
# a ;-separated export read with the default ',' is one header field: the hint is the delimiter
printf 'ticket_id;created_at\nA;2026-01-01 10:00\n' >semi.csv
check_exit "ingest_map: a ;-separated export without a delimiter: exit 65" 65 "$K" ingest --db "$DB" --kind tickets semi.csv
says "ingest_map: a ;-separated export: the hint names the delimiter" \
	"hint: the header is one field, 'ticket_id;created_at': the export is separated by another character; set it in a mapping file (\[file\] delimiter = semicolon"
[ ! -e nohdr.rejects.csv ] && ok "ingest_map: no rejects file when nothing could be read" ||
	not_ok "ingest_map: no rejects file when nothing could be read"
printf '[columns]\nticket_id = id\ncreated_at = opened\n' >ok.map
check_exit "ingest_map: the same file with a mapping loads" 0 "$K" ingest --db "$DB" --kind tickets --map ok.map nohdr.csv
printf '[columns]\nticket_id = Ticket No\n' >gone.map
check_exit "ingest_map: a mapped header that is not in the file: exit 65" 65 \
	"$K" ingest --db "$DB" --kind tickets --map gone.map nohdr.csv
grep -q "the mapping file names 'Ticket No' for ticket_id, but the header has no such column" "$tmp/err" &&
	ok "ingest_map: says the mapped header is not there" ||
	{ not_ok "ingest_map: says the mapped header is not there"; diag_file "$tmp/err"; }

# ---- surveys ----
# S1 arrives before its ticket T1 (loaded below) and has no agent: credited to T1's agent
# once T1 is known.  S2 names its agent.  Line 4 has no survey_id: its key is ticket_id @
# submitted_at, and line 5 repeats that key, so it updates it (score 3 -> 4).  Line 6 has
# neither id: rejected.  S3 has scores out of range: loaded, each kept as a note.
DB=$tmp/sv.db
check_exit "ingest_map: init a UTC database" 0 "$K" init --db "$DB"
cat >s.csv <<'EOF'
survey_id,ticket_id,agent,submitted_at,score,nps,attitude,skill,timeliness,follow_through
S1,T1,,2026-10-05 10:00,5,10,4,4,4,4
S2,T1,Zed,2026-10-05 11:00,4,9,,,,
,T2,,2026-10-06 09:00,3,,,,,
,T2,,2026-10-06 09:00:00,4,,,,,
,,,2026-10-06 09:00,4,,,,,
S3,T9,,2026-10-07 09:00,6,11,0,5,,x
S4,T9,,yesterday,4,,,,,
EOF
check_exit "ingest_map: surveys: exit 1 (rows rejected)" 1 "$K" ingest --db "$DB" --kind surveys s.csv
same "ingest_map: surveys: summary" \
	"supportkpi ingest: 's.csv': 7 rows read: 4 inserted, 1 updated (1 by a later row for the same key in this file), 0 unchanged, 2 rejected (see 's.rejects.csv'); 1 loaded row carries a data-quality note" \
	"$(cat "$tmp/err")"
same "ingest_map: surveys before their ticket: not credited yet" \
"S1|S1|T1|||5
S2|S2|T1|Zed|Zed|4
S3|S3|T9|||
T2 @ 2026-10-06 09:00:00||T2|||4" \
	"$(q "SELECT survey_key, survey_id, ticket_id, agent, credited_agent, score FROM surveys ORDER BY 1")"
same "ingest_map: survey scores out of range are notes" \
"S3|score|6|outside 1-5
S3|nps|11|outside 0-10
S3|attitude|0|outside 1-4
S3|skill|5|outside 1-4
S3|follow_through|x|not a number" \
	"$(q "SELECT record_key, column_name, raw_value, reason FROM data_quality ORDER BY dq_id")"
cat >want.rej <<'EOF'
line,reason,survey_id,ticket_id,agent,submitted_at,score,nps,attitude,skill,timeliness,follow_through
6,survey_id and ticket_id are both empty,,,,2026-10-06 09:00,4,,,,,
8,"submitted_at 'yesterday' is not a timestamp (expected YYYY-MM-DD HH:MM[:SS], YYYY/MM/DD HH:MM[:SS] or ISO 8601)",S4,T9,,yesterday,4,,,,,
EOF
cmp -s want.rej s.rejects.csv && ok "ingest_map: survey rejects row by row" ||
	{ diff -u want.rej s.rejects.csv >"$tmp/diff"; not_ok "ingest_map: survey rejects row by row"; diag_file "$tmp/diff"; }

printf 'ticket_id,created_at,agent\nT1,2026-10-01 09:00,Ann\nT2,2026-10-01 09:00,\n' >t.csv
check_exit "ingest_map: the tickets arrive" 0 "$K" ingest --db "$DB" --kind tickets t.csv
same "ingest_map: a survey without agent is credited to its ticket's agent" \
"S1|Ann
S2|Zed
S3|
T2 @ 2026-10-06 09:00:00|" \
	"$(q "SELECT survey_key, credited_agent FROM surveys ORDER BY 1")"
printf 'ticket_id,created_at,agent\nT1,2026-10-01 09:00,Bea\n' >t2.csv
check_exit "ingest_map: the ticket changes hands" 0 "$K" ingest --db "$DB" --kind tickets t2.csv
# docs/metrics.md: the credit is fixed when the survey is credited; reassigning the ticket
# later does not move it (S1 stays Ann's), and a named agent keeps it (S2)
same "ingest_map: a reassigned ticket does not move the credit; a named agent keeps it" \
"S1|Ann
S2|Zed" \
	"$(q "SELECT survey_key, credited_agent FROM surveys WHERE ticket_id = 'T1' ORDER BY 1")"
printf 'survey_id,ticket_id,submitted_at,score\nS5,T1,2026-10-08 10:00,2\n' >s2.csv
check_exit "ingest_map: a survey after its ticket" 0 "$K" ingest --db "$DB" --kind surveys s2.csv
same "ingest_map: a survey after its ticket is credited at once" "Bea" \
	"$(q "SELECT credited_agent FROM surveys WHERE survey_key = 'S5'")"

finish
