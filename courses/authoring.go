package courses

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
)

// CourseFields are a course's editable details.
type CourseFields struct {
	Slug           string
	Title          LocalText
	Summary        LocalText
	Professions    []string
	Level          string
	Hours          float64
	ValidityMonths int
	ContentWarning bool
	SelfEnrol      bool
	Rule           RuleInput
}

// RuleInput is a course's completion rule beyond its lessons' required flags.
type RuleInput struct {
	MinAttendedHours float64
	Quizzes          []QuizRequirement
}

func (f *CourseFields) normalise() {
	f.Slug = strings.TrimSpace(f.Slug)
	f.Title = f.Title.trimmed()
	f.Summary = f.Summary.trimmed()
	f.Level = strings.TrimSpace(f.Level)
	if f.Professions == nil {
		f.Professions = []string{}
	}
	if f.Rule.Quizzes == nil {
		f.Rule.Quizzes = []QuizRequirement{}
	}
}

// validate reports every wrong field, named as the JSON API names it.
func (f *CourseFields) validate() []apperr.FieldError {
	var fields []apperr.FieldError
	add := func(fe *apperr.FieldError) {
		if fe != nil {
			fields = append(fields, *fe)
		}
	}
	if !validSlug(f.Slug) {
		fields = append(fields, apperr.Field("slug", "invalid", "must be 1 to 80 lower-case letters, digits and single hyphens"))
	}
	add(checkText("title.sr", f.Title.Sr, true, MaxTitleRunes, false))
	add(checkText("title.en", f.Title.En, false, MaxTitleRunes, false))
	add(checkText("summary.sr", f.Summary.Sr, false, MaxSummaryRunes, true))
	add(checkText("summary.en", f.Summary.En, false, MaxSummaryRunes, true))
	if len(f.Professions) == 0 {
		fields = append(fields, apperr.Field("professions", "required", "name at least one profession"))
	}
	seen := map[string]bool{}
	for i, p := range f.Professions {
		if !validProfession(p) || seen[p] {
			fields = append(fields, apperr.Field("professions."+itoa(int64(i)), "not_allowed", "must be a distinct one of: "+strings.Join(accounts.Professions, ", ")))
		}
		seen[p] = true
	}
	if !slices.Contains(Levels, f.Level) {
		fields = append(fields, apperr.Field("level", "not_allowed", "must be one of: "+strings.Join(Levels, ", ")))
	}
	if math.IsNaN(f.Hours) || f.Hours < 0 || f.Hours > 1000 {
		fields = append(fields, apperr.Field("hours", "out_of_range", "must be from 0 to 1000"))
	}
	if f.ValidityMonths < 0 || f.ValidityMonths > 240 {
		fields = append(fields, apperr.Field("validity_months", "out_of_range", "must be from 0 (no expiry) to 240"))
	}
	if math.IsNaN(f.Rule.MinAttendedHours) || f.Rule.MinAttendedHours < 0 || f.Rule.MinAttendedHours > 1000 {
		fields = append(fields, apperr.Field("completion.min_attended_hours", "out_of_range", "must be from 0 to 1000"))
	}
	if len(f.Rule.Quizzes) > MaxRuleQuizzes {
		fields = append(fields, apperr.Field("completion.quizzes", "too_long", "must have at most 50 items"))
	}
	seenQ := map[int64]bool{}
	for i, q := range f.Rule.Quizzes {
		p := "completion.quizzes." + itoa(int64(i))
		if q.QuizID <= 0 || seenQ[q.QuizID] {
			fields = append(fields, apperr.Field(p+".quiz_id", "invalid", "must be a distinct positive quiz id"))
		}
		seenQ[q.QuizID] = true
		if math.IsNaN(q.MinScore) || q.MinScore < 0 || q.MinScore > 1 {
			fields = append(fields, apperr.Field(p+".min_score", "out_of_range", "must be a fraction from 0 to 1"))
		}
	}
	return fields
}

