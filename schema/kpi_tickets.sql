-- kpi_tickets.sql — ticket volume and resolution: tickets, resolved, resolution_pct,
-- reopen_pct, fcr_pct; and, in the same scan, the response and resolution times defined
-- in kpi_times.sql.
--
-- Definition (docs/metrics.md, word for word):
-- A ticket is counted in the period of its `created_at`: the local date and time it was
-- created, in the database's time zone, on or after the first day of the period and
-- before the day after its last.
-- - `tickets`: the tickets created in the period.
-- - `resolved`: of those, the tickets whose status is `resolved` or `closed`.
-- - `resolution_pct` = 100 × `resolved` / `tickets`.
-- - `reopen_pct` = 100 × (resolved tickets with `reopen_count` > 0) / `resolved`. A
--   resolved ticket without a `reopen_count` counts in the denominator only; when none of
--   the resolved tickets has one (the export carries no reopen data), it is undefined.
-- - `fcr_pct` (first-contact resolution) = 100 × (resolved tickets with `replies` ≤ 1) /
--   (resolved tickets that have a `replies` value).
-- A percentage whose denominator is 0 is undefined: empty in CSV, null in JSON.
--
-- Parameters:
--   :from, :to   the period as local dates 'YYYY-MM-DD', :to excluded
--   :dim1, :dim2 the dimensions of --by: agent, team, channel, category, priority, month,
--                week, day; anything else ('all', NULL) puts every ticket in one group
--   :calendar    1 when the config has a [calendar]: the business-time figures are
--                computed only then (without one they are undefined and cost nothing)
-- Returns one row per group: g1, g2 (NULL when the ticket has no value for the dimension),
-- then the figures.  To try it in the sqlite3 shell (the double quotes keep the shell
-- from reading 2026-10-01 as a subtraction):
--   .param set :from "'2026-10-01'"
--   .param set :to "'2026-11-01'"
--   .param set :dim1 "'agent'"
--   .param set :dim2 "'all'"
--   .param set :calendar 0
-- The shell lacks percentile_inc and business_seconds (C functions of supportkpi, see
-- kpi_times.sql); replace them with avg(...) and NULL to run it there.
--
-- Why one query for two families: each figure costs little, but every row of the period
-- costs its CASE and its filters once per scan.  One scan for every ticket figure, with
-- each row's values computed once, takes about half the time of a scan per family
-- (docs/metrics.md, "Indexes and query plans").  The values are computed once because
-- period_tickets is not merged into the outer query: SQLite would then compute frt_min
-- for each percentile that reads it.  `LIMIT -1` (no limit) keeps it apart and lets it
-- run as a co-routine that hands each row straight to the GROUP BY sort; `MATERIALIZED`
-- would first copy the month into a temporary table (8 % more instructions).

