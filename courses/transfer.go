package courses

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
)

// The course file format is described in FORMAT.md.
const (
	FormatName       = "prepoznaj-course/1"
	courseFile       = "course.yaml"
	lessonsDir       = "lessons/"
	reservedQuizDir  = "quiz/"
	MaxImportFiles   = 1200
	MaxImportFile    = 512 << 10
	MaxImportTotal   = 32 << 20
	MaxImportZipSize = 16 << 20
)

// ImportProblem is one thing wrong with a course file set, with where it is.
type ImportProblem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// ImportError carries every problem found; nothing was imported.
type ImportError struct{ Problems []ImportProblem }

func (e *ImportError) Error() string {
	if len(e.Problems) == 0 {
		return "import failed"
	}
	p := e.Problems[0]
	return fmt.Sprintf("%s:%d: %s (and %d more)", p.File, p.Line, p.Message, len(e.Problems)-1)
}

// CourseFile is a parsed, validated course file set.
type CourseFile struct {
	Fields  CourseFields
	Modules []ModuleFile
	// Quizzes are the completion rule's required quizzes, named by place
	// (nil: the file does not say, and an update keeps the course's own).
	// ImportCourse resolves them to the course's quiz ids into Fields.Rule.
	Quizzes []QuizRef
}

// QuizRef names a quiz of a course as the file format does: the Quiz-th
// quiz (1-based, in the order they were created) of the Module-th module
// (1-based, in course.yaml's order).
type QuizRef struct {
	Module   int
	Quiz     int
	MinScore float64
	Line     int // in course.yaml
}

// CourseQuiz is one quiz of a course: its id and the module it belongs to.
type CourseQuiz struct {
	ID, ModuleID int64
	// Title is the published title (the draft's before the first
	// publication), for reports.
	Title LocalText
}

// QuizDirectory lists a course's quizzes, which the quiz package owns, so
// the file format can name them without ids (app wires it).
type QuizDirectory interface {
	// CourseQuizzes lists every quiz of a course, drafts included, by
	// module and then in the order they were created.
	CourseQuizzes(ctx context.Context, courseID int64) ([]CourseQuiz, error)
}

// SetQuizDirectory installs d (app wires it).
func (s *Service) SetQuizDirectory(d QuizDirectory) {
	s.mu.Lock()
	s.quizzes = d
	s.mu.Unlock()
}

func (s *Service) quizDirectory() QuizDirectory {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.quizzes
}

// ModuleFile is one module of a course file set.
type ModuleFile struct {
	Title   LocalText
	Lessons []LessonFields // Key always set
}

type textYAML struct {
	Sr string `yaml:"sr"`
	En string `yaml:"en,omitempty"`
}

type courseYAML struct {
	Format         string         `yaml:"format"`
	Slug           string         `yaml:"slug"`
	Title          textYAML       `yaml:"title"`
	Summary        textYAML       `yaml:"summary,omitempty"`
	Professions    []string       `yaml:"professions"`
	Level          string         `yaml:"level"`
	Hours          float64        `yaml:"hours"`
	ValidityMonths int            `yaml:"validity_months,omitempty"`
	ContentWarning bool           `yaml:"content_warning,omitempty"`
	SelfEnrol      *bool          `yaml:"self_enrol,omitempty"`
	Completion     completionYAML `yaml:"completion,omitempty"`
	Modules        []moduleYAML   `yaml:"modules"`
}

type completionYAML struct {
	MinAttendedHours float64         `yaml:"min_attended_hours,omitempty"`
	Quizzes          *[]quizRuleYAML `yaml:"quizzes,omitempty"`
}

type quizRuleYAML struct {
	Module   int     `yaml:"module"`
	Quiz     int     `yaml:"quiz"`
	MinScore float64 `yaml:"min_score,omitempty"`
}

type moduleYAML struct {
	Title   textYAML `yaml:"title"`
	Lessons []string `yaml:"lessons"`
}

type lessonMetaYAML struct {
	Title          string `yaml:"title"`
	ReadingMinutes int    `yaml:"reading_minutes,omitempty"`
	ContentWarning bool   `yaml:"content_warning,omitempty"`
	Required       *bool  `yaml:"required,omitempty"`
}

