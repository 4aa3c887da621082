package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/app"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/database"
)

// createAdmin makes the first administrator. There are no default
// credentials: the password is generated and printed once, or read from
// standard input with --password-stdin.
func createAdmin(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("create-admin", flag.ContinueOnError)
	var common commonFlags
	common.register(fs)
	email := fs.String("email", "", "the administrator's email (required)")
	name := fs.String("name", "Administrator", "the administrator's full name")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input instead of generating one")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *email == "" {
		fmt.Fprintln(stderr, "--email is required")
		return errUsage
	}
	password := generatePassword()
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		password = strings.TrimRight(line, "\r\n")
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
	acc := accounts.NewService(db.DB, make([]byte, app.MinSecretLen), nil)
	if _, err := acc.CreateUser(ctx, *email, *name, password, "other", accounts.RolesInput{Admin: true}); err != nil {
		return describe(err)
	}
	if *fromStdin {
		fmt.Fprintf(stdout, "administrator %s created\n", *email)
	} else {
		fmt.Fprintf(stdout, "administrator %s created; one-time password (shown only now, change it after signing in):\n%s\n", *email, password)
	}
	return nil
}

// describe turns a coded error into a message for the terminal.
func describe(err error) error {
	e, ok := apperr.As(err)
	if !ok {
		return err
	}
	msg := e.Message
	for _, f := range e.Fields {
		msg += fmt.Sprintf(" (%s %s)", f.Field, f.Message)
	}
	return errors.New(msg)
}

// generatePassword returns five random words' worth of entropy (about 100
// bits) in groups a person can type.
func generatePassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	b := make([]byte, 20)
	rand.Read(b)
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%5 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String()
}