func (f *CourseFields) apply(c *course) {
	c.Slug = f.Slug
	c.TitleSr, c.TitleEn = f.Title.Sr, f.Title.En
	c.SummarySr, c.SummaryEn = f.Summary.Sr, f.Summary.En
	c.Professions = joinSet(f.Professions)
	c.Level = f.Level
	c.Hours = f.Hours
	c.ValidityMonths = f.ValidityMonths
	c.ContentWarning = f.ContentWarning
	c.SelfEnrol = f.SelfEnrol
	c.MinAttendedHours = f.Rule.MinAttendedHours
	b, _ := json.Marshal(f.Rule.Quizzes)
	c.RuleQuizzes = string(b)
	c.SearchText = foldSearch(strings.Join([]string{f.Title.Sr, f.Summary.Sr, f.Title.En, f.Summary.En, f.Slug}, " "))
	c.SortTitle = foldSearch(f.Title.Sr)
}

func fieldsOf(c *course) CourseFields {
	f := CourseFields{
		Slug: c.Slug, Title: LocalText{c.TitleSr, c.TitleEn}, Summary: LocalText{c.SummarySr, c.SummaryEn},
		Professions: splitSet(c.Professions), Level: c.Level, Hours: c.Hours, ValidityMonths: c.ValidityMonths,
		ContentWarning: c.ContentWarning, SelfEnrol: c.SelfEnrol, Rule: RuleInput{MinAttendedHours: c.MinAttendedHours},
	}
	_ = json.Unmarshal([]byte(c.RuleQuizzes), &f.Rule.Quizzes)
	if f.Rule.Quizzes == nil {
		f.Rule.Quizzes = []QuizRequirement{}
	}
	return f
}

func slugTaken() error {
	return apperr.Conflict("slug_taken", "Another course already uses this slug; choose another.")
}

// CreateCourse starts a draft owned by p.
func (s *Service) CreateCourse(ctx context.Context, p *accounts.Principal, f CourseFields) (*CourseDraft, error) {
	f.normalise()
	if fields := f.validate(); len(fields) > 0 {
		return nil, invalid(fields...)
	}
	var id int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		now := s.now()
		c := course{Status: StatusDraft, OwnerID: p.UserID, Version: 1, CreatedAt: now, UpdatedAt: now}
		f.apply(&c)
		if err := tx.Create(&c).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return slugTaken()
			}
			return err
		}
		id = c.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.GetDraft(ctx, p, id)
}

// CoursePatch changes some of a course's details; nil means unchanged.
// Version must be the course's current version.
type CoursePatch struct {
	Version        int
	Slug           *string
	Title          *LocalText
	Summary        *LocalText
	Professions    *[]string
	Level          *string
	Hours          *float64
	ValidityMonths *int
	ContentWarning *bool
	SelfEnrol      *bool
	Rule           *RuleInput
}

// UpdateCourse applies patch to the draft. The slug is fixed once the course
// has been published (links and certificates name it).
func (s *Service) UpdateCourse(ctx context.Context, p *accounts.Principal, id int64, patch CoursePatch) (*CourseDraft, error) {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, err := s.editableCourse(tx, p, id)
		if err != nil {
			return err
		}
		if c.Version != patch.Version {
			return errVersionConflict
		}
		f := fieldsOf(c)
		if patch.Slug != nil {
			if c.PublishedRevision > 0 && strings.TrimSpace(*patch.Slug) != c.Slug {
				return apperr.Unprocessable("slug_fixed", "A published course keeps its slug.", apperr.Field("slug", "fixed", "cannot change after publishing"))
			}
			f.Slug = *patch.Slug
		}
		if patch.Title != nil {
			f.Title = *patch.Title
		}
		if patch.Summary != nil {
			f.Summary = *patch.Summary
		}
		if patch.Professions != nil {
			f.Professions = *patch.Professions
		}
		if patch.Level != nil {
			f.Level = *patch.Level
		}
		if patch.Hours != nil {
			f.Hours = *patch.Hours
		}
		if patch.ValidityMonths != nil {
			f.ValidityMonths = *patch.ValidityMonths
		}
		if patch.ContentWarning != nil {
			f.ContentWarning = *patch.ContentWarning
		}
		if patch.SelfEnrol != nil {
			f.SelfEnrol = *patch.SelfEnrol
		}
		if patch.Rule != nil {
			f.Rule = *patch.Rule
		}
		f.normalise()
		if fields := f.validate(); len(fields) > 0 {
			return invalid(fields...)
		}
		f.apply(c)
		updates := map[string]any{
			"slug": c.Slug, "title_sr": c.TitleSr, "title_en": c.TitleEn, "summary_sr": c.SummarySr, "summary_en": c.SummaryEn,
			"professions": c.Professions, "level": c.Level, "hours": c.Hours, "validity_months": c.ValidityMonths,
			"content_warning": c.ContentWarning, "self_enrol": c.SelfEnrol, "min_attended_hours": c.MinAttendedHours,
			"rule_quizzes": c.RuleQuizzes, "search_text": c.SearchText, "sort_title": c.SortTitle,
		}
		return bumpCourse(tx, c, s.now(), updates)
	})
	if err != nil {
		return nil, err
	}
	return s.GetDraft(ctx, p, id)
}

