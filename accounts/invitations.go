package accounts

import (
	"context"
	"crypto/rand"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/apperr"
)

// Invitation codes: 16 characters of Crockford base32 (80 bits), grouped in
// fours for reading out over the phone.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func newInvitationCode() string {
	b := make([]byte, 16)
	rand.Read(b)
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(codeAlphabet[int(c)%32])
	}
	return sb.String()
}

// normalizeCode accepts what people type: lower case, spaces, missing
// hyphens, and the letters people confuse with digits.
func normalizeCode(s string) string {
	s = strings.ToUpper(s)
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r == '-' || r == ' ':
		case r == 'O':
			sb.WriteByte('0')
		case r == 'I' || r == 'L':
			sb.WriteByte('1')
		case r < 128 && strings.ContainsRune(codeAlphabet, r):
			sb.WriteRune(r)
		default:
			return ""
		}
	}
	raw := sb.String()
	if len(raw) != 16 {
		return ""
	}
	return raw[0:4] + "-" + raw[4:8] + "-" + raw[8:12] + "-" + raw[12:16]
}

// Invitation is how managers see an invitation; Code only at creation.
type Invitation struct {
	ID         int64     `json:"id"`
	Code       string    `json:"code,omitempty"`
	CodeHint   string    `json:"code_hint"`
	Email      string    `json:"email,omitempty"`
	FullName   string    `json:"full_name,omitempty"`
	Profession string    `json:"profession,omitempty"`
	MaxUses    int       `json:"max_uses"`
	Uses       int       `json:"uses"`
	ExpiresAt  time.Time `json:"expires_at"`
	Status     string    `json:"status"` // active, used_up, expired, revoked
}

func (s *Service) invitationView(r invitation) Invitation {
	status := "active"
	switch {
	case r.RevokedAt != nil:
		status = "revoked"
	case r.Uses >= r.MaxUses:
		status = "used_up"
	case !s.now().Before(r.ExpiresAt):
		status = "expired"
	}
	return Invitation{ID: r.ID, CodeHint: r.CodeHint, Email: r.EmailKey, FullName: r.FullName, Profession: r.Profession,
		MaxUses: r.MaxUses, Uses: r.Uses, ExpiresAt: r.ExpiresAt.UTC(), Status: status}
}

// InvitationInput creates a code.
type InvitationInput struct {
	MaxUses   int
	ExpiresIn time.Duration
}

// MaxInvitationLifetime bounds how long a code can stay valid.
const MaxInvitationLifetime = 90 * 24 * time.Hour

// CreateInvitation makes a code for instID; the code is shown only now.
func (s *Service) CreateInvitation(ctx context.Context, p *Principal, instID int64, in InvitationInput) (*Invitation, error) {
	if _, err := s.GetInstitution(ctx, p, instID); err != nil {
		return nil, err
	}
	var fields []apperr.FieldError
	if in.MaxUses < 1 || in.MaxUses > 1000 {
		fields = append(fields, apperr.Field("max_uses", "out_of_range", "must be between 1 and 1000"))
	}
	if in.ExpiresIn < time.Hour || in.ExpiresIn > MaxInvitationLifetime {
		fields = append(fields, apperr.Field("expires_in_days", "out_of_range", "must be between 1 hour and 90 days"))
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid("validation_failed", "Some fields are missing or invalid.", fields...)
	}
	var out *Invitation
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		v, err := s.insertInvitation(ctx, tx, p, instID, in.MaxUses, in.ExpiresIn, "", "", "")
		out = v
		return err
	})
	return out, apperr.Wrap(err)
}

func (s *Service) insertInvitation(ctx context.Context, tx *gorm.DB, p *Principal, instID int64, maxUses int, ttl time.Duration, emailKey, name, profession string) (*Invitation, error) {
	code := newInvitationCode()
	now := s.now()
	row := invitation{InstitutionID: instID, CodeHash: hashToken(code), CodeHint: code[len(code)-4:], EmailKey: emailKey,
		FullName: name, Profession: profession, MaxUses: maxUses, ExpiresAt: now.Add(ttl), CreatedBy: &p.UserID, CreatedAt: now}
	if err := tx.Create(&row).Error; err != nil {
		return nil, err
	}
	if err := s.Audit.Record(ctx, tx, AuditEntry{ActorID: p.UserID, Action: ActInvitationCreate, TargetType: "invitation", TargetID: idString(row.ID), Outcome: "success",
		Detail: map[string]any{"institution_id": instID, "max_uses": maxUses}}); err != nil {
		return nil, err
	}
	v := s.invitationView(row)
	v.Code = code
	return &v, nil
}

