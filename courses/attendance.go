package courses

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/csvx"
)

// Audit action for a register changed after it was closed.
const ActAttendanceCorrected = "attendance.corrected_after_close"

// AttendanceEntry is one line a trainer writes in the register. Minutes is
// what a late arrival attended; for present it defaults to the session's
// length and may be corrected; excused and absent are 0. A change to a line
// already written is a correction and needs a reason.
type AttendanceEntry struct {
	UserID  int64
	Status  string
	Minutes *int
	Reason  string
}

// Register is a session's attendance register.
type Register struct {
	Session SessionView     `json:"session"`
	Closed  bool            `json:"closed"`
	Entries []RegisterEntry `json:"entries"`
}

// RegisterEntry is one registered person's line.
type RegisterEntry struct {
	UserID        int64              `json:"user_id"`
	FullName      string             `json:"full_name"`
	Email         string             `json:"email"`
	Profession    string             `json:"profession"`
	InstitutionID *int64             `json:"institution_id"`
	Institution   string             `json:"institution"`
	Status        string             `json:"status"`
	Minutes       int                `json:"minutes"`
	Hours         float64            `json:"hours"`
	RecordedAt    *time.Time         `json:"recorded_at"`
	History       []AttendanceChange `json:"history"`
}

// AttendanceChange is one entry or correction, as kept.
type AttendanceChange struct {
	Status     string    `json:"status"`
	Minutes    int       `json:"minutes"`
	Reason     string    `json:"reason"`
	AfterClose bool      `json:"after_close"`
	RecordedBy *int64    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// registerScope decides whose lines p may read: everyone's for those who
// run the session, their own staff's for managers of institutions with
// staff on it; anyone else gets 404.
func (s *Service) registerScope(tx *gorm.DB, p *accounts.Principal, sessionID int64) (*sessionAccess, int64, error) {
	a, err := s.loadSession(tx, p, sessionID)
	if err != nil {
		return nil, 0, err
	}
	if a.manage || p.Admin {
		return a, 0, nil
	}
	if p.Has(accounts.RoleManager) {
		var n int64
		if err := tx.Model(&registration{}).Joins("JOIN users u ON u.id = session_registrations.user_id").
			Where("session_registrations.session_id = ? AND u.institution_id = ?", sessionID, p.InstitutionID).Count(&n).Error; err != nil {
			return nil, 0, err
		}
		if n > 0 {
			return a, p.InstitutionID, nil
		}
	}
	return nil, 0, errSessionNotFound
}

// GetRegister returns the register p may read.
func (s *Service) GetRegister(ctx context.Context, p *accounts.Principal, sessionID int64) (*Register, error) {
	var out *Register
	err := s.tx(ctx, func(tx *gorm.DB) error {
		a, inst, err := s.registerScope(tx, p, sessionID)
		if err != nil {
			return err
		}
		out, err = s.register(tx, a, inst, p)
		return err
	})
	return out, err
}

func (s *Service) register(tx *gorm.DB, a *sessionAccess, inst int64, p *accounts.Principal) (*Register, error) {
	q := tx.Model(&registration{}).Where("session_id = ?", a.session.ID)
	if inst != 0 {
		q = q.Where("user_id IN (SELECT id FROM users WHERE institution_id = ?)", inst)
	}
	var regs []registration
	if err := q.Order("id").Find(&regs).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, len(regs))
	for i, r := range regs {
		ids[i] = r.UserID
	}
	people := map[int64]person{}
	instNames := map[int64]string{}
	history := map[int64][]AttendanceChange{}
	if len(ids) > 0 {
		var ps []person
		if err := tx.Table("users").Select("id, email, full_name, profession, institution_id").Where("id IN ?", ids).Scan(&ps).Error; err != nil {
			return nil, err
		}
		var instIDs []int64
		for _, x := range ps {
			people[x.ID] = x
			if x.InstitutionID != nil {
				instIDs = append(instIDs, *x.InstitutionID)
			}
		}
		if len(instIDs) > 0 {
			var names []struct {
				ID   int64
				Name string
			}
			if err := tx.Table("institutions").Select("id, name").Where("id IN ?", instIDs).Scan(&names).Error; err != nil {
				return nil, err
			}
			for _, n := range names {
				instNames[n.ID] = n.Name
			}
		}
		var recs []attendanceRecord
		if err := tx.Where("session_id = ? AND user_id IN ?", a.session.ID, ids).Order("id").Find(&recs).Error; err != nil {
			return nil, err
		}
		for _, r := range recs {
			history[r.UserID] = append(history[r.UserID], AttendanceChange{Status: r.Status, Minutes: r.Minutes, Reason: r.Reason,
				AfterClose: r.AfterClose, RecordedBy: r.RecordedBy, RecordedAt: r.RecordedAt.UTC()})
		}
	}
	reg := &Register{Session: sessionView(a.session, false, a.manage || p.Admin), Closed: a.session.ClosedAt != nil, Entries: make([]RegisterEntry, len(regs))}
	for i, r := range regs {
		x := people[r.UserID]
		e := RegisterEntry{UserID: r.UserID, FullName: x.FullName, Email: x.Email, Profession: x.Profession, InstitutionID: x.InstitutionID,
			Status: r.Status, Minutes: r.Minutes, Hours: roundHours(float64(r.Minutes) / 60), RecordedAt: utcPtr(r.RecordedAt),
			History: history[r.UserID]}
		if x.InstitutionID != nil {
			e.Institution = instNames[*x.InstitutionID]
		}
		if e.History == nil {
			e.History = []AttendanceChange{}
		}
		reg.Entries[i] = e
	}
	return reg, nil
}

