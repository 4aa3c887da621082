package courses

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/markup"
)

// CourseDraft is a course as its editors see it: the draft, with the
// versions each edit must name.
type CourseDraft struct {
	ID      int64   `json:"id"`
	Slug    string  `json:"slug"`
	Status  string  `json:"status"`
	OwnerID int64   `json:"owner_id"`
	Authors []int64 `json:"authors"`
	// People names the owner and the co-authors, for the editors.
	People         []Person      `json:"people"`
	Version        int           `json:"version"`
	Revision       int           `json:"revision"`
	Title          LocalText     `json:"title"`
	Summary        LocalText     `json:"summary"`
	Professions    []string      `json:"professions"`
	Level          string        `json:"level"`
	Hours          float64       `json:"hours"`
	ValidityMonths int           `json:"validity_months"`
	ContentWarning bool          `json:"content_warning"`
	SelfEnrol      bool          `json:"self_enrol"`
	Completion     Completion    `json:"completion"`
	Modules        []DraftModule `json:"modules"`
	PublishedAt    *time.Time    `json:"published_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
}

// Completion is a course's completion rule beyond the lessons' required flags.
type Completion struct {
	MinAttendedHours float64           `json:"min_attended_hours"`
	Quizzes          []QuizRequirement `json:"quizzes"`
}

// DraftModule is a module of the draft.
type DraftModule struct {
	ID      int64             `json:"id"`
	Version int               `json:"version"`
	Title   LocalText         `json:"title"`
	Lessons []DraftLessonItem `json:"lessons"`
}

// DraftLessonItem is a lesson in the draft's outline.
type DraftLessonItem struct {
	ID             int64     `json:"id"`
	Key            string    `json:"key"`
	Version        int       `json:"version"`
	Title          LocalText `json:"title"`
	ReadingMinutes int       `json:"reading_minutes"`
	ContentWarning bool      `json:"content_warning"`
	Required       bool      `json:"required"`
	Published      bool      `json:"published"`
}

// LessonDraft is one lesson's draft: the Markdown and the HTML it renders to.
type LessonDraft struct {
	ID             int64      `json:"id"`
	CourseID       int64      `json:"course_id"`
	ModuleID       int64      `json:"module_id"`
	Key            string     `json:"key"`
	Version        int        `json:"version"`
	Title          LocalText  `json:"title"`
	Body           LocalText  `json:"body"`
	HTML           LocalText  `json:"html"`
	ReadingMinutes int        `json:"reading_minutes"`
	ContentWarning bool       `json:"content_warning"`
	Required       bool       `json:"required"`
	PublishedAt    *time.Time `json:"published_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// GetDraft returns the draft of a course p may edit.
func (s *Service) GetDraft(ctx context.Context, p *accounts.Principal, id int64) (*CourseDraft, error) {
	var out *CourseDraft
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, err := s.editableCourse(tx, p, id)
		if err != nil {
			return err
		}
		out, err = draftOf(tx, c)
		return err
	})
	return out, err
}

// Person is someone named on a course: its owner or a co-author.
type Person struct {
	ID       int64  `json:"id"`
	FullName string `json:"full_name"`
}

