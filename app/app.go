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
	"github.com/prepoznaj/prepoznaj/database"
	"github.com/prepoznaj/prepoznaj/frontend"
	"github.com/prepoznaj/prepoznaj/httpapi"
)

// App is the assembled platform.
type App struct {
	DB       *database.DB
	Accounts *accounts.Service
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

	api := e.Group("/api/v1", acc.Authenticate)
	spec.Register(api)
	accounts.NewHandler(acc).Register(api)

	spa, err := httpapi.NewSPA(frontend.Dist())
	if err != nil {
		return nil, err
	}
	httpapi.UseSPA(e, spa)
	return &App{DB: db, Accounts: acc, Engine: e, Handler: e, Spec: spec}, nil
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
		spec, specErr = httpapi.BuildSpec(accounts.OpenAPI())
	})
	return spec, specErr
}