// ListInvitations lists instID's invitations, newest first.
func (s *Service) ListInvitations(ctx context.Context, p *Principal, instID int64, offset, limit int) ([]Invitation, int64, error) {
	if _, err := s.GetInstitution(ctx, p, instID); err != nil {
		return nil, 0, err
	}
	tx := s.db.WithContext(ctx).Model(&invitation{}).Where("institution_id = ?", instID)
	var total int64
	if err := tx.Count(&total).Error; err != nil {
		return nil, 0, apperr.Internal(err)
	}
	var rows []invitation
	if err := tx.Order("id DESC").Offset(max(offset, 0)).Limit(clampLimit(limit)).Find(&rows).Error; err != nil {
		return nil, 0, apperr.Internal(err)
	}
	out := make([]Invitation, len(rows))
	for i, r := range rows {
		out[i] = s.invitationView(r)
	}
	return out, total, nil
}

var errInvitationNotFound = apperr.NotFound("invitation_not_found", "No such invitation.")

// RevokeInvitation stops a code from being used.
func (s *Service) RevokeInvitation(ctx context.Context, p *Principal, instID, invID int64) error {
	if !p.ManagesInstitution(instID) {
		return errInstitutionNotFound
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&invitation{}).Where("id = ? AND institution_id = ? AND revoked_at IS NULL", invID, instID).Update("revoked_at", s.now())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errInvitationNotFound
		}
		return s.Audit.Record(ctx, tx, AuditEntry{ActorID: p.UserID, Action: ActInvitationRevoke, TargetType: "invitation", TargetID: idString(invID), Outcome: "success"})
	})
	return apperr.Wrap(err)
}

var errBadInvitation = apperr.Unprocessable("invalid_invitation", "This invitation code is not valid, has expired or has been used up.",
	apperr.Field("invitation_code", "invalid", "is not valid, has expired or has been used up"))

// redeemInvitation joins u to the code's institution inside tx. The use is
// counted with a conditional update, so a single-use code admits one person
// however many try at once.
func (s *Service) redeemInvitation(ctx context.Context, tx *gorm.DB, u *user, code string) error {
	norm := normalizeCode(code)
	if norm == "" {
		return errBadInvitation
	}
	var inv invitation
	if err := tx.Where("code_hash = ?", hashToken(norm)).Take(&inv).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return errBadInvitation
		}
		return err
	}
	if inv.EmailKey != "" && inv.EmailKey != u.EmailKey {
		return errBadInvitation
	}
	if u.InstitutionID != nil {
		if *u.InstitutionID == inv.InstitutionID {
			return apperr.Conflict("already_member", "You are already a member of this institution.")
		}
		return apperr.Conflict("member_elsewhere", "You already belong to another institution; ask its manager to remove you first.")
	}
	now := s.now()
	res := tx.Model(&invitation{}).
		Where("id = ? AND uses < max_uses AND revoked_at IS NULL AND expires_at > ?", inv.ID, now).
		Update("uses", gorm.Expr("uses + 1"))
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return errBadInvitation
	}
	updates := map[string]any{"institution_id": inv.InstitutionID, "updated_at": now}
	if inv.Profession != "" && (u.Profession == "" || u.Profession == "other") {
		updates["profession"] = inv.Profession
	}
	if err := tx.Model(&user{}).Where("id = ?", u.ID).Updates(updates).Error; err != nil {
		return err
	}
	u.InstitutionID = &inv.InstitutionID
	if p, ok := updates["profession"].(string); ok {
		u.Profession = p
	}
	return s.Audit.Record(ctx, tx, AuditEntry{ActorID: u.ID, Action: ActMemberJoin, TargetType: "institution", TargetID: idString(inv.InstitutionID), Outcome: "success",
		Detail: map[string]any{"invitation_id": inv.ID}})
}

