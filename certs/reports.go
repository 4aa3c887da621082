package certs

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
)

// Report is a rendered report PDF and the name to download it under.
type Report struct {
	PDF      []byte
	FileName string // ASCII
}

// SessionReport renders a live session's register with signature lines, as
// p may read it: in full for those who run the session and admins, their
// own staff for managers, not found for anyone else.
func (s *Service) SessionReport(ctx context.Context, p *accounts.Principal, sessionID int64) (*Report, error) {
	loc := localeOf(p.Locale)
	reg, err := s.facts.SessionRegister(ctx, p, sessionID, loc)
	if err != nil {
		return nil, err
	}
	r := AttendanceReport{
		Locale: loc, CourseTitle: reg.CourseTitle, SessionDate: s.civil(reg.StartsAt), Place: placeOr(reg.Place, loc), Trainer: reg.TrainerName,
		IssuerName: s.o.IssuerName, GeneratedAt: s.now().UTC().Truncate(time.Second),
	}
	for _, l := range reg.Lines {
		r.Attendees = append(r.Attendees, Attendee{Name: l.Name, InstitutionName: l.InstitutionName,
			ProfessionLabel: ProfessionLabel(l.Profession, loc), Hours: l.Hours})
	}
	var buf bytes.Buffer
	if err := RenderAttendanceReport(&buf, r); err != nil {
		return nil, invalidSnapshot(err)
	}
	return &Report{PDF: buf.Bytes(), FileName: fmt.Sprintf("attendance-session-%d-%s.pdf", sessionID, dateString(r.SessionDate))}, nil
}

// MaxReportDays bounds an institution report's period.
const MaxReportDays = 3 * 366

// InstitutionAttendanceReport renders who of an institution's staff
// attended which session between two dates (both included), for its
// managers and admins.
func (s *Service) InstitutionAttendanceReport(ctx context.Context, p *accounts.Principal, instID int64, from, to time.Time) (*Report, error) {
	if !p.ManagesInstitution(instID) {
		return nil, errInstitutionNotFound
	}
	switch {
	case from.IsZero() || to.IsZero():
		return nil, apperr.Invalid("invalid_query", "Give the period.", apperr.Field("from", "required", "from and to are required (YYYY-MM-DD)"))
	case to.Before(from):
		return nil, apperr.Invalid("invalid_query", "The period ends before it starts.", apperr.Field("to", "out_of_range", "must not be before from"))
	case to.Sub(from) > MaxReportDays*24*time.Hour:
		return nil, apperr.Invalid("invalid_query", "The period is too long.", apperr.Field("to", "out_of_range", "the period may span at most three years"))
	}
	inst, err := s.acc.GetInstitution(ctx, p, instID)
	if err != nil {
		return nil, err
	}
	loc := localeOf(p.Locale)
	// The period is in calendar days of the service's zone.
	start := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, s.o.Zone)
	end := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, s.o.Zone).AddDate(0, 0, 1)
	lines, err := s.facts.InstitutionAttendance(ctx, instID, start.UTC(), end.UTC(), loc)
	if err != nil {
		return nil, err
	}
	if len(lines) > MaxInstitutionReportRows {
		return nil, apperr.Unprocessable("report_too_large", fmt.Sprintf("More than %d attendances in this period; choose a shorter one.", MaxInstitutionReportRows))
	}
	sort.SliceStable(lines, func(i, j int) bool {
		if !lines[i].StartsAt.Equal(lines[j].StartsAt) {
			return lines[i].StartsAt.Before(lines[j].StartsAt)
		}
		return lines[i].Name < lines[j].Name
	})
	r := InstitutionReport{
		Locale: loc, InstitutionName: inst.Name, From: s.civil(start), To: s.civil(end.AddDate(0, 0, -1)),
		IssuerName: s.o.IssuerName, GeneratedAt: s.now().UTC().Truncate(time.Second),
	}
	for _, l := range lines {
		r.Rows = append(r.Rows, InstitutionReportRow{Name: l.Name, ProfessionLabel: ProfessionLabel(l.Profession, loc),
			CourseTitle: l.CourseTitle, Date: s.civil(l.StartsAt), Place: placeOr(l.Place, loc), Hours: l.Hours})
	}
	var buf bytes.Buffer
	if err := RenderInstitutionReport(&buf, r); err != nil {
		return nil, invalidSnapshot(err)
	}
	return &Report{PDF: buf.Bytes(), FileName: fmt.Sprintf("attendance-institution-%d-%s-%s.pdf", instID, dateString(r.From), dateString(r.To))}, nil
}
