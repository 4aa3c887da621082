package courses

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/lang"
)

// SessionFields are a live session's details.
type SessionFields struct {
	Kind            string
	Title           LocalText
	Place           string
	Link            string
	StartsAt        time.Time
	DurationMinutes int
	Capacity        int
	TrainerID       int64
}

func (f *SessionFields) validate(now time.Time) []apperr.FieldError {
	f.Title = f.Title.trimmed()
	f.Place = strings.TrimSpace(f.Place)
	f.Link = strings.TrimSpace(f.Link)
	var fields []apperr.FieldError
	add := func(fe *apperr.FieldError) {
		if fe != nil {
			fields = append(fields, *fe)
		}
	}
	add(checkText("title.sr", f.Title.Sr, false, MaxTitleRunes, false))
	add(checkText("title.en", f.Title.En, false, MaxTitleRunes, false))
	add(checkText("place", f.Place, false, 300, false))
	switch f.Kind {
	case KindInPerson:
		if f.Place == "" {
			fields = append(fields, apperr.Field("place", "required", "an in-person session needs a place"))
		}
	case KindOnline:
		u, err := url.Parse(f.Link)
		if f.Link == "" || len(f.Link) > 500 || err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
			fields = append(fields, apperr.Field("link", "invalid", "an online session needs an https link of at most 500 characters"))
		}
	default:
		fields = append(fields, apperr.Field("kind", "not_allowed", "must be in_person or online"))
	}
	if f.Kind == KindInPerson && f.Link != "" {
		fields = append(fields, apperr.Field("link", "not_allowed", "an in-person session has a place, not a link"))
	}
	if f.StartsAt.IsZero() || f.StartsAt.Before(now.AddDate(-1, 0, 0)) || f.StartsAt.After(now.AddDate(5, 0, 0)) {
		fields = append(fields, apperr.Field("starts_at", "out_of_range", "must be within a year back and five years ahead"))
	}
	if f.DurationMinutes < 15 || f.DurationMinutes > 1440 {
		fields = append(fields, apperr.Field("duration_minutes", "out_of_range", "must be from 15 to 1440"))
	}
	if f.Capacity < 1 || f.Capacity > 10000 {
		fields = append(fields, apperr.Field("capacity", "out_of_range", "must be from 1 to 10000"))
	}
	return fields
}

// SessionView is a live session. The link of an online session is shown to
// the people registered for it and to those who run it.
type SessionView struct {
	ID              int64      `json:"id"`
	CourseID        int64      `json:"course_id"`
	Kind            string     `json:"kind"`
	Title           LocalText  `json:"title"`
	Place           string     `json:"place"`
	Link            string     `json:"link"`
	StartsAt        time.Time  `json:"starts_at"`
	DurationMinutes int        `json:"duration_minutes"`
	Capacity        int        `json:"capacity"`
	Registered      int        `json:"registered"`
	TrainerID       int64      `json:"trainer_id"`
	Version         int        `json:"version"`
	ClosedAt        *time.Time `json:"closed_at"`
	CancelledAt     *time.Time `json:"cancelled_at"`
	RegisteredMe    bool       `json:"registered_me"`
	CanManage       bool       `json:"can_manage"`
}

func sessionView(ls *liveSession, registeredMe, canManage bool) SessionView {
	v := SessionView{ID: ls.ID, CourseID: ls.CourseID, Kind: ls.Kind, Title: LocalText{ls.TitleSr, ls.TitleEn}, Place: ls.Place,
		StartsAt: ls.StartsAt.UTC(), DurationMinutes: ls.DurationMinutes, Capacity: ls.Capacity, Registered: ls.Registered,
		TrainerID: ls.TrainerID, Version: ls.Version, ClosedAt: utcPtr(ls.ClosedAt), CancelledAt: utcPtr(ls.CancelledAt),
		RegisteredMe: registeredMe, CanManage: canManage}
	if registeredMe || canManage {
		v.Link = ls.Link
	}
	return v
}

func (s *Service) checkTrainer(ctx context.Context, id int64) error {
	u, err := s.acc.GetUser(ctx, id)
	if err != nil || !slices.Contains(u.Roles, accounts.RoleTrainer) || u.Disabled {
		return apperr.Unprocessable("not_a_trainer", "A session is run by a trainer.", apperr.Field("trainer_id", "not_a_trainer", "names no active trainer"))
	}
	return nil
}

