-- The alert queue: detections grouped by rule, host and agency while open.
CREATE TABLE alerts (
    id            INTEGER PRIMARY KEY,
    rule_id       TEXT NOT NULL,
    rule_title    TEXT NOT NULL,
    level         TEXT NOT NULL,
    host          TEXT NOT NULL DEFAULT '',
    agency_id     INTEGER REFERENCES agencies(id),
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    count         INTEGER NOT NULL DEFAULT 1,
    status        TEXT NOT NULL DEFAULT 'open'
                  CHECK (status IN ('open', 'acknowledged', 'closed')),
    assignee      TEXT,
    close_reason  TEXT,
    key_fields    TEXT NOT NULL DEFAULT '{}',
    event_ids     TEXT NOT NULL DEFAULT '[]',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX alerts_group ON alerts (rule_id, host, agency_id) WHERE status <> 'closed';
CREATE INDEX alerts_last_seen ON alerts (last_seen);
CREATE INDEX alerts_agency ON alerts (agency_id, last_seen);
