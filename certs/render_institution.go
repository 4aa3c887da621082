package certs

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/prepoznaj/prepoznaj/lang"
)

// InstitutionReport is who of an institution's staff attended which live
// session in a period: one row per person and session.
type InstitutionReport struct {
	Locale          lang.Locale
	InstitutionName string
	From, To        time.Time // the period, both days included
	IssuerName      string
	GeneratedAt     time.Time // fixes the PDF's dates
	Rows            []InstitutionReportRow
}

// InstitutionReportRow is one attendance.
type InstitutionReportRow struct {
	Name            string
	ProfessionLabel string // optional
	CourseTitle     string
	Date            time.Time
	Place           string
	Hours           float64
}

// MaxInstitutionReportRows bounds one report (about 200 pages).
const MaxInstitutionReportRows = 5000

// ValidateInstitutionReport reports every reason r cannot be rendered, as a
// *ValidationError, with the same text rules as ValidateSnapshot.
func ValidateInstitutionReport(r InstitutionReport) error {
	fs, err := loadFonts()
	if err != nil {
		return err
	}
	v := &validator{fs: fs}
	if !r.Locale.Valid() {
		v.add("Locale", "must be sr-Cyrl, sr-Latn or en")
	}
	v.text("InstitutionName", r.InstitutionName, true, MaxNameLen)
	v.date("From", r.From, true)
	v.date("To", r.To, true)
	if r.To.Before(r.From) {
		v.add("To", "is before From")
	}
	v.text("IssuerName", r.IssuerName, true, MaxNameLen)
	v.date("GeneratedAt", r.GeneratedAt, true)
	if len(r.Rows) > MaxInstitutionReportRows {
		v.add("Rows", "at most %d per report", MaxInstitutionReportRows)
	}
	for i, row := range r.Rows[:min(len(r.Rows), MaxInstitutionReportRows)] {
		f := fmt.Sprintf("Rows[%d]", i)
		v.text(f+".Name", row.Name, true, MaxNameLen)
		v.text(f+".ProfessionLabel", row.ProfessionLabel, false, MaxShortLen)
		v.text(f+".CourseTitle", row.CourseTitle, true, MaxCourseLen)
		v.date(f+".Date", row.Date, true)
		v.text(f+".Place", row.Place, true, MaxShortLen)
		v.hours(f+".Hours", row.Hours)
	}
	if len(v.problems) == 0 {
		lr := localizedInstitutionReport(r)
		c := &canvas{ts: newFaceWriter(nil, fs, lr.Locale.Script())}
		v.problems = checkFit(institutionHeaderItems(lr, 0, 1), c)
		v.problems = append(v.problems, institutionTable(lr).checkRows(c, institutionRows(lr))...)
	}
	return v.err()
}

// RenderInstitutionReport writes the report as A4 portrait pages with a
// header on the first and "page n of m" on every one.
func RenderInstitutionReport(w io.Writer, r InstitutionReport) error {
	if err := ValidateInstitutionReport(r); err != nil {
		return err
	}
	fs, err := loadFonts()
	if err != nil {
		return err
	}
	r = localizedInstitutionReport(r)
	pdf := newDocument("P", r.GeneratedAt, text(lblInstitutionReportTitle, r.Locale)+" "+r.InstitutionName, r.IssuerName, r.Locale)
	c := &canvas{pdf: pdf, ts: newFaceWriter(pdf, fs, r.Locale.Script())}
	err = institutionTable(r).draw(c, institutionRows(r), func(page, pages int) error {
		return drawItems(c, institutionHeaderItems(r, page, pages))
	})
	if err != nil {
		return err
	}
	return output(pdf, w)
}

func localizedInstitutionReport(r InstitutionReport) InstitutionReport {
	t := func(v string) string { return lang.Localize(norm.NFC.String(v), r.Locale) }
	r.InstitutionName, r.IssuerName = t(r.InstitutionName), t(r.IssuerName)
	r.Rows = append([]InstitutionReportRow(nil), r.Rows...)
	for i := range r.Rows {
		row := &r.Rows[i]
		row.Name, row.ProfessionLabel, row.CourseTitle, row.Place = t(row.Name), t(row.ProfessionLabel), t(row.CourseTitle), t(row.Place)
	}
	return r
}

func institutionTable(r InstitutionReport) *table {
	fields := []string{"", "Name", "CourseTitle", "Date", "Place", "Hours"}
	return &table{
		x: reportX,
		cols: []column{
			{title: lblNumber, width: 10, align: alignRight, maxSize: 8.5, minSize: 6},
			{title: lblName, width: 44, maxSize: 9, minSize: 5, bold: true},
			{title: lblCourse, width: 60, maxSize: 8.5, minSize: 5},
			{title: lblDate, width: 24, maxSize: 8.5, minSize: 5.5},
			{title: lblPlace, width: 29, maxSize: 8, minSize: 5},
			{title: lblHoursShort, width: 13, align: alignRight, maxSize: 8.5, minSize: 6},
		},
		// Tall enough that the longest name, title and place the limits
		// allow still fit at the smallest size.
		rowH: 14, headH: 7, firstTop: 66, top: 26, bottom: reportBottom,
		fieldOf: func(row, col int) string { return fmt.Sprintf("Rows[%d].%s", row, fields[col]) },
		locale:  r.Locale,
	}
}

func institutionRows(r InstitutionReport) [][]string {
	rows := make([][]string, len(r.Rows))
	for i, row := range r.Rows {
		rows[i] = []string{strconv.Itoa(i+1) + ".", joinNonEmpty(", ", row.Name, row.ProfessionLabel), row.CourseTitle,
			formatDate(row.Date, r.Locale), row.Place, formatHours(row.Hours, r.Locale)}
	}
	return rows
}

func institutionHeaderItems(r InstitutionReport, page, pages int) []textItem {
	loc := r.Locale
	period := formatDate(r.From, loc) + " – " + formatDate(r.To, loc)
	footer := textItem{"", pageLabel(page, pages, loc), box{reportX, 284, reportW, 5}, 8, 8, false, alignCenter, colorMuted}
	if page > 0 {
		return []textItem{
			{"InstitutionName", text(lblInstitutionReportTitle, loc) + " · " + period + " · " + r.InstitutionName,
				box{reportX, 12, reportW, 12}, 9, 5, false, alignLeft, colorMuted},
			footer,
		}
	}
	total := 0.0
	for _, row := range r.Rows {
		total += row.Hours
	}
	info := func(y float64, field string, l label, value string) textItem {
		return textItem{field, text(l, loc) + ": " + value, box{reportX, y, reportW, 5.5}, 9, 5.5, false, alignLeft, colorInk}
	}
	return []textItem{
		{"", text(lblInstitutionReportTitle, loc), box{reportX, 12, reportW, 9}, 16, 11, true, alignLeft, colorAccent},
		{"InstitutionName", r.InstitutionName, box{reportX, 22, reportW, 13}, 13, 6.5, true, alignLeft, colorInk},
		info(36, "", lblPeriod, period),
		info(41.5, "IssuerName", lblOrganiser, r.IssuerName),
		info(47, "", lblAttendances, strconv.Itoa(len(r.Rows))),
		info(52.5, "", lblTotalHours, formatHours(math.Round(total*100)/100, loc)),
		footer,
	}
}
