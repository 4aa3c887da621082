// Package courses is where trainers build training and professionals follow
// it: courses with ordered modules and lessons (Markdown per language,
// rendered and sanitised when saved), a draft that publishing snapshots into
// the revision learners see, the catalogue, enrolments (self, by a manager,
// by a trainer), lesson progress with bounded heartbeats, the completion rule
// and its event, live sessions with an attendance register, managers' progress
// reports, and import and export of a whole course (see FORMAT.md).
//
// Drafts and what learners see are kept apart. Trainers edit courses,
// course_modules and course_lessons; publishing writes an immutable
// course_revisions row (the listing fields and the outline: which lessons, in
// which order, which are required) and copies each lesson's rendered HTML into
// its pub_* columns. Learners only ever read those. Lessons are never deleted,
// only archived, so progress kept on lesson ids survives any edit.
//
// An enrolment runs in cycles (see Retake): once a completion's validity has
// passed, the learner starts the next cycle; the finished one is kept in
// course_completions and everything the completion rule counts starts again.
// Completions (CompletionListener) and closed registers (RegisterListener)
// are delivered after their commit and again by RedeliverCompletions and
// RedeliverRegisters until a delivery succeeds.
//
// Object scope answers 404, never 403: a course is visible when published, or
// to its owner, its co-authors and admins; a session's register to its
// trainer, the course's editors, admins and the managers of the institutions
// whose staff are on it (their own staff only).
package courses
