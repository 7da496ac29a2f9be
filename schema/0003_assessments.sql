-- 0003_assessments.sql — manager (and self-) assessments of agents, one score per agent,
-- month and assessor, loaded by `supportkpi ingest --kind assessments` and blended into
-- the ranking by `supportkpi rank` when [ranking] assessment_weight is above 0
-- (docs/ranking.md, "Manager assessments").
--
-- The key is (agent, period, assessor).  The ingest upserts on assessment_key, which is
-- made from the three: agent || ' @ ' || period || ' @ ' || assessor ('' when the export
-- has no assessor); loading a corrected file again replaces the score.  An assessment
-- whose assessor is the agent is a self-assessment.

CREATE TABLE assessments (
    assessment_key TEXT PRIMARY KEY,
    agent          TEXT NOT NULL,
    period         TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    score          REAL NOT NULL CHECK (score BETWEEN 0 AND 100),
    assessor       TEXT,                -- NULL when the export has none
    ingest_id      INTEGER NOT NULL REFERENCES ingest_log (ingest_id),
    source_line    INTEGER NOT NULL,
    UNIQUE (agent, period, assessor)
);

-- `supportkpi rank` reads one month's assessments.
CREATE INDEX assessments_period ON assessments (period, agent);
