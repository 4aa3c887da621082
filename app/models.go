package app

import (
	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/certs"
	"github.com/prepoznaj/prepoznaj/courses"
	"github.com/prepoznaj/prepoznaj/quiz"
)

// Models lists every GORM row type of every package, for the test that holds
// the migrations and the models to each other.
func Models() []any {
	var all []any
	all = append(all, accounts.Models()...)
	all = append(all, courses.Models()...)
	all = append(all, quiz.Models()...)
	all = append(all, certs.Models()...)
	return all
}
