package quiz

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
)

// --- categories -----------------------------------------------------------------------

// CreateCategory adds a category to a course's bank; a name already used answers with it.
func (s *Service) CreateCategory(ctx context.Context, p *accounts.Principal, courseID int64, name string) (*Category, bool, error) {
	if _, err := s.editableCourse(ctx, p, courseID); err != nil {
		return nil, false, err
	}
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n == 0 || n > 200 {
		return nil, false, invalid(apperr.Field("name", "invalid", "must be 1 to 200 characters"))
	}
	row, created, err := s.ensureCategory(ctx, s.db.WithContext(ctx), courseID, name)
	if err != nil {
		return nil, false, apperr.Wrap(err)
	}
	return &Category{ID: row.ID, CourseID: row.CourseID, Name: row.Name}, created, nil
}

func (s *Service) ensureCategory(ctx context.Context, tx *gorm.DB, courseID int64, name string) (categoryRow, bool, error) {
	var row categoryRow
	err := tx.Where("course_id = ? AND name = ?", courseID, name).Take(&row).Error
	if err == nil {
		return row, false, nil
	}
	if !isNotFound(err) {
		return row, false, err
	}
	row = categoryRow{CourseID: courseID, Name: name, CreatedAt: s.clock()}
	if err := tx.Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return row, false, apperr.Conflict("category_exists", "A category of that name was created at the same moment; retry.")
		}
		return row, false, err
	}
	return row, true, nil
}

// ListCategories lists a course's categories by name.
func (s *Service) ListCategories(ctx context.Context, p *accounts.Principal, courseID int64) ([]Category, error) {
	if _, err := s.editableCourse(ctx, p, courseID); err != nil {
		return nil, err
	}
	var rows []categoryRow
	if err := s.db.WithContext(ctx).Where("course_id = ?", courseID).Order("name").Find(&rows).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	out := make([]Category, len(rows))
	for i, r := range rows {
		out[i] = Category{ID: r.ID, CourseID: r.CourseID, Name: r.Name}
	}
	return out, nil
}

// --- questions -----------------------------------------------------------------------

// prepareQuestion checks input against the course and catalogue and returns the definition to
// store.
func (s *Service) prepareQuestion(ctx context.Context, tx *gorm.DB, in *QuestionInput, cat *Catalogue) (questionDef, error) {
	in.Tags = normaliseTags(in.Tags)
	in.ExternalID = strings.TrimSpace(in.ExternalID)
	in.Content.Title = strings.TrimSpace(in.Content.Title)
	var fields []apperr.FieldError
	if len(in.Tags) > maxTags {
		fields = append(fields, apperr.Field("tags", "too_long", fmt.Sprintf("must have at most %d tags", maxTags)))
	}
	for i, t := range in.Tags {
		if utf8.RuneCountInString(t) > maxTagLen {
			fields = append(fields, apperr.Field(fmt.Sprintf("tags.%d", i), "too_long", fmt.Sprintf("must have at most %d characters", maxTagLen)))
		}
	}
	if utf8.RuneCountInString(in.ExternalID) > 100 {
		fields = append(fields, apperr.Field("external_id", "too_long", "must have at most 100 characters"))
	}
	if len(fields) > 0 {
		return questionDef{}, invalid(fields...)
	}
	if in.CategoryID != nil {
		var n int64
		if err := tx.Model(&categoryRow{}).Where("id = ? AND course_id = ?", *in.CategoryID, in.CourseID).Count(&n).Error; err != nil {
			return questionDef{}, err
		}
		if n == 0 {
			return questionDef{}, unprocessable(apperr.Field("category_id", "not_found", "no such category in this course"))
		}
	}
	var sc *Scenario
	if in.Content.ScenarioID != nil {
		var row scenarioRow
		err := tx.Where("id = ? AND course_id = ?", *in.Content.ScenarioID, in.CourseID).Take(&row).Error
		if isNotFound(err) {
			return questionDef{}, unprocessable(apperr.Field("content.scenario_id", "not_found", "no such scenario in this course"))
		}
		if err != nil {
			return questionDef{}, err
		}
		sc = pointer(scenarioFromRow(row))
	}
	if err := validateContent(in.Content, sc, cat); err != nil {
		return questionDef{}, err
	}
	return questionDef{QuestionContent: in.Content, Scenario: sc}, nil
}

// CreateQuestion adds a question (version 1) to a course's bank.
func (s *Service) CreateQuestion(ctx context.Context, p *accounts.Principal, in QuestionInput) (*Question, error) {
	if _, err := s.editableCourse(ctx, p, in.CourseID); err != nil {
		return nil, err
	}
	cat, _, err := s.Catalogue(ctx, 0)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		def, err := s.prepareQuestion(ctx, tx, &in, cat)
		if err != nil {
			return err
		}
		id, err = s.insertQuestion(tx, p, in, def)
		return err
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return s.loadQuestion(ctx, id)
}

