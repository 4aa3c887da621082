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
	"github.com/prepoznaj/prepoznaj/quiz"
)

// certCourses gives the certificates what they need from courses
// (certs.CourseFacts), built on courses' public methods. Where courses
// scopes by principal, the platform itself asks as an admin; the register
// report keeps the caller's own scope. Each answer is one or a few queries,
// whatever the number of courses and sessions.
type certCourses struct {
	crs *courses.Service
	acc *accounts.Service
}

var platform = &accounts.Principal{Admin: true}

func (a certCourses) CourseForCertificate(ctx context.Context, courseID, userID int64, version, cycle int, locale lang.Locale) (certs.CourseCertificateFacts, error) {
	cc, err := a.crs.CertificateCourse(ctx, courseID, version, locale)
	if err != nil {
		return certs.CourseCertificateFacts{}, err
	}
	f := certs.CourseCertificateFacts{Version: cc.Revision, Title: cc.Title, Hours: cc.Hours, ValidityMonths: cc.ValidityMonths}
	if lc, err := a.crs.LearnerCycle(ctx, userID, courseID, cycle); err == nil {
		f.StartedOn = lc.StartedAt
		// A course with required quizzes prints the learner's mean best
		// score in them (scores are fractions of the maximum).
		sum, n := 0.0, 0
		for _, id := range cc.RequiredQuizzes {
			if best, ok := lc.BestScores[id]; ok {
				sum, n = sum+best, n+1
			}
		}
		if n > 0 {
			f.ShowsResult, f.Result = true, fmt.Sprintf("%.0f %%", math.Round(100*sum/float64(n)))
		}
	} else if !apperr.IsKind(err, apperr.KindNotFound) {
		return f, err
	}
	// The owner signs; a disabled account (such as the default content's system owner) does not.
	if owner, err := a.acc.UserFacts(ctx, cc.OwnerID); err == nil && !owner.Disabled {
		role := "Аутор обуке"
		if locale == lang.English {
			role = "Course author"
		}
		f.Signatories = []certs.Signatory{{Name: owner.FullName, Role: role}}
	}
	return f, nil
}

func (a certCourses) AttendanceForCertificate(ctx context.Context, courseID, userID int64) ([]certs.AttendedSession, error) {
	sessions, err := a.crs.AttendedSessions(ctx, courseID, userID)
	if err != nil {
		return nil, err
	}
	out := make([]certs.AttendedSession, len(sessions))
	for i, ses := range sessions {
		out[i] = certs.AttendedSession{SessionID: ses.SessionID, StartsAt: ses.StartsAt, Place: ses.Place, Hours: ses.Hours, TrainerID: ses.TrainerID}
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
	rows, err := a.crs.InstitutionAttendances(ctx, instID, from, to, locale, certs.MaxInstitutionReportRows+1)
	if err != nil {
		return nil, err
	}
	out := make([]certs.AttendanceLine, len(rows))
	for i, r := range rows {
		out[i] = certs.AttendanceLine{UserID: r.UserID, Name: r.FullName, Profession: r.Profession, CourseTitle: r.CourseTitle,
			StartsAt: r.StartsAt, Place: r.Place, Hours: r.Hours}
	}
	return out, nil
}

// certQuizzes lists a course's quizzes for the course file format
// (courses.QuizDirectory).
type certQuizzes struct{ qz *quiz.Service }

func (q certQuizzes) CourseQuizzes(ctx context.Context, courseID int64) ([]courses.CourseQuiz, error) {
	list, err := q.qz.ListQuizzes(ctx, platform, courseID)
	if err != nil {
		return nil, err
	}
	out := make([]courses.CourseQuiz, len(list))
	for i, v := range list {
		title := v.Title
		if v.Settings != nil && v.Publication != nil {
			title = v.Settings.Title
		}
		out[i] = courses.CourseQuiz{ID: v.ID, ModuleID: v.ModuleID, Title: courses.LocalText{Sr: title.SR, En: title.EN}}
	}
	return out, nil
}
