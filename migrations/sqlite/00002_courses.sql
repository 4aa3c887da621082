-- +goose Up
-- Courses: authoring (a draft in courses/course_modules/course_lessons), publishing (an immutable
-- course_revisions row learners read, lesson content copied into the lessons' pub_* columns),
-- enrolments and progress kept on stable lesson ids, live sessions with an attendance register
-- whose every change is kept in attendance_records.

CREATE TABLE courses (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    slug               TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'draft',
    owner_id           INTEGER NOT NULL REFERENCES users(id),
    version            INTEGER NOT NULL DEFAULT 1,
    published_revision INTEGER NOT NULL DEFAULT 0,
    title_sr           TEXT NOT NULL,
    title_en           TEXT NOT NULL DEFAULT '',
    summary_sr         TEXT NOT NULL DEFAULT '',
    summary_en         TEXT NOT NULL DEFAULT '',
    professions        TEXT NOT NULL DEFAULT '',
    languages          TEXT NOT NULL DEFAULT '',
    level              TEXT NOT NULL,
    hours              REAL NOT NULL DEFAULT 0,
    validity_months    INTEGER NOT NULL DEFAULT 0,
    content_warning    BOOLEAN NOT NULL DEFAULT FALSE,
    self_enrol         BOOLEAN NOT NULL DEFAULT TRUE,
    min_attended_hours REAL NOT NULL DEFAULT 0,
    rule_quizzes       TEXT NOT NULL DEFAULT '[]',
    search_text        TEXT NOT NULL DEFAULT '',
    sort_title         TEXT NOT NULL DEFAULT '',
    published_at       DATETIME,
    archived_at        DATETIME,
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL
);
CREATE UNIQUE INDEX courses_slug ON courses(slug);
CREATE INDEX courses_owner ON courses(owner_id);
CREATE INDEX courses_status ON courses(status);

CREATE TABLE course_authors (
    course_id  INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_at   DATETIME NOT NULL,
    PRIMARY KEY (course_id, user_id)
);
CREATE INDEX course_authors_user ON course_authors(user_id);

-- One row per publication; never changed. The catalogue reads the listing columns of the
-- course's current revision, the learner's view its outline.
CREATE TABLE course_revisions (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id          INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    revision           INTEGER NOT NULL,
    title_sr           TEXT NOT NULL,
    title_en           TEXT NOT NULL DEFAULT '',
    summary_sr         TEXT NOT NULL DEFAULT '',
    summary_en         TEXT NOT NULL DEFAULT '',
    professions        TEXT NOT NULL DEFAULT '',
    languages          TEXT NOT NULL DEFAULT '',
    level              TEXT NOT NULL,
    hours              REAL NOT NULL DEFAULT 0,
    validity_months    INTEGER NOT NULL DEFAULT 0,
    content_warning    BOOLEAN NOT NULL DEFAULT FALSE,
    self_enrol         BOOLEAN NOT NULL DEFAULT TRUE,
    search_text        TEXT NOT NULL DEFAULT '',
    sort_title         TEXT NOT NULL DEFAULT '',
    outline            TEXT NOT NULL,
    published_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    published_at       DATETIME NOT NULL
);
CREATE UNIQUE INDEX course_revisions_number ON course_revisions(course_id, revision);

CREATE TABLE course_modules (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id   INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    title_sr    TEXT NOT NULL,
    title_en    TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    archived_at DATETIME,
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);
CREATE INDEX course_modules_course ON course_modules(course_id, position);

-- Lessons are never deleted: progress points at their ids. A removed lesson is archived.
CREATE TABLE course_lessons (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id       INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    module_id       INTEGER NOT NULL REFERENCES course_modules(id),
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
    published_at    DATETIME,
    archived_at     DATETIME,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE INDEX course_lessons_module ON course_lessons(module_id, position);
CREATE UNIQUE INDEX course_lessons_key ON course_lessons(course_id, lesson_key);

CREATE TABLE course_enrolments (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id                INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    course_id              INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    source                 TEXT NOT NULL,
    assigned_by            INTEGER REFERENCES users(id) ON DELETE SET NULL,
    due_at                 DATETIME,
    enrolled_at            DATETIME NOT NULL,
    completed_at           DATETIME,
    completed_revision     INTEGER NOT NULL DEFAULT 0,
    completion_notified_at DATETIME,
    last_activity_at       DATETIME
);
CREATE UNIQUE INDEX course_enrolments_user_course ON course_enrolments(user_id, course_id);
CREATE INDEX course_enrolments_course ON course_enrolments(course_id);

CREATE TABLE lesson_progress (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    course_id     INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    lesson_id     INTEGER NOT NULL REFERENCES course_lessons(id) ON DELETE CASCADE,
    completed_at  DATETIME,
    seconds_spent INTEGER NOT NULL DEFAULT 0,
    last_beat_at  DATETIME,
    updated_at    DATETIME NOT NULL
);
CREATE UNIQUE INDEX lesson_progress_user_lesson ON lesson_progress(user_id, lesson_id);
CREATE INDEX lesson_progress_user_course ON lesson_progress(user_id, course_id);

-- Reported by the quiz package; quiz ids are the quiz package's, without a foreign key.
CREATE TABLE course_quiz_results (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    course_id   INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    quiz_id     INTEGER NOT NULL,
    best_score  REAL NOT NULL DEFAULT 0,
    last_score  REAL NOT NULL DEFAULT 0,
    passed      BOOLEAN NOT NULL DEFAULT FALSE,
    attempts    INTEGER NOT NULL DEFAULT 0,
    updated_at  DATETIME NOT NULL
);
CREATE UNIQUE INDEX course_quiz_results_user_quiz ON course_quiz_results(user_id, quiz_id);
CREATE INDEX course_quiz_results_user_course ON course_quiz_results(user_id, course_id);

CREATE TABLE live_sessions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id        INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    title_sr         TEXT NOT NULL DEFAULT '',
    title_en         TEXT NOT NULL DEFAULT '',
    place            TEXT NOT NULL DEFAULT '',
    link             TEXT NOT NULL DEFAULT '',
    starts_at        DATETIME NOT NULL,
    duration_minutes INTEGER NOT NULL,
    capacity         INTEGER NOT NULL,
    registered       INTEGER NOT NULL DEFAULT 0,
    trainer_id       INTEGER NOT NULL REFERENCES users(id),
    version          INTEGER NOT NULL DEFAULT 1,
    closed_at        DATETIME,
    closed_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    cancelled_at     DATETIME,
    created_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL
);
CREATE INDEX live_sessions_course ON live_sessions(course_id, starts_at);
CREATE INDEX live_sessions_trainer ON live_sessions(trainer_id);

-- The register's current state per person; attendance_records keeps every entry and correction.
CREATE TABLE session_registrations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id    INTEGER NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    registered_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    registered_at DATETIME NOT NULL,
    status        TEXT NOT NULL DEFAULT '',
    minutes       INTEGER NOT NULL DEFAULT 0,
    recorded_at   DATETIME
);
CREATE UNIQUE INDEX session_registrations_session_user ON session_registrations(session_id, user_id);
CREATE INDEX session_registrations_user ON session_registrations(user_id);

CREATE TABLE attendance_records (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id   INTEGER NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status       TEXT NOT NULL,
    minutes      INTEGER NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    after_close  BOOLEAN NOT NULL DEFAULT FALSE,
    recorded_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    recorded_at  DATETIME NOT NULL
);
CREATE INDEX attendance_records_session ON attendance_records(session_id, user_id, id);

-- +goose StatementBegin
CREATE TRIGGER attendance_records_no_update BEFORE UPDATE ON attendance_records
BEGIN SELECT RAISE(ABORT, 'attendance_records is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE attendance_records;
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