// CreateSession adds a live session to a course p edits.
func (s *Service) CreateSession(ctx context.Context, p *accounts.Principal, courseID int64, f SessionFields) (*SessionView, error) {
	if f.TrainerID == 0 && p.Trainer {
		f.TrainerID = p.UserID
	}
	if fields := f.validate(s.now()); len(fields) > 0 {
		return nil, invalid(fields...)
	}
	if f.TrainerID == 0 {
		return nil, invalid(apperr.Field("trainer_id", "required", "name the trainer who runs the session"))
	}
	if err := s.checkTrainer(ctx, f.TrainerID); err != nil {
		return nil, err
	}
	var ls liveSession
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, err := s.editableCourse(tx, p, courseID)
		if err != nil {
			return err
		}
		now := s.now()
		ls = liveSession{CourseID: c.ID, Kind: f.Kind, TitleSr: f.Title.Sr, TitleEn: f.Title.En, Place: f.Place, Link: f.Link,
			StartsAt: f.StartsAt.UTC(), DurationMinutes: f.DurationMinutes, Capacity: f.Capacity, TrainerID: f.TrainerID,
			Version: 1, CreatedBy: &p.UserID, CreatedAt: now, UpdatedAt: now}
		return tx.Create(&ls).Error
	})
	if err != nil {
		return nil, err
	}
	v := sessionView(&ls, false, true)
	return &v, nil
}

// sessionAccess is what p may do with a session.
type sessionAccess struct {
	session *liveSession
	course  *course
	manage  bool // the session's trainer, the course's editors, admins
	see     bool // the course is visible to p, or p manages the session
}

func (s *Service) loadSession(tx *gorm.DB, p *accounts.Principal, id int64) (*sessionAccess, error) {
	var ls liveSession
	if err := tx.Where("id = ?", id).Take(&ls).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, errSessionNotFound
		}
		return nil, err
	}
	c, err := loadCourse(tx, ls.CourseID)
	if err != nil {
		return nil, err
	}
	edit, err := canEdit(tx, p, c)
	if err != nil {
		return nil, err
	}
	a := &sessionAccess{session: &ls, course: c}
	a.manage = edit || (p.Trainer && ls.TrainerID == p.UserID)
	a.see = a.manage || c.Status == StatusPublished
	return a, nil
}

// visibleSession loads a session p may see, or answers 404.
func (s *Service) visibleSession(tx *gorm.DB, p *accounts.Principal, id int64) (*sessionAccess, error) {
	a, err := s.loadSession(tx, p, id)
	if err != nil {
		return nil, err
	}
	if !a.see {
		return nil, errSessionNotFound
	}
	return a, nil
}

func isRegistered(tx *gorm.DB, sessionID, userID int64) (bool, error) {
	var n int64
	err := tx.Model(&registration{}).Where("session_id = ? AND user_id = ?", sessionID, userID).Count(&n).Error
	return n > 0, err
}

// GetSession returns one session.
func (s *Service) GetSession(ctx context.Context, p *accounts.Principal, id int64) (*SessionView, error) {
	var out SessionView
	err := s.tx(ctx, func(tx *gorm.DB) error {
		a, err := s.visibleSession(tx, p, id)
		if err != nil {
			return err
		}
		reg, err := isRegistered(tx, id, p.UserID)
		if err != nil {
			return err
		}
		out = sessionView(a.session, reg, a.manage)
		return nil
	})
	return &out, err
}

// ListSessions lists a course's sessions by start.
func (s *Service) ListSessions(ctx context.Context, p *accounts.Principal, courseID int64) ([]SessionView, error) {
	var out []SessionView
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, edit, err := s.visibleCourse(tx, p, courseID)
		if err != nil {
			return err
		}
		var rows []liveSession
		if err := tx.Where("course_id = ?", c.ID).Order("starts_at, id").Limit(500).Find(&rows).Error; err != nil {
			return err
		}
		var mine []int64
		if err := tx.Model(&registration{}).Joins("JOIN live_sessions s ON s.id = session_registrations.session_id").
			Where("s.course_id = ? AND session_registrations.user_id = ?", c.ID, p.UserID).Pluck("session_registrations.session_id", &mine).Error; err != nil {
			return err
		}
		out = make([]SessionView, len(rows))
		for i := range rows {
			out[i] = sessionView(&rows[i], slices.Contains(mine, rows[i].ID), edit || (p.Trainer && rows[i].TrainerID == p.UserID))
		}
		return nil
	})
	return out, err
}

// SessionPatch changes a session; nil means unchanged.
type SessionPatch struct {
	Version         int
	Kind            *string
	Title           *LocalText
	Place           *string
	Link            *string
	StartsAt        *time.Time
	DurationMinutes *int
	Capacity        *int
	TrainerID       *int64
}

