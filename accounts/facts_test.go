package accounts_test

import (
	"context"
	"testing"

	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/apperr"
)

func TestUserFacts(t *testing.T) {
	t.Logf("dialect: %s", apitest.DialectName())
	s := apitest.New(t)
	f := s.NewFixture()
	ctx := context.Background()
	got, err := s.App.Accounts.UserFacts(ctx, f.Users["learner"])
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != f.Users["learner"] || got.FullName != "Milica Jovanović" || got.Profession != "police" || got.Locale != "sr-Cyrl" ||
		got.InstitutionID != f.InstA || got.InstitutionName != "Policijska uprava Novi Sad" || got.Disabled {
		t.Fatalf("UserFacts(learner) = %+v", got)
	}
	trainer, err := s.App.Accounts.UserFacts(ctx, f.Users["trainer"])
	if err != nil {
		t.Fatal(err)
	}
	if trainer.InstitutionID != 0 || trainer.InstitutionName != "" {
		t.Fatalf("UserFacts(trainer) = %+v, want no institution", trainer)
	}
	if _, err := s.App.Accounts.UserFacts(ctx, 1<<40); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("UserFacts(unknown) error = %v, want not found", err)
	}
}
