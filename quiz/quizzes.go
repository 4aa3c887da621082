package quiz

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
)

// Grading methods across a learner's attempts.
const (
	GradeHighest = "highest"
	GradeLast    = "last"
	GradeFirst   = "first"
	GradeAverage = "average"
)

// When feedback is shown.
const (
	FeedbackAfterEach   = "after_each"   // each answer is checked, marked and locked when saved
	FeedbackAfterSubmit = "after_submit" // nothing is marked before the attempt is submitted
)

// When a part of the review is shown.
const (
	ShowAfterSubmit = "after_submit"
	ShowAfterClose  = "after_close"
	ShowNever       = "never"
)

// ReviewSettings says when a learner sees each part of an attempt's review.
type ReviewSettings struct {
	// Marks: the score, the per-question marks and the overall feedback.
	Marks string `json:"marks"`
	// Feedback: general feedback and the feedback on the learner's own choices.
	Feedback string `json:"feedback"`
	// RightAnswers: the answer key with every indicator's evidence and the rule's reasoning.
	RightAnswers string `json:"right_answers"`
}

// FeedbackBand is overall feedback for scores at or above MinScore (0..1).
type FeedbackBand struct {
	MinScore float64 `json:"min_score"`
	Text     Text    `json:"text"`
}

// Settings are a quiz's rules. Publishing freezes them with the questions.
type Settings struct {
	Title            Text           `json:"title"`
	Description      Text           `json:"description"`
	PassMark         float64        `json:"pass_mark"`
	AttemptsAllowed  int            `json:"attempts_allowed"`
	GradingMethod    string         `json:"grading_method"`
	TimeLimitSeconds int            `json:"time_limit_seconds"`
	OpenAt           *time.Time     `json:"open_at"`
	CloseAt          *time.Time     `json:"close_at"`
	ShuffleQuestions bool           `json:"shuffle_questions"`
	ShuffleOptions   bool           `json:"shuffle_options"`
	FeedbackTiming   string         `json:"feedback_timing"`
	Review           ReviewSettings `json:"review"`
	OverallFeedback  []FeedbackBand `json:"overall_feedback"`
}

// Slot is a place in a quiz: a fixed question, or Count questions drawn at random from a
// category or a tag of the course's bank, each worth Points.
type Slot struct {
	QuestionID *int64  `json:"question_id,omitempty"`
	CategoryID *int64  `json:"category_id,omitempty"`
	Tag        string  `json:"tag,omitempty"`
	Count      int     `json:"count,omitempty"`
	Points     float64 `json:"points"`
}

// pinnedSlot is a slot as published: the question versions it may draw from.
type pinnedSlot struct {
	Points float64          `json:"points"`
	Count  int              `json:"count"`
	Pool   []pinnedQuestion `json:"pool"`
}

type pinnedQuestion struct {
	QuestionID int64 `json:"question_id"`
	VersionID  int64 `json:"version_id"`
}

// QuizInput creates or edits a quiz.
type QuizInput struct {
	ModuleID int64
	Settings Settings
	Slots    []Slot
}

// Publication describes the published form of a quiz.
type Publication struct {
	Number           int       `json:"number"`
	CatalogueVersion int       `json:"catalogue_version"`
	PublishedAt      time.Time `json:"published_at"`
	Questions        int       `json:"questions"`
}

// QuizDraft is what authors edit: the settings and slots learners get at the next publication.
type QuizDraft struct {
	Version   int       `json:"version"`
	Settings  Settings  `json:"settings"`
	Slots     []Slot    `json:"slots"`
	UpdatedAt time.Time `json:"updated_at"`
}

// QuizView is a quiz as the principal may see it: the published settings for everyone who may
// see the course, the draft for its authors, and the learner's own standing.
type QuizView struct {
	ID          int64        `json:"id"`
	CourseID    int64        `json:"course_id"`
	ModuleID    int64        `json:"module_id"`
	Title       Text         `json:"title"`
	Settings    *Settings    `json:"settings"`
	Publication *Publication `json:"publication"`
	Draft       *QuizDraft   `json:"draft,omitempty"`
	Me          *MyStanding  `json:"me,omitempty"`
}

