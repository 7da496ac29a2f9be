-- kpi_surveys.sql — satisfaction: surveys, csat_pct, mean_score, nps, service_index and
-- the index of each service item.
--
-- Definition (docs/metrics.md, word for word):
-- A survey is counted in the period of its `submitted_at`, whatever the period of its
-- ticket. It counts for its `credited_agent`: the agent named on the survey, else the
-- agent its ticket had when the survey was ingested. The credit does not move when the
-- ticket is reassigned later.
-- - `surveys`: the period's surveys with a valid score (1 to 5).
-- - `csat_pct` = 100 × (surveys scoring 4 or 5) / `surveys`.
-- - `mean_score`: the mean score of those surveys.
-- - `nps` = 100 × (responses 9 or 10 − responses 0 to 6) / (surveys with an NPS value).
-- - `service_index` = 100 × (mean item − 1) / 3, where the mean item is the mean of every
--   answered service item (`attitude`, `skill`, `timeliness`, `follow_through`, each rated
--   1 to 4) of the period's surveys, the four items pooled.
-- - `attitude_index`, `skill_index`, `timeliness_index`, `follow_through_index`: the same
--   for one item.
-- Each figure is taken over the surveys that have its value; with none it is undefined.
-- With `--by team` a survey counts for the team of its ticket, else for the team on the
-- credited agent's latest ticket created at or before the survey was submitted. With
-- `--by channel`, `category` or `priority` it counts for its ticket's value.
--
-- Parameters: :from, :to, :dim1, :dim2 as in kpi_tickets.sql; the period applies to
-- submitted_at, and month, week and day are those of submitted_at.
-- The survey's ticket is looked up only in the CASE branch of a dimension that needs it
-- (a subquery per branch rather than a join), so --by agent, month, week or day never
-- reads the tickets table: one lookup per survey costs more than the whole survey scan.

-- name: kpi_surveys
WITH period_surveys AS (
    SELECT
        CASE :dim1
            WHEN 'agent' THEN s.credited_agent
            WHEN 'team' THEN coalesce(
                (SELECT t.team FROM tickets AS t WHERE t.ticket_id = s.ticket_id),
                (SELECT l.team FROM tickets AS l
                 WHERE l.agent = s.credited_agent AND l.created_ts <= s.submitted_ts
                   AND l.team IS NOT NULL
                 ORDER BY l.created_ts DESC, l.ticket_id DESC LIMIT 1))
            WHEN 'channel' THEN (SELECT t.channel FROM tickets AS t WHERE t.ticket_id = s.ticket_id)
            WHEN 'category' THEN (SELECT t.category FROM tickets AS t WHERE t.ticket_id = s.ticket_id)
            WHEN 'priority' THEN (SELECT t.priority FROM tickets AS t WHERE t.ticket_id = s.ticket_id)
            WHEN 'month' THEN substr(s.submitted_at, 1, 7)
            WHEN 'week' THEN strftime('%Y', s.submitted_at, 'weekday 0', '-3 days') || '-W' ||
                printf('%02d', (strftime('%j', s.submitted_at, 'weekday 0', '-3 days') - 1) / 7 + 1)
            WHEN 'day' THEN substr(s.submitted_at, 1, 10)
            ELSE 'all'
        END AS g1,
        CASE :dim2
            WHEN 'all' THEN 'all'  -- the usual case first: one comparison per row
            WHEN 'agent' THEN s.credited_agent
            WHEN 'team' THEN coalesce(
                (SELECT t.team FROM tickets AS t WHERE t.ticket_id = s.ticket_id),
                (SELECT l.team FROM tickets AS l
                 WHERE l.agent = s.credited_agent AND l.created_ts <= s.submitted_ts
                   AND l.team IS NOT NULL
                 ORDER BY l.created_ts DESC, l.ticket_id DESC LIMIT 1))
            WHEN 'channel' THEN (SELECT t.channel FROM tickets AS t WHERE t.ticket_id = s.ticket_id)
            WHEN 'category' THEN (SELECT t.category FROM tickets AS t WHERE t.ticket_id = s.ticket_id)
            WHEN 'priority' THEN (SELECT t.priority FROM tickets AS t WHERE t.ticket_id = s.ticket_id)
            WHEN 'month' THEN substr(s.submitted_at, 1, 7)
            WHEN 'week' THEN strftime('%Y', s.submitted_at, 'weekday 0', '-3 days') || '-W' ||
                printf('%02d', (strftime('%j', s.submitted_at, 'weekday 0', '-3 days') - 1) / 7 + 1)
            WHEN 'day' THEN substr(s.submitted_at, 1, 10)
            ELSE 'all'
        END AS g2,
        s.score, s.nps, s.attitude, s.skill, s.timeliness, s.follow_through
    FROM surveys AS s
    WHERE s.submitted_at >= :from AND s.submitted_at < :to
)
SELECT
    g1,
    g2,
    count(score) AS surveys,
    100.0 * count(*) FILTER (WHERE score >= 4) / nullif(count(score), 0) AS csat_pct,
    avg(score) AS mean_score,
    100.0 * (count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6))
        / nullif(count(nps), 0) AS nps,
    100.0 * ((coalesce(sum(attitude), 0) + coalesce(sum(skill), 0)
              + coalesce(sum(timeliness), 0) + coalesce(sum(follow_through), 0)) * 1.0
             / nullif(count(attitude) + count(skill) + count(timeliness) + count(follow_through), 0)
             - 1) / 3 AS service_index,
    100.0 * (avg(attitude) - 1) / 3 AS attitude_index,
    100.0 * (avg(skill) - 1) / 3 AS skill_index,
    100.0 * (avg(timeliness) - 1) / 3 AS timeliness_index,
    100.0 * (avg(follow_through) - 1) / 3 AS follow_through_index
FROM period_surveys
-- One sort key instead of two: SQLite sorts the rows of a GROUP BY, and a second key
-- (g2, the same 'all' on every row with one dimension) sends every tie on g1 down a
-- slow comparison, a third of this query's time on a month of 32,000 rows.  With a
-- second dimension the key is json_array(g1, g2), which is distinct for each pair
-- (NULL included), so the groups are exactly those of GROUP BY g1, g2 (the form
-- PostgreSQL needs); g1 and g2 are then the same on every row of a group, and the
-- SELECT reads them from it.  The subquery is evaluated once, not per row.
GROUP BY CASE WHEN (SELECT :dim2 IN ('agent', 'team', 'channel', 'category', 'priority',
                                     'month', 'week', 'day'))
              THEN json_array(g1, g2) ELSE g1 END;
