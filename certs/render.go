// Package certs issues, renders and verifies certificates. The files
// render*.go, font*.go, qr.go and code.go are pure: they turn a Snapshot
// into PDF bytes and make verification codes, with no database.
package certs

import (
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"github.com/prepoznaj/prepoznaj/lang"
)

// Render writes the certificate as a one-page A4 landscape PDF (attendance
// certificates with more than inlineSessions sessions get annex pages).
//
// The same snapshot always gives the same bytes, so any server can
// regenerate a certificate and its hash can be the ETag. Render is safe for
// concurrent use. Invalid snapshots are refused with a *ValidationError
// before anything is written.
func Render(w io.Writer, s Snapshot) error {
	if err := ValidateSnapshot(s); err != nil {
		return err
	}
	fs, err := loadFonts()
	if err != nil {
		return err
	}
	return renderCertificate(w, s, func(pdf *fpdf.Fpdf) typesetter { return newFaceWriter(pdf, fs, s.Locale.Script()) })
}

// Page geometry of the certificate, millimetres from the top left.
const (
	pageW, pageH   = 297.0, 210.0
	contentX       = 28.0
	contentW       = pageW - 2*contentX
	inlineSessions = 3 // more go to the annex
	qrX, qrY, qrW  = 243.0, 154.0, 26.0
	sigColW        = 54.0
)

type rgb struct{ r, g, b int }

var (
	colorAccent = rgb{17, 82, 96}
	colorInk    = rgb{33, 37, 41}
	colorMuted  = rgb{90, 98, 105}
)

// textItem is one piece of text and the box it must fit in. Validation and
// drawing use the same list, so a snapshot that validates always fits.
type textItem struct {
	field            string // snapshot field it shows, for errors
	text             string
	box              box
	maxSize, minSize float64
	bold             bool
	align            align
	color            rgb
}

// localized returns s with every printed text field in the locale's script
// and in NFC, the form validation checked.
func localized(s Snapshot) Snapshot {
	t := func(v string) string { return lang.Localize(norm.NFC.String(v), s.Locale) }
	s.HolderName, s.InstitutionName = t(s.HolderName), t(s.InstitutionName)
	s.ProfessionLabel, s.CourseTitle = t(s.ProfessionLabel), t(s.CourseTitle)
	s.Result, s.IssuerName = t(s.Result), t(s.IssuerName)
	s.Sessions = append([]Session(nil), s.Sessions...)
	for i := range s.Sessions {
		s.Sessions[i].Place = t(s.Sessions[i].Place)
	}
	s.Signatories = append([]Signatory(nil), s.Signatories...)
	for i := range s.Signatories {
		s.Signatories[i].Name, s.Signatories[i].Role = t(s.Signatories[i].Name), t(s.Signatories[i].Role)
	}
	return s
}

func certificateItems(s Snapshot) []textItem {
	loc := s.Locale
	title, subtitle, phrase := lblCompletionTitle, lblCompletionSubtitle, lblCompleted
	if s.Kind == KindAttendance {
		title, subtitle, phrase = lblAttendanceTitle, lblAttendanceSubtitle, lblAttended
	}
	full := func(y, h float64) box { return box{contentX, y, contentW, h} }
	items := []textItem{
		{"IssuerName", s.IssuerName, full(19, 11), 12, 6.5, true, alignCenter, colorMuted},
		{"", text(title, loc), full(32, 13), 30, 30, true, alignCenter, colorAccent},
		{"", text(subtitle, loc), full(45, 7), 14, 14, false, alignCenter, colorInk},
		{"", text(lblCertifies, loc), full(58, 6), 11, 11, false, alignCenter, colorMuted},
		{"HolderName", s.HolderName, full(65, 25), 28, 9, true, alignCenter, colorInk},
		{"InstitutionName", joinNonEmpty(", ", s.ProfessionLabel, s.InstitutionName), full(91, 10), 12, 6.5, false, alignCenter, colorInk},
		{"", text(phrase, loc), full(103, 6), 11, 11, false, alignCenter, colorMuted},
		{"CourseTitle", s.CourseTitle, full(110, 21), 20, 7.5, true, alignCenter, colorAccent},
		{"Result", detailsLine(s), full(133, 10), 11, 6.5, false, alignCenter, colorInk},
	}
	if s.Kind == KindCompletion && !s.ExpiresOn.IsZero() {
		// The last day it is valid: verification says expired from ExpiresOn.
		items = append(items, textItem{"ExpiresOn", text(lblValidUntil, loc) + ": " + formatDate(s.ExpiresOn.AddDate(0, 0, -1), loc),
			full(143.5, 5), 10, 6.5, true, alignCenter, colorInk})
	}
	if s.Kind == KindAttendance && len(s.Sessions) <= inlineSessions {
		for i, ses := range s.Sessions {
			items = append(items, textItem{fmt.Sprintf("Sessions[%d].Place", i), sessionLine(ses, loc),
				full(143.5+float64(i)*4.6, 4.6), 9, 5.5, false, alignCenter, colorInk})
		}
	}
	for i, sig := range s.Signatories {
		f := fmt.Sprintf("Signatories[%d]", i)
		x := signatoryX(i, len(s.Signatories))
		items = append(items,
			textItem{f + ".Name", sig.Name, box{x, 171.5, sigColW, 9}, 10, 5.5, true, alignCenter, colorInk},
			textItem{f + ".Role", sig.Role, box{x, 180.5, sigColW, 7}, 8, 5, false, alignCenter, colorMuted})
	}
	left := box{qrX - 45, 0, 41, 0} // column left of the QR, clear of its quiet zone
	items = append(items,
		textItem{"", text(lblIssued, loc), box{left.x, 153, left.w, 3.5}, 7, 7, false, alignLeft, colorMuted},
		textItem{"IssuedAt", formatDate(s.IssuedAt, loc), box{left.x, 156.5, left.w, 4.5}, 9, 6, true, alignLeft, colorInk},
		textItem{"", text(lblVerify, loc), box{left.x, 163, left.w, 3.5}, 7, 7, false, alignLeft, colorMuted},
		textItem{"VerifyURL", s.VerifyURL, box{left.x, 166.5, left.w, 14}, 7, 4.5, false, alignLeft, colorInk},
		textItem{"", text(lblCode, loc), box{qrX - 45, 182.5, 45 + qrW, 3.5}, 7, 7, false, alignRight, colorMuted},
		textItem{"Code", s.Code, box{qrX - 45, 186, 45 + qrW, 5}, 10, 6, true, alignRight, colorInk},
	)
	if s.Supersedes != "" {
		items = append(items, textItem{"Supersedes", text(lblSupersedes, loc) + " " + s.Supersedes,
			box{contentX, 189, 150, 4}, 7, 6, false, alignLeft, colorMuted})
	}
	return items
}