const (
	maxSlots       = 200
	maxTimeLimit   = 7 * 24 * 3600
	maxAttempts    = 100
	maxSlotPoints  = 1000
	maxRandomCount = 100
)

func (st *Settings) applyDefaults() {
	if st.GradingMethod == "" {
		st.GradingMethod = GradeHighest
	}
	if st.FeedbackTiming == "" {
		st.FeedbackTiming = FeedbackAfterSubmit
	}
	for _, w := range []*string{&st.Review.Marks, &st.Review.Feedback, &st.Review.RightAnswers} {
		if *w == "" {
			*w = ShowAfterSubmit
		}
	}
	if st.OverallFeedback == nil {
		st.OverallFeedback = []FeedbackBand{}
	}
	st.Title = trimText(st.Title)
	if st.OpenAt != nil {
		st.OpenAt = pointer(st.OpenAt.UTC().Truncate(time.Second))
	}
	if st.CloseAt != nil {
		st.CloseAt = pointer(st.CloseAt.UTC().Truncate(time.Second))
	}
	sort.SliceStable(st.OverallFeedback, func(i, j int) bool { return st.OverallFeedback[i].MinScore > st.OverallFeedback[j].MinScore })
}

// Normalised returns the settings as a quiz stores them (defaults filled in, bands sorted), so
// that callers can tell whether an edit would change anything.
func (st Settings) Normalised() Settings {
	st.OverallFeedback = slices.Clone(st.OverallFeedback)
	st.applyDefaults()
	return st
}

func (st Settings) validate() []apperr.FieldError {
	var fields []apperr.FieldError
	textField(&fields, "title", st.Title, true, 200)
	textField(&fields, "description", st.Description, false, maxStem)
	if st.PassMark < 0 || st.PassMark > 1 {
		fields = append(fields, apperr.Field("pass_mark", "out_of_range", "must be between 0 and 1"))
	}
	if st.AttemptsAllowed < 0 || st.AttemptsAllowed > maxAttempts {
		fields = append(fields, apperr.Field("attempts_allowed", "out_of_range", fmt.Sprintf("must be 0 (unlimited) to %d", maxAttempts)))
	}
	if !slices.Contains([]string{GradeHighest, GradeLast, GradeFirst, GradeAverage}, st.GradingMethod) {
		fields = append(fields, apperr.Field("grading_method", "not_allowed", "must be one of: highest, last, first, average"))
	}
	if st.TimeLimitSeconds < 0 || st.TimeLimitSeconds > maxTimeLimit {
		fields = append(fields, apperr.Field("time_limit_seconds", "out_of_range", fmt.Sprintf("must be 0 (none) to %d", maxTimeLimit)))
	}
	if st.OpenAt != nil && st.CloseAt != nil && !st.CloseAt.After(*st.OpenAt) {
		fields = append(fields, apperr.Field("close_at", "out_of_range", "must be after open_at"))
	}
	if st.FeedbackTiming != FeedbackAfterEach && st.FeedbackTiming != FeedbackAfterSubmit {
		fields = append(fields, apperr.Field("feedback_timing", "not_allowed", "must be one of: after_each, after_submit"))
	}
	for name, w := range map[string]string{"review.marks": st.Review.Marks, "review.feedback": st.Review.Feedback, "review.right_answers": st.Review.RightAnswers} {
		if w != ShowAfterSubmit && w != ShowAfterClose && w != ShowNever {
			fields = append(fields, apperr.Field(name, "not_allowed", "must be one of: after_submit, after_close, never"))
		}
	}
	if len(st.OverallFeedback) > 20 {
		fields = append(fields, apperr.Field("overall_feedback", "too_long", "must have at most 20 bands"))
	}
	for i, b := range st.OverallFeedback {
		if b.MinScore < 0 || b.MinScore > 1 {
			fields = append(fields, apperr.Field(fmt.Sprintf("overall_feedback.%d.min_score", i), "out_of_range", "must be between 0 and 1"))
		}
		if i > 0 && b.MinScore == st.OverallFeedback[i-1].MinScore {
			fields = append(fields, apperr.Field(fmt.Sprintf("overall_feedback.%d.min_score", i), "duplicate", "two bands start at the same score"))
		}
		textField(&fields, fmt.Sprintf("overall_feedback.%d.text", i), b.Text, true, maxShortText)
	}
	sort.Slice(fields, func(i, j int) bool { return fields[i].Field < fields[j].Field })
	return fields
}