// UpdateSession edits a session that is neither closed nor cancelled.
func (s *Service) UpdateSession(ctx context.Context, p *accounts.Principal, id int64, patch SessionPatch) (*SessionView, error) {
	if patch.TrainerID != nil {
		if err := s.checkTrainer(ctx, *patch.TrainerID); err != nil {
			return nil, err
		}
	}
	var out SessionView
	err := s.tx(ctx, func(tx *gorm.DB) error {
		a, err := s.visibleSession(tx, p, id)
		if err != nil {
			return err
		}
		if !a.manage {
			return errSessionNotFound
		}
		ls := a.session
		if ls.Version != patch.Version {
			return errVersionConflict
		}
		if ls.ClosedAt != nil || ls.CancelledAt != nil {
			return apperr.Conflict("register_closed", "A closed or cancelled session cannot be changed.")
		}
		f := SessionFields{Kind: ls.Kind, Title: LocalText{ls.TitleSr, ls.TitleEn}, Place: ls.Place, Link: ls.Link, StartsAt: ls.StartsAt,
			DurationMinutes: ls.DurationMinutes, Capacity: ls.Capacity, TrainerID: ls.TrainerID}
		if patch.Kind != nil {
			f.Kind = *patch.Kind
		}
		if patch.Title != nil {
			f.Title = *patch.Title
		}
		if patch.Place != nil {
			f.Place = *patch.Place
		}
		if patch.Link != nil {
			f.Link = *patch.Link
		}
		if patch.StartsAt != nil {
			f.StartsAt = *patch.StartsAt
		}
		if patch.DurationMinutes != nil {
			f.DurationMinutes = *patch.DurationMinutes
		}
		if patch.Capacity != nil {
			f.Capacity = *patch.Capacity
		}
		if patch.TrainerID != nil {
			f.TrainerID = *patch.TrainerID
		}
		fields := f.validate(s.now())
		if f.Capacity < ls.Registered {
			fields = append(fields, apperr.Field("capacity", "below_registered", "is below the number already registered"))
		}
		if len(fields) > 0 {
			return invalid(fields...)
		}
		res := tx.Model(&liveSession{}).Where("id = ? AND version = ? AND registered <= ?", ls.ID, ls.Version, f.Capacity).Updates(map[string]any{
			"kind": f.Kind, "title_sr": f.Title.Sr, "title_en": f.Title.En, "place": f.Place, "link": f.Link, "starts_at": f.StartsAt.UTC(),
			"duration_minutes": f.DurationMinutes, "capacity": f.Capacity, "trainer_id": f.TrainerID, "version": ls.Version + 1, "updated_at": s.now(),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errVersionConflict
		}
		if err := tx.Where("id = ?", ls.ID).Take(ls).Error; err != nil {
			return err
		}
		out = sessionView(ls, false, true)
		return nil
	})
	return &out, err
}

// CancelSession cancels a session nobody's attendance was recorded for.
func (s *Service) CancelSession(ctx context.Context, p *accounts.Principal, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		a, err := s.visibleSession(tx, p, id)
		if err != nil {
			return err
		}
		if !a.manage {
			return errSessionNotFound
		}
		if a.session.CancelledAt != nil {
			return apperr.Conflict("already_cancelled", "The session is already cancelled.")
		}
		var recorded int64
		if err := tx.Model(&attendanceRecord{}).Where("session_id = ?", id).Count(&recorded).Error; err != nil {
			return err
		}
		if recorded > 0 || a.session.ClosedAt != nil {
			return apperr.Conflict("attendance_recorded", "Attendance has been recorded for this session; it cannot be cancelled.")
		}
		now := s.now()
		return tx.Model(&liveSession{}).Where("id = ?", id).Updates(map[string]any{"cancelled_at": now, "updated_at": now, "version": gorm.Expr("version + 1")}).Error
	})
}

// RegistrationReport says what a registration request did for each user.
type RegistrationReport struct {
	Registered        []int64 `json:"registered"`
	AlreadyRegistered []int64 `json:"already_registered"`
	NotFound          []int64 `json:"not_found"`
}