func draftOf(tx *gorm.DB, c *course) (*CourseDraft, error) {
	f := fieldsOf(c)
	d := &CourseDraft{
		ID: c.ID, Slug: c.Slug, Status: c.Status, OwnerID: c.OwnerID, Version: c.Version, Revision: c.PublishedRevision,
		Title: f.Title, Summary: f.Summary, Professions: f.Professions, Level: c.Level, Hours: c.Hours,
		ValidityMonths: c.ValidityMonths, ContentWarning: c.ContentWarning, SelfEnrol: c.SelfEnrol,
		Completion:  Completion{MinAttendedHours: c.MinAttendedHours, Quizzes: f.Rule.Quizzes},
		PublishedAt: utcPtr(c.PublishedAt), UpdatedAt: c.UpdatedAt.UTC(), Authors: []int64{}, Modules: []DraftModule{},
	}
	if err := tx.Model(&courseAuthor{}).Where("course_id = ?", c.ID).Order("user_id").Pluck("user_id", &d.Authors).Error; err != nil {
		return nil, err
	}
	d.People = []Person{}
	if err := tx.Table("users").Select("id, full_name").Where("id IN ?", append([]int64{c.OwnerID}, d.Authors...)).
		Order("id").Scan(&d.People).Error; err != nil {
		return nil, err
	}
	mods, lessons, err := liveStructure(tx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range mods {
		dm := DraftModule{ID: m.ID, Version: m.Version, Title: LocalText{m.TitleSr, m.TitleEn}, Lessons: []DraftLessonItem{}}
		for _, l := range lessons[m.ID] {
			dm.Lessons = append(dm.Lessons, DraftLessonItem{ID: l.ID, Key: l.LessonKey, Version: l.Version, Title: LocalText{l.TitleSr, l.TitleEn},
				ReadingMinutes: l.ReadingMinutes, ContentWarning: l.ContentWarning, Required: l.Required, Published: l.PublishedAt != nil})
		}
		d.Modules = append(d.Modules, dm)
	}
	return d, nil
}

func checkModuleTitle(t LocalText) []apperr.FieldError {
	var fields []apperr.FieldError
	for _, fe := range []*apperr.FieldError{
		checkText("title.sr", t.Sr, true, MaxTitleRunes, false),
		checkText("title.en", t.En, false, MaxTitleRunes, false),
	} {
		if fe != nil {
			fields = append(fields, *fe)
		}
	}
	return fields
}

// CreateModule appends a module to the draft.
func (s *Service) CreateModule(ctx context.Context, p *accounts.Principal, courseID int64, title LocalText) (*DraftModule, error) {
	title = title.trimmed()
	if fields := checkModuleTitle(title); len(fields) > 0 {
		return nil, invalid(fields...)
	}
	var m module
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, err := s.editableCourse(tx, p, courseID)
		if err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&module{}).Where("course_id = ? AND archived_at IS NULL", c.ID).Count(&n).Error; err != nil {
			return err
		}
		if n >= MaxModules {
			return apperr.Unprocessable("too_many_modules", "A course has at most 50 modules.")
		}
		var maxPos int
		if err := tx.Model(&module{}).Where("course_id = ?", c.ID).Select("COALESCE(MAX(position), 0)").Scan(&maxPos).Error; err != nil {
			return err
		}
		now := s.now()
		// Adding a module changes the course's module order: a reorder based
		// on the old list must not silently drop it.
		if err := bumpCourse(tx, c, now, nil); err != nil {
			return err
		}
		m = module{CourseID: c.ID, Position: maxPos + 1, TitleSr: title.Sr, TitleEn: title.En, Version: 1, CreatedAt: now, UpdatedAt: now}
		return tx.Create(&m).Error
	})
	if err != nil {
		return nil, err
	}
	return &DraftModule{ID: m.ID, Version: m.Version, Title: title, Lessons: []DraftLessonItem{}}, nil
}

// editableModule loads a live module of a course p may edit.
func (s *Service) editableModule(tx *gorm.DB, p *accounts.Principal, id int64) (*module, *course, error) {
	var m module
	if err := tx.Where("id = ? AND archived_at IS NULL", id).Take(&m).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil, errModuleNotFound
		}
		return nil, nil, err
	}
	c, err := s.editableCourse(tx, p, m.CourseID)
	if err != nil {
		if apperr.IsKind(err, apperr.KindNotFound) {
			return nil, nil, errModuleNotFound
		}
		return nil, nil, err
	}
	return &m, c, nil
}

// bumpModule moves a module's version on, or answers version_conflict.
func bumpModule(tx *gorm.DB, id int64, version int, now time.Time, updates map[string]any) error {
	if updates == nil {
		updates = map[string]any{}
	}
	updates["version"] = gorm.Expr("version + 1")
	updates["updated_at"] = now
	res := tx.Model(&module{}).Where("id = ? AND version = ?", id, version).Updates(updates)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return errVersionConflict
	}
	return nil
}

