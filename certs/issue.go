package certs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/courses"
	"github.com/prepoznaj/prepoznaj/lang"
)

// CourseCompleted issues the completion certificate a course completion
// earns; it implements courses.CompletionListener. There is one per
// learner, course and enrolment cycle: delivering the same event again, or
// several times at once, issues nothing more, and a completion of a later
// cycle (the course re-taken after the previous certificate expired) issues
// a new certificate that supersedes the previous one.
func (s *Service) CourseCompleted(ctx context.Context, e courses.CompletionEvent) error {
	_, _, err := s.issueCompletion(ctx, e.UserID, e.CourseID, e.CourseVersion, e.Cycle, e.CompletedAt)
	return err
}

// IssueCompletion issues a completion certificate for a learner's
// completion of a course version at completedAt when the enrolment cycle is
// not known, and reports whether it is new. There is one per learner and
// course version; a completion after the last certificate's validity ended
// (re-taking the course), or of a newer version, issues a new certificate
// that supersedes the previous one, which stays on record.
func (s *Service) IssueCompletion(ctx context.Context, userID, courseID int64, version int, completedAt time.Time) (*Certificate, bool, error) {
	return s.issueCompletion(ctx, userID, courseID, version, 0, completedAt)
}

func (s *Service) issueCompletion(ctx context.Context, userID, courseID int64, version, cycle int, completedAt time.Time) (*Certificate, bool, error) {
	completedOn := s.civil(completedAt)
	// One read decides everything, so every copy of one event that saw the
	// same certificates computes the same key, and all but one lose on the
	// unique index. (Reading the latest and counting in two statements
	// would let a copy see the winner's row in the second but not the first.)
	var prior []certificate
	if err := s.db.WithContext(ctx).Where("user_id = ? AND course_id = ? AND kind = ?", userID, courseID, string(KindCompletion)).
		Order("id DESC").Find(&prior).Error; err != nil {
		return nil, false, apperr.Internal(err)
	}
	var prev *certificate
	if len(prior) > 0 {
		prev = &prior[0]
	}
	var key string
	if cycle > 0 {
		// The cycle decides: one certificate per cycle; a stale event of an
		// earlier cycle than one already certified changes nothing.
		for i := range prior {
			if prior[i].Cycle >= cycle {
				if prior[i].Cycle == cycle {
					return s.view(&prior[i]), false, nil
				}
				return s.view(prev), false, nil
			}
		}
		key = fmt.Sprintf("completion:%d:%d:cycle:%d", userID, courseID, cycle)
	} else {
		n := 0
		for i := range prior {
			if prior[i].CourseVersion == version {
				n++
			}
		}
		if prev != nil {
			stillCovers := prev.CourseVersion == version && (prev.ExpiresAt == nil || completedOn.Before(*prev.ExpiresAt))
			stale := prev.CourseVersion > version || completedOn.Before(prev.CompletedOn)
			if stillCovers || stale {
				return s.view(prev), false, nil
			}
		}
		key = fmt.Sprintf("completion:%d:%d:%d:%d", userID, courseID, version, n)
	}
	if c, err := s.byIssueKey(ctx, key); err != nil || c != nil {
		return c, false, err
	}
	holder, err := s.acc.UserFacts(ctx, userID)
	if err != nil {
		return nil, false, err
	}
	loc := localeOf(holder.Locale)
	// The revision completed, not the one published now: a course edited
	// and republished after the completion does not change what it earned.
	cf, err := s.facts.CourseForCertificate(ctx, courseID, userID, version, cycle, loc)
	if err != nil {
		return nil, false, err
	}
	snap := s.baseSnapshot(KindCompletion, holder, loc, cf)
	snap.Hours = cf.Hours
	snap.CompletedOn = completedOn
	if !cf.StartedOn.IsZero() && !s.civil(cf.StartedOn).After(completedOn) {
		snap.StartedOn = s.civil(cf.StartedOn)
	}
	if cf.ShowsResult {
		snap.Result = cf.Result
	}
	row := certificate{Kind: string(KindCompletion), IssueKey: key, UserID: userID, CourseID: courseID, CourseVersion: version,
		Cycle: cycle, CompletedOn: completedOn}
	if cf.ValidityMonths > 0 {
		exp := completedOn.AddDate(0, cf.ValidityMonths, 0)
		row.ExpiresAt = &exp
		snap.ExpiresOn = exp
	}
	return s.insert(ctx, row, snap, holder)
}

