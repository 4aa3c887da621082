package quiz

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
)

// Response is a learner's answer to one question; only the fields of the question's type may be
// set. There is no score field: the server computes every mark.
type Response struct {
	Selected           []string    `json:"selected,omitempty"`
	Outcome            Outcome     `json:"outcome,omitempty"`
	PositiveDimensions []string    `json:"positive_dimensions,omitempty"`
	Answer             *bool       `json:"answer,omitempty"`
	Order              []string    `json:"order,omitempty"`
	Pairs              []MatchPair `json:"pairs,omitempty"`
}

// layout is the order an attempt shows a question's parts in, fixed when the attempt starts.
type layout struct {
	// Choices: option ids, candidate codes or ordering items, in shown order.
	Choices []string `json:"choices,omitempty"`
	Lefts   []string `json:"lefts,omitempty"`
	Rights  []string `json:"rights,omitempty"`
}

var (
	errAttemptSubmitted = apperr.Conflict("attempt_submitted", "The attempt has been submitted; answers can no longer change.")
	errDeadlinePassed   = apperr.Conflict("deadline_passed", "The time for this attempt is over; it was submitted with the answers saved before the deadline.")
)

// checkFields refuses response fields another question type uses.
func (r Response) checkFields(t QuestionType) error {
	allowed := map[QuestionType][]string{
		TypeIdentification: {"selected"}, TypeSingleChoice: {"selected"}, TypeMultipleChoice: {"selected"},
		TypeCaseAssessment: {"outcome", "positive_dimensions"}, TypeTrueFalse: {"answer"},
		TypeOrdering: {"order"}, TypeMatching: {"pairs"},
	}[t]
	set := map[string]bool{
		"selected": r.Selected != nil, "outcome": r.Outcome != "", "positive_dimensions": r.PositiveDimensions != nil,
		"answer": r.Answer != nil, "order": r.Order != nil, "pairs": r.Pairs != nil,
	}
	var fields []apperr.FieldError
	for _, name := range []string{"selected", "outcome", "positive_dimensions", "answer", "order", "pairs"} {
		if set[name] && !slices.Contains(allowed, name) {
			fields = append(fields, apperr.Field(name, "not_allowed", fmt.Sprintf("is not an answer to a %s question", t)))
		}
	}
	if len(fields) > 0 {
		return invalid(fields...)
	}
	return nil
}

// grade marks a response with the pure graders.
func (d *questionDef) grade(cat *Catalogue, lang string, r Response) (Mark, error) {
	switch d.Type {
	case TypeIdentification:
		return GradeIndicatorIdentification(d.identification(lang), IdentificationResponse{Selected: r.Selected})
	case TypeCaseAssessment:
		return GradeCaseAssessment(cat, d.caseAssessment(), CaseAssessmentResponse{Outcome: r.Outcome, PositiveDimensions: r.PositiveDimensions})
	case TypeSingleChoice, TypeMultipleChoice:
		return GradeChoice(d.choice(lang), ChoiceResponse{Selected: r.Selected})
	case TypeTrueFalse:
		return GradeTrueFalse(d.trueFalse(lang), TrueFalseResponse{Answer: r.Answer})
	case TypeOrdering:
		return GradeOrdering(d.ordering(), OrderingResponse{Order: r.Order})
	case TypeMatching:
		return GradeMatching(d.matching(), MatchingResponse{Pairs: r.Pairs})
	}
	return Mark{}, fmt.Errorf("quiz: unknown question type %q", d.Type)
}

// responseError maps a grader's *ResponseError to a 422 naming each bad value.
func responseError(err error, t QuestionType, r Response) error {
	var re *ResponseError
	if !errors.As(err, &re) {
		return apperr.Wrap(err)
	}
	field := map[QuestionType]string{TypeCaseAssessment: "positive_dimensions", TypeOrdering: "order", TypeMatching: "pairs"}[t]
	if field == "" {
		field = "selected"
	}
	fields := make([]apperr.FieldError, len(re.Problems))
	for i, p := range re.Problems {
		f := field
		if t == TypeCaseAssessment && p.Value == string(r.Outcome) {
			f = "outcome"
		}
		fields[i] = apperr.Field(f, p.Problem, fmt.Sprintf("%q: %s", p.Value, p.Problem))
	}
	return apperr.Unprocessable("invalid_response", "The answer names options this question does not have.", fields...)
}

func langOf(p *accounts.Principal) string {
	if p != nil && p.Locale == "en" {
		return LangEN
	}
	return LangSR
}

