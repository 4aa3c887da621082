package content

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/courses"
)

// SessionFile is one demo live session of courses/live-sessions.yaml.
type SessionFile struct {
	Course      string            `yaml:"course"`
	Key         string            `yaml:"key"`
	Kind        string            `yaml:"kind"`
	Title       courses.LocalText `yaml:"-"`
	TitleYAML   localYAML         `yaml:"title"`
	Description localYAML         `yaml:"description"` // not stored: live sessions have no description
	Start       struct {
		DaysFromSeed int    `yaml:"days_from_seed"`
		Time         string `yaml:"time"`
		Timezone     string `yaml:"timezone"`
	} `yaml:"start"`
	DurationMinutes int       `yaml:"duration_minutes"`
	Capacity        int       `yaml:"capacity"`
	Link            string    `yaml:"link"`
	Place           localYAML `yaml:"place"`
}

type localYAML struct {
	Sr string `yaml:"sr"`
	En string `yaml:"en"`
}

// LiveSessions reads courses/live-sessions.yaml.
func LiveSessions() ([]SessionFile, error) {
	b, err := fs.ReadFile(Courses(), "live-sessions.yaml")
	if err != nil {
		return nil, err
	}
	var f struct {
		Format   string        `yaml:"format"`
		Sessions []SessionFile `yaml:"sessions"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("live-sessions.yaml: %w", err)
	}
	if f.Format != "prepoznaj-live-sessions/1" {
		return nil, fmt.Errorf("live-sessions.yaml: format %q", f.Format)
	}
	for i := range f.Sessions {
		f.Sessions[i].Title = courses.LocalText{Sr: f.Sessions[i].TitleYAML.Sr, En: f.Sessions[i].TitleYAML.En}
	}
	return f.Sessions, nil
}

// StartsAt is the session's start for content seeded on day seeded.
func (sf SessionFile) StartsAt(seeded time.Time) (time.Time, error) {
	loc, err := time.LoadLocation(sf.Start.Timezone)
	if err != nil {
		return time.Time{}, err
	}
	clock, err := time.ParseInLocation("15:04", sf.Start.Time, loc)
	if err != nil {
		return time.Time{}, err
	}
	day := seeded.In(loc).AddDate(0, 0, sf.Start.DaysFromSeed)
	return time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, loc).UTC(), nil
}

// SeedLiveSessions creates the demo live sessions (run by trainerID, an active trainer: the
// content owner is disabled and cannot run sessions) on the seeded courses, dated from now.
// A session whose Serbian title the course already has is left alone, so a second run creates
// nothing. It is meant for the demo (serve --demo), not for every installation.
func SeedLiveSessions(ctx context.Context, s Services, trainerID int64, now time.Time) ([]ItemReport, error) {
	sessions, err := LiveSessions()
	if err != nil {
		return nil, err
	}
	p := &accounts.Principal{UserID: trainerID, Trainer: true, Admin: true}
	var out []ItemReport
	for _, sf := range sessions {
		it := ItemReport{Kind: "session", Key: sf.Course + "/" + sf.Key}
		courseID, _, err := courseBySlug(ctx, s.DB, sf.Course)
		if err != nil {
			return out, err
		}
		if courseID == 0 {
			return out, fmt.Errorf("session %s: course %s is not seeded", sf.Key, sf.Course)
		}
		existing, err := s.Courses.ListSessions(ctx, p, courseID)
		if err != nil {
			return out, err
		}
		it.Action = Unchanged
		for _, e := range existing {
			if e.Title.Sr == sf.Title.Sr {
				it.ID = e.ID
			}
		}
		if it.ID == 0 {
			start, err := sf.StartsAt(now)
			if err != nil {
				return out, fmt.Errorf("session %s: %w", sf.Key, err)
			}
			v, err := s.Courses.CreateSession(ctx, p, courseID, courses.SessionFields{Kind: sf.Kind, Title: sf.Title,
				Place: both2(sf.Place), Link: sf.Link, StartsAt: start, DurationMinutes: sf.DurationMinutes, Capacity: sf.Capacity, TrainerID: trainerID})
			if err != nil {
				return out, fmt.Errorf("session %s: %w", sf.Key, describe(err))
			}
			it.ID, it.Action = v.ID, Created
		}
		out = append(out, it)
	}
	return out, nil
}

// both2 shows a place in both languages (a session's place is one text).
func both2(t localYAML) string {
	if t.En == "" || t.En == t.Sr {
		return t.Sr
	}
	return t.Sr + " / " + t.En
}
