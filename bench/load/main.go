// Command load runs a bounded loopback load against a running Prepoznaj
// server and prints a JSON summary. Every scenario is compared with /healthz
// measured in the same run, because the machines are shared and noisy.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/prepoznaj/prepoznaj/database"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

type result struct {
	Name        string  `json:"name"`
	Requests    uint64  `json:"requests"`
	RPS         float64 `json:"requests_per_second"`
	P50ms       float64 `json:"p50_ms"`
	P99ms       float64 `json:"p99_ms"`
	Errors      int     `json:"errors"`
	Success     float64 `json:"success_ratio"`
	RatioHealth float64 `json:"ratio_to_healthz"`
	RatioWrite  float64 `json:"ratio_to_trivial_write"`
	P99Health   float64 `json:"p99_ratio_to_healthz"`
	Note        string  `json:"note,omitempty"`
}

type summary struct {
	Database   string    `json:"database"`
	Duration   string    `json:"duration_per_scenario"`
	Workers    uint64    `json:"workers"`
	References []result  `json:"references"`
	Scenarios  []result  `json:"scenarios"`
	When       time.Time `json:"when"`
	Note       string    `json:"note"`
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "server base URL (loopback only)")
	duration := flag.Duration("duration", 5*time.Second, "duration of each timed scenario")
	workers := flag.Uint64("workers", 16, "concurrent workers")
	password := flag.String("demo-password", os.Getenv("PREPOZNAJ_DEMO_PASSWORD"), "password of the demo accounts")
	dbName := flag.String("database", "sqlite", "label for the summary")
	dsn := flag.String("db", "", "the server's database (SQLite path or Postgres URL); enables the quiz scenarios, whose learners are created there")
	secret := flag.String("secret", os.Getenv("PREPOZNAJ_SECRET"), "the server's signing key (env PREPOZNAJ_SECRET), to mint the learners' sessions")
	nLearners := flag.Int("learners", 3000, "learners in the start storm (at most 5000)")
	out := flag.String("out", "", "also write the JSON summary here")
	flag.Parse()
	u, err := url.Parse(*base)
	if err != nil || !(u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost" || u.Hostname() == "::1") {
		fail("refusing a non-loopback target %q", *base)
	}
	if *duration > time.Minute {
		fail("a scenario may run at most a minute")
	}
	if *nLearners < 10 || *nLearners > 5000 {
		fail("--learners must be between 10 and 5000")
	}
	token := login(*base, "learner@demo.prepoznaj.local", *password)
	auth := http.Header{"Authorization": []string{"Bearer " + token}}
	authJSON := http.Header{"Authorization": []string{"Bearer " + token}, "Content-Type": []string{"application/json"}}

	s := summary{Database: *dbName, Duration: duration.String(), Workers: *workers, When: time.Now().UTC(),
		Note: "bounded loopback run; compare ratios, not absolute figures: the machine is shared. The references " +
			"(/healthz and a trivial write: PATCH /me, one row) are measured before and after the scenarios and averaged; " +
			"start storm and submit send each request once and report the rate over their whole run"}
	// The trivial write: one row of the profile, alternating so that every request writes.
	write := []vegeta.Target{
		{Method: "PATCH", URL: *base + "/api/v1/me", Header: authJSON, Body: []byte(`{"locale":"sr-Latn"}`)},
		{Method: "PATCH", URL: *base + "/api/v1/me", Header: authJSON, Body: []byte(`{"locale":"sr-Cyrl"}`)},
	}
	health := []vegeta.Target{{Method: "GET", URL: *base + "/healthz"}}
	h1 := attack("healthz", health, *duration, *workers)
	w1 := attack("trivial write (PATCH /me)", write, *duration, *workers)

	s.Scenarios = append(s.Scenarios,
		attack("me (authenticated read)", []vegeta.Target{{Method: "GET", URL: *base + "/api/v1/me", Header: auth}}, *duration, *workers),
		attack("course catalogue (signed-in learner)", []vegeta.Target{{Method: "GET", URL: *base + "/api/v1/courses", Header: auth}}, *duration, *workers),
		// The same request for a page of 5: how much of the cost is the answer's size.
		attack("course catalogue, a page of 5", []vegeta.Target{{Method: "GET", URL: *base + "/api/v1/courses?limit=5", Header: auth}}, *duration, *workers),
	)
	if *dsn != "" {
		s.Scenarios = append(s.Scenarios, quizScenarios(*base, *dsn, *secret, *nLearners, *duration, *workers)...)
	}

	h2 := attack("healthz", health, *duration, *workers)
	w2 := attack("trivial write (PATCH /me)", write, *duration, *workers)
	s.References = []result{mean(h1, h2), mean(w1, w2)}
	href, wref := s.References[0], s.References[1]
	for i := range s.Scenarios {
		sc := &s.Scenarios[i]
		if href.RPS > 0 {
			sc.RatioHealth = round(sc.RPS / href.RPS)
		}
		if wref.RPS > 0 {
			sc.RatioWrite = round(sc.RPS / wref.RPS)
		}
		if href.P99ms > 0 {
			sc.P99Health = round(sc.P99ms / href.P99ms)
		}
	}
	s.References[1].RatioHealth = round(wref.RPS / href.RPS)
	s.References[0].RatioHealth = 1
	js, _ := json.MarshalIndent(s, "", "  ")
	fmt.Println(string(js))
	if *out != "" {
		if err := os.WriteFile(*out, append(js, '\n'), 0o644); err != nil {
			fail("%v", err)
		}
	}
}

