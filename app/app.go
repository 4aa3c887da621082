package app

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/certs"
	"github.com/prepoznaj/prepoznaj/content"
	"github.com/prepoznaj/prepoznaj/courses"
	"github.com/prepoznaj/prepoznaj/database"
	"github.com/prepoznaj/prepoznaj/frontend"
	"github.com/prepoznaj/prepoznaj/httpapi"
	"github.com/prepoznaj/prepoznaj/quiz"
)

// App is the assembled platform.
type App struct {
	DB       *database.DB
	Accounts *accounts.Service
	Courses  *courses.Service
	Quiz     *quiz.Service
	Certs    *certs.Service
	Engine   *gin.Engine
	Handler  http.Handler
	Spec     *httpapi.Spec

	// changes carries the in-memory caches' notices between instances.
	changes *database.Changes
	// RedeliverEvery is how often RunBackground retries the completions and
	// closed registers whose certificates could not be issued (a minute).
	RedeliverEvery time.Duration
	redeliverMu    sync.Mutex
	log            *slog.Logger
}

// New builds the platform on an open, migrated database.
func New(cfg Config, db *database.DB, secret []byte, log *slog.Logger) (*App, error) {
	e, err := httpapi.NewEngine(httpapi.Options{
		Log:            log,
		TrustedProxies: cfg.TrustedProxies,
		HSTS:           strings.HasPrefix(cfg.BaseURL, "https://"),
		Version:        cfg.Version,
		Ready:          readiness(db),
	})
	if err != nil {
		return nil, err
	}
	spec, err := buildSpec()
	if err != nil {
		return nil, err
	}
	now := cfg.Now
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	acc := accounts.NewService(db.DB, secret, now)
	// On Postgres the caches work only while RunBackground listens for other instances' changes.
	changes := database.NewChanges(db)
	acc.EnablePrincipalCache(changes)

	api := e.Group("/api/v1", acc.Authenticate)
	spec.Register(api)
	accounts.NewHandler(acc).Register(api)
	crs := courses.NewService(db.DB, acc, now)
	crs.SetLogger(log)
	crs.EnableEnrolmentCache(changes)
	courses.NewHandler(crs).Register(api)
	qz := quiz.NewService(db.DB, quizCourses{crs}, now, quiz.Options{DefaultCatalogue: content.Catalogue(), Audit: acc.Audit, Log: log})
	quiz.NewHandler(qz).Register(api)
	crt := certs.NewService(db.DB, acc, certCourses{crs, acc}, certs.Options{BaseURL: cfg.BaseURL, Now: now, Log: log})
	crs.SetCompletionListener(crt)
	crs.SetRegisterListener(crt)
	crs.SetQuizDirectory(certQuizzes{qz})
	certs.NewHandler(crt, acc.Limiter).Register(api)

	spa, err := httpapi.NewSPA(frontend.Dist())
	if err != nil {
		return nil, err
	}
	httpapi.UseSPA(e, spa)
	return &App{DB: db, changes: changes, Accounts: acc, Courses: crs, Quiz: qz, Certs: crt, Engine: e, Handler: e, Spec: spec, log: log,
		RedeliverEvery: time.Minute}, nil
}

func readiness(db *database.DB) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if err := db.Ping(ctx); err != nil {
			return httpapi.NotReadyError{Reason: "the database is unreachable"}
		}
		ok, err := db.MigrationsCurrent(ctx)
		if err != nil || !ok {
			return httpapi.NotReadyError{Reason: "database migrations are not current"}
		}
		return nil
	}
}

var (
	specOnce sync.Once
	spec     *httpapi.Spec
	specErr  error
)

// buildSpec assembles the OpenAPI document once per process: it depends only
// on embedded files, and validating it is the costliest part of New.
func buildSpec() (*httpapi.Spec, error) {
	specOnce.Do(func() {
		spec, specErr = httpapi.BuildSpec(accounts.OpenAPI(), courses.OpenAPI(), quiz.OpenAPI(), certs.OpenAPI())
	})
	return spec, specErr
}

// RunBackground does the platform's periodic work until ctx ends: overdue quiz attempts are
// submitted even when nobody opens them, and quiz results courses missed are recorded again;
// certificate export jobs whose server stopped are taken over; completions and closed registers
// whose certificates could not be issued are delivered again; on Postgres, the in-memory caches
// (sign-ins, enrolments) hear of other instances' changes.
// It returns once ctx has ended and all of that work has stopped.
func (a *App) RunBackground(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { a.changes.Listen(ctx, 5*time.Second) }) // returns at once on SQLite
	wg.Go(func() { a.Certs.RunSweeper(ctx, time.Minute) })
	wg.Go(func() { a.runRedelivery(ctx) })
	a.Quiz.RunSweeper(ctx, 30*time.Second)
	wg.Wait()
}

// redeliverGrace leaves a just-committed completion or register to the
// request that made it, which is delivering it.
const redeliverGrace = time.Minute

// runRedelivery retries failed certificate issuing every RedeliverEvery.
func (a *App) runRedelivery(ctx context.Context) {
	every := a.RedeliverEvery
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		a.Redeliver(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Redeliver delivers once the completions and closed registers older than a
// minute whose listeners failed, and reports how many of each it delivered.
// Passes never overlap within a process, so one never delivers again what
// another is still marking delivered.
func (a *App) Redeliver(ctx context.Context) (completions, registers int) {
	a.redeliverMu.Lock()
	defer a.redeliverMu.Unlock()
	completions, err := a.Courses.RedeliverCompletions(ctx, redeliverGrace)
	if err != nil && ctx.Err() == nil {
		a.log.Error("redeliver completions", slog.String("error", err.Error()))
	}
	registers, err = a.Courses.RedeliverRegisters(ctx, redeliverGrace)
	if err != nil && ctx.Err() == nil {
		a.log.Error("redeliver registers", slog.String("error", err.Error()))
	}
	return completions, registers
}

// quizCourses gives the quiz engine what it needs from courses (quiz.Courses).
type quizCourses struct{ *courses.Service }

func (c quizCourses) CourseAccess(ctx context.Context, p *accounts.Principal, courseID int64) (quiz.CourseRef, error) {
	ref, err := c.Service.CourseAccess(ctx, p, courseID)
	return quiz.CourseRef{ID: ref.ID, OwnerID: ref.OwnerID, Edit: ref.Edit}, err
}
