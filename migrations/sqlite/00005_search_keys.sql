-- +goose Up
-- Names are searched in plain Latin letters, computed by the application
-- (SQLite's lower() folds only ASCII, so "Čolić" and "Ана" were unfindable).
-- Rows that exist already get an ASCII-folded key until they are next saved.
ALTER TABLE users ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
UPDATE users SET search_key = lower(full_name) || ' ' || email_key;
ALTER TABLE institutions ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
UPDATE institutions SET search_key = lower(name);

-- +goose Down
ALTER TABLE users DROP COLUMN search_key;
ALTER TABLE institutions DROP COLUMN search_key;
