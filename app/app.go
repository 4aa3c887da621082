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
	now := func() time.Time { return time.Now().UTC() }
	acc := accounts.NewService(db.DB, secret, now)
	// On Postgres the cache works only while RunBackground listens for other instances' changes.
	acc.EnablePrincipalCache(db.Dialect == database.Postgres)

	api := e.Group("/api/v1", acc.Authenticate)
	spec.Register(api)
	accounts.NewHandler(acc).Register(api)
	crs := courses.NewService(db.DB, acc, now)
	crs.SetLogger(log)
	courses.NewHandler(crs).Register(api)
	qz := quiz.NewService(db.DB, quizCourses{crs}, now, quiz.Options{DefaultCatalogue: content.Catalogue(), Audit: acc.Audit, Log: log})
	quiz.NewHandler(qz).Register(api)
	crt := certs.NewService(db.DB, acc, certCourses{crs, acc}, certs.Options{BaseURL: cfg.BaseURL, Now: now, Log: log})
	crs.SetCompletionListener(crt)
	certs.NewHandler(crt, acc.Limiter).Register(api)

	spa, err := httpapi.NewSPA(frontend.Dist())
	if err != nil {
		return nil, err
	}
	httpapi.UseSPA(e, spa)
	return &App{DB: db, Accounts: acc, Courses: crs, Quiz: qz, Certs: crt, Engine: e, Handler: e, Spec: spec}, nil
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
// certificate export jobs whose server stopped are taken over; on Postgres, the sign-in cache
// hears of other instances' changes.
func (a *App) RunBackground(ctx context.Context) {
	if a.DB.Dialect == database.Postgres {
		go a.Accounts.ListenForChanges(ctx, 5*time.Second)
	}
	go a.Certs.RunSweeper(ctx, time.Minute)
	a.Quiz.RunSweeper(ctx, 30*time.Second)
}

// quizCourses gives the quiz engine what it needs from courses (quiz.Courses).
type quizCourses struct{ *courses.Service }

func (c quizCourses) CourseAccess(ctx context.Context, p *accounts.Principal, courseID int64) (quiz.CourseRef, error) {
	ref, err := c.Service.CourseAccess(ctx, p, courseID)
	return quiz.CourseRef{ID: ref.ID, OwnerID: ref.OwnerID, Edit: ref.Edit}, err
}