// IssueAttendance issues, on request, the attendance certificate for a
// learner's attended sessions of a course. Managers of the learner's
// institution, the course's owner, the trainers of those sessions and
// admins may ask; anyone else is told the learner has no such attendance.
func (s *Service) IssueAttendance(ctx context.Context, p *accounts.Principal, courseID, userID int64) (*Certificate, bool, error) {
	errNone := apperr.NotFound("attendance_not_found", "No such learner's attendance in this course.")
	holder, err := s.acc.UserFacts(ctx, userID)
	if apperr.IsKind(err, apperr.KindNotFound) {
		return nil, false, errNone
	}
	if err != nil {
		return nil, false, err
	}
	sessions, err := s.facts.AttendanceForCertificate(ctx, courseID, userID)
	if apperr.IsKind(err, apperr.KindNotFound) {
		return nil, false, errNone
	}
	if err != nil {
		return nil, false, err
	}
	allowed := p.Admin || (holder.InstitutionID != 0 && p.ManagesInstitution(holder.InstitutionID))
	if !allowed && p.Trainer {
		for _, ses := range sessions {
			allowed = allowed || ses.TrainerID == p.UserID
		}
		if !allowed {
			owner, err := s.facts.CourseOwner(ctx, courseID)
			if err != nil && !apperr.IsKind(err, apperr.KindNotFound) {
				return nil, false, err
			}
			allowed = owner == p.UserID
		}
	}
	if !allowed {
		return nil, false, errNone
	}
	if len(sessions) == 0 {
		return nil, false, apperr.Unprocessable("no_attendance", "The learner attended no session of this course whose register is closed.")
	}
	return s.issueAttendance(ctx, courseID, holder, sessions, &p.UserID)
}

// RegisterClosed issues attendance certificates for the people on a closed
// register; it implements courses.RegisterListener. Each gets one covering
// all their attended sessions of the course, superseding the one an earlier
// session gave them; people who attended nothing are skipped. Delivering the
// same register again issues nothing more (the same sessions and hours are
// the same certificate); an admin's correction of the hours issues a new one.
func (s *Service) RegisterClosed(ctx context.Context, e courses.RegisterEvent) error {
	return s.issueAttendances(ctx, e.CourseID, e.UserIDs)
}

func (s *Service) issueAttendances(ctx context.Context, courseID int64, userIDs []int64) error {
	var errs []error
	for _, uid := range userIDs {
		holder, err := s.acc.UserFacts(ctx, uid)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := s.settleAttendance(ctx, courseID, holder); err != nil {
			errs = append(errs, fmt.Errorf("user %d: %w", uid, err))
		}
	}
	return errors.Join(errs...)
}

// settleAttendance brings holder's attendance certificate of the course in
// line with the closed registers: issued for what they attended, or
// withdrawn when nothing is left. Issuings for one holder queue (see
// insert), but one that read the registers before another register closed
// may still finish last and leave fewer sessions in force; so the registers
// are read again after each issuing, until what is in force matches them.
func (s *Service) settleAttendance(ctx context.Context, courseID int64, holder *accounts.UserFacts) error {
	for range 3 {
		sessions, err := s.facts.AttendanceForCertificate(ctx, courseID, holder.ID)
		if err != nil {
			return err
		}
		if len(sessions) == 0 {
			// A correction took away every hour the learner attended: the
			// certificate that listed them no longer holds.
			return s.withdrawAttendance(ctx, courseID, holder)
		}
		_, created, err := s.issueAttendance(ctx, courseID, holder, sessions, nil)
		if err != nil || !created {
			return err
		}
	}
	return nil
}

