-- +goose Up
-- Recertification and automatic attendance certificates.
--
-- An enrolment runs in cycles. When the certificate of a completed cycle has expired (the
-- course's validity period has passed), the learner starts a new cycle: the finished one is
-- copied into course_completions (what was completed, when, with which results), the
-- enrolment's completion, lesson completions and quiz results start again, and attendance counts
-- from the new cycle's start. Nothing is deleted; each cycle's completion earns its own
-- certificate, which supersedes the previous one.
ALTER TABLE course_enrolments ADD COLUMN cycle INTEGER NOT NULL DEFAULT 1;
ALTER TABLE course_enrolments ADD COLUMN cycle_started_at TIMESTAMPTZ;
CREATE INDEX course_enrolments_undelivered ON course_enrolments(completed_at)
    WHERE completed_at IS NOT NULL AND completion_notified_at IS NULL;

CREATE TABLE course_completions (
    id                 BIGSERIAL PRIMARY KEY,
    user_id            BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    course_id          BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    cycle              INTEGER NOT NULL,
    started_at         TIMESTAMPTZ NOT NULL,
    completed_at       TIMESTAMPTZ NOT NULL,
    completed_revision INTEGER NOT NULL,
    lessons            TEXT NOT NULL,  -- JSON [{lesson_id, completed_at}]
    quiz_results       TEXT NOT NULL,  -- JSON [{quiz_id, best_score, passed, attempts}]
    attended_minutes   INTEGER NOT NULL DEFAULT 0,
    ended_at           TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX course_completions_cycle ON course_completions(user_id, course_id, cycle);

-- A closed register is delivered to the certificates (attendance certificates for everyone who
-- attended); NULL until that succeeded, so the background loop retries. Registers closed before
-- this migration never promised automatic certificates.
ALTER TABLE live_sessions ADD COLUMN attendance_notified_at TIMESTAMPTZ;
UPDATE live_sessions SET attendance_notified_at = closed_at WHERE closed_at IS NOT NULL;
CREATE INDEX live_sessions_undelivered ON live_sessions(closed_at)
    WHERE closed_at IS NOT NULL AND attendance_notified_at IS NULL;

-- The enrolment cycle a completion certificate was earned in (0: not known, issued by date).
ALTER TABLE certificates ADD COLUMN cycle INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE certificates DROP COLUMN cycle;
DROP INDEX live_sessions_undelivered;
ALTER TABLE live_sessions DROP COLUMN attendance_notified_at;
DROP TABLE course_completions;
DROP INDEX course_enrolments_undelivered;
ALTER TABLE course_enrolments DROP COLUMN cycle_started_at;
ALTER TABLE course_enrolments DROP COLUMN cycle;