// RegisterForSession registers people for a session. Without ids p
// registers themselves; the session's trainer, the course's editors and
// admins may register anyone, managers their institution's members. New
// registrants are enrolled in the course. Capacity holds under concurrency:
// everybody in one request is registered, or nobody.
func (s *Service) RegisterForSession(ctx context.Context, p *accounts.Principal, sessionID int64, userIDs []int64) (*RegistrationReport, error) {
	userIDs = dedupe(userIDs)
	if len(userIDs) > MaxBatch {
		return nil, invalid(apperr.Field("user_ids", "too_long", "name at most 500 users"))
	}
	self := len(userIDs) == 0
	if self {
		userIDs = []int64{p.UserID}
	}
	rep := &RegistrationReport{Registered: []int64{}, AlreadyRegistered: []int64{}, NotFound: []int64{}}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		a, err := s.visibleSession(tx, p, sessionID)
		if err != nil {
			return err
		}
		ls, c := a.session, a.course
		if ls.ClosedAt != nil || ls.CancelledAt != nil {
			return apperr.Conflict("register_closed", "Registration for this session is closed.")
		}
		if c.Status != StatusPublished {
			return apperr.Unprocessable("course_not_published", "Only a published course's sessions take registrations.")
		}
		source := SourceSelf
		allowed := userIDs
		switch {
		case self:
			var enrolled int64
			if err := tx.Model(&enrolment{}).Where("user_id = ? AND course_id = ?", p.UserID, c.ID).Count(&enrolled).Error; err != nil {
				return err
			}
			if enrolled == 0 && !c.SelfEnrol && !a.manage {
				return apperr.Unprocessable("enrolment_closed", "This course is assigned by managers or trainers; it is not open to self-enrolment.")
			}
		case a.manage || p.Admin:
			source = SourceTrainer
			if p.Admin {
				source = SourceAdmin
			}
			var found []int64
			if err := tx.Table("users").Where("id IN ? AND disabled_at IS NULL", userIDs).Pluck("id", &found).Error; err != nil {
				return err
			}
			allowed = found
		case p.Has(accounts.RoleManager):
			source = SourceManager
			var found []int64
			if err := tx.Table("users").Where("id IN ? AND institution_id = ? AND disabled_at IS NULL", userIDs, p.InstitutionID).Pluck("id", &found).Error; err != nil {
				return err
			}
			allowed = found
		default:
			return apperr.Forbidden("forbidden", "You may register only yourself.")
		}
		ok := map[int64]bool{}
		for _, id := range allowed {
			ok[id] = true
		}
		var candidates []int64
		for _, id := range userIDs {
			if ok[id] {
				candidates = append(candidates, id)
			} else {
				rep.NotFound = append(rep.NotFound, id)
			}
		}
		if len(candidates) == 0 {
			return nil
		}
		var existing []int64
		if err := tx.Model(&registration{}).Where("session_id = ? AND user_id IN ?", ls.ID, candidates).Pluck("user_id", &existing).Error; err != nil {
			return err
		}
		var fresh []int64
		for _, id := range candidates {
			if slices.Contains(existing, id) {
				rep.AlreadyRegistered = append(rep.AlreadyRegistered, id)
			} else {
				fresh = append(fresh, id)
			}
		}
		if len(fresh) == 0 {
			return nil
		}
		// One conditional update claims the seats: of concurrent requests for
		// the last seats, those that would overfill the session change nothing.
		res := tx.Model(&liveSession{}).Where("id = ? AND registered + ? <= capacity AND closed_at IS NULL AND cancelled_at IS NULL", ls.ID, len(fresh)).
			Update("registered", gorm.Expr("registered + ?", len(fresh)))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return apperr.Conflict("session_full", "The session does not have enough free places for everyone named.")
		}
		now := s.now()
		rows := make([]registration, len(fresh))
		enrols := make([]enrolment, len(fresh))
		for i, id := range fresh {
			rows[i] = registration{SessionID: ls.ID, UserID: id, RegisteredBy: &p.UserID, RegisteredAt: now}
			enrols[i] = enrolment{UserID: id, CourseID: c.ID, Source: source, EnrolledAt: now, Cycle: 1}
			if source != SourceSelf {
				enrols[i].AssignedBy = &p.UserID
			}
		}
		if err := tx.CreateInBatches(&rows, 200).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return apperr.Conflict("already_registered", "Someone was registered by another request at the same time; try again.")
			}
			return err
		}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&enrols, 200).Error; err != nil {
			return err
		}
		rep.Registered = fresh
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Registering enrols whoever was not enrolled yet.
	s.forgetEnrolments(rep.Registered...)
	return rep, nil
}

