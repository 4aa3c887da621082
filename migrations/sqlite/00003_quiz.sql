-- +goose Up
-- The quiz engine: the versioned indicator catalogue, scenarios, the question bank, quizzes and
-- their publications, attempts and their questions. Courses and modules live in the courses
-- package's tables; quiz rows keep their ids without a foreign key so the two packages migrate
-- independently, and the quiz service asks the courses service about them.

-- Every admin edit of the catalogue is a new row; quizzes pin the version they were published with.
CREATE TABLE quiz_catalogues (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version     INTEGER NOT NULL,
    format      TEXT NOT NULL,
    source      TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  DATETIME NOT NULL
);
CREATE UNIQUE INDEX quiz_catalogues_version ON quiz_catalogues(version);

CREATE TABLE quiz_categories (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id   INTEGER NOT NULL,
    name        TEXT NOT NULL,
    created_at  DATETIME NOT NULL
);
CREATE UNIQUE INDEX quiz_categories_name ON quiz_categories(course_id, name);

CREATE TABLE quiz_scenarios (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id       INTEGER NOT NULL,
    version         INTEGER NOT NULL,
    title           TEXT NOT NULL,
    age_group       TEXT NOT NULL,
    exploitation    TEXT NOT NULL,
    indicator_list  TEXT NOT NULL,
    professions     TEXT NOT NULL,
    content_warning TEXT NOT NULL,
    narrative       TEXT NOT NULL,
    present         TEXT NOT NULL,
    evidence        TEXT NOT NULL,
    created_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE INDEX quiz_scenarios_course ON quiz_scenarios(course_id);

CREATE TABLE quiz_questions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id       INTEGER NOT NULL,
    category_id     INTEGER REFERENCES quiz_categories(id) ON DELETE SET NULL,
    scenario_id     INTEGER REFERENCES quiz_scenarios(id) ON DELETE RESTRICT,
    type            TEXT NOT NULL,
    external_id     TEXT NOT NULL DEFAULT '',
    current_version INTEGER NOT NULL,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE INDEX quiz_questions_course ON quiz_questions(course_id, category_id);
CREATE INDEX quiz_questions_scenario ON quiz_questions(scenario_id);

CREATE TABLE quiz_question_tags (
    question_id INTEGER NOT NULL REFERENCES quiz_questions(id) ON DELETE CASCADE,
    tag         TEXT NOT NULL,
    PRIMARY KEY (question_id, tag)
);
CREATE INDEX quiz_question_tags_tag ON quiz_question_tags(tag);

-- A version is never changed once written: attempts keep the versions they started with.
CREATE TABLE quiz_question_versions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    question_id INTEGER NOT NULL REFERENCES quiz_questions(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    type        TEXT NOT NULL,
    definition  TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  DATETIME NOT NULL
);
CREATE UNIQUE INDEX quiz_question_versions_number ON quiz_question_versions(question_id, version);

CREATE TABLE quiz_quizzes (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id          INTEGER NOT NULL,
    module_id          INTEGER NOT NULL,
    version            INTEGER NOT NULL,
    settings           TEXT NOT NULL,
    slots              TEXT NOT NULL,
    publication_id     INTEGER,
    created_by         INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL
);
CREATE INDEX quiz_quizzes_course ON quiz_quizzes(course_id);
CREATE INDEX quiz_quizzes_module ON quiz_quizzes(module_id);

-- Publishing freezes the settings, the question versions of every slot and the catalogue version.
CREATE TABLE quiz_publications (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    quiz_id           INTEGER NOT NULL REFERENCES quiz_quizzes(id) ON DELETE CASCADE,
    number            INTEGER NOT NULL,
    catalogue_version INTEGER NOT NULL,
    settings          TEXT NOT NULL,
    slots             TEXT NOT NULL,
    published_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    published_at      DATETIME NOT NULL
);
CREATE UNIQUE INDEX quiz_publications_number ON quiz_publications(quiz_id, number);

-- (quiz, user, number) is unique: two concurrent starts cannot both take the last attempt.
CREATE TABLE quiz_attempts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    quiz_id        INTEGER NOT NULL REFERENCES quiz_quizzes(id) ON DELETE CASCADE,
    publication_id INTEGER NOT NULL REFERENCES quiz_publications(id) ON DELETE CASCADE,
    course_id      INTEGER NOT NULL,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    number         INTEGER NOT NULL,
    state          TEXT NOT NULL,
    lang           TEXT NOT NULL,
    profession     TEXT NOT NULL DEFAULT '',
    institution_id INTEGER,
    started_at     DATETIME NOT NULL,
    deadline       DATETIME,
    submitted_at   DATETIME,
    auto_submitted BOOLEAN NOT NULL DEFAULT FALSE,
    score          REAL,
    points         REAL,
    max_points     REAL NOT NULL,
    passed         BOOLEAN,
    recorded_at    DATETIME,
    updated_at     DATETIME NOT NULL
);
CREATE UNIQUE INDEX quiz_attempts_number ON quiz_attempts(quiz_id, user_id, number);
CREATE INDEX quiz_attempts_open ON quiz_attempts(state, deadline);
CREATE INDEX quiz_attempts_course ON quiz_attempts(course_id, state);
CREATE INDEX quiz_attempts_user ON quiz_attempts(user_id);

CREATE TABLE quiz_attempt_questions (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    attempt_id          INTEGER NOT NULL REFERENCES quiz_attempts(id) ON DELETE CASCADE,
    position            INTEGER NOT NULL,
    question_id         INTEGER NOT NULL REFERENCES quiz_questions(id) ON DELETE RESTRICT,
    question_version_id INTEGER NOT NULL REFERENCES quiz_question_versions(id) ON DELETE RESTRICT,
    points              REAL NOT NULL,
    layout              TEXT NOT NULL,
    response            TEXT,
    saved_at            DATETIME,
    locked              BOOLEAN NOT NULL DEFAULT FALSE,
    fraction            REAL,
    mark                TEXT
);
CREATE UNIQUE INDEX quiz_attempt_questions_position ON quiz_attempt_questions(attempt_id, position);
CREATE INDEX quiz_attempt_questions_question ON quiz_attempt_questions(question_id);

-- +goose Down
DROP TABLE quiz_attempt_questions;
DROP TABLE quiz_attempts;
DROP TABLE quiz_publications;
DROP TABLE quiz_quizzes;
DROP TABLE quiz_question_versions;
DROP TABLE quiz_question_tags;
DROP TABLE quiz_questions;
DROP TABLE quiz_scenarios;
DROP TABLE quiz_categories;
DROP TABLE quiz_catalogues;
