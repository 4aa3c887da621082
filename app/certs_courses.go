package app

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/certs"
	"github.com/prepoznaj/prepoznaj/courses"
	"github.com/prepoznaj/prepoznaj/lang"
)

// certCourses gives the certificates what they need from courses
// (certs.CourseFacts), built on courses' public methods. Where courses
// scopes by principal, the platform itself asks as an admin; the register
// report keeps the caller's own scope.
//
// It reads sessions and registers one by one; courses should grow
// dedicated queries (see the certs issue note) and this adapter shrink to
// conversions.
type certCourses struct {
	crs *courses.Service
	acc *accounts.Service
}

var platform = &accounts.Principal{Admin: true}

func (a certCourses) CourseForCertificate(ctx context.Context, courseID, userID int64, locale lang.Locale) (certs.CourseCertificateFacts, error) {
	v, err := a.crs.GetCourse(ctx, platform, courseID, locale)
	if err != nil {
		return certs.CourseCertificateFacts{}, err
	}
	f := certs.CourseCertificateFacts{Version: v.Revision, Title: v.Title, Hours: v.Hours, ValidityMonths: v.ValidityMonths}
	if prog, err := a.crs.Progress(ctx, &accounts.Principal{UserID: userID}, courseID); err == nil {
		f.StartedOn = prog.EnrolledAt
		// A course with required quizzes prints the learner's mean best score.
		sum, n := 0.0, 0
		for _, q := range prog.Quizzes {
			if q.BestScore != nil {
				sum, n = sum+*q.BestScore, n+1
			}
		}
		if n > 0 {
			f.ShowsResult, f.Result = true, fmt.Sprintf("%.0f %%", math.Round(sum/float64(n)))
		}
	}
	ref, err := a.crs.CourseAccess(ctx, platform, courseID)
	if err != nil {
		return f, err
	}
	if owner, err := a.acc.UserFacts(ctx, ref.OwnerID); err == nil {
		role := "Аутор обуке"
		if locale == lang.English {
			role = "Course author"
		}
		f.Signatories = []certs.Signatory{{Name: owner.FullName, Role: role}}
	}
	return f, nil
}

func (a certCourses) AttendanceForCertificate(ctx context.Context, courseID, userID int64) ([]certs.AttendedSession, error) {
	sessions, err := a.crs.ListSessions(ctx, platform, courseID)
	if err != nil {
		return nil, err
	}
	var out []certs.AttendedSession
	for _, ses := range sessions {
		if ses.ClosedAt == nil || ses.CancelledAt != nil {
			continue
		}
		reg, err := a.crs.GetRegister(ctx, platform, ses.ID)
		if err != nil {
			return nil, err
		}
		for _, e := range reg.Entries {
			if e.UserID == userID && e.Minutes > 0 {
				out = append(out, certs.AttendedSession{SessionID: ses.ID, StartsAt: ses.StartsAt, Place: ses.Place, Hours: e.Hours, TrainerID: ses.TrainerID})
			}
		}
	}
	return out, nil
}

func (a certCourses) CourseOwner(ctx context.Context, courseID int64) (int64, error) {
	ref, err := a.crs.CourseAccess(ctx, platform, courseID)
	return ref.OwnerID, err
}

func (a certCourses) courseTitle(ctx context.Context, courseID int64, locale lang.Locale, fallback string) string {
	if v, err := a.crs.GetCourse(ctx, platform, courseID, locale); err == nil {
		return v.Title
	}
	return fallback
}

func (a certCourses) SessionRegister(ctx context.Context, p *accounts.Principal, sessionID int64, locale lang.Locale) (*certs.SessionRegister, error) {
	reg, err := a.crs.GetRegister(ctx, p, sessionID)
	if err != nil {
		return nil, err
	}
	out := &certs.SessionRegister{CourseID: reg.Session.CourseID, StartsAt: reg.Session.StartsAt, Place: reg.Session.Place,
		CourseTitle: a.courseTitle(ctx, reg.Session.CourseID, locale, reg.Session.Title.Sr)}
	if t, err := a.acc.UserFacts(ctx, reg.Session.TrainerID); err == nil {
		out.TrainerName = t.FullName
	}
	for _, e := range reg.Entries {
		if e.Minutes > 0 {
			out.Lines = append(out.Lines, certs.RegisterLine{Name: e.FullName, InstitutionName: e.Institution, Profession: e.Profession, Hours: e.Hours})
		}
	}
	return out, nil
}

func (a certCourses) InstitutionAttendance(ctx context.Context, instID int64, from, to time.Time, locale lang.Locale) ([]certs.AttendanceLine, error) {
	// The register scope of a manager of instID shows exactly its staff.
	manager := &accounts.Principal{Manager: true, InstitutionID: instID}
	var out []certs.AttendanceLine
	for offset := 0; ; offset += accounts.MaxPageSize {
		list, _, err := a.crs.Catalogue(ctx, platform, courses.CatalogueFilter{Locale: locale, Offset: offset, Limit: accounts.MaxPageSize})
		if err != nil {
			return nil, err
		}
		for _, c := range list {
			sessions, err := a.crs.ListSessions(ctx, platform, c.ID)
			if err != nil {
				return nil, err
			}
			for _, ses := range sessions {
				if ses.ClosedAt == nil || ses.CancelledAt != nil || ses.StartsAt.Before(from) || !ses.StartsAt.Before(to) {
					continue
				}
				reg, err := a.crs.GetRegister(ctx, manager, ses.ID)
				if apperr.IsKind(err, apperr.KindNotFound) {
					continue // none of its staff there
				}
				if err != nil {
					return nil, err
				}
				for _, e := range reg.Entries {
					if e.Minutes > 0 {
						out = append(out, certs.AttendanceLine{UserID: e.UserID, Name: e.FullName, Profession: e.Profession,
							CourseTitle: c.Title, StartsAt: ses.StartsAt, Place: ses.Place, Hours: e.Hours})
					}
				}
			}
		}
		if len(list) < accounts.MaxPageSize {
			return out, nil
		}
	}
}