// withdrawAttendance revokes holder's attendance certificate of the course
// still in force, if any, saying why in the holder's language (verification
// shows the reason). Revoking it again changes nothing.
func (s *Service) withdrawAttendance(ctx context.Context, courseID int64, holder *accounts.UserFacts) error {
	reason := text(lblAttendanceWithdrawn, localeOf(holder.Locale))
	return apperr.Wrap(s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []certificate
		if err := inForceQuery(tx, holder.ID, courseID, string(KindAttendance)).Find(&rows).Error; err != nil {
			return err
		}
		for i := range rows {
			if _, err := s.revokeIn(ctx, tx, &rows[i], 0, reason, map[string]any{"cause": "attendance_corrected"}); err != nil {
				return err
			}
		}
		return nil
	}))
}

func (s *Service) issueAttendance(ctx context.Context, courseID int64, holder *accounts.UserFacts, sessions []AttendedSession, by *int64) (*Certificate, bool, error) {
	if len(sessions) > MaxSessions {
		return nil, false, apperr.Unprocessable("too_many_sessions", fmt.Sprintf("An attendance certificate lists at most %d sessions.", MaxSessions))
	}
	// The same sessions with the same hours are the same certificate; a
	// further session, or an hour corrected by an admin, is a new one.
	h := sha256.New()
	total := 0.0
	var last time.Time
	for _, ses := range sessions {
		fmt.Fprintf(h, "%d:%.4f;", ses.SessionID, ses.Hours)
		total += ses.Hours
		if d := s.civil(ses.StartsAt); d.After(last) {
			last = d
		}
	}
	// The certificate in force for the same sessions and hours is the answer.
	// Otherwise the key counts the holder's attendance certificates of the
	// course, so sessions that were certified before, then superseded or
	// withdrawn, can be certified again; two identical issuings at once
	// compute one key, and the second gets the first's certificate.
	// One read gives both, so a copy of an event that sees another copy's
	// certificate sees it in both (as for completions).
	same := fmt.Sprintf("attendance:%d:%d:%s", holder.ID, courseID, hex.EncodeToString(h.Sum(nil))[:32])
	var prior []certificate
	if err := s.db.WithContext(ctx).Where("user_id = ? AND course_id = ? AND kind = ?", holder.ID, courseID, string(KindAttendance)).
		Find(&prior).Error; err != nil {
		return nil, false, apperr.Internal(err)
	}
	for i := range prior {
		c := &prior[i]
		if c.RevokedAt == nil && c.SupersededByID == nil && (c.IssueKey == same || strings.HasPrefix(c.IssueKey, same+":")) {
			return s.view(c), false, nil
		}
	}
	key := same + ":" + strconv.Itoa(len(prior))
	if c, err := s.byIssueKey(ctx, key); err != nil || c != nil {
		return c, false, err
	}
	loc := localeOf(holder.Locale)
	cf, err := s.facts.CourseForCertificate(ctx, courseID, holder.ID, 0, 0, loc)
	if err != nil {
		return nil, false, err
	}
	snap := s.baseSnapshot(KindAttendance, holder, loc, cf)
	snap.Hours = math.Round(total*100) / 100
	for _, ses := range sessions {
		snap.Sessions = append(snap.Sessions, Session{Date: s.civil(ses.StartsAt), Place: placeOr(ses.Place, loc), Hours: ses.Hours})
	}
	row := certificate{Kind: string(KindAttendance), IssueKey: key, UserID: holder.ID, CourseID: courseID, CourseVersion: cf.Version,
		CompletedOn: last, IssuedBy: by}
	return s.insert(ctx, row, snap, holder)
}

func (s *Service) baseSnapshot(kind Kind, holder *accounts.UserFacts, loc lang.Locale, cf CourseCertificateFacts) Snapshot {
	issuer := cf.IssuerName
	if issuer == "" {
		issuer = s.o.IssuerName
	}
	return Snapshot{
		Kind: kind, Locale: loc, HolderName: holder.FullName, InstitutionName: holder.InstitutionName,
		ProfessionLabel: ProfessionLabel(holder.Profession, loc), CourseTitle: cf.Title, IssuerName: issuer,
		Signatories: slices.Clone(cf.Signatories[:min(len(cf.Signatories), MaxSignatories)]),
	}
}