// detailsLine is hours, dates and the optional result on one line; for
// attendance it is hours and the span of the sessions.
func detailsLine(s Snapshot) string {
	loc := s.Locale
	parts := []string{text(lblHours, loc) + ": " + formatHours(s.Hours, loc)}
	switch s.Kind {
	case KindCompletion:
		if !s.StartedOn.IsZero() {
			parts = append(parts, text(lblStarted, loc)+": "+formatDate(s.StartedOn, loc))
		}
		parts = append(parts, text(lblFinished, loc)+": "+formatDate(s.CompletedOn, loc))
	case KindAttendance:
		sessions := text(lblSessions, loc) + ": " + fmt.Sprint(len(s.Sessions))
		if len(s.Sessions) > inlineSessions {
			sessions += " (" + text(lblSessionsAnnexed, loc) + ")"
		}
		parts = append(parts, sessions)
	}
	if s.Result != "" {
		parts = append(parts, text(lblResult, loc)+": "+s.Result)
	}
	return strings.Join(parts, "  ·  ")
}

func sessionLine(ses Session, loc lang.Locale) string {
	return formatDate(ses.Date, loc) + ", " + ses.Place + " – " + formatHours(ses.Hours, loc) + " " + text(lblHoursAbbr, loc)
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// checkFit reports the fields whose text cannot fit its box even at the
// smallest size: the real length limit, which depends on the letters used.
func checkFit(items []textItem, c *canvas) []FieldError {
	var problems []FieldError
	for _, it := range items {
		if _, _, err := c.fit(it.text, it.box, it.maxSize, it.minSize, it.bold); err != nil {
			field := it.field
			if field == "" {
				field = "layout"
			}
			problems = append(problems, FieldError{field, "is too long to print in full"})
		}
	}
	return problems
}

func drawItems(c *canvas, items []textItem) error {
	for _, it := range items {
		c.pdf.SetTextColor(it.color.r, it.color.g, it.color.b)
		if _, err := c.textBox(it.text, it.box, it.maxSize, it.minSize, it.bold, it.align); err != nil {
			return fmt.Errorf("%w: %s", err, it.field)
		}
	}
	return nil
}

func renderCertificate(w io.Writer, s Snapshot, newTS func(*fpdf.Fpdf) typesetter) error {
	s = localized(s)
	title := lblCompletionTitle
	if s.Kind == KindAttendance {
		title = lblAttendanceTitle
	}
	pdf := newDocument("L", s.IssuedAt, text(title, s.Locale)+" "+s.Code, s.IssuerName, s.Locale)
	c := &canvas{pdf: pdf, ts: newTS(pdf)}
	pdf.AddPage()
	drawFrame(pdf)
	if err := drawItems(c, certificateItems(s)); err != nil {
		return err
	}
	pdf.SetDrawColor(colorMuted.r, colorMuted.g, colorMuted.b)
	pdf.SetLineWidth(0.25)
	for i := range s.Signatories {
		x := signatoryX(i, len(s.Signatories))
		pdf.Line(x+5, 170.5, x+sigColW-5, 170.5)
	}
	modules, err := qrModules(s.VerifyURL)
	if err != nil {
		return err
	}
	pdf.SetFillColor(0, 0, 0)
	drawQR(pdf, qrX, qrY, qrW, modules)
	if s.Kind == KindAttendance && len(s.Sessions) > inlineSessions {
		if err := drawSessionAnnex(c, s); err != nil {
			return err
		}
	}
	return output(pdf, w)
}

// signatoryX is the left edge of signatory i of n: up to three columns,
// centred as a group in the area left of the QR code.
func signatoryX(i, n int) float64 {
	const areaW = 3 * sigColW
	return contentX + (areaW-sigColW*float64(n))/2 + sigColW*float64(i)
}

func drawFrame(pdf *fpdf.Fpdf) {
	pdf.SetDrawColor(colorAccent.r, colorAccent.g, colorAccent.b)
	pdf.SetLineWidth(1.2)
	pdf.Rect(10, 10, pageW-20, pageH-20, "D")
	pdf.SetLineWidth(0.3)
	pdf.Rect(13.5, 13.5, pageW-27, pageH-27, "D")
}

func output(pdf *fpdf.Fpdf, w io.Writer) error {
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("certs: building PDF: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("certs: writing PDF: %w", err)
	}
	return nil
}
