package certs

import (
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/prepoznaj/prepoznaj/lang"
)

// Kind of certificate.
type Kind string

const (
	KindCompletion Kind = "completion"
	KindAttendance Kind = "attendance"
)

// Snapshot is everything a certificate prints, frozen when it is issued so
// later edits to a course or a profile never change it. Serbian text may be
// stored in Cyrillic: with Locale sr-Latn or en every text field is printed
// transliterated to Latin (lang.Localize).
type Snapshot struct {
	Kind            Kind
	Locale          lang.Locale
	HolderName      string
	InstitutionName string // optional
	ProfessionLabel string // optional
	CourseTitle     string
	Hours           float64
	// Completion: StartedOn is optional, CompletedOn required. Dates are
	// printed as the calendar date they carry in their own location.
	StartedOn, CompletedOn time.Time
	// ExpiresOn is the first day the completion is no longer valid (zero:
	// it never expires); the certificate prints the day before as "valid
	// until".
	ExpiresOn time.Time
	// Attendance: the sessions attended, in the order to print.
	Sessions    []Session
	Result      string // optional, e.g. "92 %"
	IssuerName  string
	Signatories []Signatory
	IssuedAt    time.Time
	Code        string // canonical form, see NormalizeCode
	VerifyURL   string // {base-url}/verify/{Code}
	Supersedes  string // optional: code of the certificate this one replaces
}

// Session is one attended live session on an attendance certificate.
type Session struct {
	Date  time.Time
	Place string
	Hours float64
}

// Signatory signs the certificate (the line is printed, the name under it).
type Signatory struct {
	Name string
	Role string // optional
}

// Limits a snapshot must respect. They are generous for real names and
// titles, and they are what lets the layout promise that everything fits
// at its smallest type size without being cut.
const (
	MaxNameLen       = 200 // holder, signatory, issuer, institution (runes)
	MaxCourseLen     = 300
	MaxShortLen      = 120 // profession, role, result, place
	MaxSignatories   = 3
	MaxSessions      = 200
	MaxHours         = 10000
	maxVerifyURLLen  = 200
	minYear, maxYear = 1990, 9999 // PDF dates have four-digit years
)

// FieldError is one problem with one field.
type FieldError struct {
	Field  string
	Reason string
}

// ValidationError lists every problem found, so a caller can fix all at
// once. Messages name the field and the offending character, never echo
// the whole value (which may be 10,000 characters).
type ValidationError struct {
	Problems []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Reason
	}
	return "certs: invalid certificate data: " + strings.Join(parts, "; ")
}

type validator struct {
	fs       *fontSet
	problems []FieldError
}

func (v *validator) add(field, format string, args ...any) {
	v.problems = append(v.problems, FieldError{field, fmt.Sprintf(format, args...)})
}

func (v *validator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{v.problems}
}

// text checks one printed text field. The rules:
//   - valid UTF-8, at most maxLen characters after NFC normalisation;
//   - no control or format characters (newlines, tabs, NUL, bidi overrides
//     such as U+202E, zero-width joiners): they are invisible, can disguise
//     a name, and a certificate field is a single line of text;
//   - no combining marks left after NFC: there is no text shaping to place
//     them;
//   - every character must be in the embedded font (Latin, Greek, Cyrillic,
//     common punctuation and symbols). Arabic and Hebrew are refused rather
//     than printed as empty boxes or in the wrong order: fpdf has no
//     right-to-left layout. PDF syntax such as ") Tj (" or backslashes is
//     ordinary text and is printed literally.
func (v *validator) text(field, s string, required bool, maxLen int) {
	if !utf8.ValidString(s) {
		v.add(field, "is not valid UTF-8")
		return
	}
	s = norm.NFC.String(s)
	if strings.TrimSpace(s) == "" {
		if required {
			v.add(field, "is required")
		}
		return
	}
	if n := utf8.RuneCountInString(s); n > maxLen {
		v.add(field, "has %d characters, at most %d are allowed", n, maxLen)
		return
	}
	for _, r := range s {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.In(r, unicode.Zl, unicode.Zp):
			v.add(field, "contains the control or format character %U", r)
			return
		case unicode.In(r, unicode.Mn, unicode.Me):
			v.add(field, "contains the combining mark %U, which cannot be printed", r)
			return
		case !v.fs.supported(r):
			v.add(field, "contains %q (%U), which the certificate font cannot print", r, r)
			return
		}
	}
}

func (v *validator) hours(field string, h float64) {
	if math.IsNaN(h) || h <= 0 || h > MaxHours {
		v.add(field, "must be more than 0 and at most %d", MaxHours)
	}
}

