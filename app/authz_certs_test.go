package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/certs"
	"github.com/prepoznaj/prepoznaj/courses"
)

func init() {
	// The OpenAPI validator reads PDF and ZIP bodies as opaque bytes.
	openapi3filter.RegisterBodyDecoder("application/pdf", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/zip", openapi3filter.FileBodyDecoder)
	setups["certs"] = certsSetup
}

// certsSetup builds on the course setup: the learner of A completes the
// course (a completion certificate {cert} with code {code}), attends its
// session, whose register the trainer closes; manager_same has a finished
// export job {export}. {today} is today's date, {month_ago} a month before.
func certsSetup(t *testing.T, s *apitest.Server, f *apitest.Fixture) map[string]string {
	t.Helper()
	t.Cleanup(s.App.Certs.Wait) // before the database closes
	out := courseSetup(t, s, f)
	ctx := context.Background()
	id := func(k string) int64 {
		n, err := strconv.ParseInt(out[k], 10, 64)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		return n
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	learner := &accounts.Principal{UserID: f.Users["learner"], InstitutionID: f.InstA}
	tr := &accounts.Principal{UserID: f.Users["trainer"], Trainer: true}
	_, err := s.App.Courses.CompleteLesson(ctx, learner, id("{lesson}"))
	must(err)
	mine, _, err := s.App.Certs.Mine(ctx, learner, 0, 10)
	must(err)
	if len(mine) != 1 {
		t.Fatalf("the learner has %d certificates after completing the course, want 1", len(mine))
	}
	_, err = s.App.Courses.RecordAttendance(ctx, tr, id("{session}"), []courses.AttendanceEntry{{UserID: f.Users["learner"], Status: courses.AttendPresent}})
	must(err)
	_, err = s.App.Courses.CloseRegister(ctx, tr, id("{session}"))
	must(err)
	mgr := &accounts.Principal{UserID: f.Users["manager_same"], Manager: true, InstitutionID: f.InstA}
	job, err := s.App.Certs.CreateExport(ctx, mgr, f.InstA, certs.Filter{})
	must(err)
	s.App.Certs.Wait()
	out["{cert}"] = strconv.FormatInt(mine[0].ID, 10)
	out["{code}"] = mine[0].Code
	out["{export}"] = strconv.FormatInt(job.ID, 10)
	out["{today}"] = time.Now().UTC().Format(time.DateOnly)
	out["{month_ago}"] = time.Now().UTC().AddDate(0, -1, 0).Format(time.DateOnly)
	return out
}
