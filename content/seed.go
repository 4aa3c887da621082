package content

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"sort"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/courses"
	"github.com/prepoznaj/prepoznaj/quiz"
)

// OwnerEmail is the account that owns the default content: a trainer account created disabled
// (nobody signs in as it) the first time the content is seeded. Administrators can edit the
// courses it owns, and can add authors or hand a course over to a trainer.
const OwnerEmail = "content@prepoznaj.local"

// Services are the platform services Seed works through. (The app package imports content
// for the catalogue, so content takes the services rather than the *app.App.)
type Services struct {
	DB       *gorm.DB
	Accounts *accounts.Service
	Courses  *courses.Service
	Quiz     *quiz.Service
}

// Actions reported for each item.
const (
	Created   = "created"
	Updated   = "updated"
	Unchanged = "unchanged"
)

// ItemReport is what Seed did with one course or quiz.
type ItemReport struct {
	Kind   string `json:"kind"` // course, quiz
	Key    string `json:"key"`  // course slug, or slug/quiz key
	ID     int64  `json:"id"`
	Action string `json:"action"`
}

// Report is what one Seed run did.
type Report struct {
	CatalogueVersion int          `json:"catalogue_version"`
	OwnerID          int64        `json:"owner_id"`
	OwnerCreated     bool         `json:"owner_created"`
	Items            []ItemReport `json:"items"`
	Created          int          `json:"created"`
	Updated          int          `json:"updated"`
	Unchanged        int          `json:"unchanged"`
}

func (r *Report) add(it ItemReport) {
	r.Items = append(r.Items, it)
	switch it.Action {
	case Created:
		r.Created++
	case Updated:
		r.Updated++
	default:
		r.Unchanged++
	}
}

// Changed reports whether the run wrote anything.
func (r *Report) Changed() bool { return r.Created > 0 || r.Updated > 0 || r.OwnerCreated }

// Seed loads the default content, or brings it up to date, idempotently: the catalogue (only
// when the database has none), then every course through the course importer (updating in
// place by slug, so lesson ids and learners' progress stay), published; then its quizzes.
// Nothing is written for content that has not changed.
func Seed(ctx context.Context, s Services) (*Report, error) {
	return SeedFrom(ctx, s, Courses())
}

// SeedFrom is Seed with the courses tree read from fsys (laid out as Courses()): tests and
// installations with content of their own use it.
func SeedFrom(ctx context.Context, s Services, fsys fs.FS) (*Report, error) {
	rep := &Report{}
	v, err := s.Quiz.EnsureCatalogue(ctx, Catalogue())
	if err != nil {
		return rep, fmt.Errorf("catalogue: %w", err)
	}
	rep.CatalogueVersion = v
	owner, created, err := ensureOwner(ctx, s.Accounts)
	if err != nil {
		return rep, fmt.Errorf("content owner: %w", err)
	}
	rep.OwnerID, rep.OwnerCreated = owner, created
	p := &accounts.Principal{UserID: owner, Email: OwnerEmail, Trainer: true, Admin: true, Locale: "sr"}

	slugs, err := CourseSlugsIn(fsys)
	if err != nil {
		return rep, err
	}
	for _, slug := range slugs {
		it, err := seedCourse(ctx, s, p, fsys, slug)
		if err != nil {
			return rep, fmt.Errorf("course %s: %w", slug, err)
		}
		rep.add(it)
		qs, err := seedQuizzes(ctx, s, p, fsys, slug, it.ID)
		for _, q := range qs {
			rep.add(q)
		}
		if err != nil {
			return rep, fmt.Errorf("course %s quizzes: %w", slug, err)
		}
	}
	return rep, nil
}

// CourseSlugs lists the embedded courses' directories, sorted (foundation first).
func CourseSlugs() ([]string, error) { return CourseSlugsIn(Courses()) }

// CourseSlugsIn lists the course directories of fsys, sorted (foundation first).
func CourseSlugsIn(fsys fs.FS) ([]string, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var slugs []string
	for _, e := range entries {
		if e.IsDir() {
			slugs = append(slugs, e.Name())
		}
	}
	sort.SliceStable(slugs, func(i, j int) bool {
		if (slugs[i] == "foundation") != (slugs[j] == "foundation") {
			return slugs[i] == "foundation"
		}
		return slugs[i] < slugs[j]
	})
	return slugs, nil
}