// bumpCourse writes updates and the next version only if nobody moved the
// version since c was read: of two concurrent writers one wins, the other
// gets version_conflict.
func bumpCourse(tx *gorm.DB, c *course, now time.Time, updates map[string]any) error {
	if updates == nil {
		updates = map[string]any{}
	}
	updates["version"] = c.Version + 1
	updates["updated_at"] = now
	res := tx.Model(&course{}).Where("id = ? AND version = ?", c.ID, c.Version).Updates(updates)
	if res.Error != nil {
		if errors.Is(res.Error, gorm.ErrDuplicatedKey) {
			return slugTaken()
		}
		return res.Error
	}
	if res.RowsAffected != 1 {
		return errVersionConflict
	}
	c.Version++
	return nil
}

// Publish snapshots the draft into a new revision that learners see from now
// on. Learners' progress stays on lesson ids: a lesson that left the outline
// simply no longer counts, and comes back with its progress if re-added.
func (s *Service) Publish(ctx context.Context, p *accounts.Principal, id int64) (*CourseDraft, error) {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, err := s.editableCourse(tx, p, id)
		if err != nil {
			return err
		}
		mods, lessons, err := liveStructure(tx, c.ID)
		if err != nil {
			return err
		}
		o := outline{Rule: ruleDef{MinAttendedHours: c.MinAttendedHours}}
		_ = json.Unmarshal([]byte(c.RuleQuizzes), &o.Rule.Quizzes)
		if o.Rule.Quizzes == nil {
			o.Rule.Quizzes = []QuizRequirement{}
		}
		var problems []apperr.FieldError
		english := c.TitleEn != ""
		count := 0
		for _, m := range mods {
			om := outlineModule{ID: m.ID, TitleSr: m.TitleSr, TitleEn: m.TitleEn, Lessons: []outlineLesson{}}
			if m.TitleEn == "" {
				english = false
			}
			for _, l := range lessons[m.ID] {
				count++
				if strings.TrimSpace(l.BodySr) == "" {
					problems = append(problems, apperr.Field("lessons."+itoa(l.ID)+".body.sr", "required", "lesson \""+l.TitleSr+"\" has no Serbian text"))
				}
				if l.TitleEn == "" || strings.TrimSpace(l.BodyEn) == "" {
					english = false
				}
				om.Lessons = append(om.Lessons, outlineLesson{ID: l.ID, Key: l.LessonKey, TitleSr: l.TitleSr, TitleEn: l.TitleEn,
					ReadingMinutes: l.ReadingMinutes, ContentWarning: l.ContentWarning, Required: l.Required})
			}
			o.Modules = append(o.Modules, om)
		}
		if count == 0 {
			problems = append(problems, apperr.Field("modules", "required", "a course needs at least one lesson to be published"))
		}
		if len(problems) > 0 {
			return apperr.Unprocessable("not_publishable", "The draft cannot be published yet.", problems...)
		}
		langs := []string{"sr"}
		if english {
			langs = append(langs, "en")
		}
		raw, err := json.Marshal(o)
		if err != nil {
			return err
		}
		now := s.now()
		rev := courseRevision{
			CourseID: c.ID, Revision: c.PublishedRevision + 1, TitleSr: c.TitleSr, TitleEn: c.TitleEn, SummarySr: c.SummarySr,
			SummaryEn: c.SummaryEn, Professions: c.Professions, Languages: joinSet(langs), Level: c.Level, Hours: c.Hours,
			ValidityMonths: c.ValidityMonths, ContentWarning: c.ContentWarning, SelfEnrol: c.SelfEnrol, SearchText: c.SearchText,
			SortTitle: c.SortTitle, Outline: string(raw), PublishedAt: now,
		}
		if p.UserID != 0 {
			rev.PublishedBy = &p.UserID
		}
		if err := tx.Create(&rev).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return errVersionConflict // another publish of the same revision won
			}
			return err
		}
		for _, m := range mods {
			for _, l := range lessons[m.ID] {
				if err := tx.Model(&lesson{}).Where("id = ?", l.ID).Updates(map[string]any{
					"pub_title_sr": l.TitleSr, "pub_title_en": l.TitleEn, "pub_html_sr": l.HTMLSr, "pub_html_en": l.HTMLEn, "published_at": now,
				}).Error; err != nil {
					return err
				}
			}
		}
		res := tx.Model(&course{}).Where("id = ? AND published_revision = ?", c.ID, c.PublishedRevision).Updates(map[string]any{
			"status": StatusPublished, "published_revision": rev.Revision, "published_at": now, "archived_at": nil,
			"languages": joinSet(langs), "updated_at": now,
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errVersionConflict
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.catalogue.invalidate()
	return s.GetDraft(ctx, p, id)
}

// Archive takes a course out of the catalogue. Learners' records stay;
// publishing again brings it back.
func (s *Service) Archive(ctx context.Context, p *accounts.Principal, id int64) (*CourseDraft, error) {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, err := s.editableCourse(tx, p, id)
		if err != nil {
			return err
		}
		if c.Status == StatusArchived {
			return apperr.Conflict("already_archived", "The course is already archived.")
		}
		now := s.now()
		return tx.Model(&course{}).Where("id = ?", c.ID).Updates(map[string]any{"status": StatusArchived, "archived_at": now, "updated_at": now}).Error
	})
	if err != nil {
		return nil, err
	}
	s.catalogue.invalidate()
	return s.GetDraft(ctx, p, id)
}