// checkSlots validates slots against the course's bank.
func (s *Service) checkSlots(tx *gorm.DB, courseID int64, slots []Slot) error {
	var fields []apperr.FieldError
	if len(slots) > maxSlots {
		return invalid(apperr.Field("slots", "too_long", fmt.Sprintf("must have at most %d slots", maxSlots)))
	}
	var fixed []int64
	for i := range slots {
		sl := &slots[i]
		sl.Tag = strings.ToLower(strings.TrimSpace(sl.Tag))
		name := fmt.Sprintf("slots.%d", i)
		if sl.Points == 0 {
			sl.Points = 1
		}
		if sl.Points < 0 || sl.Points > maxSlotPoints {
			fields = append(fields, apperr.Field(name+".points", "out_of_range", fmt.Sprintf("must be above 0 and at most %d", maxSlotPoints)))
		}
		random := sl.CategoryID != nil || sl.Tag != ""
		switch {
		case sl.QuestionID != nil && random:
			fields = append(fields, apperr.Field(name, "invalid", "a slot holds either question_id or a random draw (category_id and/or tag), not both"))
		case sl.QuestionID == nil && !random:
			fields = append(fields, apperr.Field(name, "required", "name question_id, or category_id and/or tag to draw from"))
		case sl.QuestionID != nil:
			if sl.Count > 1 {
				fields = append(fields, apperr.Field(name+".count", "not_allowed", "a fixed question fills one slot"))
			}
			sl.Count = 1
			fixed = append(fixed, *sl.QuestionID)
		default:
			if sl.Count == 0 {
				sl.Count = 1
			}
			if sl.Count < 0 || sl.Count > maxRandomCount {
				fields = append(fields, apperr.Field(name+".count", "out_of_range", fmt.Sprintf("must be 1 to %d", maxRandomCount)))
			}
		}
	}
	if len(fields) > 0 {
		return invalid(fields...)
	}
	for i, sl := range slots {
		name := fmt.Sprintf("slots.%d", i)
		if sl.QuestionID != nil {
			var n int64
			if err := tx.Model(&questionRow{}).Where("id = ? AND course_id = ?", *sl.QuestionID, courseID).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				fields = append(fields, apperr.Field(name+".question_id", "not_found", "no such question in this course's bank"))
			}
		}
		if sl.CategoryID != nil {
			var n int64
			if err := tx.Model(&categoryRow{}).Where("id = ? AND course_id = ?", *sl.CategoryID, courseID).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				fields = append(fields, apperr.Field(name+".category_id", "not_found", "no such category in this course's bank"))
			}
		}
	}
	for i, id := range fixed {
		if slices.Index(fixed, id) < i {
			fields = append(fields, apperr.Field("slots", "duplicate", fmt.Sprintf("question %d is in two slots", id)))
		}
	}
	if len(fields) > 0 {
		return unprocessable(fields...)
	}
	return nil
}

// quizView maps a quiz; the draft is included for authors only.
func quizView(r quizRow, pub *publicationRow, author bool) QuizView {
	q := QuizView{ID: r.ID, CourseID: r.CourseID, ModuleID: r.ModuleID}
	if pub != nil {
		st := fromJSON[Settings](pub.Settings)
		q.Settings, q.Publication, q.Title = &st, pub.info(), st.Title
	}
	if author {
		draft := fromJSON[Settings](r.Settings)
		q.Draft = &QuizDraft{Version: r.Version, Settings: draft, Slots: fromJSON[[]Slot](r.Slots), UpdatedAt: r.UpdatedAt.UTC()}
		q.Title = draft.Title
	}
	return q
}

func (p *publicationRow) info() *Publication {
	n := 0
	for _, sl := range fromJSON[[]pinnedSlot](p.Slots) {
		n += sl.Count
	}
	return &Publication{Number: p.Number, CatalogueVersion: p.CatalogueVersion, PublishedAt: p.PublishedAt.UTC(), Questions: n}
}

