-- +goose Up
CREATE TABLE institutions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    city        TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);

CREATE TABLE users (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    email              TEXT NOT NULL,
    email_key          TEXT NOT NULL,
    full_name          TEXT NOT NULL,
    locale             TEXT NOT NULL DEFAULT 'sr-Cyrl',
    profession         TEXT NOT NULL DEFAULT 'other',
    institution_id     INTEGER REFERENCES institutions(id) ON DELETE SET NULL,
    password_hash      TEXT NOT NULL,
    is_trainer         BOOLEAN NOT NULL DEFAULT FALSE,
    is_manager         BOOLEAN NOT NULL DEFAULT FALSE,
    is_admin           BOOLEAN NOT NULL DEFAULT FALSE,
    disabled_at        DATETIME,
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users(email_key);
CREATE INDEX users_institution ON users(institution_id);

CREATE TABLE refresh_tokens (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id           INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    family_id         TEXT NOT NULL,
    token_hash        TEXT NOT NULL,
    family_started_at DATETIME NOT NULL,
    issued_at         DATETIME NOT NULL,
    rotated_at        DATETIME,
    revoked_at        DATETIME
);
CREATE UNIQUE INDEX refresh_tokens_hash ON refresh_tokens(token_hash);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);

CREATE TABLE login_failures (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    email_key  TEXT NOT NULL,
    client_ip  TEXT NOT NULL,
    at         DATETIME NOT NULL
);
CREATE INDEX login_failures_email ON login_failures(email_key, at);
CREATE INDEX login_failures_ip ON login_failures(client_ip, at);

CREATE TABLE invitations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    institution_id INTEGER NOT NULL REFERENCES institutions(id) ON DELETE CASCADE,
    code_hash      TEXT NOT NULL,
    code_hint      TEXT NOT NULL,
    email_key      TEXT NOT NULL DEFAULT '',
    full_name      TEXT NOT NULL DEFAULT '',
    profession     TEXT NOT NULL DEFAULT '',
    max_uses       INTEGER NOT NULL,
    uses           INTEGER NOT NULL DEFAULT 0,
    expires_at     DATETIME NOT NULL,
    revoked_at     DATETIME,
    created_by     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at     DATETIME NOT NULL
);
CREATE UNIQUE INDEX invitations_code ON invitations(code_hash);
CREATE INDEX invitations_institution ON invitations(institution_id);

CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          DATETIME NOT NULL,
    actor_id    INTEGER,
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL DEFAULT '',
    target_id   TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL,
    client_ip   TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_at ON audit_events(at);
CREATE INDEX audit_events_actor ON audit_events(actor_id, at);
CREATE INDEX audit_events_action ON audit_events(action, at);

-- The audit log is append-only: the database itself refuses edits and deletes.
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_events;
DROP TABLE invitations;
DROP TABLE login_failures;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TABLE institutions;