// CourseFiles returns the file set of one embedded course, as the importer reads it.
func CourseFiles(slug string) (map[string][]byte, error) { return CourseFilesIn(Courses(), slug) }

// CourseFilesIn returns the file set of one course of fsys.
func CourseFilesIn(fsys fs.FS, slug string) (map[string][]byte, error) {
	sub, err := fs.Sub(fsys, slug)
	if err != nil {
		return nil, err
	}
	files, problems := courses.ReadFS(sub)
	if len(problems) > 0 {
		return nil, &courses.ImportError{Problems: problems}
	}
	return files, nil
}

func ensureOwner(ctx context.Context, acc *accounts.Service) (int64, bool, error) {
	id, err := acc.UserIDByEmail(ctx, OwnerEmail)
	if err == nil {
		return id, false, nil
	}
	if !apperr.IsKind(err, apperr.KindNotFound) {
		return 0, false, err
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return 0, false, err
	}
	id, err = acc.CreateUser(ctx, OwnerEmail, "Prepoznaj content", hex.EncodeToString(b), "other", accounts.RolesInput{Trainer: true})
	if err != nil {
		// another instance seeding at the same time may have won
		if id2, err2 := acc.UserIDByEmail(ctx, OwnerEmail); err2 == nil {
			return id2, false, nil
		}
		return 0, false, err
	}
	if _, err := acc.SetDisabled(ctx, &accounts.Principal{Admin: true}, id, true); err != nil {
		return 0, false, err
	}
	return id, true, nil
}

// courseBySlug finds a course's id and status; 0 when there is none.
func courseBySlug(ctx context.Context, db *gorm.DB, slug string) (int64, string, error) {
	var row struct {
		ID     int64
		Status string
	}
	err := db.WithContext(ctx).Table("courses").Select("id, status").Where("slug = ?", slug).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, "", nil
	}
	return row.ID, row.Status, err
}

func seedCourse(ctx context.Context, s Services, p *accounts.Principal, fsys fs.FS, slug string) (ItemReport, error) {
	it := ItemReport{Kind: "course", Key: slug}
	files, err := CourseFilesIn(fsys, slug)
	if err != nil {
		return it, err
	}
	want, problems := courses.ParseCourse(files)
	if len(problems) > 0 {
		return it, &courses.ImportError{Problems: problems}
	}
	id, status, err := courseBySlug(ctx, s.DB, slug)
	if err != nil {
		return it, err
	}
	if id != 0 {
		it.ID = id
		same, err := draftMatches(ctx, s.Courses, p, id, want)
		if err != nil {
			return it, err
		}
		if same && status == courses.StatusPublished {
			it.Action = Unchanged
			return it, nil
		}
	}
	d, created, err := s.Courses.ImportCourse(ctx, p, files, true)
	if err != nil {
		return it, err
	}
	it.ID = d.ID
	if _, err := s.Courses.Publish(ctx, p, d.ID); err != nil {
		return it, fmt.Errorf("publish: %w", err)
	}
	it.Action = Updated
	if created {
		it.Action = Created
	}
	return it, nil
}

// draftMatches reports whether the course's draft already says what want says: the draft is
// exported in the course file format and parsed back, so both sides are compared as the
// importer understands them. Quiz requirements are not part of the format and are ignored.
func draftMatches(ctx context.Context, crs *courses.Service, p *accounts.Principal, id int64, want *courses.CourseFile) (bool, error) {
	var buf bytes.Buffer
	if _, err := crs.ExportCourse(ctx, p, id, &buf); err != nil {
		return false, err
	}
	files, problems := courses.ReadZip(buf.Bytes())
	if len(problems) > 0 {
		return false, nil
	}
	have, problems := courses.ParseCourse(files)
	if len(problems) > 0 {
		return false, nil
	}
	a, b := have.Fields, want.Fields
	a.Rule.Quizzes, b.Rule.Quizzes = nil, nil
	return reflect.DeepEqual(a, b) && reflect.DeepEqual(have.Modules, want.Modules), nil
}

// describe adds an error's field problems to its message.
func describe(err error) error {
	e, ok := apperr.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	msg := e.Message
	for _, f := range e.Fields {
		msg += fmt.Sprintf(" (%s: %s)", f.Field, f.Message)
	}
	return fmt.Errorf("%w: %s", err, msg)
}
