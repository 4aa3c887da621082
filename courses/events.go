package courses

import (
	"context"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/apperr"
)

// RegisterEvent says a session's register was closed, or corrected by an
// admin after it was closed: the attendance of UserIDs in the course may
// earn (or change) an attendance certificate.
type RegisterEvent struct {
	SessionID, CourseID int64
	// UserIDs are the people whose attendance the event concerns: on closing,
	// everyone who attended (more than zero minutes); on a correction, the
	// people corrected.
	UserIDs []int64
	// At is when the register last changed; a delivery only counts for the
	// change it carries (a later correction is delivered on its own).
	At time.Time
}

// RegisterListener is told of each closed register after the commit that
// closed it, and again after each admin's correction of a closed register
// (the certificates package issues attendance certificates). Deliveries may
// repeat (RedeliverRegisters), so listeners must be idempotent.
type RegisterListener interface {
	RegisterClosed(ctx context.Context, e RegisterEvent) error
}

// SetRegisterListener installs l (app wires it).
func (s *Service) SetRegisterListener(l RegisterListener) {
	s.mu.Lock()
	s.registerListener = l
	s.mu.Unlock()
}

func (s *Service) currentRegisterListener() RegisterListener {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.registerListener
}

// stamp is a time both dialects store and compare exactly (PostgreSQL keeps
// microseconds), for the change markers deliveries compare against.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// fireRegister delivers a committed register change and marks the session
// delivered, unless it changed again meanwhile. A failure is logged and left
// to RedeliverRegisters.
func (s *Service) fireRegister(ctx context.Context, e *RegisterEvent) bool {
	l := s.currentRegisterListener()
	if e == nil || l == nil {
		return false
	}
	if err := l.RegisterClosed(ctx, *e); err != nil {
		s.log.Error("register listener failed", slog.Int64("session_id", e.SessionID), slog.String("error", err.Error()))
		return false
	}
	if err := s.db.WithContext(ctx).Model(&liveSession{}).
		Where("id = ? AND attendance_notified_at IS NULL AND updated_at <= ?", e.SessionID, e.At).
		Update("attendance_notified_at", s.now()).Error; err != nil {
		s.log.Error("mark register delivered", slog.String("error", err.Error()))
	}
	return true
}

// attendees lists the people who attended a session (more than zero minutes).
func attendees(tx *gorm.DB, sessionID int64) ([]int64, error) {
	var ids []int64
	err := tx.Model(&registration{}).Where("session_id = ? AND minutes > 0", sessionID).Order("user_id").Pluck("user_id", &ids).Error
	return ids, err
}

// RedeliverRegisters delivers the closed registers whose delivery failed
// (or whose process stopped before it), last changed longer than grace ago,
// with everyone who attended. It returns how many it delivered.
func (s *Service) RedeliverRegisters(ctx context.Context, grace time.Duration) (int, error) {
	if s.currentRegisterListener() == nil {
		return 0, nil
	}
	var rows []liveSession
	if err := s.db.WithContext(ctx).Where("closed_at IS NOT NULL AND attendance_notified_at IS NULL AND cancelled_at IS NULL AND updated_at < ?", s.now().Add(-grace)).
		Order("id").Limit(200).Find(&rows).Error; err != nil {
		return 0, apperr.Internal(err)
	}
	n := 0
	for _, ls := range rows {
		ids, err := attendees(s.db.WithContext(ctx), ls.ID)
		if err != nil {
			return n, apperr.Internal(err)
		}
		if s.fireRegister(ctx, &RegisterEvent{SessionID: ls.ID, CourseID: ls.CourseID, UserIDs: ids, At: ls.UpdatedAt.UTC()}) {
			n++
		}
	}
	return n, nil
}
