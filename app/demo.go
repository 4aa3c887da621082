package app

import (
	"context"
	"errors"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
)

// DemoDomain is the mail domain of the demo accounts.
const DemoDomain = "demo.prepoznaj.local"

// DemoInstitution is the demo institution's name.
const DemoInstitution = "Демо: Полицијска управа Нови Сад"

// DemoResult tells what EnsureDemo did.
type DemoResult struct {
	Created bool // false when the demo accounts already existed
	Emails  []string
}

// EnsureDemo creates the demo institution and the four demo users (admin,
// trainer, manager, learner) sharing password, unless they exist already.
// It runs only with `serve --demo`: without it no such accounts exist.
func (a *App) EnsureDemo(ctx context.Context, password string) (*DemoResult, error) {
	acc := a.Accounts
	emails := []string{"admin@" + DemoDomain, "trainer@" + DemoDomain, "manager@" + DemoDomain, "learner@" + DemoDomain}
	if _, err := acc.UserIDByEmail(ctx, emails[0]); err == nil {
		return &DemoResult{Emails: emails}, nil
	} else if !apperr.IsKind(err, apperr.KindNotFound) {
		return nil, err
	}
	if err := accounts.CheckPasswordPolicy(password, emails[0], "Demo"); err != nil {
		return nil, errors.New("the demo password does not meet the password rules: at least 8 characters, not a common password")
	}
	hash, err := acc.HashPassword(ctx, password)
	if err != nil {
		return nil, err
	}
	system := &accounts.Principal{Admin: true}
	inst, err := acc.CreateInstitution(ctx, system, accounts.InstitutionInput{Name: DemoInstitution, Kind: "police_directorate", City: "Нови Сад", Country: "RS"})
	if err != nil {
		return nil, err
	}
	users := []struct {
		email, name, profession string
		roles                   accounts.RolesInput
	}{
		{emails[0], "Демо администратор", "other", accounts.RolesInput{Admin: true}},
		{emails[1], "Демо тренерка Јелена", "other", accounts.RolesInput{Trainer: true}},
		{emails[2], "Демо менаџер Драган", "police", accounts.RolesInput{Manager: true, InstitutionID: &inst.ID}},
		{emails[3], "Демо полазница Милица", "police", accounts.RolesInput{InstitutionID: &inst.ID}},
	}
	for _, u := range users {
		if _, err := acc.CreateUserHashed(ctx, u.email, u.name, hash, u.profession, u.roles); err != nil {
			return nil, err
		}
	}
	return &DemoResult{Created: true, Emails: emails}, nil
}
