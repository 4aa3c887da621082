package accounts

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/apperr"
)

var errUserNotFound = apperr.NotFound("user_not_found", "No such user.")

// UserView is a user as admins see them.
type UserView struct {
	Member
	Locale        string     `json:"locale"`
	InstitutionID *int64     `json:"institution_id"`
	CreatedAt     time.Time  `json:"created_at"`
	DisabledAt    *time.Time `json:"disabled_at"`
}

func userView(u *user) UserView {
	return UserView{Member: memberOf(u), Locale: u.Locale, InstitutionID: u.InstitutionID, CreatedAt: u.CreatedAt.UTC(), DisabledAt: u.DisabledAt}
}

// UserFilter selects users for admins.
type UserFilter struct {
	Query, Role, Profession string
	InstitutionID           int64
	// Active leaves out disabled accounts.
	Active        bool
	Offset, Limit int
}

// Trainer is a trainer as other trainers see them when choosing co-authors:
// enough to tell two people of the same name apart, nothing more.
type Trainer struct {
	ID       int64  `json:"id"`
	FullName string `json:"full_name"`
	Email    string `json:"email"`
}

// SearchTrainers finds active trainers by name or email, for a course's
// owner choosing co-authors (trainers and admins may ask).
func (s *Service) SearchTrainers(ctx context.Context, query string, offset, limit int) ([]Trainer, int64, error) {
	users, total, err := s.SearchUsers(ctx, UserFilter{Query: query, Role: RoleTrainer, Active: true, Offset: offset, Limit: limit})
	if err != nil {
		return nil, 0, err
	}
	out := make([]Trainer, len(users))
	for i, u := range users {
		out[i] = Trainer{ID: u.ID, FullName: u.FullName, Email: u.Email}
	}
	return out, total, nil
}

// SearchUsers is for admins.
func (s *Service) SearchUsers(ctx context.Context, f UserFilter) ([]UserView, int64, error) {
	tx := s.db.WithContext(ctx).Model(&user{})
	if q := strings.TrimSpace(f.Query); q != "" {
		tx = tx.Where("search_key LIKE ? ESCAPE '\\'", searchPattern(q))
	}
	switch f.Role {
	case "":
	case RoleTrainer:
		tx = tx.Where("is_trainer")
	case RoleManager:
		tx = tx.Where("is_manager")
	case RoleAdmin:
		tx = tx.Where("is_admin")
	case RoleLearner:
	default:
		return nil, 0, apperr.Invalid("validation_failed", "Unknown role.", apperr.Field("role", "not_allowed", "must be learner, trainer, manager or admin"))
	}
	if f.Profession != "" {
		tx = tx.Where("profession = ?", f.Profession)
	}
	if f.InstitutionID != 0 {
		tx = tx.Where("institution_id = ?", f.InstitutionID)
	}
	if f.Active {
		tx = tx.Where("disabled_at IS NULL")
	}
	var total int64
	if err := tx.Count(&total).Error; err != nil {
		return nil, 0, apperr.Internal(err)
	}
	var rows []user
	if err := tx.Order("full_name, id").Offset(max(f.Offset, 0)).Limit(clampLimit(f.Limit)).Find(&rows).Error; err != nil {
		return nil, 0, apperr.Internal(err)
	}
	out := make([]UserView, len(rows))
	for i := range rows {
		out[i] = userView(&rows[i])
	}
	return out, total, nil
}

// GetUser is for admins.
func (s *Service) GetUser(ctx context.Context, id int64) (*UserView, error) {
	var u user
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&u).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, errUserNotFound
		}
		return nil, apperr.Internal(err)
	}
	v := userView(&u)
	return &v, nil
}

// RolesInput is what an admin sets: the flags, and the institution a manager
// manages (which becomes the user's institution).
type RolesInput struct {
	Trainer, Manager, Admin bool
	InstitutionID           *int64
}

// SetRoles is for admins. Removing their own admin role is refused so an
// installation cannot lose its last way in by accident.
func (s *Service) SetRoles(ctx context.Context, p *Principal, id int64, in RolesInput) (*UserView, error) {
	defer s.forgetUser(id)
	if id == p.UserID && !in.Admin {
		return nil, apperr.Conflict("cannot_demote_self", "You cannot remove your own admin role.")
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u user
		if err := tx.Where("id = ?", id).Take(&u).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return errUserNotFound
			}
			return err
		}
		inst := u.InstitutionID
		if in.InstitutionID != nil {
			if *in.InstitutionID == 0 {
				inst = nil
			} else {
				var n int64
				if err := tx.Model(&institution{}).Where("id = ?", *in.InstitutionID).Count(&n).Error; err != nil {
					return err
				}
				if n == 0 {
					return apperr.Unprocessable("institution_not_found", "No such institution.", apperr.Field("institution_id", "not_found", "names no institution"))
				}
				inst = in.InstitutionID
			}
		}
		if in.Manager && inst == nil {
			return apperr.Unprocessable("manager_needs_institution", "A manager manages one institution; give institution_id.",
				apperr.Field("institution_id", "required", "is required for a manager"))
		}
		if err := tx.Model(&user{}).Where("id = ?", id).Updates(map[string]any{
			"is_trainer": in.Trainer, "is_manager": in.Manager, "is_admin": in.Admin, "institution_id": inst, "updated_at": s.now(),
		}).Error; err != nil {
			return err
		}
		detail := map[string]any{"trainer": in.Trainer, "manager": in.Manager, "admin": in.Admin, "institution_id": inst,
			"before": map[string]any{"trainer": u.IsTrainer, "manager": u.IsManager, "admin": u.IsAdmin, "institution_id": u.InstitutionID}}
		return s.Audit.Record(ctx, tx, AuditEntry{ActorID: p.UserID, Action: ActRolesChange, TargetType: "user", TargetID: idString(id), Outcome: "success", Detail: detail})
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return s.GetUser(ctx, id)
}