// UpdateModule renames a module.
func (s *Service) UpdateModule(ctx context.Context, p *accounts.Principal, id int64, version int, title LocalText) (*DraftModule, error) {
	title = title.trimmed()
	if fields := checkModuleTitle(title); len(fields) > 0 {
		return nil, invalid(fields...)
	}
	var out *DraftModule
	err := s.tx(ctx, func(tx *gorm.DB) error {
		m, c, err := s.editableModule(tx, p, id)
		if err != nil {
			return err
		}
		if err := bumpModule(tx, m.ID, version, s.now(), map[string]any{"title_sr": title.Sr, "title_en": title.En}); err != nil {
			return err
		}
		out, err = draftModule(tx, c, m.ID)
		return err
	})
	return out, err
}

func draftModule(tx *gorm.DB, c *course, moduleID int64) (*DraftModule, error) {
	d, err := draftOf(tx, c)
	if err != nil {
		return nil, err
	}
	for i := range d.Modules {
		if d.Modules[i].ID == moduleID {
			return &d.Modules[i], nil
		}
	}
	return nil, errModuleNotFound
}

// DeleteModule archives a module and its lessons; learners keep their
// progress on them, and the published course is unchanged until the next
// publication.
func (s *Service) DeleteModule(ctx context.Context, p *accounts.Principal, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		m, c, err := s.editableModule(tx, p, id)
		if err != nil {
			return err
		}
		now := s.now()
		if err := bumpCourse(tx, c, now, nil); err != nil {
			return err
		}
		if err := tx.Model(&lesson{}).Where("module_id = ? AND archived_at IS NULL", m.ID).Updates(map[string]any{"archived_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		return tx.Model(&module{}).Where("id = ?", m.ID).Updates(map[string]any{"archived_at": now, "updated_at": now, "version": gorm.Expr("version + 1")}).Error
	})
}

// ReorderModules sets the order of a course's modules. ids must list every
// live module exactly once; version is the course's.
func (s *Service) ReorderModules(ctx context.Context, p *accounts.Principal, courseID int64, version int, ids []int64) (*CourseDraft, error) {
	var out *CourseDraft
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, err := s.editableCourse(tx, p, courseID)
		if err != nil {
			return err
		}
		if c.Version != version {
			return errVersionConflict
		}
		now := s.now()
		if err := bumpCourse(tx, c, now, nil); err != nil {
			return err
		}
		var live []int64
		if err := tx.Model(&module{}).Where("course_id = ? AND archived_at IS NULL", c.ID).Pluck("id", &live).Error; err != nil {
			return err
		}
		if !samePermutation(live, ids) {
			return apperr.Unprocessable("order_mismatch", "List every module of the course exactly once.", apperr.Field("module_ids", "mismatch", "must list each live module once"))
		}
		for i, id := range ids {
			if err := tx.Model(&module{}).Where("id = ?", id).Updates(map[string]any{"position": i + 1, "updated_at": now}).Error; err != nil {
				return err
			}
		}
		out, err = draftOf(tx, c)
		return err
	})
	return out, err
}

