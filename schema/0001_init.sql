-- 0001_init.sql — the store: one row per ticket and per survey in its current state,
-- the status history, data-quality notes and the ingest log.
--
-- Timestamps are kept twice: *_at as local wall-clock text 'YYYY-MM-DD HH:MM:SS' (in the
-- time zone recorded in meta.timezone), which SQLite's date functions read directly
-- (date(created_at), strftime('%Y-%m', created_at)), and *_ts as Unix seconds (UTC), from
-- which durations are exact across daylight-saving changes.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE ingest_log (
    ingest_id   INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('tickets', 'surveys', 'assessments')),
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    map_file    TEXT,
    started_at  TEXT NOT NULL,          -- UTC, ISO 8601
    finished_at TEXT NOT NULL,
    rows_read   INTEGER NOT NULL,
    inserted    INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL,
    rejected    INTEGER NOT NULL,
    dq_rows     INTEGER NOT NULL,       -- loaded rows that carry a data-quality note
    CHECK (rows_read = inserted + updated + unchanged + rejected)
);
CREATE INDEX ingest_log_sha ON ingest_log (sha256, kind);

CREATE TABLE tickets (
    ticket_id         TEXT PRIMARY KEY,
    created_at        TEXT NOT NULL,
    created_ts        INTEGER NOT NULL,
    first_response_at TEXT,
    first_response_ts INTEGER,
    resolved_at       TEXT,
    resolved_ts       INTEGER,
    closed_at         TEXT,
    closed_ts         INTEGER,
    updated_at        TEXT,
    updated_ts        INTEGER,
    status            TEXT CHECK (status = 'open' OR status = 'pending' OR status = 'resolved'
                                  OR status = 'closed'),
    status_raw        TEXT,             -- the value as exported
    agent             TEXT,
    team              TEXT,
    channel           TEXT,
    category          TEXT,
    priority          TEXT,
    reopen_count      INTEGER CHECK (reopen_count >= 0),
    replies           INTEGER CHECK (replies >= 0),
    subject           TEXT,
    ingest_id         INTEGER NOT NULL REFERENCES ingest_log (ingest_id),
    source_line       INTEGER NOT NULL  -- physical line of the row that set this state
) WITHOUT ROWID;

-- One row per change of status, in the order the exports showed them: (ingest_id,
-- source_line) orders the observations of one ticket.
CREATE TABLE ticket_status_history (
    ticket_id  TEXT NOT NULL,
    changed_at TEXT,                    -- from updated_at (else created_at for the first)
    changed_ts INTEGER,
    old_status TEXT,                    -- NULL for the first status seen
    new_status TEXT,
    ingest_id  INTEGER NOT NULL REFERENCES ingest_log (ingest_id),
    source_line INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, ingest_id, source_line)
) WITHOUT ROWID;

CREATE TABLE surveys (
    survey_key     TEXT PRIMARY KEY,    -- survey_id, else ticket_id || ' @ ' || submitted_at
    survey_id      TEXT,
    ticket_id      TEXT,
    agent          TEXT,                -- as exported, may be empty
    credited_agent TEXT,                -- agent, else the ticket's agent when known
    submitted_at   TEXT NOT NULL,
    submitted_ts   INTEGER NOT NULL,
    score          INTEGER CHECK (score BETWEEN 1 AND 5),
    nps            INTEGER CHECK (nps BETWEEN 0 AND 10),
    attitude       INTEGER CHECK (attitude BETWEEN 1 AND 4),
    skill          INTEGER CHECK (skill BETWEEN 1 AND 4),
    timeliness     INTEGER CHECK (timeliness BETWEEN 1 AND 4),
    follow_through INTEGER CHECK (follow_through BETWEEN 1 AND 4),
    ingest_id      INTEGER NOT NULL REFERENCES ingest_log (ingest_id),
    source_line    INTEGER NOT NULL
);
CREATE INDEX surveys_ticket ON surveys (ticket_id);

-- A loaded row whose secondary field could not be used: the field was stored empty and
-- the raw value is kept here, with why.
CREATE TABLE data_quality (
    dq_id      INTEGER PRIMARY KEY,
    ingest_id  INTEGER NOT NULL REFERENCES ingest_log (ingest_id),
    kind       TEXT NOT NULL,           -- tickets | surveys | assessments
    record_key TEXT NOT NULL,           -- ticket_id or survey_key
    line       INTEGER NOT NULL,
    column_name TEXT NOT NULL,
    raw_value  TEXT,
    reason     TEXT NOT NULL
);
CREATE INDEX data_quality_record ON data_quality (kind, record_key);