// CreateQuiz adds a quiz to a module; it is a draft until published.
func (s *Service) CreateQuiz(ctx context.Context, p *accounts.Principal, in QuizInput) (*QuizView, error) {
	if in.ModuleID <= 0 {
		return nil, invalid(apperr.Field("module_id", "required", "is required"))
	}
	courseID, err := s.courses.ModuleCourse(ctx, in.ModuleID)
	if err != nil {
		if apperr.IsKind(err, apperr.KindNotFound) {
			return nil, unprocessable(apperr.Field("module_id", "not_found", "no such module"))
		}
		return nil, apperr.Wrap(err)
	}
	if _, err := s.editableCourse(ctx, p, courseID); err != nil {
		return nil, unprocessable(apperr.Field("module_id", "not_found", "no such module"))
	}
	in.Settings.applyDefaults()
	if fields := in.Settings.validate(); len(fields) > 0 {
		return nil, invalid(fields...)
	}
	if in.Slots == nil {
		in.Slots = []Slot{}
	}
	now := s.clock()
	row := quizRow{CourseID: courseID, ModuleID: in.ModuleID, Version: 1, CreatedBy: actor(p), CreatedAt: now, UpdatedAt: now}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.checkSlots(tx, courseID, in.Slots); err != nil {
			return err
		}
		row.Settings, row.Slots = mustJSON(in.Settings), mustJSON(in.Slots)
		return tx.Create(&row).Error
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	q := quizView(row, nil, true)
	return &q, nil
}

