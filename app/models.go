package app

import "github.com/prepoznaj/prepoznaj/accounts"

// Models lists every GORM row type of every package, for the test that holds
// the migrations and the models to each other.
func Models() []any {
	var all []any
	all = append(all, accounts.Models()...)
	return all
}
