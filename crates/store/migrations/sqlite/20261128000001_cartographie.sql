-- Cartographie workspace: one database holds one organisation's workspace.
-- Timestamps are UTC text `YYYY-MM-DDTHH:MM:SSZ` (sortable, same on both backends).

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    file_name   TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    imported_at TEXT    NOT NULL,
    row_count   INTEGER NOT NULL,
    inserted    INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    summary     TEXT    NOT NULL
);

CREATE TABLE positions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The identifier of the file, or a key derived from the content when there is none.
    external_key  TEXT    NOT NULL UNIQUE,
    external_id   TEXT,
    title         TEXT    NOT NULL,
    missions      TEXT,
    service       TEXT,
    headcount     REAL,
    match1_id     TEXT,
    match1_score  REAL,
    match2_id     TEXT,
    match2_score  REAL,
    match3_id     TEXT,
    match3_score  REAL,
    confident     INTEGER NOT NULL DEFAULT 0,
    -- The occupation retained: the matcher's first until a reviewer decides.
    occupation_id TEXT,
    status        TEXT    NOT NULL,
    reviewer      TEXT,
    reviewed_at   TEXT,
    import_id     INTEGER REFERENCES imports (id),
    source_line   INTEGER,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX positions_status ON positions (status);
CREATE INDEX positions_occupation ON positions (occupation_id);

-- Append-only history of decisions.
CREATE TABLE reviews (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    position_id            INTEGER NOT NULL REFERENCES positions (id),
    reviewer               TEXT    NOT NULL,
    reviewed_at            TEXT    NOT NULL,
    previous_occupation_id TEXT,
    previous_status        TEXT    NOT NULL,
    new_occupation_id      TEXT    NOT NULL,
    new_status             TEXT    NOT NULL
);
CREATE INDEX reviews_position ON reviews (position_id);
CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN
    SELECT RAISE(ABORT, 'reviews are append-only');
END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN
    SELECT RAISE(ABORT, 'reviews are append-only');
END;

-- The organisation's own titles, taught by confirmed decisions; removal is kept as history.
CREATE TABLE learned_titles (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    title              TEXT    NOT NULL,
    title_key          TEXT    NOT NULL,
    occupation_id      TEXT    NOT NULL,
    source_position_id INTEGER REFERENCES positions (id),
    learned_by         TEXT    NOT NULL,
    learned_at         TEXT    NOT NULL,
    removed_by         TEXT,
    removed_at         TEXT
);
CREATE UNIQUE INDEX learned_titles_active ON learned_titles (title_key) WHERE removed_at IS NULL;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Portal sessions live in the database so that several instances share them.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