// quizScenarios: learners start the same quiz all at once, save answers and submit.
func quizScenarios(base, dsn, secret string, n int, d time.Duration, workers uint64) []result {
	ctx := context.Background()
	db, err := database.Open(ctx, dsn, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		fail("open the database: %v", err)
	}
	defer db.Close()
	quizID, courseID, err := firstQuiz(ctx, db)
	if err != nil {
		fail("find a quiz: %v", err)
	}
	learners, err := makeLearners(ctx, db, secret, n)
	if err != nil {
		fail("create learners: %v", err)
	}
	// Setup, not measured: every learner enrols in the quiz's course.
	var enrol []vegeta.Target
	for _, l := range learners {
		enrol = append(enrol, vegeta.Target{Method: "POST", URL: fmt.Sprintf("%s/api/v1/courses/%d/enrolment", base, courseID), Header: bearer(l.token)})
	}
	if r, _ := once("enrol", enrol, workers, time.Minute, 201); r.Success < 1 {
		fail("enrolment failed for %d of %d learners", r.Errors, n)
	}

	var starts []vegeta.Target
	for _, l := range learners {
		starts = append(starts, vegeta.Target{Method: "POST", URL: fmt.Sprintf("%s/api/v1/quizzes/%d/attempts", base, quizID), Header: bearer(l.token), Body: []byte("{}")})
	}
	storm, took := once(fmt.Sprintf("start storm (%d learners start one quiz)", n), starts, workers, time.Minute, 201)
	storm.Note = strings.TrimSpace(fmt.Sprintf("all %d starts took %.1f s (target: within a minute). %s", n, took.Seconds(), storm.Note))

	// Each learner's open attempt (starting again answers 200 with it).
	attempts := make([]attemptInfo, n)
	for i, l := range learners {
		if attempts[i], err = startAttempt(base, quizID, l); err != nil {
			fail("%v", err)
		}
	}

	// Answer saving on a few hundred open attempts, alternating two answers.
	var saves []vegeta.Target
	for i, l := range learners[:min(400, n)] {
		a := attempts[i]
		pos, bodies, ok := answerFor(a)
		if !ok {
			fail("the quiz has no question the load test can answer")
		}
		for _, b := range bodies {
			saves = append(saves, vegeta.Target{Method: "PUT", URL: fmt.Sprintf("%s/api/v1/attempts/%d/answers/%d", base, a.ID, pos), Header: bearer(l.token), Body: b})
		}
	}
	save := attack("save an answer", saves, d, workers)

	// Submit and grade every attempt once.
	var submits []vegeta.Target
	for i, l := range learners {
		submits = append(submits, vegeta.Target{Method: "POST", URL: fmt.Sprintf("%s/api/v1/attempts/%d/submit", base, attempts[i].ID), Header: bearer(l.token), Body: []byte("{}")})
	}
	submit, _ := once(fmt.Sprintf("submit and grade (%d attempts, each once)", n), submits, workers, time.Minute, 200)
	return []result{storm, save, submit}
}

func mean(a, b result) result {
	r := a
	r.Requests = a.Requests + b.Requests
	r.RPS = round((a.RPS + b.RPS) / 2)
	r.P50ms = round((a.P50ms + b.P50ms) / 2)
	r.P99ms = round((a.P99ms + b.P99ms) / 2)
	r.Errors = a.Errors + b.Errors
	r.Success = round((a.Success + b.Success) / 2)
	r.Note = fmt.Sprintf("before: %.0f/s, after: %.0f/s", a.RPS, b.RPS)
	return r
}

func attack(name string, targets []vegeta.Target, d time.Duration, workers uint64) result {
	attacker := vegeta.NewAttacker(vegeta.Workers(workers), vegeta.MaxWorkers(workers), vegeta.KeepAlive(true), vegeta.Timeout(10*time.Second))
	var m vegeta.Metrics
	// Rate 0 with a fixed pool: as fast as the workers can go, for d at most.
	for res := range attacker.Attack(vegeta.NewStaticTargeter(targets...), vegeta.Rate{Freq: 0}, d, name) {
		m.Add(res)
	}
	m.Close()
	return result{
		Name: name, Requests: m.Requests, RPS: round(m.Throughput),
		P50ms: ms(m.Latencies.P50), P99ms: ms(m.Latencies.P99),
		Errors: len(m.Errors), Success: round(m.Success),
	}
}

func login(base, email, password string) string {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password, "client": "api"})
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		fail("login: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		fail("login as %s: %d %s", email, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	var s struct {
		AccessToken string `json:"access_token"`
	}
	json.Unmarshal(b, &s)
	return s.AccessToken
}

func ms(d time.Duration) float64 { return round(float64(d) / float64(time.Millisecond)) }
func round(f float64) float64    { return float64(int64(f*1000+0.5)) / 1000 }

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "load: "+format+"\n", args...)
	os.Exit(1)
}