// ReorderLessons sets the order of a module's lessons. ids must list every
// live lesson of the module once, and may name lessons of other modules of
// the same course: those move here. version is the module's; the modules a
// lesson leaves get new versions too, so a concurrent reorder of those
// conflicts instead of putting the lesson back.
func (s *Service) ReorderLessons(ctx context.Context, p *accounts.Principal, moduleID int64, version int, ids []int64) (*DraftModule, error) {
	var out *DraftModule
	err := s.tx(ctx, func(tx *gorm.DB) error {
		m, c, err := s.editableModule(tx, p, moduleID)
		if err != nil {
			return err
		}
		now := s.now()
		// Claim the module's version first: on Postgres the row lock makes a
		// concurrent reorder wait here and then find the version moved.
		if err := bumpModule(tx, m.ID, version, now, nil); err != nil {
			return err
		}
		var named []lesson
		if len(ids) > 0 {
			if err := tx.Where("id IN ? AND course_id = ? AND archived_at IS NULL", ids, c.ID).Find(&named).Error; err != nil {
				return err
			}
		}
		var live []int64
		if err := tx.Model(&lesson{}).Where("module_id = ? AND archived_at IS NULL", m.ID).Pluck("id", &live).Error; err != nil {
			return err
		}
		byID := map[int64]lesson{}
		for _, l := range named {
			byID[l.ID] = l
		}
		seen := map[int64]bool{}
		for _, id := range ids {
			if _, ok := byID[id]; !ok || seen[id] {
				return apperr.Unprocessable("order_mismatch", "The order names a lesson that is not in this course, or names one twice.", apperr.Field("lesson_ids", "mismatch", "must name live lessons of this course once each"))
			}
			seen[id] = true
		}
		for _, id := range live {
			if !seen[id] {
				return apperr.Unprocessable("order_mismatch", "List every lesson of the module; move a lesson by listing it in its new module.", apperr.Field("lesson_ids", "mismatch", "must list every lesson of the module"))
			}
		}
		var moved []int64
		for _, l := range named {
			if l.ModuleID != m.ID {
				moved = append(moved, l.ModuleID)
			}
		}
		if len(moved) > 0 {
			if err := tx.Model(&module{}).Where("id IN ? AND archived_at IS NULL", moved).
				Updates(map[string]any{"version": gorm.Expr("version + 1"), "updated_at": now}).Error; err != nil {
				return err
			}
		}
		for i, id := range ids {
			if err := tx.Model(&lesson{}).Where("id = ?", id).Updates(map[string]any{"module_id": m.ID, "position": i + 1, "updated_at": now}).Error; err != nil {
				return err
			}
		}
		out, err = draftModule(tx, c, m.ID)
		return err
	})
	return out, err
}

func samePermutation(live, ids []int64) bool {
	if len(live) != len(ids) {
		return false
	}
	set := map[int64]bool{}
	for _, id := range live {
		set[id] = true
	}
	for _, id := range ids {
		if !set[id] {
			return false
		}
		delete(set, id)
	}
	return len(set) == 0
}

// LessonFields are a lesson's editable details.
type LessonFields struct {
	Key            string
	Title          LocalText
	Body           LocalText
	ReadingMinutes int
	ContentWarning bool
	Required       bool
}

var keyPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

func validKey(k string) bool { return len(k) <= 80 && keyPattern.MatchString(k) }

// rendered is a lesson's HTML per language.
type rendered struct{ sr, en string }

// validate checks the fields and renders the Markdown; a body the renderer
// refuses is reported with the line it names.
func (f *LessonFields) validate() (rendered, []apperr.FieldError) {
	f.Title = f.Title.trimmed()
	f.Key = strings.TrimSpace(f.Key)
	var fields []apperr.FieldError
	for _, fe := range []*apperr.FieldError{
		checkText("title.sr", f.Title.Sr, true, MaxTitleRunes, false),
		checkText("title.en", f.Title.En, false, MaxTitleRunes, false),
	} {
		if fe != nil {
			fields = append(fields, *fe)
		}
	}
	if f.Key != "" && !validKey(f.Key) {
		fields = append(fields, apperr.Field("key", "invalid", "must be 1 to 80 lower-case letters, digits and single hyphens"))
	}
	if f.ReadingMinutes < 0 || f.ReadingMinutes > 600 {
		fields = append(fields, apperr.Field("reading_minutes", "out_of_range", "must be from 0 to 600"))
	}
	var out rendered
	for _, b := range []struct {
		field string
		src   string
		dst   *string
	}{{"body.sr", f.Body.Sr, &out.sr}, {"body.en", f.Body.En, &out.en}} {
		html, problem := renderField(b.field, b.src)
		if problem != nil {
			fields = append(fields, *problem)
			continue
		}
		*b.dst = html
	}
	return out, fields
}

// renderField renders the Markdown of field as sanitised HTML, or says why it
// cannot (a NUL character, or a source beyond the markup package's limits).
func renderField(field, src string) (string, *apperr.FieldError) {
	if strings.ContainsRune(src, 0) {
		f := apperr.Field(field, "invalid", "must not contain NUL characters")
		return "", &f
	}
	html, err := markup.Render(src)
	if err != nil {
		f := apperr.Field(field, "unrenderable", strings.TrimPrefix(err.Error(), "markup: "))
		return "", &f
	}
	return string(html), nil
}