// AcceptInvitation joins the signed-in user to the code's institution.
func (s *Service) AcceptInvitation(ctx context.Context, p *Principal, code string) (*Me, error) {
	defer s.forgetUser(p.UserID)
	if !s.Limiter.Allow("invite:"+metaFrom(ctx).ClientIP, 20, 10) || !s.Limiter.Allow("invite-user:"+idString(p.UserID), 10, 5) {
		return nil, apperr.TooMany("too_many_attempts", "Too many attempts; try again in a minute.", time.Minute)
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u user
		if err := tx.Where("id = ?", p.UserID).Take(&u).Error; err != nil {
			return err
		}
		return s.redeemInvitation(ctx, tx, &u, code)
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	var u user
	if err := s.db.WithContext(ctx).Where("id = ?", p.UserID).Take(&u).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	return s.GetMe(ctx, principalOf(&u, p.SessionID))
}

// ImportRow reports what became of one CSV line.
type ImportRow struct {
	Line       int    `json:"line"`
	Email      string `json:"email"`
	FullName   string `json:"full_name"`
	Profession string `json:"profession"`
	Status     string `json:"status"` // invited, rejected
	Reason     string `json:"reason,omitempty"`
	Code       string `json:"code,omitempty"`
	Expires    string `json:"expires_at,omitempty"`
}

// ImportReport is the whole import's result.
type ImportReport struct {
	Invited  int         `json:"invited"`
	Rejected int         `json:"rejected"`
	Rows     []ImportRow `json:"rows"`
}

// MaxImportRows bounds one CSV import.
const MaxImportRows = 2000

// ImportStaff reads a CSV of staff (email, name, profession; a header row is
// optional) and creates a single-use invitation bound to each valid email.
// Rows that cannot be invited are reported with the reason; the good rows are
// invited all the same.
func (s *Service) ImportStaff(ctx context.Context, p *Principal, instID int64, r io.Reader, ttl time.Duration) (*ImportReport, error) {
	if _, err := s.GetInstitution(ctx, p, instID); err != nil {
		return nil, err
	}
	if ttl <= 0 {
		ttl = 30 * 24 * time.Hour
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	report := &ImportReport{Rows: []ImportRow{}}
	seen := map[string]bool{}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for n := 0; ; n++ {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					return apperr.Invalid("invalid_csv", "The CSV could not be read: "+pe.Err.Error(), apperr.Field("line", "invalid_csv", "line "+itoa(pe.Line)))
				}
				return err
			}
			line, _ := cr.FieldPos(0)
			if n >= MaxImportRows {
				return apperr.Invalid("too_many_rows", "Import at most 2000 rows at once.")
			}
			if n == 0 && len(rec) > 0 && strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff")), "email") {
				continue
			}
			row := ImportRow{Line: line}
			if len(rec) > 0 {
				row.Email = strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff"))
			}
			if len(rec) > 1 {
				row.FullName = strings.TrimSpace(rec[1])
			}
			if len(rec) > 2 {
				row.Profession = strings.TrimSpace(rec[2])
			}
			if row.Email == "" && row.FullName == "" && row.Profession == "" {
				continue
			}
			reason, err := s.importRow(ctx, tx, p, instID, &row, seen, ttl)
			if err != nil {
				return err
			}
			if reason != "" {
				row.Status, row.Reason = "rejected", reason
				report.Rejected++
			} else {
				row.Status = "invited"
				report.Invited++
			}
			report.Rows = append(report.Rows, row)
		}
		return nil
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return report, nil
}

func (s *Service) importRow(ctx context.Context, tx *gorm.DB, p *Principal, instID int64, row *ImportRow, seen map[string]bool, ttl time.Duration) (string, error) {
	key := EmailKey(row.Email)
	switch {
	case !validEmail(row.Email):
		return "invalid_email", nil
	case checkName(row.FullName) != nil:
		return "invalid_name", nil
	case row.Profession != "" && !contains(Professions, row.Profession):
		return "invalid_profession", nil
	case seen[key]:
		return "duplicate_in_file", nil
	}
	seen[key] = true
	var existing user
	err := tx.Where("email_key = ?", key).Take(&existing).Error
	if err == nil && existing.InstitutionID != nil {
		if *existing.InstitutionID == instID {
			return "already_member", nil
		}
		return "member_elsewhere", nil
	}
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return "", err
	}
	var pending int64
	if err := tx.Model(&invitation{}).Where("institution_id = ? AND email_key = ? AND revoked_at IS NULL AND uses < max_uses AND expires_at > ?", instID, key, s.now()).Count(&pending).Error; err != nil {
		return "", err
	}
	if pending > 0 {
		return "already_invited", nil
	}
	inv, err := s.insertInvitation(ctx, tx, p, instID, 1, ttl, key, row.FullName, row.Profession)
	if err != nil {
		return "", err
	}
	row.Code = inv.Code
	row.Expires = inv.ExpiresAt.Format(time.RFC3339)
	return "", nil
}

func itoa(n int) string { return idString(int64(n)) }
