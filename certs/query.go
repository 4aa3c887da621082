package certs

import (
	"context"
	"errors"
	"maps"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
)

// Statuses of a certificate, in the order they take precedence.
const (
	StatusRevoked    = "revoked"
	StatusSuperseded = "superseded"
	StatusExpired    = "expired"
	StatusValid      = "valid"
)

// Statuses lists every status a filter may name.
var Statuses = []string{StatusValid, StatusExpired, StatusRevoked, StatusSuperseded}

// Certificate is a certificate as its holder, managers, course owners and
// admins see it in lists. Names and titles are as printed.
type Certificate struct {
	ID               int64      `json:"id"`
	Code             string     `json:"code"`
	Kind             string     `json:"kind"`
	Status           string     `json:"status"`
	HolderID         int64      `json:"holder_id"`
	HolderName       string     `json:"holder_name"`
	CourseID         int64      `json:"course_id"`
	CourseVersion    int        `json:"course_version"`
	CourseTitle      string     `json:"course_title"`
	Hours            float64    `json:"hours"`
	CompletedOn      string     `json:"completed_on"`
	IssuedAt         time.Time  `json:"issued_at"`
	ExpiresOn        *string    `json:"expires_on"`
	ShowResult       bool       `json:"show_result"`
	SupersedesID     *int64     `json:"supersedes_id"`
	SupersededByID   *int64     `json:"superseded_by_id"`
	SupersededAt     *time.Time `json:"superseded_at"`
	RevokedAt        *time.Time `json:"revoked_at"`
	RevocationReason string     `json:"revocation_reason,omitempty"`
}

