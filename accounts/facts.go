package accounts

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/apperr"
)

// UserFacts is what other packages print about a person (a certificate's
// holder, a register's trainer): never their email or roles.
type UserFacts struct {
	ID              int64
	FullName        string
	Locale          string // sr-Cyrl, sr-Latn or en: the script certificates print in
	Profession      string
	InstitutionID   int64 // 0 when the user belongs to none
	InstitutionName string
	Disabled        bool
}

// UserFacts reads one user's printable facts (user_not_found).
func (s *Service) UserFacts(ctx context.Context, userID int64) (*UserFacts, error) {
	var u user
	if err := s.db.WithContext(ctx).Where("id = ?", userID).Take(&u).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, errUserNotFound
		}
		return nil, apperr.Internal(err)
	}
	f := &UserFacts{ID: u.ID, FullName: u.FullName, Locale: u.Locale, Profession: u.Profession, Disabled: u.DisabledAt != nil}
	if u.InstitutionID != nil {
		var inst institution
		if err := s.db.WithContext(ctx).Where("id = ?", *u.InstitutionID).Take(&inst).Error; err != nil {
			return nil, apperr.Internal(err)
		}
		f.InstitutionID, f.InstitutionName = inst.ID, inst.Name
	}
	return f, nil
}
