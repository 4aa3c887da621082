package certs

import (
	"context"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/lang"
)

// CourseFacts is what certificates need to know from the courses package.
// Certs declares it and app wires an adapter, so courses never imports
// certs. Every method answers a coded not-found error for ids it does not
// know.
type CourseFacts interface {
	// CourseForCertificate is what a completion or attendance certificate
	// prints about a course, in locale: the revision version the learner
	// completed (0: the one published now), and the learner's start and
	// result in their enrolment's cycle (0: the current one).
	CourseForCertificate(ctx context.Context, courseID, userID int64, version, cycle int, locale lang.Locale) (CourseCertificateFacts, error)
	// AttendanceForCertificate lists the live sessions of a course the
	// learner attended (more than zero minutes) whose register is closed,
	// in the order to print.
	AttendanceForCertificate(ctx context.Context, courseID, userID int64) ([]AttendedSession, error)
	// CourseOwner is the user who owns the course: they may revoke its
	// certificates and download them.
	CourseOwner(ctx context.Context, courseID int64) (int64, error)
	// SessionRegister is a session's register as p may read it (courses'
	// own scope: everyone for those who run it, their staff for managers,
	// not found for anyone else).
	SessionRegister(ctx context.Context, p *accounts.Principal, sessionID int64, locale lang.Locale) (*SessionRegister, error)
	// InstitutionAttendance lists every attendance of the institution's
	// current members at sessions starting in [from, to).
	InstitutionAttendance(ctx context.Context, institutionID int64, from, to time.Time, locale lang.Locale) ([]AttendanceLine, error)
}

// CourseCertificateFacts is a course as a certificate prints it.
type CourseCertificateFacts struct {
	Version        int    // the revision described
	Title          string // in the locale asked for; Serbian may be Cyrillic
	Hours          float64
	ValidityMonths int // 0: the certificate never expires
	// ShowsResult says the course prints the learner's result, Result.
	ShowsResult bool
	Result      string    // e.g. "92 %"
	StartedOn   time.Time // optional: when the learner started
	IssuerName  string    // optional: Options.IssuerName otherwise
	Signatories []Signatory
}

// AttendedSession is one live session a learner attended.
type AttendedSession struct {
	SessionID int64
	StartsAt  time.Time
	Place     string // empty for an online session

	Hours     float64
	TrainerID int64
}

// SessionRegister is one register as a report prints it.
type SessionRegister struct {
	CourseID    int64
	CourseTitle string
	StartsAt    time.Time
	Place       string // empty for an online session
	TrainerName string
	Lines       []RegisterLine // the people who attended
}

// RegisterLine is one attendee of a session.
type RegisterLine struct {
	Name            string
	InstitutionName string
	Profession      string // accounts' profession code
	Hours           float64
}

// AttendanceLine is one person at one session, for an institution's report.
type AttendanceLine struct {
	UserID      int64
	Name        string
	Profession  string
	CourseTitle string
	StartsAt    time.Time
	Place       string // empty for an online session
	Hours       float64
}

// Options configures the service.
type Options struct {
	// BaseURL is where the verification page lives ({BaseURL}/verify/{code}).
	BaseURL string
	// IssuerName is printed as the issuer when a course names none.
	IssuerName string
	// Zone turns instants into the calendar dates certificates print
	// (Europe/Belgrade when available, else UTC).
	Zone *time.Location
	// Workers render PDFs of a bulk export at once (GOMAXPROCS by default).
	Workers int
	// DirectLimit is the most certificates a ZIP streams on request; more
	// need an export job (500 by default).
	DirectLimit int
	Now         func() time.Time
	Log         *slog.Logger
}

// DefaultIssuerName is printed as the issuer when nothing else is configured.
const DefaultIssuerName = "Платформа за обуку Препознај"

// Service issues, lists, verifies, revokes and exports certificates.
type Service struct {
	db    *gorm.DB
	acc   *accounts.Service
	facts CourseFacts
	o     Options
	now   func() time.Time
	log   *slog.Logger

	jobs    sync.WaitGroup
	jobSlot chan struct{} // one export job at a time per process
	mu      sync.Mutex
	started map[int64]bool // export jobs this process runs or queues
}

// NewService builds the service.
func NewService(db *gorm.DB, acc *accounts.Service, facts CourseFacts, o Options) *Service {
	if o.Now == nil {
		o.Now = func() time.Time { return time.Now().UTC() }
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.IssuerName == "" {
		o.IssuerName = DefaultIssuerName
	}
	if o.Zone == nil {
		o.Zone = time.UTC
		if z, err := time.LoadLocation("Europe/Belgrade"); err == nil {
			o.Zone = z
		}
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.DirectLimit <= 0 {
		o.DirectLimit = 500
	}
	return &Service{db: db, acc: acc, facts: facts, o: o, now: o.Now, log: o.Log, jobSlot: make(chan struct{}, 1), started: map[int64]bool{}}
}

var (
	errNotFound    = apperr.NotFound("certificate_not_found", "No such certificate.")
	errUnknownCode = apperr.NotFound("unknown_code", "No certificate has this verification code.")
)

// civil is the calendar date of t in the service's zone, as midnight UTC:
// the form snapshots and date columns keep.
func (s *Service) civil(t time.Time) time.Time {
	y, m, d := t.In(s.o.Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// placeOr names an online session's place.
func placeOr(place string, loc lang.Locale) string {
	if place == "" {
		return text(lblOnline, loc)
	}
	return place
}

func localeOf(v string) lang.Locale {
	if l, err := lang.ParseLocale(v); err == nil {
		return l
	}
	return lang.SerbianCyrillic
}
