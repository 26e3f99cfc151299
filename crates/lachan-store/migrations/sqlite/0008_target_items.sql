-- The checklist of each inspection target and the inspector's answers.
CREATE TABLE target_items (
    target_id  INTEGER NOT NULL REFERENCES plan_targets(id),
    position   INTEGER NOT NULL,
    code       TEXT NOT NULL,
    title      TEXT NOT NULL,
    title_en   TEXT NOT NULL DEFAULT '',
    result     TEXT NOT NULL DEFAULT 'pending'
               CHECK (result IN ('pending', 'passed', 'failed', 'not_applicable')),
    note       TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (target_id, code)
);