// insert stores a new certificate, superseding the holder's certificate of
// the same kind and course that is in force. One is in force at a time:
// issuings for the same holder, course and kind queue on a lock and read
// what is in force inside their transaction, so two issued at once (two
// registers closed together) cannot both stay valid; the later supersedes
// the earlier. A lost race on the issue key returns the winner's certificate.
func (s *Service) insert(ctx context.Context, row certificate, snap Snapshot, holder *accounts.UserFacts) (*Certificate, bool, error) {
	now := s.now().UTC().Truncate(time.Second)
	snap.IssuedAt = now
	if holder.InstitutionID != 0 {
		row.InstitutionID = &holder.InstitutionID
	}
	printed := func(v string) string { return lang.Localize(norm.NFC.String(v), snap.Locale) }
	row.HolderName, row.CourseTitle, row.Hours, row.IssuedAt = printed(snap.HolderName), printed(snap.CourseTitle), snap.Hours, now
	for range 3 { // a code collision (135 random bits) is practically impossible; retry anyway
		code, err := NewCode()
		if err != nil {
			return nil, false, apperr.Internal(err)
		}
		snap.Code, snap.VerifyURL = code, VerifyURL(s.o.BaseURL, code)
		row.Code = code
		row.ID = 0
		err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := lockHolder(tx, row.Kind, row.UserID, row.CourseID); err != nil {
				return err
			}
			var inForce []certificate
			if err := inForceQuery(tx, row.UserID, row.CourseID, row.Kind).Find(&inForce).Error; err != nil {
				return err
			}
			snap.Supersedes, row.SupersedesID = "", nil
			if len(inForce) > 0 {
				snap.Supersedes, row.SupersedesID = inForce[0].Code, &inForce[0].ID
			}
			if err := ValidateSnapshot(snap); err != nil {
				return invalidSnapshot(err)
			}
			var err error
			if row.Snapshot, err = encodeSnapshot(snap); err != nil {
				return err
			}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
			for _, prev := range inForce {
				if err := tx.Model(&certificate{}).Where("id = ? AND superseded_by_id IS NULL", prev.ID).
					Updates(map[string]any{"superseded_by_id": row.ID, "superseded_at": now}).Error; err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			return s.view(&row), true, nil
		}
		if _, ok := apperr.As(err); ok {
			return nil, false, err
		}
		if !errors.Is(err, gorm.ErrDuplicatedKey) {
			return nil, false, apperr.Internal(err)
		}
		if c, err := s.byIssueKey(ctx, row.IssueKey); err != nil || c != nil {
			return c, false, err
		}
	}
	return nil, false, apperr.Internal(errors.New("certs: could not find a free verification code"))
}

// lockHolder makes issuings of kind for one holder and course wait for each
// other until the transaction ends. On Postgres it takes a transaction-level
// advisory lock (a hash of the three; a collision only makes two unrelated
// issuings queue); on SQLite every write transaction already holds the
// database's write lock from its start.
func lockHolder(tx *gorm.DB, kind string, userID, courseID int64) error {
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "prepoznaj.certificate:%s:%d:%d", kind, userID, courseID)
	return tx.Exec("SELECT pg_advisory_xact_lock(?)", int64(h.Sum64())).Error
}

func invalidSnapshot(err error) error {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return apperr.Internal(err)
	}
	fields := make([]apperr.FieldError, len(ve.Problems))
	for i, p := range ve.Problems {
		fields[i] = apperr.Field(p.Field, "unprintable", p.Reason)
	}
	return apperr.Unprocessable("certificate_data_invalid", "The certificate cannot be printed with this data (a name or title the certificate cannot show).", fields...)
}

// inForceQuery selects the holder's certificates of kind and course neither
// revoked nor superseded (one, unless two were issued before issuing took a
// lock), newest first.
func inForceQuery(tx *gorm.DB, userID, courseID int64, kind string) *gorm.DB {
	return tx.Where("user_id = ? AND course_id = ? AND kind = ? AND revoked_at IS NULL AND superseded_by_id IS NULL",
		userID, courseID, kind).Order("id DESC")
}

func (s *Service) byIssueKey(ctx context.Context, key string) (*Certificate, error) {
	var rows []certificate
	if err := s.db.WithContext(ctx).Where("issue_key = ?", key).Limit(1).Find(&rows).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return s.view(&rows[0]), nil
}
