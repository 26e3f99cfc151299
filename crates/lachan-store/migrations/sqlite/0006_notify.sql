-- Notification subscriptions (email, webhook) and the record of every delivery.
CREATE TABLE subscriptions (
    id           INTEGER PRIMARY KEY,
    channel      TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
    target       TEXT NOT NULL,
    template     TEXT NOT NULL DEFAULT 'json',
    agency_id    INTEGER REFERENCES agencies(id),
    user_id      INTEGER REFERENCES users(id),
    events       TEXT NOT NULL DEFAULT '[]',
    min_severity TEXT NOT NULL DEFAULT 'high',
    enabled      INTEGER NOT NULL DEFAULT 1,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions(id),
    event           TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_at         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX deliveries_due ON deliveries (status, next_at);
CREATE INDEX deliveries_subscription ON deliveries (subscription_id, id);
