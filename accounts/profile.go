package accounts

import (
	"context"
	"strings"

	"github.com/prepoznaj/prepoznaj/apperr"
)

// Me is the signed-in user's own view of their account.
type Me struct {
	ID          int64            `json:"id"`
	Email       string           `json:"email"`
	FullName    string           `json:"full_name"`
	Locale      string           `json:"locale"`
	Profession  string           `json:"profession"`
	Roles       []string         `json:"roles"`
	Institution *InstitutionInfo `json:"institution"`
}

// InstitutionInfo is an institution as shown to its members.
type InstitutionInfo struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	City    string `json:"city"`
	Country string `json:"country"`
}

func institutionInfo(i institution) *InstitutionInfo {
	return &InstitutionInfo{ID: i.ID, Name: i.Name, Kind: i.Kind, City: i.City, Country: i.Country}
}

// GetMe returns p's profile.
func (s *Service) GetMe(ctx context.Context, p *Principal) (*Me, error) {
	me := &Me{ID: p.UserID, Email: p.Email, FullName: p.FullName, Locale: p.Locale, Profession: p.Profession, Roles: p.Roles()}
	if p.InstitutionID != 0 {
		var inst institution
		if err := s.db.WithContext(ctx).Where("id = ?", p.InstitutionID).Take(&inst).Error; err != nil {
			return nil, apperr.Internal(err)
		}
		me.Institution = institutionInfo(inst)
	}
	return me, nil
}

// ProfilePatch holds the fields a user may change about themselves; nil means
// unchanged. Roles, institution and flags are not here, so no request body
// can set them.
type ProfilePatch struct {
	FullName   *string
	Locale     *string
	Profession *string
}

// UpdateMe applies patch to p's own profile.
func (s *Service) UpdateMe(ctx context.Context, p *Principal, patch ProfilePatch) (*Me, error) {
	updates := map[string]any{}
	var fields []apperr.FieldError
	if patch.FullName != nil {
		if err := checkName(*patch.FullName); err != nil {
			return nil, err
		}
		updates["full_name"] = strings.TrimSpace(*patch.FullName)
		updates["search_key"] = searchKey(*patch.FullName, EmailKey(p.Email))
	}
	if patch.Locale != nil {
		if !contains(Locales, *patch.Locale) {
			fields = append(fields, apperr.Field("locale", "not_allowed", "must be one of: "+strings.Join(Locales, ", ")))
		}
		updates["locale"] = *patch.Locale
	}
	if patch.Profession != nil {
		if !contains(Professions, *patch.Profession) {
			fields = append(fields, apperr.Field("profession", "not_allowed", "must be one of: "+strings.Join(Professions, ", ")))
		}
		updates["profession"] = *patch.Profession
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid("validation_failed", "Some fields are missing or invalid.", fields...)
	}
	if len(updates) > 0 {
		updates["updated_at"] = s.now()
		if err := s.db.WithContext(ctx).Model(&user{}).Where("id = ?", p.UserID).Updates(updates).Error; err != nil {
			return nil, apperr.Internal(err)
		}
		s.forgetUser(p.UserID)
	}
	var u user
	if err := s.db.WithContext(ctx).Where("id = ?", p.UserID).Take(&u).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	return s.GetMe(ctx, principalOf(&u, p.SessionID))
}
