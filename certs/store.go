package certs

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/prepoznaj/prepoznaj/lang"
)

// storedSnapshot is a Snapshot as the certificates table keeps it. The JSON
// names are fixed here, apart from Snapshot's Go names, so renaming a field
// of Snapshot can never make old rows decode differently (and so render to
// other bytes).
type storedSnapshot struct {
	Kind            string            `json:"kind"`
	Locale          string            `json:"locale"`
	HolderName      string            `json:"holder_name"`
	InstitutionName string            `json:"institution_name,omitempty"`
	ProfessionLabel string            `json:"profession_label,omitempty"`
	CourseTitle     string            `json:"course_title"`
	Hours           float64           `json:"hours"`
	StartedOn       *time.Time        `json:"started_on,omitempty"`
	CompletedOn     *time.Time        `json:"completed_on,omitempty"`
	ExpiresOn       *time.Time        `json:"expires_on,omitempty"`
	Sessions        []storedSession   `json:"sessions,omitempty"`
	Result          string            `json:"result,omitempty"`
	IssuerName      string            `json:"issuer_name"`
	Signatories     []storedSignatory `json:"signatories,omitempty"`
	IssuedAt        time.Time         `json:"issued_at"`
	Code            string            `json:"code"`
	VerifyURL       string            `json:"verify_url"`
	Supersedes      string            `json:"supersedes,omitempty"`
}

type storedSession struct {
	Date  time.Time `json:"date"`
	Place string    `json:"place"`
	Hours float64   `json:"hours"`
}

type storedSignatory struct {
	Name string `json:"name"`
	Role string `json:"role,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func encodeSnapshot(s Snapshot) (string, error) {
	st := storedSnapshot{
		Kind: string(s.Kind), Locale: string(s.Locale), HolderName: s.HolderName, InstitutionName: s.InstitutionName,
		ProfessionLabel: s.ProfessionLabel, CourseTitle: s.CourseTitle, Hours: s.Hours, StartedOn: timePtr(s.StartedOn),
		CompletedOn: timePtr(s.CompletedOn), ExpiresOn: timePtr(s.ExpiresOn), Result: s.Result, IssuerName: s.IssuerName, IssuedAt: s.IssuedAt.UTC(),
		Code: s.Code, VerifyURL: s.VerifyURL, Supersedes: s.Supersedes,
	}
	for _, ses := range s.Sessions {
		st.Sessions = append(st.Sessions, storedSession{Date: ses.Date.UTC(), Place: ses.Place, Hours: ses.Hours})
	}
	for _, sig := range s.Signatories {
		st.Signatories = append(st.Signatories, storedSignatory(sig))
	}
	b, err := json.Marshal(st)
	if err != nil {
		return "", fmt.Errorf("certs: encoding snapshot: %w", err)
	}
	return string(b), nil
}

func decodeSnapshot(raw string) (Snapshot, error) {
	var st storedSnapshot
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		return Snapshot{}, fmt.Errorf("certs: decoding snapshot: %w", err)
	}
	s := Snapshot{
		Kind: Kind(st.Kind), Locale: lang.Locale(st.Locale), HolderName: st.HolderName, InstitutionName: st.InstitutionName,
		ProfessionLabel: st.ProfessionLabel, CourseTitle: st.CourseTitle, Hours: st.Hours, Result: st.Result,
		IssuerName: st.IssuerName, IssuedAt: st.IssuedAt.UTC(), Code: st.Code, VerifyURL: st.VerifyURL, Supersedes: st.Supersedes,
	}
	if st.StartedOn != nil {
		s.StartedOn = st.StartedOn.UTC()
	}
	if st.CompletedOn != nil {
		s.CompletedOn = st.CompletedOn.UTC()
	}
	if st.ExpiresOn != nil {
		s.ExpiresOn = st.ExpiresOn.UTC()
	}
	for _, ses := range st.Sessions {
		s.Sessions = append(s.Sessions, Session{Date: ses.Date.UTC(), Place: ses.Place, Hours: ses.Hours})
	}
	for _, sig := range st.Signatories {
		s.Signatories = append(s.Signatories, Signatory(sig))
	}
	return s, nil
}