// SetDisabled disables or re-enables an account. Disabling ends every session
// at once.
func (s *Service) SetDisabled(ctx context.Context, p *Principal, id int64, disabled bool) (*UserView, error) {
	defer s.forgetUser(id) // after the commit: disabling holds from the next request
	if id == p.UserID && disabled {
		return nil, apperr.Conflict("cannot_disable_self", "You cannot disable your own account.")
	}
	now := s.now()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var value any
		action := ActAccountEnabled
		if disabled {
			value, action = now, ActAccountDisabled
		}
		res := tx.Model(&user{}).Where("id = ?", id).Updates(map[string]any{"disabled_at": value, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errUserNotFound
		}
		if disabled {
			if err := tx.Model(&refreshToken{}).Where("user_id = ? AND revoked_at IS NULL", id).Update("revoked_at", now).Error; err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, AuditEntry{ActorID: p.UserID, Action: action, TargetType: "user", TargetID: idString(id), Outcome: "success"})
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return s.GetUser(ctx, id)
}

// CreateUser makes an account directly (create-admin, the demo); the password
// must pass the policy.
func (s *Service) CreateUser(ctx context.Context, email, fullName, password, profession string, roles RolesInput) (int64, error) {
	if err := CheckPasswordPolicy(password, email, fullName); err != nil {
		return 0, err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return 0, err
	}
	return s.CreateUserHashed(ctx, email, fullName, hash, profession, roles)
}

// HashPassword hashes a password that has passed CheckPasswordPolicy, for
// CreateUserHashed.
func (s *Service) HashPassword(ctx context.Context, password string) (string, error) {
	return s.hasher.Hash(ctx, password)
}

// CreateUserHashed makes an account with an already hashed password: the
// demo gives its four users one password and hashes it once.
func (s *Service) CreateUserHashed(ctx context.Context, email, fullName, hash, profession string, roles RolesInput) (int64, error) {
	email = strings.TrimSpace(email)
	if !validEmail(email) {
		return 0, apperr.Invalid("validation_failed", "Invalid email.", apperr.Field("email", "invalid_email", "must be an email address"))
	}
	if err := checkName(fullName); err != nil {
		return 0, err
	}
	if profession == "" {
		profession = "other"
	}
	now := s.now()
	u := user{Email: email, EmailKey: EmailKey(email), FullName: fullName, Locale: "sr-Cyrl", Profession: profession, PasswordHash: hash,
		IsTrainer: roles.Trainer, IsManager: roles.Manager, IsAdmin: roles.Admin, InstitutionID: roles.InstitutionID, CreatedAt: now, UpdatedAt: now,
		SearchKey: searchKey(fullName, EmailKey(email))}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return apperr.Conflict("email_taken", "An account with this email already exists.")
			}
			return err
		}
		return s.Audit.Record(ctx, tx, AuditEntry{Action: ActRegister, TargetType: "user", TargetID: idString(u.ID), Outcome: "success",
			Detail: map[string]any{"via": "direct", "trainer": roles.Trainer, "manager": roles.Manager, "admin": roles.Admin}})
	})
	return u.ID, apperr.Wrap(err)
}

// UserIDByEmail finds an account.
func (s *Service) UserIDByEmail(ctx context.Context, email string) (int64, error) {
	var u user
	if err := s.db.WithContext(ctx).Where("email_key = ?", EmailKey(email)).Take(&u).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return 0, errUserNotFound
		}
		return 0, apperr.Internal(err)
	}
	return u.ID, nil
}

// InstitutionIDByName finds an institution by exact name.
func (s *Service) InstitutionIDByName(ctx context.Context, name string) (int64, error) {
	var row institution
	if err := s.db.WithContext(ctx).Where("name = ?", name).Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return 0, errInstitutionNotFound
		}
		return 0, apperr.Internal(err)
	}
	return row.ID, nil
}

// SessionFor starts a session for a user without a password: for the demo and
// tests that need signed-in principals cheaply.
func (s *Service) SessionFor(ctx context.Context, userID int64) (*Session, error) {
	var u user
	if err := s.db.WithContext(ctx).Where("id = ?", userID).Take(&u).Error; err != nil {
		return nil, apperr.Wrap(err)
	}
	return s.startSession(ctx, s.db, &u)
}