// Duplicate copies a course's draft (details, modules, lessons, rule) into a
// new draft owned by p. Learners' records are not copied.
func (s *Service) Duplicate(ctx context.Context, p *accounts.Principal, id int64, slug string) (*CourseDraft, error) {
	slug = strings.TrimSpace(slug)
	if slug != "" && !validSlug(slug) {
		return nil, invalid(apperr.Field("slug", "invalid", "must be 1 to 80 lower-case letters, digits and single hyphens"))
	}
	var newID int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, err := s.editableCourse(tx, p, id)
		if err != nil {
			return err
		}
		if slug == "" {
			if slug, err = freeSlug(tx, c.Slug+"-copy"); err != nil {
				return err
			}
		}
		f := fieldsOf(c)
		f.Slug = slug
		f.Title.Sr = truncateRunes(f.Title.Sr, MaxTitleRunes)
		now := s.now()
		nc := course{Status: StatusDraft, OwnerID: p.UserID, Version: 1, CreatedAt: now, UpdatedAt: now}
		f.apply(&nc)
		if err := tx.Create(&nc).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return slugTaken()
			}
			return err
		}
		newID = nc.ID
		mods, lessons, err := liveStructure(tx, c.ID)
		if err != nil {
			return err
		}
		for i, m := range mods {
			nm := module{CourseID: nc.ID, Position: i + 1, TitleSr: m.TitleSr, TitleEn: m.TitleEn, Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&nm).Error; err != nil {
				return err
			}
			for j, l := range lessons[m.ID] {
				nl := lesson{CourseID: nc.ID, ModuleID: nm.ID, LessonKey: l.LessonKey, Position: j + 1, TitleSr: l.TitleSr, TitleEn: l.TitleEn,
					BodySr: l.BodySr, BodyEn: l.BodyEn, HTMLSr: l.HTMLSr, HTMLEn: l.HTMLEn, ReadingMinutes: l.ReadingMinutes,
					ContentWarning: l.ContentWarning, Required: l.Required, Version: 1, CreatedAt: now, UpdatedAt: now}
				if err := tx.Create(&nl).Error; err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.GetDraft(ctx, p, newID)
}

func freeSlug(tx *gorm.DB, base string) (string, error) {
	if len(base) > 70 {
		base = strings.TrimRight(base[:70], "-")
	}
	for i := 1; i < 1000; i++ {
		cand := base
		if i > 1 {
			cand = base + "-" + itoa(int64(i))
		}
		var n int64
		if err := tx.Model(&course{}).Where("slug = ?", cand).Count(&n).Error; err != nil {
			return "", err
		}
		if n == 0 {
			return cand, nil
		}
	}
	return "", apperr.Conflict("slug_taken", "No free slug for the copy; give one.")
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// AddAuthor makes a trainer a co-author. Only the owner and admins decide.
func (s *Service) AddAuthor(ctx context.Context, p *accounts.Principal, courseID, userID int64) (*CourseDraft, error) {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, err := s.editableCourse(tx, p, courseID)
		if err != nil {
			return err
		}
		if !p.Admin && c.OwnerID != p.UserID {
			return apperr.Forbidden("owner_only", "Only the course's owner or an admin chooses its co-authors.")
		}
		if userID == c.OwnerID {
			return apperr.Unprocessable("already_owner", "This user owns the course.", apperr.Field("user_id", "owner", "is the owner"))
		}
		u, err := s.acc.GetUser(ctx, userID)
		if err != nil || !slices.Contains(u.Roles, accounts.RoleTrainer) || u.Disabled {
			return apperr.Unprocessable("not_a_trainer", "Co-authors must be trainers.", apperr.Field("user_id", "not_a_trainer", "names no active trainer"))
		}
		row := courseAuthor{CourseID: c.ID, UserID: userID, AddedAt: s.now()}
		return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error
	})
	if err != nil {
		return nil, err
	}
	return s.GetDraft(ctx, p, courseID)
}

