-- +goose Up
-- A scenario says what the professional should do next (per language, JSON like the other
-- texts); review shows it with the answer key. Scenarios written before have none.
ALTER TABLE quiz_scenarios ADD COLUMN next_step TEXT NOT NULL DEFAULT '{"sr":"","en":""}';

-- +goose Down
ALTER TABLE quiz_scenarios DROP COLUMN next_step;