// StartAttempt starts an attempt, or returns the learner's open one (started false). The
// question order, the option order and the deadline are fixed now. The attempt number is unique
// per quiz and learner, so concurrent starts cannot exceed the attempts allowed: the loser of a
// race retries and finds the winner's attempt.
func (s *Service) StartAttempt(ctx context.Context, p *accounts.Principal, quizID int64) (*AttemptView, bool, error) {
	row, err := s.quizRow(ctx, quizID)
	if err != nil {
		return nil, false, err
	}
	ref, err := s.courses.CourseAccess(ctx, p, row.CourseID)
	if err != nil {
		if apperr.IsKind(err, apperr.KindNotFound) {
			return nil, false, errQuizNotFound
		}
		return nil, false, apperr.Wrap(err)
	}
	if row.PublicationID == nil {
		if ref.Edit {
			return nil, false, apperr.Conflict("quiz_not_published", "Publish the quiz before starting an attempt.")
		}
		return nil, false, errQuizNotFound
	}
	if !ref.Edit {
		enrolled, err := s.courses.Enrolled(ctx, p.UserID, row.CourseID)
		if err != nil {
			return nil, false, apperr.Wrap(err)
		}
		if !enrolled {
			return nil, false, apperr.Forbidden("not_enrolled", "Enrol in the course to take its quizzes.")
		}
	}
	pub, err := s.publication(ctx, row.PublicationID)
	if err != nil {
		return nil, false, err
	}
	if err := s.finishOverdue(ctx, quizID, p.UserID); err != nil {
		return nil, false, err
	}
	st := fromJSON[Settings](pub.Settings)
	var id int64
	var started bool
	for try := 0; ; try++ {
		id, started, err = s.tryStart(ctx, p, row, pub, st)
		if errors.Is(err, gorm.ErrDuplicatedKey) && try < 20 {
			continue
		}
		break
	}
	if err != nil {
		return nil, false, apperr.Wrap(err)
	}
	v, err := s.attemptView(ctx, p, id, ref.Edit)
	return v, started, err
}

func (s *Service) tryStart(ctx context.Context, p *accounts.Principal, q quizRow, pub *publicationRow, st Settings) (int64, bool, error) {
	now := s.clock()
	var open attemptRow
	err := s.db.WithContext(ctx).Where("quiz_id = ? AND user_id = ? AND state = ?", q.ID, p.UserID, StateOpen).Order("id").Limit(1).Find(&open).Error
	if err != nil {
		return 0, false, err
	}
	if open.ID != 0 {
		return open.ID, false, nil
	}
	if st.OpenAt != nil && now.Before(*st.OpenAt) {
		return 0, false, apperr.Conflict("quiz_not_open", "The quiz is not open yet.")
	}
	if st.CloseAt != nil && !now.Before(*st.CloseAt) {
		return 0, false, apperr.Conflict("quiz_closed", "The quiz is closed.")
	}
	questions, maxPoints, err := s.drawQuestions(ctx, pub, st, langOf(p))
	if err != nil {
		return 0, false, err
	}
	a := attemptRow{QuizID: q.ID, PublicationID: pub.ID, CourseID: q.CourseID, UserID: p.UserID, State: StateOpen,
		Lang: langOf(p), Profession: p.Profession, StartedAt: now, MaxPoints: maxPoints, UpdatedAt: now}
	if p.InstitutionID != 0 {
		a.InstitutionID = pointer(p.InstitutionID)
	}
	if st.TimeLimitSeconds > 0 {
		a.Deadline = pointer(now.Add(time.Duration(st.TimeLimitSeconds) * time.Second))
	}
	if st.CloseAt != nil && (a.Deadline == nil || st.CloseAt.Before(*a.Deadline)) {
		a.Deadline = pointer(*st.CloseAt)
	}
	cycle, err := s.courses.CycleStart(ctx, p.UserID, q.CourseID)
	if err != nil {
		return 0, false, err
	}
	started := false
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var existing []attemptRow
		if err := tx.Select("id", "number", "state", "started_at").Where("quiz_id = ? AND user_id = ?", q.ID, p.UserID).Find(&existing).Error; err != nil {
			return err
		}
		inCycle := 0
		for _, e := range existing {
			a.Number = max(a.Number, e.Number)
			if e.State == StateOpen {
				a.ID = e.ID
				return nil
			}
			if !e.StartedAt.Before(cycle) {
				inCycle++
			}
		}
		a.Number++
		if st.AttemptsAllowed > 0 && inCycle >= st.AttemptsAllowed {
			return apperr.Conflict("no_attempts_left", fmt.Sprintf("All %d attempts allowed have been used.", st.AttemptsAllowed))
		}
		if err := tx.Create(&a).Error; err != nil {
			return err
		}
		for i := range questions {
			questions[i].AttemptID = a.ID
		}
		started = true
		return tx.Create(&questions).Error
	})
	return a.ID, started, err
}

