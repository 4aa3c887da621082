package accounts

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/apperr"
)

var errInstitutionNotFound = apperr.NotFound("institution_not_found", "No such institution.")

// InstitutionInput creates or replaces an institution's details.
type InstitutionInput struct {
	Name, Kind, City, Country string
}

func (in InstitutionInput) validate() error {
	var fields []apperr.FieldError
	if n := utf8.RuneCountInString(strings.TrimSpace(in.Name)); n == 0 || n > 200 {
		fields = append(fields, apperr.Field("name", "invalid", "must be 1 to 200 characters"))
	}
	if !contains(InstitutionKinds, in.Kind) {
		fields = append(fields, apperr.Field("kind", "not_allowed", "must be one of: "+strings.Join(InstitutionKinds, ", ")))
	}
	if utf8.RuneCountInString(in.City) > 100 {
		fields = append(fields, apperr.Field("city", "too_long", "must have at most 100 characters"))
	}
	if utf8.RuneCountInString(in.Country) > 100 {
		fields = append(fields, apperr.Field("country", "too_long", "must have at most 100 characters"))
	}
	if len(fields) > 0 {
		return apperr.Invalid("validation_failed", "Some fields are missing or invalid.", fields...)
	}
	return nil
}

// Institution is the full view, for admins and the institution's managers.
type Institution struct {
	InstitutionInfo
	Members int64 `json:"members"`
}

// CreateInstitution is for admins.
func (s *Service) CreateInstitution(ctx context.Context, p *Principal, in InstitutionInput) (*Institution, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	now := s.now()
	row := institution{Name: strings.TrimSpace(in.Name), Kind: in.Kind, City: strings.TrimSpace(in.City), Country: strings.TrimSpace(in.Country), CreatedAt: now, UpdatedAt: now,
		SearchKey: searchKey(in.Name)}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, AuditEntry{ActorID: p.UserID, Action: ActInstitutionCreate, TargetType: "institution", TargetID: idString(row.ID), Outcome: "success"})
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return &Institution{InstitutionInfo: *institutionInfo(row)}, nil
}

// UpdateInstitution is for admins.
func (s *Service) UpdateInstitution(ctx context.Context, p *Principal, id int64, in InstitutionInput) (*Institution, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&institution{}).Where("id = ?", id).Updates(map[string]any{
			"name": strings.TrimSpace(in.Name), "kind": in.Kind, "city": strings.TrimSpace(in.City), "country": strings.TrimSpace(in.Country), "updated_at": s.now(),
			"search_key": searchKey(in.Name),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errInstitutionNotFound
		}
		return s.Audit.Record(ctx, tx, AuditEntry{ActorID: p.UserID, Action: ActInstitutionUpdate, TargetType: "institution", TargetID: idString(id), Outcome: "success"})
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return s.GetInstitution(ctx, p, id)
}

// GetInstitution answers 404 unless p manages it (or is an admin).
func (s *Service) GetInstitution(ctx context.Context, p *Principal, id int64) (*Institution, error) {
	if !p.ManagesInstitution(id) {
		return nil, errInstitutionNotFound
	}
	var row institution
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, errInstitutionNotFound
		}
		return nil, apperr.Internal(err)
	}
	out := &Institution{InstitutionInfo: *institutionInfo(row)}
	if err := s.db.WithContext(ctx).Model(&user{}).Where("institution_id = ?", id).Count(&out.Members).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	return out, nil
}

