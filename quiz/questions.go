package quiz

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prepoznaj/prepoznaj/apperr"
)

// QuestionType names the kinds of question the engine grades.
type QuestionType string

const (
	TypeIdentification QuestionType = "indicator_identification"
	TypeCaseAssessment QuestionType = "case_assessment"
	TypeSingleChoice   QuestionType = "single_choice"
	TypeMultipleChoice QuestionType = "multiple_choice"
	TypeTrueFalse      QuestionType = "true_false"
	TypeOrdering       QuestionType = "ordering"
	TypeMatching       QuestionType = "matching"
)

// QuestionTypes lists every type.
var QuestionTypes = []QuestionType{TypeIdentification, TypeCaseAssessment, TypeSingleChoice, TypeMultipleChoice, TypeTrueFalse, TypeOrdering, TypeMatching}

func (t QuestionType) needsScenario() bool { return t == TypeIdentification || t == TypeCaseAssessment }

// Option is an answer of a choice question, with its Moodle-style fraction in −1..1.
type Option struct {
	ID       string  `json:"id"`
	Text     Text    `json:"text"`
	Fraction float64 `json:"fraction"`
	Feedback Text    `json:"feedback"`
}

// Item is a step of an ordering question.
type Item struct {
	ID   string `json:"id"`
	Text Text   `json:"text"`
}

// QuestionContent is what an author writes, one struct for every type; only the fields of the
// question's type may be set. The right answer of an identification or case assessment question
// is the scenario's, never typed in here.
type QuestionContent struct {
	Type            QuestionType `json:"type"`
	Title           string       `json:"title"`
	Stem            Text         `json:"stem"`
	GeneralFeedback Text         `json:"general_feedback"`
	ScenarioID      *int64       `json:"scenario_id,omitempty"`
	// Indicator identification.
	Distractors      []string `json:"distractors,omitempty"`
	Critical         []string `json:"critical,omitempty"`
	CriticalCap      *float64 `json:"critical_cap,omitempty"`
	FalseAlarmWeight *float64 `json:"false_alarm_weight,omitempty"`
	// Case assessment.
	OutcomeShare *float64 `json:"outcome_share,omitempty"`
	// Single and multiple choice.
	Options []Option `json:"options,omitempty"`
	// True/false.
	Answer        *bool `json:"answer,omitempty"`
	FeedbackTrue  Text  `json:"feedback_true"`
	FeedbackFalse Text  `json:"feedback_false"`
	// Ordering: the items in the right order.
	Items []Item `json:"items,omitempty"`
	// Matching: the right pairs, and right-hand choices that match nothing. Pairs and extra
	// rights name their items by id; MatchTexts gives an item's text per language (a learner
	// sees it in their own language and script). An id without a text is shown as itself, a
	// catalogue code with its name.
	Pairs       []MatchPair     `json:"pairs,omitempty"`
	ExtraRights []string        `json:"extra_rights,omitempty"`
	MatchTexts  map[string]Text `json:"match_texts,omitempty"`
}

// questionDef is one stored version: the content plus a snapshot of its scenario, so grading
// and review never depend on rows that may change later.
type questionDef struct {
	QuestionContent
	Scenario *Scenario `json:"scenario,omitempty"`
}

// storedVersion is a parsed question version, cached by id.
type storedVersion struct {
	ID         int64
	QuestionID int64
	Version    int
	Def        questionDef
}

// QuestionInput creates or edits a question of a course's bank.
type QuestionInput struct {
	CourseID   int64
	CategoryID *int64
	Tags       []string
	ExternalID string
	Content    QuestionContent
}

