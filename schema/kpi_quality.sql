-- kpi_quality.sql — `supportkpi kpi --quality`: every record a figure leaves out, counted.
--
-- Definition (docs/metrics.md, word for word):
-- Nothing is left out of a figure without a count. `--quality` lists, for the period,
-- each reason a ticket or survey is left out of a figure, or counted in a particular way,
-- with the number of records concerned (0 included) and what it does to the figures:
-- the checks on the period's tickets, on its surveys, on the SLA outcomes when the config
-- has rules, the data-quality notes that ingest attached to the period's records (a field
-- stored empty because its value could not be used, by column and reason), and the rows
-- ingest rejected (all files: a rejected row has no usable date).
--
-- Every query returns rows (source, check, count, effect).  Parameters: :from, :to.

-- name: quality_tickets
WITH c AS (
    SELECT
        count(*) AS tickets,
        count(*) FILTER (WHERE first_response_ts < created_ts) AS frt_before_created,
        count(*) FILTER (WHERE first_response_ts IS NULL) AS no_first_response,
        count(*) FILTER (WHERE status IN ('resolved', 'closed')
                         AND resolved_ts IS NULL AND closed_ts IS NULL) AS resolved_without_time,
        count(*) FILTER (WHERE status IN ('resolved', 'closed')
                         AND coalesce(resolved_ts, closed_ts) < created_ts) AS resolution_before_created,
        count(*) FILTER (WHERE status IN ('resolved', 'closed') AND replies IS NULL) AS resolved_without_replies,
        count(*) FILTER (WHERE status IN ('resolved', 'closed') AND reopen_count IS NULL) AS resolved_without_reopen_count,
        count(*) FILTER (WHERE status IS NULL) AS no_status,
        count(*) FILTER (WHERE status NOT IN ('resolved', 'closed')
                         AND coalesce(resolved_ts, closed_ts) IS NOT NULL) AS unresolved_with_resolution_time,
        count(*) FILTER (WHERE agent IS NULL) AS no_agent,
        count(*) FILTER (WHERE team IS NULL) AS no_team
    FROM tickets
    WHERE created_at >= :from AND created_at < :to
)
SELECT 'tickets', 'tickets_in_period', tickets,
       'tickets created in the period: the base of every ticket figure' FROM c
UNION ALL SELECT 'tickets', 'first_response_before_created', frt_before_created,
       'left out of frt_median_min, frt_p90_min, frt_median_bh_min and sla_frt_pct' FROM c
UNION ALL SELECT 'tickets', 'no_first_response', no_first_response,
       'not in frt_median_min, frt_p90_min, frt_median_bh_min (no response time); for sla_frt_pct measured to the resolution, or still running' FROM c
UNION ALL SELECT 'tickets', 'resolved_without_resolution_time', resolved_without_time,
       'counted in resolved; left out of res_median_h, res_p90_h, res_median_bh_h and sla_res_pct' FROM c
UNION ALL SELECT 'tickets', 'resolution_before_created', resolution_before_created,
       'counted in resolved; left out of res_median_h, res_p90_h, res_median_bh_h and sla_res_pct' FROM c
UNION ALL SELECT 'tickets', 'resolved_without_replies', resolved_without_replies,
       'left out of fcr_pct' FROM c
UNION ALL SELECT 'tickets', 'resolved_without_reopen_count', resolved_without_reopen_count,
       'in the denominator of reopen_pct only (counted as not reopened); reopen_pct is undefined when no resolved ticket has one' FROM c
UNION ALL SELECT 'tickets', 'no_status', no_status,
       'counted as not resolved' FROM c
UNION ALL SELECT 'tickets', 'unresolved_with_resolution_time', unresolved_with_resolution_time,
       'status not resolved or closed (reopened?): counted as not resolved, its resolution time ignored' FROM c
UNION ALL SELECT 'tickets', 'no_agent', no_agent,
       'in the group "(none)" with --by agent' FROM c
UNION ALL SELECT 'tickets', 'no_team', no_team,
       'in the group "(none)" with --by team' FROM c;

-- name: quality_surveys
WITH c AS (
    SELECT
        count(*) AS surveys,
        count(*) FILTER (WHERE s.ticket_id IS NULL) AS no_ticket,
        count(*) FILTER (WHERE s.ticket_id IS NOT NULL AND t.ticket_id IS NULL) AS unknown_ticket,
        count(*) FILTER (WHERE s.score IS NULL) AS no_score,
        count(*) FILTER (WHERE s.nps IS NULL) AS no_nps,
        count(*) FILTER (WHERE s.attitude IS NULL AND s.skill IS NULL AND s.timeliness IS NULL
                         AND s.follow_through IS NULL) AS no_service_items,
        count(*) FILTER (WHERE s.credited_agent IS NULL) AS no_agent
    FROM surveys AS s
    LEFT JOIN tickets AS t ON t.ticket_id = s.ticket_id
    WHERE s.submitted_at >= :from AND s.submitted_at < :to
)
SELECT 'surveys', 'surveys_in_period', surveys,
       'surveys submitted in the period: the base of every survey figure' FROM c