// ListInstitutions: admins see all; a manager sees their own.
func (s *Service) ListInstitutions(ctx context.Context, p *Principal, q string, offset, limit int) ([]Institution, int64, error) {
	tx := s.db.WithContext(ctx).Model(&institution{})
	if !p.Admin {
		if !p.Has(RoleManager) {
			return []Institution{}, 0, nil
		}
		tx = tx.Where("id = ?", p.InstitutionID)
	}
	if q = strings.TrimSpace(q); q != "" {
		tx = tx.Where("search_key LIKE ? ESCAPE '\\'", searchPattern(q))
	}
	var total int64
	if err := tx.Count(&total).Error; err != nil {
		return nil, 0, apperr.Internal(err)
	}
	var rows []institution
	if err := tx.Order("name, id").Offset(max(offset, 0)).Limit(clampLimit(limit)).Find(&rows).Error; err != nil {
		return nil, 0, apperr.Internal(err)
	}
	out := make([]Institution, len(rows))
	for i, r := range rows {
		out[i] = Institution{InstitutionInfo: *institutionInfo(r)}
		s.db.WithContext(ctx).Model(&user{}).Where("institution_id = ?", r.ID).Count(&out[i].Members)
	}
	return out, total, nil
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Member is a user as their institution's managers see them.
type Member struct {
	ID         int64    `json:"id"`
	Email      string   `json:"email"`
	FullName   string   `json:"full_name"`
	Profession string   `json:"profession"`
	Roles      []string `json:"roles"`
	Disabled   bool     `json:"disabled"`
}

func memberOf(u *user) Member {
	return Member{ID: u.ID, Email: u.Email, FullName: u.FullName, Profession: u.Profession, Roles: principalOf(u, "").Roles(), Disabled: u.DisabledAt != nil}
}

// ListMembers lists an institution's members for its managers and admins.
func (s *Service) ListMembers(ctx context.Context, p *Principal, instID int64, profession, q string, offset, limit int) ([]Member, int64, error) {
	if _, err := s.GetInstitution(ctx, p, instID); err != nil {
		return nil, 0, err
	}
	tx := s.db.WithContext(ctx).Model(&user{}).Where("institution_id = ?", instID)
	if profession != "" {
		tx = tx.Where("profession = ?", profession)
	}
	if q = strings.TrimSpace(q); q != "" {
		tx = tx.Where("search_key LIKE ? ESCAPE '\\'", searchPattern(q))
	}
	var total int64
	if err := tx.Count(&total).Error; err != nil {
		return nil, 0, apperr.Internal(err)
	}
	var rows []user
	if err := tx.Order("full_name, id").Offset(max(offset, 0)).Limit(clampLimit(limit)).Find(&rows).Error; err != nil {
		return nil, 0, apperr.Internal(err)
	}
	out := make([]Member, len(rows))
	for i := range rows {
		out[i] = memberOf(&rows[i])
	}
	return out, total, nil
}

// MemberIDs returns the ids of instID's members (for other packages' scoping),
// optionally only one profession.
func (s *Service) MemberIDs(ctx context.Context, instID int64, profession string) ([]int64, error) {
	tx := s.db.WithContext(ctx).Model(&user{}).Where("institution_id = ? AND disabled_at IS NULL", instID)
	if profession != "" {
		tx = tx.Where("profession = ?", profession)
	}
	var ids []int64
	if err := tx.Order("id").Pluck("id", &ids).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	return ids, nil
}

var errMemberNotFound = apperr.NotFound("member_not_found", "No such member of this institution.")

// RemoveMember takes a user out of the institution (their account and
// learning records stay); a removed manager stops managing it.
func (s *Service) RemoveMember(ctx context.Context, p *Principal, instID, userID int64) error {
	if !p.ManagesInstitution(instID) {
		return errInstitutionNotFound
	}
	defer s.forgetUser(userID)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&user{}).Where("id = ? AND institution_id = ?", userID, instID).
			Updates(map[string]any{"institution_id": nil, "is_manager": false, "updated_at": s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errMemberNotFound
		}
		return s.Audit.Record(ctx, tx, AuditEntry{ActorID: p.UserID, Action: ActMemberRemove, TargetType: "user", TargetID: idString(userID), Outcome: "success",
			Detail: map[string]any{"institution_id": instID}})
	})
	return apperr.Wrap(err)
}