// slugKey derives a lesson key from a title.
func slugKey(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range foldSearch(title) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	k := strings.Trim(b.String(), "-")
	if k == "" {
		k = "lesson"
	}
	return k
}

// freeKey returns base, or base-2, base-3... whichever no lesson of the
// course (archived ones included) uses.
func freeKey(tx *gorm.DB, courseID int64, base string) (string, error) {
	var used []string
	if err := tx.Model(&lesson{}).Where("course_id = ? AND (lesson_key = ? OR lesson_key LIKE ? ESCAPE '\\')", courseID, base, likeEscape(base)+"-%").
		Pluck("lesson_key", &used).Error; err != nil {
		return "", err
	}
	set := map[string]bool{}
	for _, u := range used {
		set[u] = true
	}
	if !set[base] {
		return base, nil
	}
	for i := 2; ; i++ {
		if k := base + "-" + itoa(int64(i)); !set[k] {
			return k, nil
		}
	}
}

// CreateLesson appends a lesson to a module.
func (s *Service) CreateLesson(ctx context.Context, p *accounts.Principal, moduleID int64, f LessonFields) (*LessonDraft, error) {
	html, fields := f.validate()
	if len(fields) > 0 {
		return nil, invalid(fields...)
	}
	var id int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		m, c, err := s.editableModule(tx, p, moduleID)
		if err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&lesson{}).Where("course_id = ? AND archived_at IS NULL", c.ID).Count(&n).Error; err != nil {
			return err
		}
		if n >= MaxLessonsPerCourse {
			return apperr.Unprocessable("too_many_lessons", "A course has at most 500 lessons.")
		}
		key := f.Key
		if key == "" {
			if key, err = freeKey(tx, c.ID, slugKey(f.Title.Sr)); err != nil {
				return err
			}
		}
		var maxPos int
		if err := tx.Model(&lesson{}).Where("module_id = ?", m.ID).Select("COALESCE(MAX(position), 0)").Scan(&maxPos).Error; err != nil {
			return err
		}
		now := s.now()
		// A new lesson changes the module's order: a reorder based on the old
		// list must conflict rather than drop it.
		if err := tx.Model(&module{}).Where("id = ?", m.ID).Updates(map[string]any{"version": gorm.Expr("version + 1"), "updated_at": now}).Error; err != nil {
			return err
		}
		l := lesson{CourseID: c.ID, ModuleID: m.ID, LessonKey: key, Position: maxPos + 1, TitleSr: f.Title.Sr, TitleEn: f.Title.En,
			BodySr: f.Body.Sr, BodyEn: f.Body.En, HTMLSr: html.sr, HTMLEn: html.en, ReadingMinutes: f.ReadingMinutes,
			ContentWarning: f.ContentWarning, Required: f.Required, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&l).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return apperr.Conflict("key_taken", "Another lesson of this course uses this key.")
			}
			return err
		}
		id = l.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.GetLessonDraft(ctx, p, id)
}

// editableLesson loads a live lesson of a course p may edit.
func (s *Service) editableLesson(tx *gorm.DB, p *accounts.Principal, id int64) (*lesson, error) {
	var l lesson
	if err := tx.Where("id = ? AND archived_at IS NULL", id).Take(&l).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, errLessonNotFound
		}
		return nil, err
	}
	if _, err := s.editableCourse(tx, p, l.CourseID); err != nil {
		if apperr.IsKind(err, apperr.KindNotFound) {
			return nil, errLessonNotFound
		}
		return nil, err
	}
	return &l, nil
}

// GetLessonDraft returns a lesson's draft to its course's editors.
func (s *Service) GetLessonDraft(ctx context.Context, p *accounts.Principal, id int64) (*LessonDraft, error) {
	var out *LessonDraft
	err := s.tx(ctx, func(tx *gorm.DB) error {
		l, err := s.editableLesson(tx, p, id)
		if err != nil {
			return err
		}
		out = lessonDraft(l)
		return nil
	})
	return out, err
}

