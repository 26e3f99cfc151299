-- Service and portal monitors with their check history.
CREATE TABLE monitors (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    target          TEXT NOT NULL,
    agency_id       INTEGER NOT NULL REFERENCES agencies(id),
    system_id       INTEGER REFERENCES systems(id) ON DELETE SET NULL,
    interval_secs   INTEGER NOT NULL,
    timeout_secs    INTEGER NOT NULL,
    keyword         TEXT,
    keyword_absent  INTEGER NOT NULL DEFAULT 0,
    expect_status   INTEGER,
    tls_warn_days   INTEGER NOT NULL DEFAULT 14,
    enabled         INTEGER NOT NULL DEFAULT 1,
    deleted         INTEGER NOT NULL DEFAULT 0,
    state           TEXT NOT NULL DEFAULT 'unknown',
    state_since     TEXT,
    fail_streak     INTEGER NOT NULL DEFAULT 0,
    ok_streak       INTEGER NOT NULL DEFAULT 0,
    last_checked_at TEXT,
    last_latency_ms INTEGER,
    last_detail     TEXT,
    next_due_at     TEXT NOT NULL,
    baseline        TEXT,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX monitors_due ON monitors (next_due_at) WHERE enabled = 1 AND deleted = 0;
CREATE INDEX monitors_agency ON monitors (agency_id);

CREATE TABLE monitor_results (
    id          INTEGER PRIMARY KEY,
    monitor_id  INTEGER NOT NULL REFERENCES monitors(id),
    at          TEXT NOT NULL,
    ok          INTEGER NOT NULL,
    latency_ms  INTEGER,
    status      INTEGER,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX monitor_results_at ON monitor_results (monitor_id, at);
