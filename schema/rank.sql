-- rank.sql — the two figures `supportkpi rank` reads besides the KPI engine's result set
-- (lib/rank.c; the rules are in docs/ranking.md).
--
-- Parameters:
--   :from, :to   the period as local dates 'YYYY-MM-DD', :to excluded

-- name: rank_sla
-- SLA outcomes per group of the kpi_run that just ran on this connection (it leaves one
-- row per ticket in temp.sla_outcome, schema/kpi_sla.sql): the first-response and the
-- resolution targets are pooled, each counting once per ticket that has it.  "counted" is
-- met + breached; open (within target) and unknown outcomes are not counted, as in
-- sla_frt_pct and sla_res_pct.  g1 is NULL for tickets without an agent (team).
SELECT
    g1,
    count(*) FILTER (WHERE frt_outcome = 'met') + count(*) FILTER (WHERE res_outcome = 'met')
        AS met,
    count(*) FILTER (WHERE frt_outcome IN ('met', 'breached'))
        + count(*) FILTER (WHERE res_outcome IN ('met', 'breached')) AS counted
FROM temp.sla_outcome
GROUP BY g1;

-- name: rank_assessments
-- The assessments of the months of the period (schema/0003_assessments.sql), per agent:
-- the mean of the scores given by others (managers: any assessor other than the agent,
-- or none named) and the mean of the agent's own (self-assessments).
SELECT
    agent,
    avg(score) FILTER (WHERE assessor IS NULL OR assessor <> agent) AS manager_mean,
    count(*) FILTER (WHERE assessor IS NULL OR assessor <> agent) AS manager_n,
    avg(score) FILTER (WHERE assessor = agent) AS self_score
FROM assessments
WHERE period >= substr(:from, 1, 7) AND period < substr(:to, 1, 7)
GROUP BY agent;
