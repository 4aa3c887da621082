package certs

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"github.com/prepoznaj/prepoznaj/lang"
)

// AttendanceReport is the register of one live session: who attended, for
// how many hours, with a line for each attendee's signature.
type AttendanceReport struct {
	Locale      lang.Locale
	CourseTitle string
	SessionDate time.Time
	Place       string
	Trainer     string
	IssuerName  string    // the organiser; also the PDF's author
	GeneratedAt time.Time // fixes the PDF's dates: same register, same bytes
	Attendees   []Attendee
}

// Attendee is one row of the register.
type Attendee struct {
	Name            string
	InstitutionName string // optional
	ProfessionLabel string // optional
	Hours           float64
}

// MaxAttendees bounds one register (a live session, not a whole course).
const MaxAttendees = 2000

const (
	reportX, reportW = 15.0, 180.0
	reportBottom     = 280.0
)

// ValidateAttendanceReport reports every reason r cannot be rendered, as a
// *ValidationError, with the same text rules as ValidateSnapshot.
func ValidateAttendanceReport(r AttendanceReport) error {
	fs, err := loadFonts()
	if err != nil {
		return err
	}
	v := &validator{fs: fs}
	if !r.Locale.Valid() {
		v.add("Locale", "must be sr-Cyrl, sr-Latn or en")
	}
	v.text("CourseTitle", r.CourseTitle, true, MaxCourseLen)
	v.date("SessionDate", r.SessionDate, true)
	v.text("Place", r.Place, true, MaxShortLen)
	v.text("Trainer", r.Trainer, false, MaxNameLen)
	v.text("IssuerName", r.IssuerName, true, MaxNameLen)
	v.date("GeneratedAt", r.GeneratedAt, true)
	if len(r.Attendees) > MaxAttendees {
		v.add("Attendees", "at most %d per register", MaxAttendees)
	}
	for i, a := range r.Attendees[:min(len(r.Attendees), MaxAttendees)] {
		f := fmt.Sprintf("Attendees[%d]", i)
		v.text(f+".Name", a.Name, true, MaxNameLen)
		v.text(f+".InstitutionName", a.InstitutionName, false, MaxNameLen)
		v.text(f+".ProfessionLabel", a.ProfessionLabel, false, MaxShortLen)
		v.hours(f+".Hours", a.Hours)
	}
	if len(v.problems) == 0 {
		lr := localizedReport(r)
		c := &canvas{ts: newFaceWriter(nil, fs, lr.Locale.Script())}
		v.problems = checkFit(reportHeaderItems(lr, 0, 1), c)
		v.problems = append(v.problems, reportTable(lr).checkRows(c, reportRows(lr))...)
	}
	return v.err()
}

// RenderAttendanceReport writes the register as A4 portrait pages, as many
// as the attendees need, each with a header and "page n of m".
func RenderAttendanceReport(w io.Writer, r AttendanceReport) error {
	if err := ValidateAttendanceReport(r); err != nil {
		return err
	}
	fs, err := loadFonts()
	if err != nil {
		return err
	}
	return renderReport(w, r, func(pdf *fpdf.Fpdf) typesetter { return newFaceWriter(pdf, fs, r.Locale.Script()) })
}

func renderReport(w io.Writer, r AttendanceReport, newTS func(*fpdf.Fpdf) typesetter) error {
	r = localizedReport(r)
	pdf := newDocument("P", r.GeneratedAt, text(lblRegisterTitle, r.Locale)+" "+formatDate(r.SessionDate, r.Locale), r.IssuerName, r.Locale)
	c := &canvas{pdf: pdf, ts: newTS(pdf)}
	err := reportTable(r).draw(c, reportRows(r), func(page, pages int) error {
		return drawItems(c, reportHeaderItems(r, page, pages))
	})
	if err != nil {
		return err
	}
	return output(pdf, w)
}

func localizedReport(r AttendanceReport) AttendanceReport {
	t := func(v string) string { return lang.Localize(norm.NFC.String(v), r.Locale) }
	r.CourseTitle, r.Place, r.Trainer, r.IssuerName = t(r.CourseTitle), t(r.Place), t(r.Trainer), t(r.IssuerName)
	r.Attendees = append([]Attendee(nil), r.Attendees...)
	for i := range r.Attendees {
		a := &r.Attendees[i]
		a.Name, a.InstitutionName, a.ProfessionLabel = t(a.Name), t(a.InstitutionName), t(a.ProfessionLabel)
	}
	return r
}

func reportTable(r AttendanceReport) *table {
	fields := []string{"", "Name", "InstitutionName", "Hours", ""}
	return &table{
		x: reportX,
		cols: []column{
			{title: lblNumber, width: 12, align: alignRight, maxSize: 9, minSize: 6},
			{title: lblName, width: 60, maxSize: 9.5, minSize: 5.5, bold: true},
			{title: lblInstitution, width: 55, maxSize: 8.5, minSize: 5},
			{title: lblHoursShort, width: 15, align: alignRight, maxSize: 9, minSize: 6},
			{title: lblSignature, width: 38, signature: true},
		},
		rowH: 11, headH: 7, firstTop: 66, top: 26, bottom: reportBottom,
		fieldOf: func(row, col int) string { return fmt.Sprintf("Attendees[%d].%s", row, fields[col]) },
		locale:  r.Locale,
	}
}

func reportRows(r AttendanceReport) [][]string {
	rows := make([][]string, len(r.Attendees))
	for i, a := range r.Attendees {
		rows[i] = []string{strconv.Itoa(i+1) + ".", a.Name, joinNonEmpty(", ", a.ProfessionLabel, a.InstitutionName), formatHours(a.Hours, r.Locale)}
	}
	return rows
}

// reportHeaderItems: the full header on page 1, a one-line reminder after,
// and the page number at the foot of every page.
func reportHeaderItems(r AttendanceReport, page, pages int) []textItem {
	loc := r.Locale
	footer := textItem{"", pageLabel(page, pages, loc), box{reportX, 284, reportW, 5}, 8, 8, false, alignCenter, colorMuted}
	if page > 0 {
		return []textItem{
			{"CourseTitle", text(lblRegisterTitle, loc) + " · " + formatDate(r.SessionDate, loc) + " · " + r.CourseTitle,
				box{reportX, 12, reportW, 12}, 9, 5, false, alignLeft, colorMuted},
			footer,
		}
	}
	info := func(y float64, field string, l label, value string) textItem {
		return textItem{field, text(l, loc) + ": " + value, box{reportX, y, reportW, 5.5}, 9, 5.5, false, alignLeft, colorInk}
	}
	items := []textItem{
		{"", text(lblRegisterTitle, loc), box{reportX, 12, reportW, 9}, 16, 16, true, alignLeft, colorAccent},
		{"CourseTitle", r.CourseTitle, box{reportX, 22, reportW, 13}, 13, 6.5, true, alignLeft, colorInk},
		info(36, "SessionDate", lblDate, formatDate(r.SessionDate, loc)),
		info(41.5, "Place", lblPlace, r.Place),
		info(47, "Trainer", lblTrainer, r.Trainer),
		info(52.5, "IssuerName", lblOrganiser, r.IssuerName),
		info(58, "", lblAttendees, strconv.Itoa(len(r.Attendees))),
		footer,
	}
	if r.Trainer == "" {
		items = append(items[:4], items[5:]...)
	}
	return items
}