type lessonTranslationYAML struct {
	Title string `yaml:"title"`
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlProblems turns a yaml.v3 error into problems with lines; offset is
// added to each line (front matter starts on the file's second line).
func yamlProblems(file string, err error, offset int) []ImportProblem {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	out := make([]ImportProblem, 0, len(msgs))
	for _, m := range msgs {
		line := 1
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			line, _ = strconv.Atoi(sm[1])
		}
		m = strings.TrimPrefix(m, "yaml: ")
		m = yamlLine.ReplaceAllString(m, "")
		m = strings.TrimLeft(m, ": ")
		out = append(out, ImportProblem{File: file, Line: line + offset, Message: m})
	}
	return out
}

// decodeStrict decodes src into v refusing unknown keys, and returns the
// document's node tree for locating fields.
func decodeStrict(src []byte, v any) (*yaml.Node, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && err != io.EOF {
		return &root, err
	}
	return &root, nil
}

// lineOf finds the line of a dotted path ("modules.2.title.sr") in a YAML
// tree, falling back to the nearest ancestor that exists.
func lineOf(root *yaml.Node, dotted string) int {
	if root == nil {
		return 1
	}
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, part := range strings.Split(dotted, ".") {
		switch n.Kind {
		case yaml.MappingNode:
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == part {
					line = n.Content[i].Line
					n = n.Content[i+1]
					found = true
					break
				}
			}
			if !found {
				return line
			}
		case yaml.SequenceNode:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(n.Content) {
				return line
			}
			n = n.Content[i]
			line = n.Line
		default:
			return line
		}
	}
	return line
}

// splitFrontMatter separates "---\n<yaml>\n---\n<markdown>". bodyLine is the
// file line the Markdown starts on.
func splitFrontMatter(src string) (meta, body string, bodyLine int, ok bool) {
	src = strings.TrimPrefix(src, "\uFEFF")
	src = strings.ReplaceAll(src, "\r\n", "\n")
	if !strings.HasPrefix(src, "---\n") {
		return "", "", 0, false
	}
	rest := src[4:]
	end := -1
	if strings.HasPrefix(rest, "---\n") || rest == "---" {
		end = 0
	} else if i := strings.Index(rest, "\n---\n"); i >= 0 {
		end = i + 1
	} else if strings.HasSuffix(rest, "\n---") {
		end = len(rest) - 3
	}
	if end < 0 {
		return "", "", 0, false
	}
	meta = rest[:end]
	body = strings.TrimPrefix(rest[end:], "---")
	body = strings.TrimPrefix(body, "\n")
	bodyLine = 2 + strings.Count(meta, "\n") + 1
	return meta, body, bodyLine, true
}

var markupLine = regexp.MustCompile(`line (\d+)`)