// Question is a bank question at its current version.
type Question struct {
	ID         int64           `json:"id"`
	CourseID   int64           `json:"course_id"`
	CategoryID *int64          `json:"category_id"`
	Tags       []string        `json:"tags"`
	ExternalID string          `json:"external_id"`
	Version    int             `json:"version"`
	Content    QuestionContent `json:"content"`
	Scenario   *Scenario       `json:"scenario,omitempty"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

// Category groups a course's questions; quizzes draw random questions from one.
type Category struct {
	ID       int64  `json:"id"`
	CourseID int64  `json:"course_id"`
	Name     string `json:"name"`
}

const (
	maxTags      = 20
	maxTagLen    = 50
	maxOptions   = 50
	maxStem      = 20_000
	maxShortText = 2_000
)

// normaliseTags trims, lowercases and deduplicates tags.
func normaliseTags(tags []string) []string {
	out := []string{}
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// validateContent checks a question against its type and the catalogue; sc is its scenario (nil
// when it has none). Field errors are named under "content".
func validateContent(c QuestionContent, sc *Scenario, cat *Catalogue) error {
	var fields []apperr.FieldError
	add := func(field, code, msg string) { fields = append(fields, apperr.Field("content."+field, code, msg)) }
	if !slices.Contains(QuestionTypes, c.Type) {
		add("type", "not_allowed", "must be one of: "+joinTypes())
		return invalid(fields...)
	}
	if utf8.RuneCountInString(c.Title) > 200 {
		add("title", "too_long", "must have at most 200 characters")
	}
	textField(&fields, "content.stem", c.Stem, true, maxStem)
	checkMarkdown(&fields, "content.stem", c.Stem)
	textField(&fields, "content.general_feedback", c.GeneralFeedback, false, maxStem)
	// Fields of other types must stay empty: a distractor on a choice question would be ignored,
	// and an author should know.
	notFor := func(set bool, field string) {
		if set {
			add(field, "not_allowed", fmt.Sprintf("is not used by %s questions", c.Type))
		}
	}
	t := c.Type
	notFor(t != TypeIdentification && (len(c.Distractors) > 0 || len(c.Critical) > 0 || c.CriticalCap != nil || c.FalseAlarmWeight != nil), "distractors")
	notFor(t != TypeCaseAssessment && c.OutcomeShare != nil, "outcome_share")
	notFor(t != TypeSingleChoice && t != TypeMultipleChoice && len(c.Options) > 0, "options")
	notFor(t != TypeTrueFalse && (c.Answer != nil || c.FeedbackTrue != (Text{}) || c.FeedbackFalse != (Text{})), "answer")
	notFor(t != TypeOrdering && len(c.Items) > 0, "items")
	notFor(t != TypeMatching && (len(c.Pairs) > 0 || len(c.ExtraRights) > 0 || len(c.MatchTexts) > 0), "pairs")
	if t.needsScenario() && c.ScenarioID == nil {
		add("scenario_id", "required", "an identification or case assessment question needs a scenario")
	}
	if t == TypeTrueFalse && c.Answer == nil {
		add("answer", "required", "say whether the statement is true")
	}
	if len(c.Options) > maxOptions || len(c.Items) > maxOptions || len(c.Pairs) > maxOptions || len(c.Distractors) > 100 {
		add("options", "too_long", fmt.Sprintf("at most %d options, items or pairs", maxOptions))
	}
	for i, o := range c.Options {
		textField(&fields, fmt.Sprintf("content.options.%d.text", i), o.Text, true, maxShortText)
		textField(&fields, fmt.Sprintf("content.options.%d.feedback", i), o.Feedback, false, maxShortText)
	}
	for i, it := range c.Items {
		textField(&fields, fmt.Sprintf("content.items.%d.text", i), it.Text, true, maxShortText)
	}
	if len(c.MatchTexts) > 0 {
		used := map[string]bool{}
		for _, p := range c.Pairs {
			used[p.Left], used[p.Right] = true, true
		}
		for _, r := range c.ExtraRights {
			used[r] = true
		}
		ids := make([]string, 0, len(c.MatchTexts))
		for id := range c.MatchTexts {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			if !used[id] {
				add("match_texts."+id, "unknown_item", "names no left or right item of the pairs or extra_rights")
				continue
			}
			textField(&fields, "content.match_texts."+id, c.MatchTexts[id], true, maxShortText)
		}
	}
	if len(fields) > 0 {
		return invalid(fields...)
	}
	var problems []string
	if err := c.gradingCheck(sc, cat); err != nil {
		var qe *QuestionError
		if errors.As(err, &qe) {
			problems = qe.Problems
		} else {
			problems = []string{err.Error()}
		}
	}
	if t == TypeIdentification {
		for _, code := range c.Distractors {
			if !cat.HasCode(code) {
				problems = append(problems, fmt.Sprintf("distractor %q is neither an indicator nor a sign", code))
			}
		}
	}
	for _, msg := range problems {
		fields = append(fields, apperr.Field("content", "invalid_question", msg))
	}
	if len(fields) > 0 {
		return unprocessable(fields...)
	}
	return nil
}

func joinTypes() string {
	s := make([]string, len(QuestionTypes))
	for i, t := range QuestionTypes {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// gradingCheck validates the definition with the pure graders' own rules.
func (c QuestionContent) gradingCheck(sc *Scenario, cat *Catalogue) error {
	d := questionDef{QuestionContent: c, Scenario: sc}
	switch c.Type {
	case TypeIdentification:
		return d.identification(LangSR).Validate()
	case TypeCaseAssessment:
		_, err := Assess(cat, sc.List, sc.Present)
		return err
	case TypeSingleChoice, TypeMultipleChoice:
		return d.choice(LangSR).Validate()
	case TypeOrdering:
		return d.ordering().Validate()
	case TypeMatching:
		return d.matching().Validate()
	}
	return nil
}

// The grading structs of a definition, in one language (feedback and evidence are per language).

func (d *questionDef) identification(lang string) IdentificationQuestion {
	q := IdentificationQuestion{Distractors: d.Distractors, Critical: d.Critical, CriticalCap: d.CriticalCap, FalseAlarmWeight: d.FalseAlarmWeight}
	if d.Scenario != nil {
		q.Present = d.Scenario.Present
		q.Evidence = d.Scenario.Evidence.For(d.Scenario.narrativeLang(lang))
	}
	return q
}

func (d *questionDef) caseAssessment() CaseAssessmentQuestion {
	q := CaseAssessmentQuestion{OutcomeShare: d.OutcomeShare}
	if d.Scenario != nil {
		q.List, q.Present = d.Scenario.List, d.Scenario.Present
	}
	return q
}

func (d *questionDef) choice(lang string) ChoiceQuestion {
	q := ChoiceQuestion{Multiple: d.Type == TypeMultipleChoice, Options: make([]ChoiceOption, len(d.Options))}
	for i, o := range d.Options {
		q.Options[i] = ChoiceOption{ID: o.ID, Fraction: o.Fraction, Feedback: o.Feedback.In(lang)}
	}
	return q
}

func (d *questionDef) trueFalse(lang string) TrueFalseQuestion {
	q := TrueFalseQuestion{FeedbackTrue: d.FeedbackTrue.In(lang), FeedbackFalse: d.FeedbackFalse.In(lang)}
	if d.Answer != nil {
		q.Answer = *d.Answer
	}
	return q
}

func (d *questionDef) ordering() OrderingQuestion {
	q := OrderingQuestion{Items: make([]string, len(d.Items))}
	for i, it := range d.Items {
		q.Items[i] = it.ID
	}
	return q
}

func (d *questionDef) matching() MatchingQuestion {
	return MatchingQuestion{Pairs: d.Pairs, ExtraRights: d.ExtraRights}
}

// narrativeLang is lang when the scenario's narrative has it, else the other language.
func (sc *Scenario) narrativeLang(lang string) string {
	if lang == LangEN && sc.Narrative.EN == "" {
		return LangSR
	}
	if lang == LangSR && sc.Narrative.SR == "" {
		return LangEN
	}
	return lang
}

// In returns the text in lang, falling back to the other language when it is missing.
func (t Text) In(lang string) string {
	if lang == LangEN {
		if t.EN != "" {
			return t.EN
		}
		return t.SR
	}
	if t.SR != "" {
		return t.SR
	}
	return t.EN
}
