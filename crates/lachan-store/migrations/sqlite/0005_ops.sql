-- Operations: incidents, findings, recommendation letters, inspection plans.
CREATE TABLE incidents (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    description   TEXT,
    severity      TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    category      TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'new',
    agency_id     INTEGER NOT NULL REFERENCES agencies(id),
    system_id     INTEGER REFERENCES systems(id) ON DELETE SET NULL,
    assets        TEXT NOT NULL DEFAULT '[]',
    assignee      TEXT,
    impact        TEXT,
    personal_data INTEGER NOT NULL DEFAULT 0,
    detected_at   TEXT NOT NULL,
    reported_at   TEXT,
    resolve_by    TEXT NOT NULL,
    closed_at     TEXT,
    close_reason  TEXT,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX incidents_agency ON incidents (agency_id, status);
CREATE INDEX incidents_detected ON incidents (detected_at);

CREATE TABLE incident_alerts (
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    alert_id    INTEGER NOT NULL REFERENCES alerts(id),
    PRIMARY KEY (incident_id, alert_id)
);
CREATE INDEX incident_alerts_alert ON incident_alerts (alert_id);

-- Every change and note, in order: the incident's timeline.
CREATE TABLE incident_log (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX incident_log_incident ON incident_log (incident_id, id);

CREATE TABLE incident_tasks (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    title       TEXT NOT NULL,
    assignee    TEXT,
    due_date    TEXT,
    done        INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX incident_tasks_incident ON incident_tasks (incident_id);

CREATE TABLE incident_evidence (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    name        TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    content     BLOB NOT NULL,
    note        TEXT,
    added_by    TEXT NOT NULL,
    added_at    TEXT NOT NULL
);
CREATE INDEX incident_evidence_incident ON incident_evidence (incident_id);

CREATE TABLE plans (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    date        TEXT NOT NULL,
    title       TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    team        TEXT NOT NULL DEFAULT '[]',
    description TEXT,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE plan_targets (
    id             INTEGER PRIMARY KEY,
    plan_id        INTEGER NOT NULL REFERENCES plans(id),
    kind           TEXT NOT NULL,
    agency_id      INTEGER NOT NULL REFERENCES agencies(id),
    system_id      INTEGER REFERENCES systems(id) ON DELETE SET NULL,
    name           TEXT,
    scheduled_date TEXT,
    checklist      TEXT NOT NULL,
    reinspection   INTEGER NOT NULL DEFAULT 0,
    status         TEXT NOT NULL DEFAULT 'planned'
                   CHECK (status IN ('planned', 'done', 'cancelled')),
    inspected_on   TEXT,
    passed         INTEGER NOT NULL DEFAULT 0,
    failed         INTEGER NOT NULL DEFAULT 0,
    not_applicable INTEGER NOT NULL DEFAULT 0,
    summary        TEXT,
    inspector      TEXT,
    updated_at     TEXT NOT NULL
);
CREATE INDEX plan_targets_plan ON plan_targets (plan_id);
CREATE INDEX plan_targets_agency ON plan_targets (agency_id);

CREATE TABLE findings (
    id                INTEGER PRIMARY KEY,
    title             TEXT NOT NULL,
    description       TEXT,
    severity          TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    status            TEXT NOT NULL DEFAULT 'open',
    status_reason     TEXT,
    source            TEXT NOT NULL,
    source_ref        TEXT,
    agency_id         INTEGER NOT NULL REFERENCES agencies(id),
    system_id         INTEGER REFERENCES systems(id) ON DELETE SET NULL,
    asset             TEXT,
    evidence          TEXT,
    recommendation    TEXT,
    fingerprint       TEXT NOT NULL,
    occurrences       INTEGER NOT NULL DEFAULT 1,
    first_seen        TEXT NOT NULL,
    last_seen         TEXT NOT NULL,
    due_date          TEXT,
    target_id         INTEGER REFERENCES plan_targets(id),
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
-- One live finding per fingerprint; a verified one may be followed by a new one.
CREATE UNIQUE INDEX findings_live ON findings (fingerprint) WHERE status <> 'verified';
CREATE INDEX findings_agency ON findings (agency_id, status);

CREATE TABLE finding_log (
    id         INTEGER PRIMARY KEY,
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX finding_log_finding ON finding_log (finding_id, id);

CREATE TABLE letters (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    date        TEXT NOT NULL,
    agency_id   INTEGER NOT NULL REFERENCES agencies(id),
    subject     TEXT,
    signer      TEXT,
    body        TEXT,
    deadline    TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX letters_agency ON letters (agency_id, date);

CREATE TABLE letter_findings (
    letter_id  INTEGER NOT NULL REFERENCES letters(id),
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    PRIMARY KEY (letter_id, finding_id)
);
CREATE INDEX letter_findings_finding ON letter_findings (finding_id);