// UpdateQuiz replaces a quiz's draft settings and slots (expectVersion guards against lost
// updates). Learners keep taking the published form until the quiz is published again.
func (s *Service) UpdateQuiz(ctx context.Context, p *accounts.Principal, id int64, expectVersion int, in QuizInput) (*QuizView, error) {
	row, _, err := s.editableQuiz(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if in.ModuleID != 0 && in.ModuleID != row.ModuleID {
		courseID, err := s.courses.ModuleCourse(ctx, in.ModuleID)
		if err != nil || courseID != row.CourseID {
			return nil, unprocessable(apperr.Field("module_id", "not_found", "no such module in this quiz's course"))
		}
	} else {
		in.ModuleID = row.ModuleID
	}
	in.Settings.applyDefaults()
	if fields := in.Settings.validate(); len(fields) > 0 {
		return nil, invalid(fields...)
	}
	if in.Slots == nil {
		in.Slots = []Slot{}
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.checkSlots(tx, row.CourseID, in.Slots); err != nil {
			return err
		}
		res := tx.Model(&quizRow{}).Where("id = ? AND version = ?", id, expectVersion).Updates(map[string]any{
			"module_id": in.ModuleID, "settings": mustJSON(in.Settings), "slots": mustJSON(in.Slots),
			"version": expectVersion + 1, "updated_at": s.clock(),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.Conflict("version_conflict", "The quiz was changed by someone else; reload it and apply your edit again.")
		}
		return nil
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return s.GetQuiz(ctx, p, id)
}

// editableQuiz loads a quiz p may author, with its course.
func (s *Service) editableQuiz(ctx context.Context, p *accounts.Principal, id int64) (quizRow, CourseRef, error) {
	row, err := s.quizRow(ctx, id)
	if err != nil {
		return row, CourseRef{}, err
	}
	ref, err := s.editableCourse(ctx, p, row.CourseID)
	if err != nil {
		return row, ref, errQuizNotFound
	}
	return row, ref, nil
}

func (s *Service) quizRow(ctx context.Context, id int64) (quizRow, error) {
	var row quizRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		if isNotFound(err) {
			return row, errQuizNotFound
		}
		return row, apperr.Internal(err)
	}
	return row, nil
}

func (s *Service) publication(ctx context.Context, id *int64) (*publicationRow, error) {
	if id == nil {
		return nil, nil
	}
	var pub publicationRow
	if err := s.db.WithContext(ctx).Where("id = ?", *id).Take(&pub).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	return &pub, nil
}

// PublishQuiz freezes the quiz: its settings, the current version of every question its slots
// may use, and the current catalogue version, which grades its attempts from now on.
func (s *Service) PublishQuiz(ctx context.Context, p *accounts.Principal, id int64) (*QuizView, error) {
	row, _, err := s.editableQuiz(ctx, p, id)
	if err != nil {
		return nil, err
	}
	cat, catVersion, err := s.Catalogue(ctx, 0)
	if err != nil {
		return nil, err
	}
	slots := fromJSON[[]Slot](row.Slots)
	if len(slots) == 0 {
		return nil, unprocessable(apperr.Field("slots", "required", "a quiz needs at least one question to be published"))
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		pinned, err := s.pinSlots(ctx, tx, row.CourseID, slots, cat)
		if err != nil {
			return err
		}
		var max *int
		if err := tx.Model(&publicationRow{}).Where("quiz_id = ?", id).Select("MAX(number)").Scan(&max).Error; err != nil {
			return err
		}
		number := 1
		if max != nil {
			number = *max + 1
		}
		pub := publicationRow{QuizID: id, Number: number, CatalogueVersion: catVersion, Settings: row.Settings,
			Slots: mustJSON(pinned), PublishedBy: actor(p), PublishedAt: s.clock()}
		if err := tx.Create(&pub).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return apperr.Conflict("publish_conflict", "The quiz was published by someone else at the same moment.")
			}
			return err
		}
		// The draft did not change: its updated_at stays.
		return tx.Model(&quizRow{}).Where("id = ?", id).UpdateColumn("publication_id", pub.ID).Error
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return s.GetQuiz(ctx, p, id)
}

// pinSlots resolves each slot to the current versions of the questions it may use, and checks
// every one grades against the catalogue the publication will use.
func (s *Service) pinSlots(ctx context.Context, tx *gorm.DB, courseID int64, slots []Slot, cat *Catalogue) ([]pinnedSlot, error) {
	var fields []apperr.FieldError
	out := make([]pinnedSlot, len(slots))
	fixed := map[int64]bool{}
	for _, sl := range slots {
		if sl.QuestionID != nil {
			fixed[*sl.QuestionID] = true
		}
	}
	for i, sl := range slots {
		q := tx.Model(&questionRow{}).Where("course_id = ?", courseID)
		switch {
		case sl.QuestionID != nil:
			q = q.Where("id = ?", *sl.QuestionID)
		default:
			if sl.CategoryID != nil {
				q = q.Where("category_id = ?", *sl.CategoryID)
			}
			if sl.Tag != "" {
				q = q.Where("id IN (?)", tx.Session(&gorm.Session{NewDB: true}).Model(&questionTagRow{}).Select("question_id").Where("tag = ?", sl.Tag))
			}
		}
		var rows []questionRow
		if err := q.Order("id").Find(&rows).Error; err != nil {
			return nil, err
		}
		pool := make([]pinnedQuestion, 0, len(rows))
		for _, r := range rows {
			if sl.QuestionID == nil && fixed[r.ID] {
				continue // a random draw never repeats a fixed question
			}
			var v questionVersionRow
			if err := tx.Where("question_id = ? AND version = ?", r.ID, r.CurrentVersion).Take(&v).Error; err != nil {
				return nil, err
			}
			def := fromJSON[questionDef](v.Definition)
			if err := def.gradingCheck(def.Scenario, cat); err != nil {
				fields = append(fields, apperr.Field(fmt.Sprintf("slots.%d", i), "invalid_question",
					fmt.Sprintf("question %d cannot be graded with the current catalogue: %v", r.ID, err)))
				continue
			}
			if def.Type == TypeIdentification {
				for _, code := range append(append([]string{}, def.Scenario.Present...), def.Distractors...) {
					if !cat.HasCode(code) {
						fields = append(fields, apperr.Field(fmt.Sprintf("slots.%d", i), "invalid_question",
							fmt.Sprintf("question %d names %q, which the current catalogue does not have", r.ID, code)))
					}
				}
			}
			pool = append(pool, pinnedQuestion{QuestionID: r.ID, VersionID: v.ID})
		}
		if len(pool) < sl.Count {
			fields = append(fields, apperr.Field(fmt.Sprintf("slots.%d", i), "too_few_questions",
				fmt.Sprintf("the slot draws %d questions but only %d are available", sl.Count, len(pool))))
		}
		out[i] = pinnedSlot{Points: sl.Points, Count: sl.Count, Pool: pool}
	}
	if len(fields) > 0 {
		return nil, unprocessable(fields...)
	}
	return out, nil
}