// drawQuestions fills the publication's slots: random slots draw distinct questions, and the
// questions and options are shuffled as the settings say.
func (s *Service) drawQuestions(ctx context.Context, pub *publicationRow, st Settings, lang string) ([]attemptQuestionRow, float64, error) {
	slots := fromJSON[[]pinnedSlot](pub.Slots)
	used := map[int64]bool{}
	var out []attemptQuestionRow
	total := 0.0
	for _, sl := range slots {
		pool := slices.Clone(sl.Pool)
		rand.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		// Prefer questions not drawn yet; overlapping pools may leave no other choice.
		sort.SliceStable(pool, func(i, j int) bool { return !used[pool[i].QuestionID] && used[pool[j].QuestionID] })
		for _, pq := range pool[:min(sl.Count, len(pool))] {
			used[pq.QuestionID] = true
			out = append(out, attemptQuestionRow{QuestionID: pq.QuestionID, QuestionVersionID: pq.VersionID, Points: sl.Points})
			total += sl.Points
		}
	}
	if st.ShuffleQuestions {
		rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	}
	for i := range out {
		out[i].Position = i + 1
		v, err := s.version(ctx, nil, out[i].QuestionVersionID)
		if err != nil {
			return nil, 0, err
		}
		out[i].Layout = mustJSON(makeLayout(&v.Def, st.ShuffleOptions, lang))
	}
	return out, total, nil
}

// makeLayout fixes the order of a question's parts. Where the authored order would give the
// answer away (identification candidates are present-then-distractors, ordering items are the
// answer), the parts are sorted or shuffled whatever the settings say. Matching choices with
// texts of their own are sorted by their text in lang (their ids may follow the answer).
func makeLayout(d *questionDef, shuffle bool, lang string) layout {
	var l layout
	mix := func(list []string) {
		rand.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
	}
	switch d.Type {
	case TypeIdentification:
		if d.Scenario != nil {
			l.Choices = append(slices.Clone(d.Scenario.Present), d.Distractors...)
		}
		slices.Sort(l.Choices)
		if shuffle {
			mix(l.Choices)
		}
	case TypeSingleChoice, TypeMultipleChoice:
		for _, o := range d.Options {
			l.Choices = append(l.Choices, o.ID)
		}
		if shuffle {
			mix(l.Choices)
		}
	case TypeOrdering:
		right := d.ordering().Items
		l.Choices = slices.Clone(right)
		for try := 0; try < 10 && slices.Equal(l.Choices, right); try++ {
			mix(l.Choices)
		}
	case TypeMatching:
		for _, p := range d.Pairs {
			l.Lefts = append(l.Lefts, p.Left)
			if !slices.Contains(l.Rights, p.Right) {
				l.Rights = append(l.Rights, p.Right)
			}
		}
		l.Rights = append(l.Rights, d.ExtraRights...)
		sortKey := func(id string) string {
			if t, ok := d.MatchTexts[id]; ok {
				return t.In(lang)
			}
			return id
		}
		slices.SortFunc(l.Rights, func(a, b string) int { return strings.Compare(sortKey(a), sortKey(b)) })
		if shuffle {
			mix(l.Lefts)
			mix(l.Rights)
		}
	}
	return l
}

// ownAttempt loads an attempt of p's; anyone else's is not found.
func (s *Service) ownAttempt(ctx context.Context, p *accounts.Principal, id int64) (attemptRow, error) {
	var a attemptRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&a).Error; err != nil {
		if isNotFound(err) {
			return a, errAttemptNotFound
		}
		return a, apperr.Internal(err)
	}
	if a.UserID != p.UserID {
		return a, errAttemptNotFound
	}
	return a, nil
}

func overdue(a attemptRow, now time.Time) bool {
	return a.State == StateOpen && a.Deadline != nil && !now.Before(*a.Deadline)
}

