package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/app"
	"github.com/prepoznaj/prepoznaj/database"
)

// The quiz scenarios need many learners with sessions. Signing each in through the API would
// spend minutes on password hashing, which is not what is measured, so the learners are
// created in the server's database directly (one shared password hash) and their sessions
// minted with the server's signing key, exactly as a sign-in would leave them.

type learner struct {
	id    int64
	token string
}

func makeLearners(ctx context.Context, db *database.DB, secret string, n int) ([]learner, error) {
	key, err := app.LoadSecret(app.Config{Secret: secret}, db)
	if err != nil {
		return nil, err
	}
	acc := accounts.NewService(db.DB, key, nil)
	hash, err := acc.HashPassword(ctx, "load-test learner password")
	if err != nil {
		return nil, err
	}
	stamp := strconv.FormatInt(time.Now().UnixNano(), 36)
	out := make([]learner, n)
	for i := range out {
		id, err := acc.CreateUserHashed(ctx, fmt.Sprintf("load-%s-%d@load.test", stamp, i), fmt.Sprintf("Polaznik %d", i), hash, "police", accounts.RolesInput{})
		if err != nil {
			return nil, fmt.Errorf("learner %d: %w", i, err)
		}
		sess, err := acc.SessionFor(ctx, id)
		if err != nil {
			return nil, err
		}
		out[i] = learner{id: id, token: sess.AccessToken}
	}
	return out, nil
}

// firstQuiz finds a published quiz of a course open to self-enrolment.
func firstQuiz(ctx context.Context, db *database.DB) (quizID, courseID int64, err error) {
	var row struct{ ID, CourseID int64 }
	err = db.WithContext(ctx).Raw("SELECT q.id, q.course_id FROM quiz_quizzes q JOIN courses c ON c.id = q.course_id " +
		"WHERE q.publication_id IS NOT NULL AND c.status = 'published' ORDER BY c.id, q.id LIMIT 1").Scan(&row).Error
	if err == nil && row.ID == 0 {
		err = fmt.Errorf("no published quiz: seed the content first")
	}
	return row.ID, row.CourseID, err
}

// once sends each target exactly once, as fast as workers allow, within limit.
func once(name string, targets []vegeta.Target, workers uint64, limit time.Duration, okStatus int) (result, time.Duration) {
	attacker := vegeta.NewAttacker(vegeta.Workers(workers), vegeta.MaxWorkers(workers), vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second))
	var m vegeta.Metrics
	ok := 0
	start := time.Now()
	tr := vegeta.NewStaticTargeter(targets...)
	var mu sync.Mutex
	sent := 0
	// A targeter that ends after one pass over targets.
	one := func(t *vegeta.Target) error {
		mu.Lock()
		defer mu.Unlock()
		if sent == len(targets) {
			return vegeta.ErrNoTargets
		}
		sent++
		return tr(t)
	}
	codes := map[uint16]int{}
	sample := ""
	for res := range attacker.Attack(one, vegeta.Rate{Freq: 0}, limit, name) {
		if res.Error == vegeta.ErrNoTargets.Error() {
			continue
		}
		m.Add(res)
		codes[res.Code]++
		if int(res.Code) == okStatus {
			ok++
		} else if sample == "" {
			sample = fmt.Sprintf("%d %s %.200s", res.Code, res.Error, res.Body)
		}
	}
	elapsed := time.Since(start)
	m.Close()
	r := result{Name: name, Requests: m.Requests, RPS: round(float64(m.Requests) / elapsed.Seconds()),
		P50ms: ms(m.Latencies.P50), P99ms: ms(m.Latencies.P99), Errors: int(m.Requests) - ok}
	if m.Requests > 0 {
		r.Success = round(float64(ok) / float64(m.Requests))
	}
	if sample != "" {
		r.Note = fmt.Sprintf("answers by status %v; first failure: %s", codes, sample)
	}
	return r, elapsed
}

type attemptInfo struct {
	ID        int64 `json:"id"`
	Questions []struct {
		Position int    `json:"position"`
		Type     string `json:"type"`
		Choices  []struct {
			ID string `json:"id"`
		} `json:"choices"`
	} `json:"questions"`
}

// answerFor gives a valid answer to the attempt's first question that takes a selection or a
// yes/no, and the two bodies saving alternates between (so every save writes).
func answerFor(a attemptInfo) (int, [2][]byte, bool) {
	for _, q := range a.Questions {
		switch q.Type {
		case "indicator_identification", "multiple_choice", "single_choice":
			if len(q.Choices) < 2 {
				continue
			}
			b1, _ := json.Marshal(map[string]any{"selected": []string{q.Choices[0].ID}})
			b2, _ := json.Marshal(map[string]any{"selected": []string{q.Choices[1].ID}})
			return q.Position, [2][]byte{b1, b2}, true
		case "true_false":
			return q.Position, [2][]byte{[]byte(`{"answer":true}`), []byte(`{"answer":false}`)}, true
		}
	}
	return 0, [2][]byte{}, false
}

func startAttempt(base string, quizID int64, l learner) (attemptInfo, error) {
	var a attemptInfo
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/quizzes/%d/attempts", base, quizID), nil)
	req.Header.Set("Authorization", "Bearer "+l.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return a, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 && resp.StatusCode != 201 {
		return a, fmt.Errorf("start attempt: %d %s", resp.StatusCode, b)
	}
	return a, json.Unmarshal(b, &a)
}

func bearer(token string) http.Header {
	return http.Header{"Authorization": []string{"Bearer " + token}, "Content-Type": []string{"application/json"}}
}