func (s *Service) insertQuestion(tx *gorm.DB, p *accounts.Principal, in QuestionInput, def questionDef) (int64, error) {
	now := s.clock()
	row := questionRow{CourseID: in.CourseID, CategoryID: in.CategoryID, ScenarioID: in.Content.ScenarioID, Type: string(in.Content.Type),
		ExternalID: in.ExternalID, CurrentVersion: 1, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&row).Error; err != nil {
		return 0, err
	}
	if err := tx.Create(&questionVersionRow{QuestionID: row.ID, Version: 1, Type: row.Type, Definition: mustJSON(def), CreatedBy: actor(p), CreatedAt: now}).Error; err != nil {
		return 0, err
	}
	return row.ID, s.setTags(tx, row.ID, in.Tags)
}

func (s *Service) setTags(tx *gorm.DB, questionID int64, tags []string) error {
	if err := tx.Where("question_id = ?", questionID).Delete(&questionTagRow{}).Error; err != nil {
		return err
	}
	for _, t := range tags {
		if err := tx.Create(&questionTagRow{QuestionID: questionID, Tag: t}).Error; err != nil {
			return err
		}
	}
	return nil
}

// UpdateQuestion edits a question: a new version when the content changed (expectVersion must
// be the current one), and the category and tags in place. Attempts and publications keep the
// versions they pinned.
func (s *Service) UpdateQuestion(ctx context.Context, p *accounts.Principal, id int64, expectVersion int, in QuestionInput) (*Question, error) {
	row, err := s.questionRow(ctx, p, id)
	if err != nil {
		return nil, err
	}
	in.CourseID = row.CourseID
	cat, _, err := s.Catalogue(ctx, 0)
	if err != nil {
		return nil, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		def, err := s.prepareQuestion(ctx, tx, &in, cat)
		if err != nil {
			return err
		}
		if def.Type != QuestionType(row.Type) {
			return invalid(apperr.Field("content.type", "immutable", "a question keeps its type; create a new question instead"))
		}
		return s.newVersion(tx, p, row.ID, expectVersion, in, def)
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return s.loadQuestion(ctx, id)
}

// newVersion writes def as the question's next version unless it equals the current one.
func (s *Service) newVersion(tx *gorm.DB, p *accounts.Principal, questionID int64, expectVersion int, in QuestionInput, def questionDef) error {
	var cur questionVersionRow
	if err := tx.Where("question_id = ? AND version = ?", questionID, expectVersion).Take(&cur).Error; err != nil && !isNotFound(err) {
		return err
	}
	next := expectVersion
	if cur.ID == 0 || cur.Definition != mustJSON(def) {
		next = expectVersion + 1
	}
	now := s.clock()
	res := tx.Model(&questionRow{}).Where("id = ? AND current_version = ?", questionID, expectVersion).Updates(map[string]any{
		"current_version": next, "category_id": in.CategoryID, "scenario_id": in.Content.ScenarioID,
		"external_id": in.ExternalID, "updated_at": now,
	})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return apperr.Conflict("version_conflict", "The question was changed by someone else; reload it and apply your edit again.")
	}
	if next != expectVersion {
		if err := tx.Create(&questionVersionRow{QuestionID: questionID, Version: next, Type: string(def.Type), Definition: mustJSON(def), CreatedBy: actor(p), CreatedAt: now}).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return apperr.Conflict("version_conflict", "The question was changed by someone else; reload it and apply your edit again.")
			}
			return err
		}
	}
	return s.setTags(tx, questionID, in.Tags)
}

// refreshScenarioQuestions gives every question built on sc a new version carrying the edited
// scenario. A question the edit breaks (a critical indicator no longer present) makes the whole
// edit fail with the question named.
func (s *Service) refreshScenarioQuestions(ctx context.Context, tx *gorm.DB, p *accounts.Principal, cat *Catalogue, sc *Scenario) error {
	var rows []questionRow
	if err := tx.Where("scenario_id = ?", sc.ID).Find(&rows).Error; err != nil {
		return err
	}
	for _, q := range rows {
		var cur questionVersionRow
		if err := tx.Where("question_id = ? AND version = ?", q.ID, q.CurrentVersion).Take(&cur).Error; err != nil {
			return err
		}
		def := fromJSON[questionDef](cur.Definition)
		def.Scenario = sc
		if err := validateContent(def.QuestionContent, sc, cat); err != nil {
			if e, ok := apperr.As(err); ok {
				for i := range e.Fields {
					e.Fields[i].Field = fmt.Sprintf("questions.%d.%s", q.ID, e.Fields[i].Field)
				}
				e.Message = "The edit would break questions built on this scenario; fix them first."
				return e
			}
			return err
		}
		var tags []string
		if err := tx.Model(&questionTagRow{}).Where("question_id = ?", q.ID).Order("tag").Pluck("tag", &tags).Error; err != nil {
			return err
		}
		in := QuestionInput{CourseID: q.CourseID, CategoryID: q.CategoryID, Tags: tags, ExternalID: q.ExternalID, Content: def.QuestionContent}
		if err := s.newVersion(tx, p, q.ID, q.CurrentVersion, in, def); err != nil {
			return err
		}
	}
	return nil
}