// ReadZip returns the files of a course zip. A zip holding one top-level
// folder with course.yaml in it is read from that folder.
func ReadZip(data []byte) (map[string][]byte, []ImportProblem) {
	if len(data) > MaxImportZipSize {
		return nil, []ImportProblem{{File: "(zip)", Line: 0, Message: fmt.Sprintf("the zip is larger than %d bytes", MaxImportZipSize)}}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, []ImportProblem{{File: "(zip)", Line: 0, Message: "not a zip file"}}
	}
	if len(zr.File) > MaxImportFiles {
		return nil, []ImportProblem{{File: "(zip)", Line: 0, Message: fmt.Sprintf("more than %d files", MaxImportFiles)}}
	}
	files := map[string][]byte{}
	var problems []ImportProblem
	total := 0
	for _, f := range zr.File {
		name := f.Name
		if strings.HasSuffix(name, "/") {
			continue
		}
		if strings.Contains(name, `\`) || strings.HasPrefix(name, "/") || path.Clean(name) != name || strings.HasPrefix(name, "../") || name == ".." {
			problems = append(problems, ImportProblem{File: name, Message: "unsafe path in zip"})
			continue
		}
		if !f.Mode().IsRegular() {
			problems = append(problems, ImportProblem{File: name, Message: "not a regular file"})
			continue
		}
		rc, err := f.Open()
		if err != nil {
			problems = append(problems, ImportProblem{File: name, Message: "cannot be read: " + err.Error()})
			continue
		}
		b, err := io.ReadAll(io.LimitReader(rc, MaxImportFile+1))
		rc.Close()
		if err != nil {
			problems = append(problems, ImportProblem{File: name, Message: "cannot be read: " + err.Error()})
			continue
		}
		if len(b) > MaxImportFile {
			problems = append(problems, ImportProblem{File: name, Message: fmt.Sprintf("larger than %d bytes", MaxImportFile)})
			continue
		}
		total += len(b)
		if total > MaxImportTotal {
			return nil, append(problems, ImportProblem{File: "(zip)", Message: fmt.Sprintf("more than %d bytes in all", MaxImportTotal)})
		}
		files[name] = b
	}
	return stripTopFolder(files), problems
}

// ReadFS returns the files of a course directory (the platform's own content
// is embedded this way).
func ReadFS(fsys fs.FS) (map[string][]byte, []ImportProblem) {
	files := map[string][]byte{}
	var problems []ImportProblem
	total := 0
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if len(files) >= MaxImportFiles {
			return fmt.Errorf("more than %d files", MaxImportFiles)
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		if len(b) > MaxImportFile {
			problems = append(problems, ImportProblem{File: p, Message: fmt.Sprintf("larger than %d bytes", MaxImportFile)})
			return nil
		}
		total += len(b)
		if total > MaxImportTotal {
			return fmt.Errorf("more than %d bytes in all", MaxImportTotal)
		}
		files[p] = b
		return nil
	})
	if err != nil {
		problems = append(problems, ImportProblem{File: ".", Message: err.Error()})
	}
	return files, problems
}

func stripTopFolder(files map[string][]byte) map[string][]byte {
	if _, ok := files[courseFile]; ok {
		return files
	}
	prefix := ""
	for name := range files {
		if strings.HasSuffix(name, "/"+courseFile) && strings.Count(name, "/") == 1 {
			if prefix != "" {
				return files
			}
			prefix = strings.TrimSuffix(name, courseFile)
		}
	}
	if prefix == "" {
		return files
	}
	out := map[string][]byte{}
	for name, b := range files {
		if !strings.HasPrefix(name, prefix) {
			return files
		}
		out[strings.TrimPrefix(name, prefix)] = b
	}
	return out
}

// ParseCourse validates a course file set completely and reports every
// problem it finds, each with its file and line.
func ParseCourse(files map[string][]byte) (*CourseFile, []ImportProblem) {
	var problems []ImportProblem
	src, ok := files[courseFile]
	if !ok {
		return nil, []ImportProblem{{File: courseFile, Line: 0, Message: "missing: a course needs a course.yaml at the top"}}
	}
	var cy courseYAML
	root, err := decodeStrict(src, &cy)
	if err != nil {
		problems = append(problems, yamlProblems(courseFile, err, 0)...)
		if root == nil {
			return nil, problems
		}
	}
	if cy.Format != FormatName {
		problems = append(problems, ImportProblem{File: courseFile, Line: lineOf(root, "format"), Message: "format must be " + FormatName})
	}
	cf := &CourseFile{Fields: CourseFields{
		Slug: cy.Slug, Title: LocalText{cy.Title.Sr, cy.Title.En}, Summary: LocalText{cy.Summary.Sr, cy.Summary.En},
		Professions: cy.Professions, Level: cy.Level, Hours: cy.Hours, ValidityMonths: cy.ValidityMonths,
		ContentWarning: cy.ContentWarning, SelfEnrol: cy.SelfEnrol == nil || *cy.SelfEnrol,
		Rule: RuleInput{MinAttendedHours: cy.Completion.MinAttendedHours},
	}}
	cf.Fields.normalise()
	for _, fe := range cf.Fields.validate() {
		problems = append(problems, ImportProblem{File: courseFile, Line: lineOf(root, fe.Field), Message: fe.Field + " " + fe.Message})
	}
	if cy.Completion.Quizzes != nil {
		refs, qps := parseQuizRefs(root, *cy.Completion.Quizzes, len(cy.Modules))
		cf.Quizzes = refs
		problems = append(problems, qps...)
	}
	if len(cy.Modules) == 0 {
		problems = append(problems, ImportProblem{File: courseFile, Line: lineOf(root, "modules"), Message: "modules: a course needs at least one module"})
	}
	if len(cy.Modules) > MaxModules {
		problems = append(problems, ImportProblem{File: courseFile, Line: lineOf(root, "modules"), Message: "modules: at most 50"})
	}
	used := map[string]bool{}
	count := 0
	for i, my := range cy.Modules {
		mp := "modules." + strconv.Itoa(i)
		title := LocalText{my.Title.Sr, my.Title.En}.trimmed()
		for _, fe := range checkModuleTitle(title) {
			problems = append(problems, ImportProblem{File: courseFile, Line: lineOf(root, mp+"."+fe.Field), Message: mp + "." + fe.Field + " " + fe.Message})
		}
		mf := ModuleFile{Title: title}
		for j, key := range my.Lessons {
			lp := mp + ".lessons." + strconv.Itoa(j)
			line := lineOf(root, lp)
			switch {
			case !validKey(key):
				problems = append(problems, ImportProblem{File: courseFile, Line: line, Message: fmt.Sprintf("lesson %q: a key is lower-case letters, digits and single hyphens", key)})
				continue
			case used[key]:
				problems = append(problems, ImportProblem{File: courseFile, Line: line, Message: fmt.Sprintf("lesson %q is listed twice", key)})
				continue
			}
			used[key] = true
			count++
			lf, lps := parseLesson(files, key)
			problems = append(problems, lps...)
			if lf != nil {
				mf.Lessons = append(mf.Lessons, *lf)
			}
		}
		cf.Modules = append(cf.Modules, mf)
	}
	if count > MaxLessonsPerCourse {
		problems = append(problems, ImportProblem{File: courseFile, Line: lineOf(root, "modules"), Message: "at most 500 lessons"})
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		switch {
		case name == courseFile, strings.HasPrefix(name, reservedQuizDir):
		case strings.HasPrefix(name, lessonsDir) && (strings.HasSuffix(name, ".sr.md") || strings.HasSuffix(name, ".en.md")):
			key := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(name, lessonsDir), ".sr.md"), ".en.md")
			if !used[key] {
				problems = append(problems, ImportProblem{File: name, Line: 1, Message: "this lesson is not listed in any module of course.yaml"})
			}
		default:
			problems = append(problems, ImportProblem{File: name, Line: 1, Message: "unexpected file: a course holds course.yaml and lessons/<key>.sr.md, lessons/<key>.en.md"})
		}
	}
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool {
			if problems[i].File != problems[j].File {
				return problems[i].File < problems[j].File
			}
			return problems[i].Line < problems[j].Line
		})
		return nil, problems
	}
	return cf, nil
}

// parseQuizRefs checks completion.quizzes: each names a module of the file
// and a quiz by its place in it, once, with a minimum from 0 to 1.
func parseQuizRefs(root *yaml.Node, items []quizRuleYAML, modules int) ([]QuizRef, []ImportProblem) {
	refs := make([]QuizRef, 0, len(items))
	var problems []ImportProblem
	if len(items) > MaxRuleQuizzes {
		problems = append(problems, ImportProblem{File: courseFile, Line: lineOf(root, "completion.quizzes"),
			Message: fmt.Sprintf("completion.quizzes: at most %d", MaxRuleQuizzes)})
	}
	seen := map[[2]int]bool{}
	for i, q := range items {
		p := "completion.quizzes." + strconv.Itoa(i)
		bad := func(field, msg string) {
			problems = append(problems, ImportProblem{File: courseFile, Line: lineOf(root, p+"."+field), Message: p + "." + field + " " + msg})
		}
		ok := true
		if q.Module < 1 || q.Module > modules {
			bad("module", fmt.Sprintf("must name a module of this file, from 1 to %d", modules))
			ok = false
		}
		if q.Quiz < 1 {
			bad("quiz", "must be the quiz's place in its module, from 1")
			ok = false
		}
		if math.IsNaN(q.MinScore) || q.MinScore < 0 || q.MinScore > 1 {
			bad("min_score", "must be a fraction from 0 to 1")
			ok = false
		}
		if ok && seen[[2]int{q.Module, q.Quiz}] {
			bad("quiz", "names a quiz already required")
			ok = false
		}
		seen[[2]int{q.Module, q.Quiz}] = true
		if ok {
			refs = append(refs, QuizRef{Module: q.Module, Quiz: q.Quiz, MinScore: q.MinScore, Line: lineOf(root, p)})
		}
	}
	return refs, problems
}

// quizzesByModule groups a course's quizzes by module id, in order.
func (s *Service) quizzesByModule(ctx context.Context, courseID int64) (map[int64][]int64, error) {
	d := s.quizDirectory()
	if d == nil {
		return map[int64][]int64{}, nil
	}
	list, err := d.CourseQuizzes(ctx, courseID)
	if err != nil {
		return nil, err
	}
	out := map[int64][]int64{}
	for _, q := range list {
		out[q.ModuleID] = append(out[q.ModuleID], q.ID)
	}
	return out, nil
}

// resolveQuizRefs turns the file's quiz places into the course's quiz ids:
// module positions are those the import gives the course's live modules
// (the i-th module of the file updates the i-th module of the course).
func resolveQuizRefs(refs []QuizRef, moduleIDs []int64, byModule map[int64][]int64) ([]QuizRequirement, []ImportProblem) {
	out := make([]QuizRequirement, 0, len(refs))
	var problems []ImportProblem
	for _, r := range refs {
		var ids []int64
		if r.Module <= len(moduleIDs) {
			ids = byModule[moduleIDs[r.Module-1]]
		}
		if r.Quiz > len(ids) {
			problems = append(problems, ImportProblem{File: courseFile, Line: r.Line, Message: fmt.Sprintf(
				"completion.quizzes: module %d of this course has %d quizzes, so it has no quiz %d (a new course gets its quizzes after the import; require them then, or import again)",
				r.Module, len(ids), r.Quiz)})
			continue
		}
		out = append(out, QuizRequirement{QuizID: ids[r.Quiz-1], MinScore: r.MinScore})
	}
	return out, problems
}

// parseLesson reads lessons/<key>.sr.md (required: front matter with the
// lesson's attributes) and lessons/<key>.en.md (optional: the English title
// and text).
func parseLesson(files map[string][]byte, key string) (*LessonFields, []ImportProblem) {
	var problems []ImportProblem
	srName, enName := lessonsDir+key+".sr.md", lessonsDir+key+".en.md"
	src, ok := files[srName]
	if !ok {
		return nil, []ImportProblem{{File: srName, Line: 0, Message: "missing: every listed lesson needs its Serbian file"}}
	}
	lf := &LessonFields{Key: key, Required: true}
	srMetaRoot, srBodyLine := (*yaml.Node)(nil), 0
	if meta, body, bodyLine, ok := splitFrontMatter(string(src)); !ok {
		problems = append(problems, ImportProblem{File: srName, Line: 1, Message: "must start with front matter between two --- lines"})
	} else {
		var m lessonMetaYAML
		root, err := decodeStrict([]byte(meta), &m)
		if err != nil {
			problems = append(problems, yamlProblems(srName, err, 1)...)
		}
		srMetaRoot, srBodyLine = root, bodyLine
		lf.Title.Sr, lf.Body.Sr = m.Title, body
		lf.ReadingMinutes, lf.ContentWarning = m.ReadingMinutes, m.ContentWarning
		if m.Required != nil {
			lf.Required = *m.Required
		}
	}
	enMetaRoot, enBodyLine := (*yaml.Node)(nil), 0
	if en, ok := files[enName]; ok {
		if meta, body, bodyLine, ok := splitFrontMatter(string(en)); !ok {
			problems = append(problems, ImportProblem{File: enName, Line: 1, Message: "must start with front matter between two --- lines"})
		} else {
			var m lessonTranslationYAML
			root, err := decodeStrict([]byte(meta), &m)
			if err != nil {
				problems = append(problems, yamlProblems(enName, err, 1)...)
			}
			enMetaRoot, enBodyLine = root, bodyLine
			lf.Title.En, lf.Body.En = m.Title, body
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	_, fields := lf.validate()
	for _, fe := range fields {
		file, root, bodyLine, key := srName, srMetaRoot, srBodyLine, fe.Field
		if strings.HasSuffix(fe.Field, ".en") {
			file, root, bodyLine = enName, enMetaRoot, enBodyLine
		}
		key = strings.TrimSuffix(strings.TrimSuffix(key, ".sr"), ".en")
		line := lineOf(root, key) + 1
		if key == "body" {
			line = bodyLine
			if sm := markupLine.FindStringSubmatch(fe.Message); sm != nil {
				n, _ := strconv.Atoi(sm[1])
				line = bodyLine + n - 1
			}
		}
		problems = append(problems, ImportProblem{File: file, Line: line, Message: fe.Field + " " + fe.Message})
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return lf, nil
}

// ImportCourse creates a draft course owned by p from a file set, or, with
// update set and a course of that slug p may edit, updates that draft in
// place: lessons are matched by key, so their ids and learners' progress
// stay. Every problem is reported, with file and line, and then nothing is
// written.
func (s *Service) ImportCourse(ctx context.Context, p *accounts.Principal, files map[string][]byte, update bool) (*CourseDraft, bool, error) {
	cf, problems := ParseCourse(files)
	if len(problems) > 0 {
		return nil, false, &ImportError{Problems: problems}
	}
	// Quizzes belong to the quiz package: their places are read before the
	// transaction, and checked again inside it against the course's modules.
	var byModule map[int64][]int64
	if cf.Quizzes != nil {
		var existingID int64
		if err := s.db.WithContext(ctx).Model(&course{}).Where("slug = ?", cf.Fields.Slug).Limit(1).Pluck("id", &existingID).Error; err != nil {
			return nil, false, apperr.Internal(err)
		}
		byModule = map[int64][]int64{}
		if existingID != 0 && update {
			var err error
			if byModule, err = s.quizzesByModule(ctx, existingID); err != nil {
				return nil, false, err
			}
		}
	}
	var id int64
	created := false
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var existing course
		err := tx.Where("slug = ?", cf.Fields.Slug).Take(&existing).Error
		switch {
		case err == nil && update:
			if _, err := s.editableCourse(tx, p, existing.ID); err != nil {
				return &ImportError{Problems: []ImportProblem{{File: courseFile, Line: 1, Message: "slug: a course with this slug exists and you may not edit it"}}}
			}
			id = existing.ID
			if err := s.resolveRule(tx, &existing, cf, byModule); err != nil {
				return err
			}
			return s.applyCourseFile(tx, &existing, cf)
		case err == nil:
			return &ImportError{Problems: []ImportProblem{{File: courseFile, Line: 1, Message: "slug: another course already uses " + cf.Fields.Slug}}}
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return err
		}
		now := s.now()
		c := course{Status: StatusDraft, OwnerID: p.UserID, Version: 1, CreatedAt: now, UpdatedAt: now}
		cf.Fields.apply(&c)
		if err := tx.Create(&c).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return slugTaken()
			}
			return err
		}
		id, created = c.ID, true
		if err := s.resolveRule(tx, &c, cf, byModule); err != nil {
			return err
		}
		return s.applyCourseFile(tx, &c, cf)
	})
	if err != nil {
		var ie *ImportError
		if errors.As(err, &ie) {
			return nil, false, ie
		}
		return nil, false, err
	}
	d, err := s.GetDraft(ctx, p, id)
	return d, created, err
}

// resolveRule sets cf's required quizzes from the places the file names
// (when it names any): the i-th module of the file is the course's i-th
// live module, whose quizzes are byModule's. A file that names none keeps
// the course's own requirements.
func (s *Service) resolveRule(tx *gorm.DB, c *course, cf *CourseFile, byModule map[int64][]int64) error {
	if cf.Quizzes == nil {
		cf.Fields.Rule.Quizzes = fieldsOf(c).Rule.Quizzes
		return nil
	}
	var moduleIDs []int64
	if c.ID != 0 {
		if err := tx.Model(&module{}).Where("course_id = ? AND archived_at IS NULL", c.ID).Order("position, id").Pluck("id", &moduleIDs).Error; err != nil {
			return err
		}
	}
	reqs, problems := resolveQuizRefs(cf.Quizzes, moduleIDs, byModule)
	if len(problems) > 0 {
		return &ImportError{Problems: problems}
	}
	cf.Fields.Rule.Quizzes = reqs
	return nil
}

// applyCourseFile makes c's draft what cf says (its quiz requirements
// resolved by resolveRule).
func (s *Service) applyCourseFile(tx *gorm.DB, c *course, cf *CourseFile) error {
	now := s.now()
	f := cf.Fields
	f.apply(c)
	if err := bumpCourse(tx, c, now, map[string]any{
		"title_sr": c.TitleSr, "title_en": c.TitleEn, "summary_sr": c.SummarySr, "summary_en": c.SummaryEn,
		"professions": c.Professions, "level": c.Level, "hours": c.Hours, "validity_months": c.ValidityMonths,
		"content_warning": c.ContentWarning, "self_enrol": c.SelfEnrol, "min_attended_hours": c.MinAttendedHours,
		"rule_quizzes": c.RuleQuizzes, "search_text": c.SearchText, "sort_title": c.SortTitle,
	}); err != nil {
		return err
	}
	var mods []module
	if err := tx.Where("course_id = ? AND archived_at IS NULL", c.ID).Order("position, id").Find(&mods).Error; err != nil {
		return err
	}
	var lessons []lesson
	if err := tx.Where("course_id = ?", c.ID).Find(&lessons).Error; err != nil {
		return err
	}
	byKey := map[string]*lesson{}
	for i := range lessons {
		byKey[lessons[i].LessonKey] = &lessons[i]
	}
	keep := map[string]bool{}
	for i, mf := range cf.Modules {
		var m module
		if i < len(mods) {
			m = mods[i]
			if err := tx.Model(&module{}).Where("id = ?", m.ID).Updates(map[string]any{"title_sr": mf.Title.Sr, "title_en": mf.Title.En,
				"position": i + 1, "version": gorm.Expr("version + 1"), "updated_at": now}).Error; err != nil {
				return err
			}
		} else {
			m = module{CourseID: c.ID, Position: i + 1, TitleSr: mf.Title.Sr, TitleEn: mf.Title.En, Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&m).Error; err != nil {
				return err
			}
		}
		for j, lf := range mf.Lessons {
			html, _ := lf.validate()
			keep[lf.Key] = true
			values := map[string]any{"module_id": m.ID, "position": j + 1, "title_sr": lf.Title.Sr, "title_en": lf.Title.En,
				"body_sr": lf.Body.Sr, "body_en": lf.Body.En, "html_sr": html.sr, "html_en": html.en, "reading_minutes": lf.ReadingMinutes,
				"content_warning": lf.ContentWarning, "required": lf.Required, "archived_at": nil}
			if old := byKey[lf.Key]; old != nil {
				if unchanged(old, m.ID, j+1, lf, html) {
					continue
				}
				values["version"] = gorm.Expr("version + 1")
				values["updated_at"] = now
				if err := tx.Model(&lesson{}).Where("id = ?", old.ID).Updates(values).Error; err != nil {
					return err
				}
				continue
			}
			l := lesson{CourseID: c.ID, ModuleID: m.ID, LessonKey: lf.Key, Position: j + 1, TitleSr: lf.Title.Sr, TitleEn: lf.Title.En,
				BodySr: lf.Body.Sr, BodyEn: lf.Body.En, HTMLSr: html.sr, HTMLEn: html.en, ReadingMinutes: lf.ReadingMinutes,
				ContentWarning: lf.ContentWarning, Required: lf.Required, Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&l).Error; err != nil {
				return err
			}
		}
	}
	for i := len(cf.Modules); i < len(mods); i++ {
		if err := tx.Model(&module{}).Where("id = ?", mods[i].ID).Updates(map[string]any{"archived_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
	}
	for _, l := range lessons {
		if !keep[l.LessonKey] && l.ArchivedAt == nil {
			if err := tx.Model(&lesson{}).Where("id = ?", l.ID).Updates(map[string]any{"archived_at": now, "updated_at": now}).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

func unchanged(l *lesson, moduleID int64, pos int, f LessonFields, html rendered) bool {
	return l.ArchivedAt == nil && l.ModuleID == moduleID && l.Position == pos && l.TitleSr == f.Title.Sr && l.TitleEn == f.Title.En &&
		l.BodySr == f.Body.Sr && l.BodyEn == f.Body.En && l.HTMLSr == html.sr && l.HTMLEn == html.en &&
		l.ReadingMinutes == f.ReadingMinutes && l.ContentWarning == f.ContentWarning && l.Required == f.Required
}

// ExportCourse writes the draft of a course p edits as a zip in the course
// file format. The same draft gives the same bytes.
func (s *Service) ExportCourse(ctx context.Context, p *accounts.Principal, id int64, w io.Writer) (string, error) {
	var c *course
	var mods []module
	var lessons map[int64][]lesson
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		if c, err = s.editableCourse(tx, p, id); err != nil {
			return err
		}
		mods, lessons, err = liveStructure(tx, c.ID)
		return err
	})
	if err != nil {
		return "", err
	}
	var byModule map[int64][]int64
	if len(fieldsOf(c).Rule.Quizzes) > 0 {
		if byModule, err = s.quizzesByModule(ctx, c.ID); err != nil {
			return "", err
		}
	}
	files, err := CourseFiles(c, mods, lessons, byModule)
	if err != nil {
		return "", apperr.Internal(err)
	}
	return c.Slug + ".zip", writeZip(w, files, c.UpdatedAt)
}

// CourseFiles lays a draft out as the file format; byModule (the course's
// quizzes by module) names the required quizzes by place. A requirement
// whose quiz is in no live module of the draft cannot be named and is left
// out.
func CourseFiles(c *course, mods []module, lessons map[int64][]lesson, byModule map[int64][]int64) (map[string][]byte, error) {
	f := fieldsOf(c)
	cy := courseYAML{Format: FormatName, Slug: c.Slug, Title: textYAML{f.Title.Sr, f.Title.En}, Summary: textYAML{f.Summary.Sr, f.Summary.En},
		Professions: f.Professions, Level: c.Level, Hours: c.Hours, ValidityMonths: c.ValidityMonths, ContentWarning: c.ContentWarning,
		Completion: completionYAML{MinAttendedHours: c.MinAttendedHours}}
	if !c.SelfEnrol {
		cy.SelfEnrol = ptr(false)
	}
	var reqs []quizRuleYAML
	for _, q := range f.Rule.Quizzes {
		for mi, m := range mods {
			if qi := slices.Index(byModule[m.ID], q.QuizID); qi >= 0 {
				reqs = append(reqs, quizRuleYAML{Module: mi + 1, Quiz: qi + 1, MinScore: q.MinScore})
			}
		}
	}
	if len(reqs) > 0 {
		cy.Completion.Quizzes = &reqs
	}
	files := map[string][]byte{}
	for _, m := range mods {
		my := moduleYAML{Title: textYAML{m.TitleSr, m.TitleEn}, Lessons: []string{}}
		for _, l := range lessons[m.ID] {
			my.Lessons = append(my.Lessons, l.LessonKey)
			meta := lessonMetaYAML{Title: l.TitleSr, ReadingMinutes: l.ReadingMinutes, ContentWarning: l.ContentWarning}
			if !l.Required {
				meta.Required = ptr(false)
			}
			sr, err := frontMatter(meta, l.BodySr)
			if err != nil {
				return nil, err
			}
			files[lessonsDir+l.LessonKey+".sr.md"] = sr
			if l.TitleEn != "" || l.BodyEn != "" {
				en, err := frontMatter(lessonTranslationYAML{Title: l.TitleEn}, l.BodyEn)
				if err != nil {
					return nil, err
				}
				files[lessonsDir+l.LessonKey+".en.md"] = en
			}
		}
		cy.Modules = append(cy.Modules, my)
	}
	b, err := yaml.Marshal(cy)
	if err != nil {
		return nil, err
	}
	files[courseFile] = b
	return files, nil
}

func frontMatter(meta any, body string) ([]byte, error) {
	b, err := yaml.Marshal(meta)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString("---\n")
	buf.Write(b)
	buf.WriteString("---\n")
	buf.WriteString(body)
	if body != "" && !strings.HasSuffix(body, "\n") {
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

func writeZip(w io.Writer, files map[string][]byte, modified time.Time) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	zw := zip.NewWriter(w)
	for _, n := range names {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: modified.UTC().Truncate(time.Second)})
		if err != nil {
			return err
		}
		if _, err := fw.Write(files[n]); err != nil {
			return err
		}
	}
	return zw.Close()
}