func (v *validator) date(field string, t time.Time, required bool) {
	if t.IsZero() {
		if required {
			v.add(field, "is required")
		}
		return
	}
	if y := t.Year(); y < minYear || y > maxYear {
		v.add(field, "year %d is out of range", y)
	}
}

// ValidateSnapshot reports every reason s cannot be rendered, as a
// *ValidationError. Render calls it first.
func ValidateSnapshot(s Snapshot) error {
	fs, err := loadFonts()
	if err != nil {
		return err
	}
	v := &validator{fs: fs}
	if s.Kind != KindCompletion && s.Kind != KindAttendance {
		v.add("Kind", "must be completion or attendance")
	}
	if !s.Locale.Valid() {
		v.add("Locale", "must be sr-Cyrl, sr-Latn or en")
	}
	v.text("HolderName", s.HolderName, true, MaxNameLen)
	v.text("InstitutionName", s.InstitutionName, false, MaxNameLen)
	v.text("ProfessionLabel", s.ProfessionLabel, false, MaxShortLen)
	v.text("CourseTitle", s.CourseTitle, true, MaxCourseLen)
	v.text("Result", s.Result, false, MaxShortLen)
	v.text("IssuerName", s.IssuerName, true, MaxNameLen)
	v.hours("Hours", s.Hours)
	switch s.Kind {
	case KindCompletion:
		v.date("StartedOn", s.StartedOn, false)
		v.date("CompletedOn", s.CompletedOn, true)
		if !s.StartedOn.IsZero() && s.StartedOn.After(s.CompletedOn) {
			v.add("StartedOn", "is after CompletedOn")
		}
		v.date("ExpiresOn", s.ExpiresOn, false)
		if !s.ExpiresOn.IsZero() && !s.ExpiresOn.After(s.CompletedOn) {
			v.add("ExpiresOn", "is not after CompletedOn")
		}
	case KindAttendance:
		if len(s.Sessions) == 0 || len(s.Sessions) > MaxSessions {
			v.add("Sessions", "must list 1 to %d sessions", MaxSessions)
		}
		for i, ses := range s.Sessions[:min(len(s.Sessions), MaxSessions)] {
			f := fmt.Sprintf("Sessions[%d]", i)
			v.date(f+".Date", ses.Date, true)
			v.text(f+".Place", ses.Place, true, MaxShortLen)
			v.hours(f+".Hours", ses.Hours)
		}
	}
	if len(s.Signatories) > MaxSignatories {
		v.add("Signatories", "at most %d are printed", MaxSignatories)
	}
	for i, sig := range s.Signatories[:min(len(s.Signatories), MaxSignatories)] {
		v.text(fmt.Sprintf("Signatories[%d].Name", i), sig.Name, true, MaxNameLen)
		v.text(fmt.Sprintf("Signatories[%d].Role", i), sig.Role, false, MaxShortLen)
	}
	v.date("IssuedAt", s.IssuedAt, true)
	if c, err := NormalizeCode(s.Code); err != nil || c != s.Code {
		v.add("Code", "must be a canonical verification code")
	}
	if s.Supersedes != "" {
		if c, err := NormalizeCode(s.Supersedes); err != nil || c != s.Supersedes {
			v.add("Supersedes", "must be a canonical verification code")
		}
	}
	v.verifyURL(s.VerifyURL, s.Code)
	if len(v.problems) == 0 {
		// Only now is it safe to lay the text out: the real length limit is
		// whether each field fits its box at the smallest type size.
		ls := localized(s)
		c := &canvas{ts: newFaceWriter(nil, fs, ls.Locale.Script())}
		v.problems = checkFit(certificateItems(ls), c)
		if ls.Kind == KindAttendance && len(ls.Sessions) > inlineSessions {
			v.problems = append(v.problems, sessionTable(ls).checkRows(c, sessionRows(ls))...)
			v.problems = append(v.problems, checkFit(annexHeaderItems(ls, 0, 1), c)...)
		}
	}
	return v.err()
}

// verifyURL must be an absolute http(s) address of this certificate's own
// verification page: the QR code must never point anywhere else.
func (v *validator) verifyURL(raw, code string) {
	if len(raw) > maxVerifyURLLen {
		v.add("VerifyURL", "is longer than %d bytes", maxVerifyURLLen)
		return
	}
	for _, r := range raw {
		if r <= 0x20 || r >= 0x7f {
			v.add("VerifyURL", "must be printable ASCII")
			return
		}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		v.add("VerifyURL", "must be an absolute http(s) URL")
		return
	}
	if code == "" || !strings.HasSuffix(raw, "/verify/"+code) {
		v.add("VerifyURL", "must end with /verify/{Code}")
	}
}