// questionRow loads a question p may author.
func (s *Service) questionRow(ctx context.Context, p *accounts.Principal, id int64) (questionRow, error) {
	var row questionRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		if isNotFound(err) {
			return row, errQuestionNotFound
		}
		return row, apperr.Internal(err)
	}
	if _, err := s.editableCourse(ctx, p, row.CourseID); err != nil {
		return row, errQuestionNotFound
	}
	return row, nil
}

// GetQuestion returns a question at its current version (or at version, when > 0).
func (s *Service) GetQuestion(ctx context.Context, p *accounts.Principal, id int64, version int) (*Question, error) {
	row, err := s.questionRow(ctx, p, id)
	if err != nil {
		return nil, err
	}
	q, err := s.loadQuestion(ctx, row.ID)
	if err != nil || version <= 0 || version == q.Version {
		return q, err
	}
	var v questionVersionRow
	if err := s.db.WithContext(ctx).Where("question_id = ? AND version = ?", id, version).Take(&v).Error; err != nil {
		if isNotFound(err) {
			return nil, apperr.NotFound("question_version_not_found", "No such version of this question.")
		}
		return nil, apperr.Internal(err)
	}
	def := fromJSON[questionDef](v.Definition)
	q.Version, q.Content, q.Scenario = v.Version, def.QuestionContent, def.Scenario
	return q, nil
}

func (s *Service) loadQuestion(ctx context.Context, id int64) (*Question, error) {
	qs, err := s.questionsByIDs(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, errQuestionNotFound
	}
	return &qs[0], nil
}

// questionsByIDs loads questions at their current versions, in id order.
func (s *Service) questionsByIDs(ctx context.Context, ids []int64) ([]Question, error) {
	db := s.db.WithContext(ctx)
	var rows []questionRow
	if err := db.Where("id IN ?", ids).Order("id").Find(&rows).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	if len(rows) == 0 {
		return []Question{}, nil
	}
	var versions []questionVersionRow
	err := db.Table("quiz_question_versions AS v").Select("v.*").
		Joins("JOIN quiz_questions q ON q.id = v.question_id AND q.current_version = v.version").
		Where("q.id IN ?", ids).Find(&versions).Error
	if err != nil {
		return nil, apperr.Internal(err)
	}
	defs := map[int64]questionDef{}
	for _, v := range versions {
		defs[v.QuestionID] = fromJSON[questionDef](v.Definition)
	}
	var tags []questionTagRow
	if err := db.Where("question_id IN ?", ids).Order("tag").Find(&tags).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	byQ := map[int64][]string{}
	for _, t := range tags {
		byQ[t.QuestionID] = append(byQ[t.QuestionID], t.Tag)
	}
	out := make([]Question, len(rows))
	for i, r := range rows {
		def := defs[r.ID]
		t := byQ[r.ID]
		if t == nil {
			t = []string{}
		}
		out[i] = Question{ID: r.ID, CourseID: r.CourseID, CategoryID: r.CategoryID, Tags: t, ExternalID: r.ExternalID,
			Version: r.CurrentVersion, Content: def.QuestionContent, Scenario: def.Scenario, UpdatedAt: r.UpdatedAt.UTC()}
	}
	return out, nil
}

// QuestionFilter selects questions of a course's bank.
type QuestionFilter struct {
	CourseID   int64
	CategoryID int64
	Tag        string
	Type       QuestionType
	Offset     int
	Limit      int
}

// ListQuestions lists a course's questions, newest first.
func (s *Service) ListQuestions(ctx context.Context, p *accounts.Principal, f QuestionFilter) ([]Question, int64, error) {
	if _, err := s.editableCourse(ctx, p, f.CourseID); err != nil {
		return nil, 0, err
	}
	q := s.db.WithContext(ctx).Model(&questionRow{}).Where("course_id = ?", f.CourseID)
	if f.CategoryID > 0 {
		q = q.Where("category_id = ?", f.CategoryID)
	}
	if f.Type != "" {
		q = q.Where("type = ?", string(f.Type))
	}
	if tag := strings.ToLower(strings.TrimSpace(f.Tag)); tag != "" {
		q = q.Where("id IN (?)", s.db.Model(&questionTagRow{}).Select("question_id").Where("tag = ?", tag))
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, apperr.Internal(err)
	}
	var ids []int64
	if err := q.Order("id DESC").Offset(f.Offset).Limit(f.Limit).Pluck("id", &ids).Error; err != nil {
		return nil, 0, apperr.Internal(err)
	}
	qs, err := s.questionsByIDs(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	slices.Reverse(qs)
	return qs, total, nil
}

// version returns a question version, parsed once and cached: versions never change.
func (s *Service) version(ctx context.Context, tx *gorm.DB, id int64) (*storedVersion, error) {
	if v, ok := s.versions.Load(id); ok {
		return v.(*storedVersion), nil
	}
	if tx == nil {
		tx = s.db.WithContext(ctx)
	}
	var row questionVersionRow
	if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, err
	}
	v := &storedVersion{ID: row.ID, QuestionID: row.QuestionID, Version: row.Version, Def: fromJSON[questionDef](row.Definition)}
	s.versions.Store(id, v)
	return v, nil
}
