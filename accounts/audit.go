package accounts

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/apperr"
)

// Meta is what the HTTP layer knows about a request that the audit log keeps.
type Meta struct {
	ClientIP  string
	RequestID string
}

type metaKey struct{}

// WithMeta returns ctx carrying m.
func WithMeta(ctx context.Context, m Meta) context.Context {
	return context.WithValue(ctx, metaKey{}, m)
}

func metaFrom(ctx context.Context) Meta { m, _ := ctx.Value(metaKey{}).(Meta); return m }

// Audit actions.
const (
	ActLoginSuccess      = "login.success"
	ActLoginFailure      = "login.failure"
	ActLoginLocked       = "login.locked"
	ActLogout            = "logout"
	ActRefreshReuse      = "refresh.reuse"
	ActPasswordChange    = "password.change"
	ActRegister          = "account.register"
	ActRolesChange       = "roles.change"
	ActMemberJoin        = "membership.join"
	ActMemberRemove      = "membership.remove"
	ActInvitationCreate  = "invitation.create"
	ActInvitationRevoke  = "invitation.revoke"
	ActAccountDisabled   = "account.disabled"
	ActAccountEnabled    = "account.enabled"
	ActInstitutionCreate = "institution.create"
	ActInstitutionUpdate = "institution.update"
)

// AuditEntry is one event to record. Detail must never hold a password or token.
type AuditEntry struct {
	ActorID    int64
	Action     string
	TargetType string
	TargetID   string
	Outcome    string // "success", "failure", "denied"
	Detail     map[string]any
}

// Auditor appends security events. Other packages record through it too.
type Auditor struct {
	db  *gorm.DB
	now func() time.Time
}

// NewAuditor records into db.
func NewAuditor(db *gorm.DB, now func() time.Time) *Auditor { return &Auditor{db: db, now: now} }

// Record appends e, inside tx when given so the event commits with the change.
func (a *Auditor) Record(ctx context.Context, tx *gorm.DB, e AuditEntry) error {
	if tx == nil {
		tx = a.db
	}
	m := metaFrom(ctx)
	row := auditEvent{
		At: a.now(), Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID,
		Outcome: e.Outcome, ClientIP: m.ClientIP, RequestID: m.RequestID,
	}
	if e.ActorID != 0 {
		row.ActorID = &e.ActorID
	}
	if len(e.Detail) > 0 {
		b, err := json.Marshal(e.Detail)
		if err != nil {
			return err
		}
		row.Detail = string(b)
	}
	return tx.WithContext(ctx).Create(&row).Error
}

// AuditEvent is one row as the API shows it.
type AuditEvent struct {
	ID         int64          `json:"id"`
	At         time.Time      `json:"at"`
	ActorID    *int64         `json:"actor_id"`
	Action     string         `json:"action"`
	TargetType string         `json:"target_type"`
	TargetID   string         `json:"target_id"`
	Outcome    string         `json:"outcome"`
	ClientIP   string         `json:"client_ip"`
	RequestID  string         `json:"request_id"`
	Detail     map[string]any `json:"detail,omitempty"`
}

// AuditFilter selects events; zero fields match everything.
type AuditFilter struct {
	Action   string
	ActorID  int64
	TargetID string
	Outcome  string
	Since    time.Time
	Until    time.Time
	BeforeID int64 // keyset paging: events older than this id
	Limit    int
}

// List returns events newest first.
func (a *Auditor) List(ctx context.Context, f AuditFilter) ([]AuditEvent, error) {
	q := a.db.WithContext(ctx).Model(&auditEvent{})
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.ActorID != 0 {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.TargetID != "" {
		q = q.Where("target_id = ?", f.TargetID)
	}
	if f.Outcome != "" {
		q = q.Where("outcome = ?", f.Outcome)
	}
	if !f.Since.IsZero() {
		q = q.Where("at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		q = q.Where("at < ?", f.Until.UTC())
	}
	if f.BeforeID > 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	var rows []auditEvent
	if err := q.Order("id DESC").Limit(clampLimit(f.Limit)).Find(&rows).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	out := make([]AuditEvent, len(rows))
	for i, r := range rows {
		out[i] = AuditEvent{ID: r.ID, At: r.At.UTC(), ActorID: r.ActorID, Action: r.Action, TargetType: r.TargetType,
			TargetID: r.TargetID, Outcome: r.Outcome, ClientIP: r.ClientIP, RequestID: r.RequestID}
		if r.Detail != "" {
			_ = json.Unmarshal([]byte(r.Detail), &out[i].Detail)
		}
	}
	return out, nil
}

// MaxPageSize caps every list.
const MaxPageSize = 100

func clampLimit(n int) int {
	if n <= 0 {
		return 50
	}
	return min(n, MaxPageSize)
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
