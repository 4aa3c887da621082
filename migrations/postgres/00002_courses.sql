-- +goose Up
-- Courses: authoring (a draft in courses/course_modules/course_lessons), publishing (an immutable
-- course_revisions row learners read, lesson content copied into the lessons' pub_* columns),
-- enrolments and progress kept on stable lesson ids, live sessions with an attendance register
-- whose every change is kept in attendance_records.

CREATE TABLE courses (
    id                 BIGSERIAL PRIMARY KEY,
    slug               TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'draft',
    owner_id           BIGINT NOT NULL REFERENCES users(id),
    version            INTEGER NOT NULL DEFAULT 1,
    published_revision INTEGER NOT NULL DEFAULT 0,
    title_sr           TEXT NOT NULL,
    title_en           TEXT NOT NULL DEFAULT '',
    summary_sr         TEXT NOT NULL DEFAULT '',
    summary_en         TEXT NOT NULL DEFAULT '',
    professions        TEXT NOT NULL DEFAULT '',
    languages          TEXT NOT NULL DEFAULT '',
    level              TEXT NOT NULL,
    hours              DOUBLE PRECISION NOT NULL DEFAULT 0,
    validity_months    INTEGER NOT NULL DEFAULT 0,
    content_warning    BOOLEAN NOT NULL DEFAULT FALSE,
    self_enrol         BOOLEAN NOT NULL DEFAULT TRUE,
    min_attended_hours DOUBLE PRECISION NOT NULL DEFAULT 0,
    rule_quizzes       TEXT NOT NULL DEFAULT '[]',
    search_text        TEXT NOT NULL DEFAULT '',
    sort_title         TEXT NOT NULL DEFAULT '',
    published_at       TIMESTAMPTZ,
    archived_at        TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX courses_slug ON courses(slug);
CREATE INDEX courses_owner ON courses(owner_id);
CREATE INDEX courses_status ON courses(status);

CREATE TABLE course_authors (
    course_id  BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (course_id, user_id)
);
CREATE INDEX course_authors_user ON course_authors(user_id);

-- One row per publication; never changed. The catalogue reads the listing columns of the
-- course's current revision, the learner's view its outline.
CREATE TABLE course_revisions (
    id                 BIGSERIAL PRIMARY KEY,
    course_id          BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    revision           INTEGER NOT NULL,
    title_sr           TEXT NOT NULL,
    title_en           TEXT NOT NULL DEFAULT '',
    summary_sr         TEXT NOT NULL DEFAULT '',
    summary_en         TEXT NOT NULL DEFAULT '',
    professions        TEXT NOT NULL DEFAULT '',
    languages          TEXT NOT NULL DEFAULT '',
    level              TEXT NOT NULL,
    hours              DOUBLE PRECISION NOT NULL DEFAULT 0,
    validity_months    INTEGER NOT NULL DEFAULT 0,
    content_warning    BOOLEAN NOT NULL DEFAULT FALSE,
    self_enrol         BOOLEAN NOT NULL DEFAULT TRUE,
    search_text        TEXT NOT NULL DEFAULT '',
    sort_title         TEXT NOT NULL DEFAULT '',
    outline            TEXT NOT NULL,
    published_by       BIGINT REFERENCES users(id) ON DELETE SET NULL,
    published_at       TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX course_revisions_number ON course_revisions(course_id, revision);

CREATE TABLE course_modules (
    id          BIGSERIAL PRIMARY KEY,
    course_id   BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    title_sr    TEXT NOT NULL,
    title_en    TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    archived_at TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX course_modules_course ON course_modules(course_id, position);

-- Lessons are never deleted: progress points at their ids. A removed lesson is archived.
CREATE TABLE course_lessons (
    id              BIGSERIAL PRIMARY KEY,
    course_id       BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    module_id       BIGINT NOT NULL REFERENCES course_modules(id),
    lesson_key      TEXT NOT NULL,
    position        INTEGER NOT NULL,
    title_sr        TEXT NOT NULL,
    title_en        TEXT NOT NULL DEFAULT '',
    body_sr         TEXT NOT NULL DEFAULT '',
    body_en         TEXT NOT NULL DEFAULT '',
    html_sr         TEXT NOT NULL DEFAULT '',
    html_en         TEXT NOT NULL DEFAULT '',
    reading_minutes INTEGER NOT NULL DEFAULT 0,
    content_warning BOOLEAN NOT NULL DEFAULT FALSE,
    required        BOOLEAN NOT NULL DEFAULT TRUE,
    version         INTEGER NOT NULL DEFAULT 1,
    pub_title_sr    TEXT NOT NULL DEFAULT '',
    pub_title_en    TEXT NOT NULL DEFAULT '',
    pub_html_sr     TEXT NOT NULL DEFAULT '',
    pub_html_en     TEXT NOT NULL DEFAULT '',
    published_at    TIMESTAMPTZ,
    archived_at     TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX course_lessons_module ON course_lessons(module_id, position);
CREATE UNIQUE INDEX course_lessons_key ON course_lessons(course_id, lesson_key);

CREATE TABLE course_enrolments (
    id                     BIGSERIAL PRIMARY KEY,
    user_id                BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    course_id              BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    source                 TEXT NOT NULL,
    assigned_by            BIGINT REFERENCES users(id) ON DELETE SET NULL,
    due_at                 TIMESTAMPTZ,
    enrolled_at            TIMESTAMPTZ NOT NULL,
    completed_at           TIMESTAMPTZ,
    completed_revision     INTEGER NOT NULL DEFAULT 0,
    completion_notified_at TIMESTAMPTZ,
    last_activity_at       TIMESTAMPTZ
);
CREATE UNIQUE INDEX course_enrolments_user_course ON course_enrolments(user_id, course_id);
CREATE INDEX course_enrolments_course ON course_enrolments(course_id);

CREATE TABLE lesson_progress (
    id            BIGSERIAL PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    course_id     BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    lesson_id     BIGINT NOT NULL REFERENCES course_lessons(id) ON DELETE CASCADE,
    completed_at  TIMESTAMPTZ,
    seconds_spent INTEGER NOT NULL DEFAULT 0,
    last_beat_at  TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX lesson_progress_user_lesson ON lesson_progress(user_id, lesson_id);
CREATE INDEX lesson_progress_user_course ON lesson_progress(user_id, course_id);

-- Reported by the quiz package; quiz ids are the quiz package's, without a foreign key.
CREATE TABLE course_quiz_results (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    course_id   BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    quiz_id     BIGINT NOT NULL,
    best_score  DOUBLE PRECISION NOT NULL DEFAULT 0,
    last_score  DOUBLE PRECISION NOT NULL DEFAULT 0,
    passed      BOOLEAN NOT NULL DEFAULT FALSE,
    attempts    INTEGER NOT NULL DEFAULT 0,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX course_quiz_results_user_quiz ON course_quiz_results(user_id, quiz_id);
CREATE INDEX course_quiz_results_user_course ON course_quiz_results(user_id, course_id);

CREATE TABLE live_sessions (
    id               BIGSERIAL PRIMARY KEY,
    course_id        BIGINT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    title_sr         TEXT NOT NULL DEFAULT '',
    title_en         TEXT NOT NULL DEFAULT '',
    place            TEXT NOT NULL DEFAULT '',
    link             TEXT NOT NULL DEFAULT '',
    starts_at        TIMESTAMPTZ NOT NULL,
    duration_minutes INTEGER NOT NULL,
    capacity         INTEGER NOT NULL,
    registered       INTEGER NOT NULL DEFAULT 0,
    trainer_id       BIGINT NOT NULL REFERENCES users(id),
    version          INTEGER NOT NULL DEFAULT 1,
    closed_at        TIMESTAMPTZ,
    closed_by        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    cancelled_at     TIMESTAMPTZ,
    created_by       BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX live_sessions_course ON live_sessions(course_id, starts_at);
CREATE INDEX live_sessions_trainer ON live_sessions(trainer_id);

-- The register's current state per person; attendance_records keeps every entry and correction.
CREATE TABLE session_registrations (
    id            BIGSERIAL PRIMARY KEY,
    session_id    BIGINT NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    registered_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    registered_at TIMESTAMPTZ NOT NULL,
    status        TEXT NOT NULL DEFAULT '',
    minutes       INTEGER NOT NULL DEFAULT 0,
    recorded_at   TIMESTAMPTZ
);
CREATE UNIQUE INDEX session_registrations_session_user ON session_registrations(session_id, user_id);
CREATE INDEX session_registrations_user ON session_registrations(user_id);

CREATE TABLE attendance_records (
    id           BIGSERIAL PRIMARY KEY,
    session_id   BIGINT NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status       TEXT NOT NULL,
    minutes      INTEGER NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    after_close  BOOLEAN NOT NULL DEFAULT FALSE,
    recorded_by  BIGINT REFERENCES users(id) ON DELETE SET NULL,
    recorded_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX attendance_records_session ON attendance_records(session_id, user_id, id);

-- +goose StatementBegin
CREATE FUNCTION attendance_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'attendance_records is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER attendance_records_no_update BEFORE UPDATE ON attendance_records
FOR EACH ROW EXECUTE FUNCTION attendance_records_append_only();

-- +goose Down
DROP TABLE attendance_records;
DROP FUNCTION attendance_records_append_only();
DROP TABLE session_registrations;
DROP TABLE live_sessions;
DROP TABLE course_quiz_results;
DROP TABLE lesson_progress;
DROP TABLE course_enrolments;
DROP TABLE course_lessons;
DROP TABLE course_modules;
DROP TABLE course_revisions;
DROP TABLE course_authors;
DROP TABLE courses;
