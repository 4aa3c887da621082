package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/content"
)

// DemoDomain is the mail domain of the demo accounts.
const DemoDomain = "demo.prepoznaj.local"

// DemoInstitution is the demo institution's name.
const DemoInstitution = "Демо: Полицијска управа Нови Сад"

// DemoResult tells what EnsureDemo did.
type DemoResult struct {
	Created bool // false when the demo accounts already existed
	Emails  []string
	// State is what was done to put the demo in use (nothing on a second run).
	State *content.DemoReport
}

// EnsureDemo creates the demo institution and the four demo users (admin, trainer, manager,
// learner) sharing password, unless they exist already, and then the demo's state, each part
// only if it is not there yet: the default content (when the database has none), the demo
// learner's completed foundation course and certificate, members of the manager's institution
// in every state of progress, and the trainer's own course with attempts to analyse. Every demo
// account created gets password. It runs only with `serve --demo`: without it no such accounts
// exist.
func (a *App) EnsureDemo(ctx context.Context, password string) (*DemoResult, error) {
	acc := a.Accounts
	emails := []string{"admin@" + DemoDomain, "trainer@" + DemoDomain, "manager@" + DemoDomain, "learner@" + DemoDomain}
	res := &DemoResult{Emails: emails}
	var hash string
	hashOnce := func() (string, error) {
		if hash != "" {
			return hash, nil
		}
		if err := accounts.CheckPasswordPolicy(password, emails[0], "Demo"); err != nil {
			return "", errors.New("the demo password does not meet the password rules: at least 8 characters, not a common password")
		}
		h, err := acc.HashPassword(ctx, password)
		hash = h
		return h, err
	}
	if _, err := acc.UserIDByEmail(ctx, emails[0]); apperr.IsKind(err, apperr.KindNotFound) {
		if err := a.createDemoAccounts(ctx, emails, hashOnce); err != nil {
			return nil, err
		}
		res.Created = true
	} else if err != nil {
		return nil, err
	}
	ids := make([]int64, len(emails))
	for i, e := range emails {
		id, err := acc.UserIDByEmail(ctx, e)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	// The manager's institution, wherever an admin may have moved or renamed it.
	manager, err := acc.UserFacts(ctx, ids[2])
	if err != nil {
		return nil, err
	}
	res.State, err = content.SeedDemo(ctx, content.Services{DB: a.DB.DB, Accounts: a.Accounts, Courses: a.Courses, Quiz: a.Quiz}, content.DemoAccounts{
		Domain: DemoDomain, InstitutionID: manager.InstitutionID, TrainerID: ids[1], ManagerID: ids[2], LearnerID: ids[3], Hash: hashOnce, Now: time.Now().UTC(),
	})
	if err != nil {
		// The accounts are there: the caller may still serve, with the demo data incomplete.
		return res, fmt.Errorf("demo data: %w", err)
	}
	return res, nil
}

func (a *App) createDemoAccounts(ctx context.Context, emails []string, hashOnce func() (string, error)) error {
	acc := a.Accounts
	hash, err := hashOnce()
	if err != nil {
		return err
	}
	system := &accounts.Principal{Admin: true}
	inst, err := acc.CreateInstitution(ctx, system, accounts.InstitutionInput{Name: DemoInstitution, Kind: "police_directorate", City: "Нови Сад", Country: "RS"})
	if err != nil {
		return err
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
			return err
		}
	}
	return nil
}