// RecordAttendance writes lines of the register. Every line is appended to
// the history; a correction needs a reason. Once the register is closed only
// admins change it, each change audited. All lines are written, or none.
func (s *Service) RecordAttendance(ctx context.Context, p *accounts.Principal, sessionID int64, entries []AttendanceEntry) (*Register, error) {
	if len(entries) == 0 || len(entries) > MaxBatch {
		return nil, invalid(apperr.Field("entries", "out_of_range", "give 1 to 500 entries"))
	}
	var out *Register
	var events []*CompletionEvent
	var regEvent *RegisterEvent
	err := s.tx(ctx, func(tx *gorm.DB) error {
		regEvent = nil
		a, err := s.loadSession(tx, p, sessionID)
		if err != nil {
			return err
		}
		if !a.manage && !p.Admin {
			return errSessionNotFound
		}
		ls := a.session
		if ls.CancelledAt != nil {
			return apperr.Conflict("session_cancelled", "The session was cancelled.")
		}
		afterClose := ls.ClosedAt != nil
		if afterClose && !p.Admin {
			return apperr.Conflict("register_closed", "The register is closed; ask an admin to correct it.")
		}
		var regs []registration
		if err := tx.Where("session_id = ?", ls.ID).Find(&regs).Error; err != nil {
			return err
		}
		byUser := map[int64]*registration{}
		for i := range regs {
			byUser[regs[i].UserID] = &regs[i]
		}
		var fields []apperr.FieldError
		seen := map[int64]bool{}
		type change struct {
			reg     *registration
			status  string
			minutes int
			reason  string
		}
		var changes []change
		for i, e := range entries {
			f := "entries." + strconv.Itoa(i)
			r := byUser[e.UserID]
			if r == nil || seen[e.UserID] {
				fields = append(fields, apperr.Field(f+".user_id", "not_registered", "names nobody registered for the session, or names them twice"))
				continue
			}
			seen[e.UserID] = true
			minutes, fe := entryMinutes(f, e, ls.DurationMinutes)
			if fe != nil {
				fields = append(fields, *fe)
				continue
			}
			reason := strings.TrimSpace(e.Reason)
			if fe := checkText(f+".reason", reason, false, MaxReasonRunes, false); fe != nil {
				fields = append(fields, *fe)
				continue
			}
			if r.Status == e.Status && r.Minutes == minutes {
				continue // nothing changes
			}
			if (r.Status != "" || afterClose) && reason == "" {
				fields = append(fields, apperr.Field(f+".reason", "required", "a correction needs a reason"))
				continue
			}
			changes = append(changes, change{reg: r, status: e.Status, minutes: minutes, reason: reason})
		}
		if len(fields) > 0 {
			return invalid(fields...)
		}
		now := s.now()
		if afterClose && len(changes) > 0 {
			// A closed register changed: its certificates are delivered again.
			now = stamp(now)
			if err := tx.Model(&liveSession{}).Where("id = ?", ls.ID).
				Updates(map[string]any{"updated_at": now, "attendance_notified_at": nil}).Error; err != nil {
				return err
			}
			regEvent = &RegisterEvent{SessionID: ls.ID, CourseID: ls.CourseID, At: now}
		}
		var affected []int64
		for _, ch := range changes {
			rec := attendanceRecord{SessionID: ls.ID, UserID: ch.reg.UserID, Status: ch.status, Minutes: ch.minutes, Reason: ch.reason,
				AfterClose: afterClose, RecordedBy: &p.UserID, RecordedAt: now}
			if err := tx.Create(&rec).Error; err != nil {
				return err
			}
			if err := tx.Model(&registration{}).Where("id = ?", ch.reg.ID).Updates(map[string]any{
				"status": ch.status, "minutes": ch.minutes, "recorded_at": now}).Error; err != nil {
				return err
			}
			if afterClose {
				if err := s.acc.Audit.Record(ctx, tx, accounts.AuditEntry{ActorID: p.UserID, Action: ActAttendanceCorrected,
					TargetType: "session", TargetID: strconv.FormatInt(ls.ID, 10), Outcome: "success",
					Detail: map[string]any{"user_id": ch.reg.UserID, "from": map[string]any{"status": ch.reg.Status, "minutes": ch.reg.Minutes},
						"to": map[string]any{"status": ch.status, "minutes": ch.minutes}, "reason": ch.reason}}); err != nil {
					return err
				}
			}
			if ch.minutes != ch.reg.Minutes {
				affected = append(affected, ch.reg.UserID)
			}
			if regEvent != nil {
				regEvent.UserIDs = append(regEvent.UserIDs, ch.reg.UserID)
			}
		}
		if events, err = s.reevaluate(tx, ls.CourseID, affected); err != nil {
			return err
		}
		out, err = s.register(tx, a, 0, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.fire(ctx, events...)
	s.fireRegister(ctx, regEvent)
	return out, nil
}

func entryMinutes(f string, e AttendanceEntry, duration int) (int, *apperr.FieldError) {
	switch e.Status {
	case AttendPresent:
		if e.Minutes == nil {
			return duration, nil
		}
		if *e.Minutes < 0 || *e.Minutes > duration {
			return 0, ptr(apperr.Field(f+".minutes", "out_of_range", "must be from 0 to the session's length"))
		}
		return *e.Minutes, nil
	case AttendLate:
		if e.Minutes == nil || *e.Minutes < 1 || *e.Minutes > duration {
			return 0, ptr(apperr.Field(f+".minutes", "out_of_range", "a late arrival needs the minutes attended, from 1 to the session's length"))
		}
		return *e.Minutes, nil
	case AttendExcused, AttendAbsent:
		if e.Minutes != nil && *e.Minutes != 0 {
			return 0, ptr(apperr.Field(f+".minutes", "not_allowed", "excused and absent attend 0 minutes"))
		}
		return 0, nil
	}
	return 0, ptr(apperr.Field(f+".status", "not_allowed", "must be present, late, excused or absent"))
}

// CloseRegister closes a session's register once it has started; people
// without a line are recorded absent. After the commit the register listener
// is told who attended (attendance certificates are issued automatically).
func (s *Service) CloseRegister(ctx context.Context, p *accounts.Principal, sessionID int64) (*Register, error) {
	var out *Register
	var event *RegisterEvent
	err := s.tx(ctx, func(tx *gorm.DB) error {
		a, err := s.loadSession(tx, p, sessionID)
		if err != nil {
			return err
		}
		if !a.manage && !p.Admin {
			return errSessionNotFound
		}
		ls := a.session
		switch {
		case ls.CancelledAt != nil:
			return apperr.Conflict("session_cancelled", "The session was cancelled.")
		case ls.ClosedAt != nil:
			return apperr.Conflict("register_closed", "The register is already closed.")
		case s.now().Before(ls.StartsAt):
			return apperr.Conflict("session_not_started", "A register is closed after the session has started.")
		}
		now := stamp(s.now())
		res := tx.Model(&liveSession{}).Where("id = ? AND closed_at IS NULL", ls.ID).
			Updates(map[string]any{"closed_at": now, "closed_by": p.UserID, "updated_at": now, "attendance_notified_at": nil})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return apperr.Conflict("register_closed", "The register is already closed.")
		}
		var open []registration
		if err := tx.Where("session_id = ? AND status = ''", ls.ID).Find(&open).Error; err != nil {
			return err
		}
		for _, r := range open {
			rec := attendanceRecord{SessionID: ls.ID, UserID: r.UserID, Status: AttendAbsent, Reason: "no entry when the register was closed",
				RecordedBy: &p.UserID, RecordedAt: now}
			if err := tx.Create(&rec).Error; err != nil {
				return err
			}
			if err := tx.Model(&registration{}).Where("id = ?", r.ID).Updates(map[string]any{"status": AttendAbsent, "minutes": 0, "recorded_at": now}).Error; err != nil {
				return err
			}
		}
		ls.ClosedAt = &now
		ids, err := attendees(tx, ls.ID)
		if err != nil {
			return err
		}
		event = &RegisterEvent{SessionID: ls.ID, CourseID: ls.CourseID, UserIDs: ids, At: now}
		out, err = s.register(tx, a, 0, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.fireRegister(ctx, event)
	return out, nil
}

// WriteRegisterCSV writes the register p may read as CSV (formula-safe).
func (s *Service) WriteRegisterCSV(ctx context.Context, p *accounts.Principal, sessionID int64, w io.Writer) error {
	reg, err := s.GetRegister(ctx, p, sessionID)
	if err != nil {
		return err
	}
	var slug string
	s.db.WithContext(ctx).Model(&course{}).Where("id = ?", reg.Session.CourseID).Limit(1).Pluck("slug", &slug)
	cw := csvx.NewWriter(w)
	cw.BOM = true
	cw.Write([]string{"session_id", "course", "starts_at", "kind", "place", "user_id", "full_name", "email", "profession",
		"institution", "status", "minutes", "hours", "corrections", "last_reason"})
	where := reg.Session.Place
	for _, e := range reg.Entries {
		corrections, reason := 0, ""
		if n := len(e.History); n > 0 {
			corrections, reason = n-1, e.History[n-1].Reason
		}
		cw.Write([]string{strconv.FormatInt(reg.Session.ID, 10), slug, reg.Session.StartsAt.Format(time.RFC3339), reg.Session.Kind, where,
			strconv.FormatInt(e.UserID, 10), e.FullName, e.Email, e.Profession, e.Institution, e.Status, strconv.Itoa(e.Minutes),
			fmt.Sprintf("%.2f", e.Hours), strconv.Itoa(corrections), reason})
	}
	return cw.Flush()
}
