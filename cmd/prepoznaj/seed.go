package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"

	"github.com/prepoznaj/prepoznaj/app"
	"github.com/prepoznaj/prepoznaj/content"
	"github.com/prepoznaj/prepoznaj/database"
	"github.com/prepoznaj/prepoznaj/migrations"
)

// seedCmd loads the default content (content/) into the database, or brings it up to date;
// running it again changes nothing.
func seedCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	var common commonFlags
	common.register(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	log := newLogger(common.logFormat, stderr)
	db, err := database.Open(ctx, common.db, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, log); err != nil {
		return err
	}
	// Seeding signs nothing, so the platform's signing key is not needed here.
	a, err := app.New(app.Config{Version: buildVersion()}, db, make([]byte, app.MinSecretLen), log)
	if err != nil {
		return err
	}
	rep, err := runSeed(ctx, a)
	if rep != nil {
		printSeedReport(stdout, rep)
	}
	if err != nil {
		return describe(err)
	}
	return nil
}

func runSeed(ctx context.Context, a *app.App) (*content.Report, error) {
	return content.Seed(ctx, content.Services{DB: a.DB.DB, Accounts: a.Accounts, Courses: a.Courses, Quiz: a.Quiz})
}

func printSeedReport(w io.Writer, rep *content.Report) {
	fmt.Fprintf(w, "catalogue version %d\n", rep.CatalogueVersion)
	if rep.OwnerCreated {
		fmt.Fprintf(w, "created the content owner %s (disabled)\n", content.OwnerEmail)
	}
	for _, it := range rep.Items {
		fmt.Fprintf(w, "%-9s %-6s %s (id %d)\n", it.Action, it.Kind, it.Key, it.ID)
	}
	fmt.Fprintf(w, "created %d, updated %d, unchanged %d\n", rep.Created, rep.Updated, rep.Unchanged)
}

// seedNewDatabase loads the default content on the first start of a new SQLite database.
func seedNewDatabase(ctx context.Context, a *app.App, log *slog.Logger) error {
	rep, err := runSeed(ctx, a)
	if err != nil {
		return fmt.Errorf("seed default content: %w", describe(err))
	}
	log.Info("default content seeded", slog.Int("created", rep.Created), slog.Int("updated", rep.Updated))
	return nil
}

// migrationCount is how many migrations the binary holds for dialect: a start that applies
// all of them found a database no earlier start had touched.
func migrationCount(dialect database.Dialect) int {
	fsys, err := migrations.For(string(dialect))
	if err != nil {
		return -1
	}
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return -1
	}
	return len(names)
}
