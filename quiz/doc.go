// Package quiz holds the indicator catalogue and decision rule, scenarios, questions, quizzes,
// attempts, grading, feedback, analytics and question import (GIFT).
//
// The files without a database (catalogue*.go, rule*.go, grading*.go, gift*.go) are pure: plain
// functions over plain types, so the marking of a learner's answer can be tested and explained
// without a server, and the same functions serve the HTTP API, imports and the content checks.
package quiz