UNION ALL SELECT 'surveys', 'no_ticket', no_ticket,
       'counted for its agent; in the group "(none)" with --by channel, category or priority, and with --by team unless its agent has a ticket' FROM c
UNION ALL SELECT 'surveys', 'unknown_ticket', unknown_ticket,
       'its ticket is not in the database: counted for its agent; in the group "(none)" with --by channel, category or priority, and with --by team unless its agent has a ticket' FROM c
UNION ALL SELECT 'surveys', 'no_valid_score', no_score,
       'left out of surveys, csat_pct and mean_score' FROM c
UNION ALL SELECT 'surveys', 'no_nps', no_nps,
       'left out of nps' FROM c
UNION ALL SELECT 'surveys', 'no_service_items', no_service_items,
       'left out of service_index and the item indexes' FROM c
UNION ALL SELECT 'surveys', 'no_agent', no_agent,
       'in the group "(none)" with --by agent' FROM c;

-- name: quality_sla
-- Needs temp.sla_outcome, filled by kpi_sla.sql for the same period.
WITH c AS (
    SELECT
        count(*) FILTER (WHERE frt_rule IS NULL) AS frt_no_rule,
        count(*) FILTER (WHERE frt_outcome = 'open') AS frt_open,
        count(*) FILTER (WHERE frt_outcome = 'unknown') AS frt_unknown,
        count(*) FILTER (WHERE res_rule IS NULL) AS res_no_rule,
        count(*) FILTER (WHERE res_outcome = 'open') AS res_open,
        count(*) FILTER (WHERE res_outcome = 'unknown') AS res_unknown,
        count(*) FILTER (WHERE res_rule IS NOT NULL AND history_rows = 0) AS res_no_history
    FROM temp.sla_outcome
),
h AS (
    SELECT count(*) AS untimed
    FROM ticket_status_history AS h
    JOIN tickets AS t ON t.ticket_id = h.ticket_id
    WHERE t.created_at >= :from AND t.created_at < :to AND h.changed_ts IS NULL
)
SELECT 'sla', 'first_response_no_rule', frt_no_rule,
       'no [sla] rule sets a first-response target for them: left out of sla_frt_pct' FROM c
UNION ALL SELECT 'sla', 'first_response_running_within_target', frt_open,
       'no response yet and still within the target at --as-of: not counted yet in sla_frt_pct' FROM c
UNION ALL SELECT 'sla', 'first_response_times_contradict', frt_unknown,
       'response or resolution before creation, or resolved without a resolution time: left out of sla_frt_pct' FROM c
UNION ALL SELECT 'sla', 'resolution_no_rule', res_no_rule,
       'no [sla] rule sets a resolution target for them: left out of sla_res_pct' FROM c
UNION ALL SELECT 'sla', 'resolution_running_within_target', res_open,
       'not resolved and still within the target at --as-of: not counted yet in sla_res_pct' FROM c
UNION ALL SELECT 'sla', 'resolution_times_contradict', res_unknown,
       'resolution before creation, or resolved without a resolution time: left out of sla_res_pct' FROM c
UNION ALL SELECT 'sla', 'resolution_no_status_history', res_no_history,
       'no status change with a time is known: the resolution clock is never paused' FROM c
UNION ALL SELECT 'sla', 'status_changes_without_time', untimed,
       'status changes without an updated_at: cannot be placed in time, left out of the pause clock' FROM h;

-- name: quality_notes
-- The data-quality notes that ingest attached to the period's tickets and surveys: the
-- field was stored empty, so every figure that needs it leaves the record out.
SELECT 'tickets' AS source, 'note: ' || q.column_name AS "check", count(*) AS count,
       'stored empty: ' || q.reason AS effect
FROM data_quality AS q
JOIN tickets AS t ON t.ticket_id = q.record_key
WHERE q.kind = 'tickets' AND t.created_at >= :from AND t.created_at < :to
GROUP BY q.column_name, q.reason
UNION ALL
SELECT 'surveys', 'note: ' || q.column_name, count(*), 'stored empty: ' || q.reason
FROM data_quality AS q
JOIN surveys AS s ON s.survey_key = q.record_key
WHERE q.kind = 'surveys' AND s.submitted_at >= :from AND s.submitted_at < :to
GROUP BY q.column_name, q.reason
ORDER BY 1, 2, 4;

-- name: quality_ingest
SELECT 'ingest', 'rows_rejected', coalesce(sum(rejected), 0),
       'rows of every ingested file that were not loaded (any period): see the rejects files'
FROM ingest_log;