// Unregister takes someone off a session before their attendance is recorded.
func (s *Service) Unregister(ctx context.Context, p *accounts.Principal, sessionID, userID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		a, err := s.visibleSession(tx, p, sessionID)
		if err != nil {
			return err
		}
		var r registration
		if err := tx.Where("session_id = ? AND user_id = ?", sessionID, userID).Take(&r).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return apperr.NotFound("registration_not_found", "This person is not registered for the session.")
			}
			return err
		}
		allowed := userID == p.UserID || a.manage || p.Admin
		if !allowed && p.Has(accounts.RoleManager) {
			var n int64
			if err := tx.Table("users").Where("id = ? AND institution_id = ?", userID, p.InstitutionID).Count(&n).Error; err != nil {
				return err
			}
			allowed = n > 0
		}
		if !allowed {
			return apperr.NotFound("registration_not_found", "This person is not registered for the session.")
		}
		if r.Status != "" || a.session.ClosedAt != nil {
			return apperr.Conflict("attendance_recorded", "Attendance is recorded for this person; the registration stays.")
		}
		if err := tx.Where("id = ?", r.ID).Delete(&registration{}).Error; err != nil {
			return err
		}
		return tx.Model(&liveSession{}).Where("id = ?", sessionID).Update("registered", gorm.Expr("registered - 1")).Error
	})
}

// TrainerSession is a session in the list of those one runs: the session,
// its course's title in the reader's locale, and whether it is still to
// come or under way (Upcoming) or over.
type TrainerSession struct {
	SessionView
	CourseTitle string `json:"course_title"`
	Upcoming    bool   `json:"upcoming"`
}

// maxSessionMinutes is the longest a session lasts (SessionFields.validate):
// only a session that started less than this long ago may still be running.
const maxSessionMinutes = 1440

// MySessions lists the sessions p runs as their trainer, cancelled ones
// included: first those not yet over, soonest first, then the past ones,
// latest first; a page of them and how many there are.
func (s *Service) MySessions(ctx context.Context, p *accounts.Principal, locale lang.Locale, offset, limit int) ([]TrainerSession, int64, error) {
	var out []TrainerSession
	var total int64
	now := s.now()
	err := s.tx(ctx, func(tx *gorm.DB) error {
		mine := tx.Model(&liveSession{}).Where("trainer_id = ?", p.UserID)
		if err := mine.Count(&total).Error; err != nil {
			return err
		}
		// Those that may not be over yet are few; which are is decided here,
		// where the duration can be added portably.
		var recent []liveSession
		if err := tx.Where("trainer_id = ? AND starts_at >= ?", p.UserID, now.Add(-maxSessionMinutes*time.Minute)).
			Order("starts_at, id").Find(&recent).Error; err != nil {
			return err
		}
		var upcoming []liveSession
		upcomingIDs := []int64{0}
		for _, ls := range recent {
			if ls.StartsAt.Add(time.Duration(ls.DurationMinutes) * time.Minute).After(now) {
				upcoming = append(upcoming, ls)
				upcomingIDs = append(upcomingIDs, ls.ID)
			}
		}
		var page []liveSession
		if offset < len(upcoming) {
			page = append(page, upcoming[offset:min(len(upcoming), offset+limit)]...)
		}
		if rest := limit - len(page); rest > 0 {
			var past []liveSession
			if err := tx.Where("trainer_id = ? AND id NOT IN ?", p.UserID, upcomingIDs).Order("starts_at DESC, id DESC").
				Offset(max(0, offset-len(upcoming))).Limit(rest).Find(&past).Error; err != nil {
				return err
			}
			page = append(page, past...)
		}
		titles := map[int64]string{}
		out = make([]TrainerSession, len(page))
		for i := range page {
			ls := &page[i]
			title, ok := titles[ls.CourseID]
			if !ok {
				if c, err := loadCourse(tx, ls.CourseID); err == nil {
					sr, en := c.TitleSr, c.TitleEn
					if c.PublishedRevision > 0 {
						var rev courseRevision
						if tx.Select("title_sr, title_en").Where("course_id = ? AND revision = ?", c.ID, c.PublishedRevision).Limit(1).Find(&rev).RowsAffected == 1 {
							sr, en = rev.TitleSr, rev.TitleEn
						}
					}
					title = localize(sr, en, locale)
				}
				titles[ls.CourseID] = title
			}
			reg, err := isRegistered(tx, ls.ID, p.UserID)
			if err != nil {
				return err
			}
			out[i] = TrainerSession{SessionView: sessionView(ls, reg, true), CourseTitle: title,
				Upcoming: ls.StartsAt.Add(time.Duration(ls.DurationMinutes) * time.Minute).After(now)}
		}
		return nil
	})
	return out, total, err
}