-- name: kpi_tickets
WITH period_tickets AS NOT MATERIALIZED (
    SELECT
        CASE :dim1
            WHEN 'agent' THEN t.agent
            WHEN 'team' THEN t.team
            WHEN 'channel' THEN t.channel
            WHEN 'category' THEN t.category
            WHEN 'priority' THEN t.priority
            WHEN 'month' THEN substr(t.created_at, 1, 7)
            -- ISO 8601 week: the year and week of the week's Thursday
            WHEN 'week' THEN strftime('%Y', t.created_at, 'weekday 0', '-3 days') || '-W' ||
                printf('%02d', (strftime('%j', t.created_at, 'weekday 0', '-3 days') - 1) / 7 + 1)
            WHEN 'day' THEN substr(t.created_at, 1, 10)
            ELSE 'all'
        END AS g1,
        CASE :dim2
            WHEN 'all' THEN 'all'  -- the usual case first: one comparison per row
            WHEN 'agent' THEN t.agent
            WHEN 'team' THEN t.team
            WHEN 'channel' THEN t.channel
            WHEN 'category' THEN t.category
            WHEN 'priority' THEN t.priority
            WHEN 'month' THEN substr(t.created_at, 1, 7)
            WHEN 'week' THEN strftime('%Y', t.created_at, 'weekday 0', '-3 days') || '-W' ||
                printf('%02d', (strftime('%j', t.created_at, 'weekday 0', '-3 days') - 1) / 7 + 1)
            WHEN 'day' THEN substr(t.created_at, 1, 10)
            ELSE 'all'
        END AS g2,
        t.status IN ('resolved', 'closed') AS is_resolved,
        t.reopen_count,
        t.replies,
        -- the durations of kpi_times.sql, NULL when undefined
        (CASE WHEN t.first_response_ts >= t.created_ts
              THEN t.first_response_ts - t.created_ts END) / 60.0 AS frt_min,
        CASE WHEN :calendar THEN
            business_seconds(t.created_ts,
                             CASE WHEN t.first_response_ts >= t.created_ts
                                  THEN t.first_response_ts END) / 60.0 END AS frt_bh_min,
        (CASE WHEN t.status IN ('resolved', 'closed')
                   AND coalesce(t.resolved_ts, t.closed_ts) >= t.created_ts
              THEN coalesce(t.resolved_ts, t.closed_ts) - t.created_ts END) / 3600.0 AS res_h,
        CASE WHEN :calendar THEN
            business_seconds(t.created_ts,
                             CASE WHEN t.status IN ('resolved', 'closed')
                                       AND coalesce(t.resolved_ts, t.closed_ts) >= t.created_ts
                                  THEN coalesce(t.resolved_ts, t.closed_ts) END) / 3600.0 END
            AS res_bh_h
    FROM tickets AS t
    WHERE t.created_at >= :from AND t.created_at < :to
    LIMIT -1  -- not merged into the query below (see above)
)
SELECT
    g1,
    g2,
    count(*) AS tickets,
    count(*) FILTER (WHERE is_resolved) AS resolved,
    100.0 * count(*) FILTER (WHERE is_resolved) / count(*) AS resolution_pct,
    CASE WHEN count(*) FILTER (WHERE is_resolved AND reopen_count IS NOT NULL) > 0 THEN
        100.0 * count(*) FILTER (WHERE is_resolved AND reopen_count > 0)
            / count(*) FILTER (WHERE is_resolved) END AS reopen_pct,
    100.0 * count(*) FILTER (WHERE is_resolved AND replies <= 1)
        / nullif(count(*) FILTER (WHERE is_resolved AND replies IS NOT NULL), 0) AS fcr_pct,
    percentile_inc(frt_min, 0.5) AS frt_median_min,
    percentile_inc(frt_min, 0.9) AS frt_p90_min,
    percentile_inc(frt_bh_min, 0.5) FILTER (WHERE :calendar) AS frt_median_bh_min,
    percentile_inc(res_h, 0.5) AS res_median_h,
    percentile_inc(res_h, 0.9) AS res_p90_h,
    percentile_inc(res_bh_h, 0.5) FILTER (WHERE :calendar) AS res_median_bh_h
FROM period_tickets
-- One sort key instead of two: SQLite sorts the rows of a GROUP BY, and a second key
-- (g2, the same 'all' on every row with one dimension) sends every tie on g1 down a
-- slow comparison, a tenth of this query's time on a month of 94,000 rows.  With a
-- second dimension the key is json_array(g1, g2), which is distinct for each pair
-- (NULL included), so the groups are exactly those of GROUP BY g1, g2 (the form
-- PostgreSQL needs); g1 and g2 are then the same on every row of a group, and the
-- SELECT reads them from it.  The subquery is evaluated once, not per row.
GROUP BY CASE WHEN (SELECT :dim2 IN ('agent', 'team', 'channel', 'category', 'priority',
                                     'month', 'week', 'day'))
              THEN json_array(g1, g2) ELSE g1 END;