// SaveAnswer stores the answer to the question at position (1-based). Saving the same answer
// again changes nothing; after the deadline or the submission it is refused. With feedback after
// each question the answer is marked and locked, and the mark comes back at once.
func (s *Service) SaveAnswer(ctx context.Context, p *accounts.Principal, attemptID int64, position int, r Response) (*AttemptQuestion, error) {
	a, err := s.ownAttempt(ctx, p, attemptID)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	if a.State != StateOpen {
		return nil, errAttemptSubmitted
	}
	if overdue(a, now) {
		if _, err := s.finish(ctx, a.ID); err != nil {
			return nil, err
		}
		return nil, errDeadlinePassed
	}
	var aq attemptQuestionRow
	if err := s.db.WithContext(ctx).Where("attempt_id = ? AND position = ?", a.ID, position).Take(&aq).Error; err != nil {
		if isNotFound(err) {
			return nil, apperr.NotFound("attempt_question_not_found", "The attempt has no question at that position.")
		}
		return nil, apperr.Internal(err)
	}
	v, err := s.version(ctx, nil, aq.QuestionVersionID)
	if err != nil {
		return nil, apperr.Internal(err)
	}
	if err := r.checkFields(v.Def.Type); err != nil {
		return nil, err
	}
	pub, err := s.publication(ctx, &a.PublicationID)
	if err != nil {
		return nil, err
	}
	cat, _, err := s.Catalogue(ctx, pub.CatalogueVersion)
	if err != nil {
		return nil, err
	}
	mark, err := v.Def.grade(cat, a.Lang, r)
	if err != nil {
		return nil, responseError(err, v.Def.Type, r)
	}
	st := fromJSON[Settings](pub.Settings)
	lock := st.FeedbackTiming == FeedbackAfterEach
	resp := mustJSON(r)
	var refused error
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Touching the attempt row first serialises this save with a submit of the same attempt:
		// the answer is either in the grading or refused, never lost in between.
		res := tx.Model(&attemptRow{}).Where("id = ? AND state = ? AND (deadline IS NULL OR deadline > ?)", a.ID, StateOpen, now).
			Update("updated_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			refused = errAttemptSubmitted
			return nil
		}
		if err := tx.Where("id = ?", aq.ID).Take(&aq).Error; err != nil {
			return err
		}
		if aq.Locked {
			if aq.Response != nil && *aq.Response == resp {
				return nil // the same answer again: nothing changes
			}
			return apperr.Conflict("answer_locked", "This answer was checked and can no longer change.")
		}
		updates := map[string]any{"response": resp, "saved_at": now, "locked": lock}
		aq.Response, aq.SavedAt, aq.Locked = &resp, &now, lock
		if lock {
			m := mustJSON(mark)
			updates["fraction"], updates["mark"] = mark.Fraction, m
			aq.Fraction, aq.Mark = &mark.Fraction, &m
		}
		return tx.Model(&attemptQuestionRow{}).Where("id = ?", aq.ID).Updates(updates).Error
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	if refused != nil {
		// Submitted meanwhile, or the deadline passed: then submit it now.
		fresh, err := s.ownAttempt(ctx, p, a.ID)
		if err != nil {
			return nil, err
		}
		if fresh.State == StateSubmitted {
			return nil, errAttemptSubmitted
		}
		if _, err := s.finish(ctx, a.ID); err != nil {
			return nil, err
		}
		return nil, errDeadlinePassed
	}
	vc, err := s.viewContext(ctx, p, a, false)
	if err != nil {
		return nil, err
	}
	q := vc.question(aq)
	return &q, nil
}

// SubmitAttempt submits and grades p's attempt. Submitting again returns the same result;
// concurrent submits grade once.
func (s *Service) SubmitAttempt(ctx context.Context, p *accounts.Principal, id int64) (*AttemptView, error) {
	a, err := s.ownAttempt(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if a.State == StateOpen {
		if _, err := s.finish(ctx, a.ID); err != nil {
			return nil, err
		}
	}
	return s.attemptView(ctx, p, id, false)
}

// GetAttempt returns an attempt to its learner, or to the course's authors, with the review the
// settings allow. An overdue attempt is submitted first.
func (s *Service) GetAttempt(ctx context.Context, p *accounts.Principal, id int64) (*AttemptView, error) {
	var a attemptRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&a).Error; err != nil {
		if isNotFound(err) {
			return nil, errAttemptNotFound
		}
		return nil, apperr.Internal(err)
	}
	author := false
	if a.UserID != p.UserID {
		ref, err := s.courses.CourseAccess(ctx, p, a.CourseID)
		if err != nil || !ref.Edit {
			if err != nil && !apperr.IsKind(err, apperr.KindNotFound) {
				return nil, apperr.Wrap(err)
			}
			return nil, errAttemptNotFound
		}
		author = true
	}
	if overdue(a, s.clock()) {
		if _, err := s.finish(ctx, a.ID); err != nil {
			return nil, err
		}
	}
	return s.attemptView(ctx, p, id, author)
}