// RemoveAuthor takes a co-author off the course.
func (s *Service) RemoveAuthor(ctx context.Context, p *accounts.Principal, courseID, userID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		c, err := s.editableCourse(tx, p, courseID)
		if err != nil {
			return err
		}
		if !p.Admin && c.OwnerID != p.UserID {
			return apperr.Forbidden("owner_only", "Only the course's owner or an admin chooses its co-authors.")
		}
		res := tx.Where("course_id = ? AND user_id = ?", c.ID, userID).Delete(&courseAuthor{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.NotFound("author_not_found", "This user is not a co-author of the course.")
		}
		return nil
	})
}

// liveStructure returns the draft's live modules in order and each one's
// live lessons in order.
func liveStructure(tx *gorm.DB, courseID int64) ([]module, map[int64][]lesson, error) {
	var mods []module
	if err := tx.Where("course_id = ? AND archived_at IS NULL", courseID).Order("position, id").Find(&mods).Error; err != nil {
		return nil, nil, err
	}
	var ls []lesson
	if err := tx.Where("course_id = ? AND archived_at IS NULL", courseID).Order("position, id").Find(&ls).Error; err != nil {
		return nil, nil, err
	}
	byModule := map[int64][]lesson{}
	for _, l := range ls {
		byModule[l.ModuleID] = append(byModule[l.ModuleID], l)
	}
	return mods, byModule, nil
}