func lessonDraft(l *lesson) *LessonDraft {
	return &LessonDraft{ID: l.ID, CourseID: l.CourseID, ModuleID: l.ModuleID, Key: l.LessonKey, Version: l.Version,
		Title: LocalText{l.TitleSr, l.TitleEn}, Body: LocalText{l.BodySr, l.BodyEn}, HTML: LocalText{l.HTMLSr, l.HTMLEn},
		ReadingMinutes: l.ReadingMinutes, ContentWarning: l.ContentWarning, Required: l.Required,
		PublishedAt: utcPtr(l.PublishedAt), UpdatedAt: l.UpdatedAt.UTC()}
}

// LessonPatch changes some of a lesson's fields; nil means unchanged.
type LessonPatch struct {
	Version        int
	Key            *string
	Title          *LocalText
	Body           *LocalText
	ReadingMinutes *int
	ContentWarning *bool
	Required       *bool
}

// UpdateLesson edits a lesson's draft; learners see the change when the
// course is next published.
func (s *Service) UpdateLesson(ctx context.Context, p *accounts.Principal, id int64, patch LessonPatch) (*LessonDraft, error) {
	var out *LessonDraft
	err := s.tx(ctx, func(tx *gorm.DB) error {
		l, err := s.editableLesson(tx, p, id)
		if err != nil {
			return err
		}
		if l.Version != patch.Version {
			return errVersionConflict
		}
		f := LessonFields{Key: l.LessonKey, Title: LocalText{l.TitleSr, l.TitleEn}, Body: LocalText{l.BodySr, l.BodyEn},
			ReadingMinutes: l.ReadingMinutes, ContentWarning: l.ContentWarning, Required: l.Required}
		if patch.Key != nil {
			f.Key = *patch.Key
			if strings.TrimSpace(f.Key) == "" {
				return invalid(apperr.Field("key", "required", "must not be empty"))
			}
		}
		if patch.Title != nil {
			f.Title = *patch.Title
		}
		if patch.Body != nil {
			f.Body = *patch.Body
		}
		if patch.ReadingMinutes != nil {
			f.ReadingMinutes = *patch.ReadingMinutes
		}
		if patch.ContentWarning != nil {
			f.ContentWarning = *patch.ContentWarning
		}
		if patch.Required != nil {
			f.Required = *patch.Required
		}
		html, fields := f.validate()
		if len(fields) > 0 {
			return invalid(fields...)
		}
		now := s.now()
		res := tx.Model(&lesson{}).Where("id = ? AND version = ?", l.ID, l.Version).Updates(map[string]any{
			"lesson_key": f.Key, "title_sr": f.Title.Sr, "title_en": f.Title.En, "body_sr": f.Body.Sr, "body_en": f.Body.En,
			"html_sr": html.sr, "html_en": html.en, "reading_minutes": f.ReadingMinutes, "content_warning": f.ContentWarning,
			"required": f.Required, "version": l.Version + 1, "updated_at": now,
		})
		if res.Error != nil {
			if errors.Is(res.Error, gorm.ErrDuplicatedKey) {
				return apperr.Conflict("key_taken", "Another lesson of this course uses this key.")
			}
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errVersionConflict
		}
		if err := tx.Where("id = ?", l.ID).Take(l).Error; err != nil {
			return err
		}
		out = lessonDraft(l)
		return nil
	})
	return out, err
}

// DeleteLesson archives a lesson: it leaves the draft, and the published
// course at its next publication; progress on it is kept.
func (s *Service) DeleteLesson(ctx context.Context, p *accounts.Principal, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		l, err := s.editableLesson(tx, p, id)
		if err != nil {
			return err
		}
		now := s.now()
		if err := tx.Model(&module{}).Where("id = ?", l.ModuleID).Updates(map[string]any{"version": gorm.Expr("version + 1"), "updated_at": now}).Error; err != nil {
			return err
		}
		return tx.Model(&lesson{}).Where("id = ?", l.ID).Updates(map[string]any{"archived_at": now, "updated_at": now, "version": gorm.Expr("version + 1")}).Error
	})
}