func dateString(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func statusOf(c *certificate, now time.Time) string {
	switch {
	case c.RevokedAt != nil:
		return StatusRevoked
	case c.SupersededByID != nil:
		return StatusSuperseded
	case c.ExpiresAt != nil && !now.Before(*c.ExpiresAt):
		return StatusExpired
	}
	return StatusValid
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func (s *Service) view(c *certificate) *Certificate {
	v := &Certificate{
		ID: c.ID, Code: c.Code, Kind: c.Kind, Status: statusOf(c, s.now()), HolderID: c.UserID, HolderName: c.HolderName,
		CourseID: c.CourseID, CourseVersion: c.CourseVersion, CourseTitle: c.CourseTitle, Hours: c.Hours,
		CompletedOn: dateString(c.CompletedOn), IssuedAt: c.IssuedAt.UTC(), ShowResult: c.ShowResult,
		SupersedesID: c.SupersedesID, SupersededByID: c.SupersededByID, SupersededAt: utcPtr(c.SupersededAt),
		RevokedAt: utcPtr(c.RevokedAt), RevocationReason: c.RevocationReason,
	}
	if c.ExpiresAt != nil {
		d := dateString(*c.ExpiresAt)
		v.ExpiresOn = &d
	}
	return v
}

// Filter selects certificates; zero fields match everything.
type Filter struct {
	CourseID int64     `json:"course_id,omitempty"`
	From     time.Time `json:"from,omitzero"` // completed on or after this date
	To       time.Time `json:"to,omitzero"`   // completed on or before this date
	Kind     string    `json:"kind,omitempty"`
	Status   string    `json:"status,omitempty"`
}

// Validate reports the filter's problems as field errors.
func (f Filter) Validate() error {
	var fields []apperr.FieldError
	if f.Kind != "" && f.Kind != string(KindCompletion) && f.Kind != string(KindAttendance) {
		fields = append(fields, apperr.Field("kind", "not_allowed", "must be completion or attendance"))
	}
	if f.Status != "" && !contains(Statuses, f.Status) {
		fields = append(fields, apperr.Field("status", "not_allowed", "must be one of: "+strings.Join(Statuses, ", ")))
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		fields = append(fields, apperr.Field("to", "out_of_range", "must not be before from"))
	}
	if len(fields) > 0 {
		return apperr.Invalid("invalid_query", "Some filters are invalid.", fields...)
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// apply narrows q (on certificates) by f, with statuses as of now.
func (f Filter) apply(q *gorm.DB, now time.Time) *gorm.DB {
	if f.CourseID != 0 {
		q = q.Where("course_id = ?", f.CourseID)
	}
	if !f.From.IsZero() {
		q = q.Where("completed_on >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("completed_on < ?", f.To.UTC().AddDate(0, 0, 1))
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	switch f.Status {
	case StatusRevoked:
		q = q.Where("revoked_at IS NOT NULL")
	case StatusSuperseded:
		q = q.Where("revoked_at IS NULL AND superseded_by_id IS NOT NULL")
	case StatusExpired:
		q = q.Where("revoked_at IS NULL AND superseded_by_id IS NULL AND expires_at IS NOT NULL AND expires_at <= ?", now)
	case StatusValid:
		q = q.Where("revoked_at IS NULL AND superseded_by_id IS NULL AND (expires_at IS NULL OR expires_at > ?)", now)
	}
	return q
}

// MaxPageSize caps every list.
const MaxPageSize = accounts.MaxPageSize

func clampLimit(n int) int {
	if n <= 0 {
		return 50
	}
	return min(n, MaxPageSize)
}

func (s *Service) page(q *gorm.DB, offset, limit int) ([]Certificate, int64, error) {
	var total int64
	if err := q.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, apperr.Internal(err)
	}
	var rows []certificate
	if err := q.Order("issued_at DESC, id DESC").Offset(max(offset, 0)).Limit(clampLimit(limit)).Find(&rows).Error; err != nil {
		return nil, 0, apperr.Internal(err)
	}
	out := make([]Certificate, len(rows))
	for i := range rows {
		out[i] = *s.view(&rows[i])
	}
	return out, total, nil
}

// Mine lists p's own certificates, newest first.
func (s *Service) Mine(ctx context.Context, p *accounts.Principal, offset, limit int) ([]Certificate, int64, error) {
	return s.page(s.db.WithContext(ctx).Model(&certificate{}).Where("user_id = ?", p.UserID), offset, limit)
}

var errInstitutionNotFound = apperr.NotFound("institution_not_found", "No such institution.")

// ListInstitution lists the certificates issued to an institution's staff
// while they belonged to it, for its managers and admins.
func (s *Service) ListInstitution(ctx context.Context, p *accounts.Principal, instID int64, f Filter, offset, limit int) ([]Certificate, int64, error) {
	if !p.ManagesInstitution(instID) {
		return nil, 0, errInstitutionNotFound
	}
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	q := f.apply(s.db.WithContext(ctx).Model(&certificate{}).Where("institution_id = ?", instID), s.now())
	return s.page(q, offset, limit)
}

func (s *Service) load(ctx context.Context, id int64) (*certificate, error) {
	var c certificate
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&c).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, errNotFound
		}
		return nil, apperr.Internal(err)
	}
	return &c, nil
}

// access says what p may do with c: read it (its holder, managers of the
// institution the holder belonged to when it was issued, the course's
// owner, admins) and revoke it (the course's owner and admins).
func (s *Service) access(ctx context.Context, p *accounts.Principal, c *certificate) (read, revoke bool, err error) {
	if p == nil {
		return false, false, nil
	}
	if p.Admin {
		return true, true, nil
	}
	owner := false
	if p.Trainer {
		id, err := s.facts.CourseOwner(ctx, c.CourseID)
		if err != nil && !apperr.IsKind(err, apperr.KindNotFound) {
			return false, false, err
		}
		owner = id == p.UserID
	}
	read = owner || c.UserID == p.UserID ||
		(c.InstitutionID != nil && p.Has(accounts.RoleManager) && p.InstitutionID == *c.InstitutionID)
	return read, owner, nil
}

// ActCertificateDownload and the others are the audit actions certs records.
const (
	ActCertificateDownload = "certificate.download"
	ActCertificateExport   = "certificate.export"
	ActCertificateRevoke   = "certificate.revoke"
	ActCertificateIssue    = "certificate.issue_attendance"
)

// PDF renders the certificate p may read, recording in the audit log a
// download by anyone but its holder. Others are told it does not exist.
func (s *Service) PDF(ctx context.Context, p *accounts.Principal, id int64) ([]byte, *Certificate, error) {
	c, err := s.load(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	read, _, err := s.access(ctx, p, c)
	if err != nil {
		return nil, nil, err
	}
	if !read {
		return nil, nil, errNotFound
	}
	pdf, err := renderRow(c)
	if err != nil {
		return nil, nil, apperr.Internal(err)
	}
	if c.UserID != p.UserID {
		if err := s.acc.Audit.Record(ctx, nil, accounts.AuditEntry{ActorID: p.UserID, Action: ActCertificateDownload, TargetType: "certificate",
			TargetID: strconv.FormatInt(c.ID, 10), Outcome: "success", Detail: map[string]any{"holder_id": c.UserID, "code": c.Code}}); err != nil {
			return nil, nil, apperr.Internal(err)
		}
	}
	return pdf, s.view(c), nil
}

// SnapshotOf returns the snapshot a certificate was issued with.
func (s *Service) SnapshotOf(ctx context.Context, id int64) (Snapshot, error) {
	c, err := s.load(ctx, id)
	if err != nil {
		return Snapshot{}, err
	}
	return decodeSnapshot(c.Snapshot)
}

// MaxReasonLen bounds a revocation reason, which verification shows.
const MaxReasonLen = 500

// Revoke withdraws a certificate for a reason; nothing is deleted and
// verification says revoked from then on. Its course's owner and admins
// may; others who can read it are refused, the rest told it does not exist.
func (s *Service) Revoke(ctx context.Context, p *accounts.Principal, id int64, reason string) (*Certificate, error) {
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n == 0 || n > MaxReasonLen || strings.ContainsFunc(reason, isControl) {
		return nil, apperr.Invalid("validation_failed", "Some fields are missing or invalid.",
			apperr.Field("reason", "invalid", "must be 1 to 500 characters without control characters"))
	}
	c, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	read, revoke, err := s.access(ctx, p, c)
	if err != nil {
		return nil, err
	}
	if !revoke {
		if read {
			return nil, apperr.Forbidden("forbidden", "Only the course's owner and admins revoke certificates.")
		}
		return nil, errNotFound
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		revoked, err := s.revokeIn(ctx, tx, c, p.UserID, reason, nil)
		if err == nil && !revoked {
			return apperr.Conflict("already_revoked", "This certificate is already revoked.")
		}
		return err
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	if c, err = s.load(ctx, id); err != nil {
		return nil, err
	}
	return s.view(c), nil
}

// revokeIn revokes c in tx for reason and audits it, with detail added to
// the audit entry; false when c was already revoked. actorID 0 is the
// platform itself (no one is recorded as revoking it).
func (s *Service) revokeIn(ctx context.Context, tx *gorm.DB, c *certificate, actorID int64, reason string, detail map[string]any) (bool, error) {
	updates := map[string]any{"revoked_at": s.now().UTC(), "revocation_reason": reason}
	if actorID != 0 {
		updates["revoked_by"] = actorID
	}
	res := tx.Model(&certificate{}).Where("id = ? AND revoked_at IS NULL", c.ID).Updates(updates)
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	d := map[string]any{"holder_id": c.UserID, "code": c.Code, "reason": reason}
	maps.Copy(d, detail)
	return true, s.acc.Audit.Record(ctx, tx, accounts.AuditEntry{ActorID: actorID, Action: ActCertificateRevoke, TargetType: "certificate",
		TargetID: strconv.FormatInt(c.ID, 10), Outcome: "success", Detail: d})
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029
}

// SetShowResult is the holder's choice whether verification shows their
// result (the PDF prints it either way when the course shows results).
func (s *Service) SetShowResult(ctx context.Context, p *accounts.Principal, id int64, show bool) (*Certificate, error) {
	res := s.db.WithContext(ctx).Model(&certificate{}).Where("id = ? AND user_id = ?", id, p.UserID).Update("show_result", show)
	if res.Error != nil {
		return nil, apperr.Internal(res.Error)
	}
	if res.RowsAffected == 0 { // both dialects count a row set to its current value
		return nil, errNotFound
	}
	c, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.view(c), nil
}

// Verification is what the public verification page shows: only what a
// verifier needs, never the holder's email or institution, and the result
// only when the holder chose to show it.
type Verification struct {
	Status           string     `json:"status"`
	Code             string     `json:"code"`
	Kind             string     `json:"kind"`
	Locale           string     `json:"locale"`
	HolderName       string     `json:"holder_name"`
	CourseTitle      string     `json:"course_title"`
	Hours            float64    `json:"hours"`
	StartedOn        *string    `json:"started_on,omitempty"`
	CompletedOn      string     `json:"completed_on"`
	SessionDates     []string   `json:"session_dates,omitempty"`
	IssuedOn         string     `json:"issued_on"`
	ExpiresOn        *string    `json:"expires_on,omitempty"`
	Issuer           string     `json:"issuer"`
	Result           *string    `json:"result,omitempty"`
	RevokedAt        *time.Time `json:"revoked_at,omitempty"`
	RevocationReason string     `json:"revocation_reason,omitempty"`
	SupersededAt     *time.Time `json:"superseded_at,omitempty"`
}

// Verify looks a code up as a person typed it (case, spaces and hyphens do
// not matter). A malformed code is as unknown as a well-formed one nobody
// holds.
func (s *Service) Verify(ctx context.Context, input string) (*Verification, error) {
	code, err := NormalizeCode(input)
	if err != nil {
		return nil, errUnknownCode
	}
	var c certificate
	if err := s.db.WithContext(ctx).Where("code = ?", code).Take(&c).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, errUnknownCode
		}
		return nil, apperr.Internal(err)
	}
	snap, err := decodeSnapshot(c.Snapshot)
	if err != nil {
		return nil, apperr.Internal(err)
	}
	ls := localized(snap)
	v := &Verification{
		Status: statusOf(&c, s.now()), Code: c.Code, Kind: c.Kind, Locale: string(snap.Locale), HolderName: ls.HolderName,
		CourseTitle: ls.CourseTitle, Hours: snap.Hours, CompletedOn: dateString(c.CompletedOn), IssuedOn: dateString(s.civil(c.IssuedAt)),
		Issuer: ls.IssuerName, RevokedAt: utcPtr(c.RevokedAt), RevocationReason: c.RevocationReason, SupersededAt: utcPtr(c.SupersededAt),
	}
	if !snap.StartedOn.IsZero() {
		d := dateString(snap.StartedOn)
		v.StartedOn = &d
	}
	for _, ses := range snap.Sessions {
		v.SessionDates = append(v.SessionDates, dateString(ses.Date))
	}
	if c.ExpiresAt != nil {
		d := dateString(*c.ExpiresAt)
		v.ExpiresOn = &d
	}
	if c.ShowResult && ls.Result != "" {
		v.Result = &ls.Result
	}
	return v, nil
}
