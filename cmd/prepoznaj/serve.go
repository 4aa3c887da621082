package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/prepoznaj/prepoznaj/app"
	"github.com/prepoznaj/prepoznaj/database"
	"github.com/prepoznaj/prepoznaj/httpapi"
)

type commonFlags struct {
	db        string
	logFormat string
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.db, "db", envOr("DATABASE_URL", "./data/prepoznaj.db"), "database: a postgres:// URL or a SQLite file path (env DATABASE_URL)")
	fs.StringVar(&c.logFormat, "log-format", envOr("PREPOZNAJ_LOG_FORMAT", ""), "log format: json or text (env PREPOZNAJ_LOG_FORMAT; default json, text on a terminal)")
}

func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	return nil
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var common commonFlags
	common.register(fs)
	var (
		cfg     app.Config
		proxies string
		drain   time.Duration
	)
	fs.StringVar(&cfg.Addr, "addr", envOr("PREPOZNAJ_ADDR", "localhost:8080"), "address to listen on (env PREPOZNAJ_ADDR)")
	fs.StringVar(&cfg.BaseURL, "base-url", envOr("PREPOZNAJ_BASE_URL", ""), "public URL of the platform, printed on certificates (env PREPOZNAJ_BASE_URL; default http://ADDR)")
	fs.StringVar(&cfg.SecretFile, "secret-file", envOr("PREPOZNAJ_SECRET_FILE", ""), "file holding the signing key, at least 32 bytes (env PREPOZNAJ_SECRET_FILE, or the key itself in PREPOZNAJ_SECRET)")
	fs.StringVar(&proxies, "trusted-proxies", envOr("PREPOZNAJ_TRUSTED_PROXIES", ""), "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is trusted (env PREPOZNAJ_TRUSTED_PROXIES; default none)")
	fs.DurationVar(&drain, "shutdown-timeout", 30*time.Second, "how long to let requests in flight finish on SIGTERM")
	demo := fs.Bool("demo", false, "create a demo institution and four demo users (admin, trainer, manager, learner @"+app.DemoDomain+")")
	demoPassword := fs.String("demo-password", envOr("PREPOZNAJ_DEMO_PASSWORD", ""), "password of the demo users (env PREPOZNAJ_DEMO_PASSWORD; default: random, printed once)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	cfg.DB = common.db
	cfg.Secret = envOr("PREPOZNAJ_SECRET", "")
	cfg.Version = buildVersion()
	for _, p := range strings.Split(proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			cfg.TrustedProxies = append(cfg.TrustedProxies, p)
		}
	}
	log := newLogger(common.logFormat, stderr)

	db, err := database.Open(ctx, cfg.DB, log)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx, log)
	if err != nil {
		return err
	}
	if applied > 0 {
		log.Info("migrations applied", slog.Int("count", applied))
	}
	fresh := applied > 0 && applied == migrationCount(db.Dialect) // no migration had been applied before
	secret, err := app.LoadSecret(cfg, db)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + displayAddr(ln.Addr())
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	a, err := app.New(cfg, db, secret, log)
	if err != nil {
		ln.Close()
		return err
	}
	// A new SQLite database (no migrations before this start) gets the default content; on
	// Postgres seeding is explicit (prepoznaj seed).
	if fresh && db.Dialect == database.SQLite {
		if err := seedNewDatabase(ctx, a, log); err != nil {
			ln.Close()
			return err
		}
	}
	if *demo {
		if err := startDemo(ctx, a, *demoPassword, stdout); err != nil {
			ln.Close()
			return err
		}
	}
	srv := httpapi.NewServer(cfg.Addr, a.Handler, log)
	log.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("version", cfg.Version), slog.String("database", string(db.Dialect)))
	fmt.Fprintf(stdout, "Prepoznaj is running: open %s/\n", cfg.BaseURL)
	bgCtx, stopBackground := context.WithCancel(ctx)
	background := make(chan struct{})
	go func() { defer close(background); a.RunBackground(bgCtx) }()
	err = httpapi.Serve(ctx, srv, ln, drain)
	stopBackground()
	<-background
	log.Info("stopped")
	return err
}

// displayAddr turns a listener address into one a browser can open:
// "[::]:8080" or "0.0.0.0:8080" become "localhost:8080".
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() || ip.IsLoopback() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
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
	n, err := db.Migrate(ctx, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrations applied: %d\n", n)
	return nil
}

func startDemo(ctx context.Context, a *app.App, password string, stdout io.Writer) error {
	generated := password == ""
	if generated {
		password = generatePassword()
	}
	res, err := a.EnsureDemo(ctx, password)
	if err != nil && res == nil {
		return describe(err)
	}
	if err != nil {
		// The demo accounts are there; an admin may have changed what the demo data needs.
		fmt.Fprintf(stdout, "Demo data incomplete: %v\n", describe(err))
	}
	if !res.Created {
		fmt.Fprintf(stdout, "Demo accounts already exist (%s); their password is unchanged.\n", strings.Join(res.Emails, ", "))
	} else {
		fmt.Fprintf(stdout, "Demo accounts: %s\n", strings.Join(res.Emails, ", "))
	}
	if st := res.State; st != nil && st.Changed() {
		fmt.Fprintf(stdout, "Demo data: %d more learners, %d completions, %d quiz attempts, %d live sessions.\n",
			st.PeopleCreated, len(st.Completed), st.AttemptsCreated, st.Sessions)
	}
	if generated && (res.Created || (res.State != nil && res.State.PeopleCreated > 0)) {
		fmt.Fprintf(stdout, "Demo password (shown only now): %s\n", password)
	}
	return nil
}
