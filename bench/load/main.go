// Command load runs a bounded loopback load against a running Prepoznaj
// server and prints a JSON summary. Every scenario is compared with /healthz
// measured in the same run, because the machines are shared and noisy.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

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
}

type summary struct {
	Database  string    `json:"database"`
	Duration  string    `json:"duration_per_scenario"`
	Workers   uint64    `json:"workers"`
	Scenarios []result  `json:"scenarios"`
	When      time.Time `json:"when"`
	Note      string    `json:"note"`
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "server base URL (loopback only)")
	duration := flag.Duration("duration", 5*time.Second, "duration of each scenario")
	workers := flag.Uint64("workers", 16, "concurrent workers")
	password := flag.String("demo-password", os.Getenv("PREPOZNAJ_DEMO_PASSWORD"), "password of the demo accounts")
	dbName := flag.String("database", "sqlite", "label for the summary")
	out := flag.String("out", "", "also write the JSON summary here")
	flag.Parse()
	u, err := url.Parse(*base)
	if err != nil || !(u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost" || u.Hostname() == "::1") {
		fail("refusing a non-loopback target %q", *base)
	}
	if *duration > time.Minute {
		fail("a scenario may run at most a minute")
	}
	token := login(*base, "learner@demo.prepoznaj.local", *password)
	auth := http.Header{"Authorization": []string{"Bearer " + token}}

	scenarios := []struct {
		name    string
		targets []vegeta.Target
	}{
		{"healthz", []vegeta.Target{{Method: "GET", URL: *base + "/healthz"}}},
		{"me (authenticated read)", []vegeta.Target{{Method: "GET", URL: *base + "/api/v1/me", Header: auth}}},
		{"course catalogue (signed-in learner)", []vegeta.Target{{Method: "GET", URL: *base + "/api/v1/courses", Header: auth}}},
	}
	s := summary{Database: *dbName, Duration: duration.String(), Workers: *workers, When: time.Now().UTC(),
		Note: "bounded loopback run; compare ratios, not absolute figures: the machine is shared"}
	for _, sc := range scenarios {
		s.Scenarios = append(s.Scenarios, attack(sc.name, sc.targets, *duration, *workers))
	}
	for i := range s.Scenarios {
		if s.Scenarios[0].RPS > 0 {
			s.Scenarios[i].RatioHealth = round(s.Scenarios[i].RPS / s.Scenarios[0].RPS)
		}
	}
	js, _ := json.MarshalIndent(s, "", "  ")
	fmt.Println(string(js))
	if *out != "" {
		if err := os.WriteFile(*out, append(js, '\n'), 0o644); err != nil {
			fail("%v", err)
		}
	}
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
