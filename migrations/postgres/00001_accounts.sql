-- +goose Up
CREATE TABLE institutions (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    city        TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id                 BIGSERIAL PRIMARY KEY,
    email              TEXT NOT NULL,
    email_key          TEXT NOT NULL,
    full_name          TEXT NOT NULL,
    locale             TEXT NOT NULL DEFAULT 'sr-Cyrl',
    profession         TEXT NOT NULL DEFAULT 'other',
    institution_id     BIGINT REFERENCES institutions(id) ON DELETE SET NULL,
    password_hash      TEXT NOT NULL,
    is_trainer         BOOLEAN NOT NULL DEFAULT FALSE,
    is_manager         BOOLEAN NOT NULL DEFAULT FALSE,
    is_admin           BOOLEAN NOT NULL DEFAULT FALSE,
    disabled_at        TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users(email_key);
CREATE INDEX users_institution ON users(institution_id);

CREATE TABLE refresh_tokens (
    id                BIGSERIAL PRIMARY KEY,
    user_id           BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    family_id         TEXT NOT NULL,
    token_hash        TEXT NOT NULL,
    family_started_at TIMESTAMPTZ NOT NULL,
    issued_at         TIMESTAMPTZ NOT NULL,
    rotated_at        TIMESTAMPTZ,
    revoked_at        TIMESTAMPTZ
);
CREATE UNIQUE INDEX refresh_tokens_hash ON refresh_tokens(token_hash);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);

CREATE TABLE login_failures (
    id         BIGSERIAL PRIMARY KEY,
    email_key  TEXT NOT NULL,
    client_ip  TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_email ON login_failures(email_key, at);
CREATE INDEX login_failures_ip ON login_failures(client_ip, at);

CREATE TABLE invitations (
    id             BIGSERIAL PRIMARY KEY,
    institution_id BIGINT NOT NULL REFERENCES institutions(id) ON DELETE CASCADE,
    code_hash      TEXT NOT NULL,
    code_hint      TEXT NOT NULL,
    email_key      TEXT NOT NULL DEFAULT '',
    full_name      TEXT NOT NULL DEFAULT '',
    profession     TEXT NOT NULL DEFAULT '',
    max_uses       INTEGER NOT NULL,
    uses           INTEGER NOT NULL DEFAULT 0,
    expires_at     TIMESTAMPTZ NOT NULL,
    revoked_at     TIMESTAMPTZ,
    created_by     BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX invitations_code ON invitations(code_hash);
CREATE INDEX invitations_institution ON invitations(institution_id);

CREATE TABLE audit_events (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    BIGINT,
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
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- +goose Down
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE invitations;
DROP TABLE login_failures;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TABLE institutions;
