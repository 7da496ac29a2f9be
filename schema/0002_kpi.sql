-- 0002_kpi.sql — indexes for the KPI queries (schema/kpi_*.sql).  docs/metrics.md,
-- "Indexes and query plans", says why each one is here.
--
-- Every KPI query reads one period: tickets by created_at, surveys by submitted_at, as a
-- range of the local wall-clock text ('2026-10-01' <= created_at < '2026-11-01').  A
-- month is about 1/12 of a year of data; without these indexes each query reads the
-- whole table.

-- Tickets of a period.  The index holds every column the ticket queries read, so a month
-- is one contiguous range of index pages and the table itself is never visited
-- (SQLite's "USING COVERING INDEX"): the dimensions, the status, and the Unix-second
-- times that durations are computed from.
CREATE INDEX tickets_period ON tickets (
    created_at, agent, team, channel, category, priority, status,
    created_ts, first_response_ts, resolved_ts, closed_ts, reopen_count, replies
);

-- Surveys of a period, likewise covering what the survey query reads.
CREATE INDEX surveys_period ON surveys (
    submitted_at, credited_agent, ticket_id, score, nps,
    attitude, skill, timeliness, follow_through, submitted_ts
);

-- --by team for a survey whose ticket is unknown or has no team: the team of the credited
-- agent's latest ticket created at or before the survey (one index probe per survey;
-- ticket_id breaks ties between tickets created in the same second).
CREATE INDEX tickets_agent_latest ON tickets (agent, created_ts, ticket_id, team);
