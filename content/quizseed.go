package content

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/courses"
	"github.com/prepoznaj/prepoznaj/quiz"
)

// QuizFile is one quiz/<key>.yaml of a course (layout in content/README.md).
type QuizFile struct {
	Key        string `yaml:"key"`
	Module     int    `yaml:"module"`
	Completion struct {
		Required bool    `yaml:"required"`
		MinScore float64 `yaml:"min_score"`
	} `yaml:"completion"`
	Title       quiz.Text `yaml:"title"`
	Description quiz.Text `yaml:"description"`
	Settings    struct {
		PassMark         float64 `yaml:"pass_mark"`
		AttemptsAllowed  int     `yaml:"attempts_allowed"`
		GradingMethod    string  `yaml:"grading_method"`
		TimeLimitMinutes int     `yaml:"time_limit_minutes"`
		ShuffleQuestions bool    `yaml:"shuffle_questions"`
		ShuffleOptions   bool    `yaml:"shuffle_options"`
		FeedbackTiming   string  `yaml:"feedback_timing"`
		OverallFeedback  []struct {
			MinScore float64   `yaml:"min_score"`
			Text     quiz.Text `yaml:"text"`
		} `yaml:"overall_feedback"`
	} `yaml:"settings"`
	Scenarios []ScenarioFile `yaml:"scenarios"`
	Questions []QuestionFile `yaml:"questions"`
}

// ScenarioFile is a case of a quiz file.
type ScenarioFile struct {
	Key            string    `yaml:"key"`
	Title          quiz.Text `yaml:"title"`
	Narrative      quiz.Text `yaml:"narrative"`
	AgeGroup       string    `yaml:"age_group"`
	List           string    `yaml:"list"`
	Professions    []string  `yaml:"professions"`
	ContentWarning quiz.Text `yaml:"content_warning"`
	Present        []string  `yaml:"present"`
	Distractors    []string  `yaml:"distractors"`
	Evidence       []struct {
		Code  string    `yaml:"code"`
		Quote quiz.Text `yaml:"quote"`
	} `yaml:"evidence"`
	ExpectedOutcome string    `yaml:"expected_outcome"`
	NextStep        quiz.Text `yaml:"next_step"`
}

// QuestionFile is a question of a quiz file.
type QuestionFile struct {
	Key             string    `yaml:"key"`
	Type            string    `yaml:"type"`
	Points          float64   `yaml:"points"`
	Stem            quiz.Text `yaml:"stem"`
	GeneralFeedback quiz.Text `yaml:"general_feedback"`
	Scenario        string    `yaml:"scenario"`
	Critical        []string  `yaml:"critical"`
	Options         []struct {
		Key      string    `yaml:"key"`
		Text     quiz.Text `yaml:"text"`
		Fraction float64   `yaml:"fraction"`
		Feedback quiz.Text `yaml:"feedback"`
	} `yaml:"options"`
	Answer        *bool     `yaml:"answer"`
	FeedbackTrue  quiz.Text `yaml:"feedback_true"`
	FeedbackFalse quiz.Text `yaml:"feedback_false"`
	Items         []struct {
		Key  string    `yaml:"key"`
		Text quiz.Text `yaml:"text"`
	} `yaml:"items"`
	Pairs []struct {
		Left  quiz.Text `yaml:"left"`
		Right quiz.Text `yaml:"right"`
	} `yaml:"pairs"`
	ExtraRights []quiz.Text `yaml:"extra_rights"`
}

// QuizFiles reads and parses the quiz files of an embedded course, in file-name order.
func QuizFiles(slug string) ([]QuizFile, error) {
	names, err := fs.Glob(Courses(), path.Join(slug, "quiz", "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []QuizFile
	for _, name := range names {
		b, err := fs.ReadFile(Courses(), name)
		if err != nil {
			return nil, err
		}
		var qf QuizFile
		dec := yaml.NewDecoder(strings.NewReader(string(b)))
		dec.KnownFields(true)
		if err := dec.Decode(&qf); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if qf.Key == "" || qf.Key != strings.TrimSuffix(path.Base(name), ".yaml") {
			return nil, fmt.Errorf("%s: key %q must match the file name", name, qf.Key)
		}
		out = append(out, qf)
	}
	return out, nil
}

// ExternalID names a seeded question in the bank, so later runs find it.
func ExternalID(slug, quizKey, questionKey string) string {
	return "content:" + slug + "/" + quizKey + "/" + questionKey
}

// Evidence turns quotes into code-point offsets; each quote must occur exactly once in its
// narrative.
func Evidence(narrative, code, quote string) (quiz.EvidencePassage, error) {
	if quote == "" {
		return quiz.EvidencePassage{}, fmt.Errorf("evidence for %s: empty quote", code)
	}
	if n := strings.Count(narrative, quote); n != 1 {
		return quiz.EvidencePassage{}, fmt.Errorf("evidence for %s: %q occurs %d times in the narrative, want once", code, quote, n)
	}
	i := strings.Index(narrative, quote)
	start := utf8.RuneCountInString(narrative[:i])
	return quiz.EvidencePassage{Indicator: code, Start: start, End: start + utf8.RuneCountInString(quote), Quote: quote}, nil
}

// ScenarioInput turns a scenario file into the quiz service's input, checking its evidence and
// its expected outcome against the catalogue's rule.
func (sf ScenarioFile) Input(cat *quiz.Catalogue, courseID int64) (quiz.ScenarioInput, error) {
	age := quiz.AgeGroup(sf.AgeGroup)
	exploitation := strings.TrimPrefix(sf.List, sf.AgeGroup+"-")
	if quiz.ListFor(age, exploitation) != quiz.List(sf.List) {
		return quiz.ScenarioInput{}, fmt.Errorf("scenario %s: list %q does not fit age group %q", sf.Key, sf.List, sf.AgeGroup)
	}
	in := quiz.ScenarioInput{CourseID: courseID, Title: sf.Title, AgeGroup: age, Exploitation: exploitation, Professions: sf.Professions,
		ContentWarning: sf.ContentWarning, Narrative: sf.Narrative, Present: sf.Present}
	for _, e := range sf.Evidence {
		sr, err := Evidence(sf.Narrative.SR, e.Code, e.Quote.SR)
		if err != nil {
			return in, fmt.Errorf("scenario %s (sr): %w", sf.Key, err)
		}
		en, err := Evidence(sf.Narrative.EN, e.Code, e.Quote.EN)
		if err != nil {
			return in, fmt.Errorf("scenario %s (en): %w", sf.Key, err)
		}
		in.Evidence.SR = append(in.Evidence.SR, sr)
		in.Evidence.EN = append(in.Evidence.EN, en)
	}
	for _, code := range append(append([]string{}, sf.Present...), sf.Distractors...) {
		if !cat.HasCode(code) {
			return in, fmt.Errorf("scenario %s: %s is not in the catalogue", sf.Key, code)
		}
	}
	a, err := quiz.Assess(cat, quiz.List(sf.List), sf.Present)
	if err != nil {
		return in, fmt.Errorf("scenario %s: %w", sf.Key, err)
	}
	if string(a.Outcome) != sf.ExpectedOutcome {
		return in, fmt.Errorf("scenario %s: expected_outcome %q, but the rule gives %q", sf.Key, sf.ExpectedOutcome, a.Outcome)
	}
	return in, nil
}

// both shows a text in both languages where the quiz stores only one (matching pairs).
func both(t quiz.Text) string {
	if t.EN == "" || t.EN == t.SR {
		return t.SR
	}
	return t.SR + " / " + t.EN
}

// Content turns a question file into the quiz service's question content.
func (qf QuestionFile) Content(scenarioIDs map[string]int64, scenarios map[string]ScenarioFile) (quiz.QuestionContent, error) {
	c := quiz.QuestionContent{Title: qf.Key, Stem: qf.Stem, GeneralFeedback: qf.GeneralFeedback}
	scenario := func() error {
		id, ok := scenarioIDs[qf.Scenario]
		if !ok {
			return fmt.Errorf("question %s: no scenario %q in this quiz file", qf.Key, qf.Scenario)
		}
		c.ScenarioID = &id
		return nil
	}
	switch qf.Type {
	case "identification":
		c.Type = quiz.TypeIdentification
		if err := scenario(); err != nil {
			return c, err
		}
		c.Distractors = scenarios[qf.Scenario].Distractors
		c.Critical = qf.Critical
	case "case_assessment":
		c.Type = quiz.TypeCaseAssessment
		if err := scenario(); err != nil {
			return c, err
		}
	case "single_choice", "multiple_choice":
		c.Type = quiz.QuestionType(qf.Type)
		for _, o := range qf.Options {
			c.Options = append(c.Options, quiz.Option{ID: o.Key, Text: o.Text, Fraction: o.Fraction, Feedback: o.Feedback})
		}
	case "true_false":
		c.Type = quiz.TypeTrueFalse
		c.Answer, c.FeedbackTrue, c.FeedbackFalse = qf.Answer, qf.FeedbackTrue, qf.FeedbackFalse
	case "ordering":
		c.Type = quiz.TypeOrdering
		for _, it := range qf.Items {
			c.Items = append(c.Items, quiz.Item{ID: it.Key, Text: it.Text})
		}
	case "matching":
		c.Type = quiz.TypeMatching
		for _, p := range qf.Pairs {
			c.Pairs = append(c.Pairs, quiz.MatchPair{Left: both(p.Left), Right: both(p.Right)})
		}
		for _, r := range qf.ExtraRights {
			c.ExtraRights = append(c.ExtraRights, both(r))
		}
	default:
		return c, fmt.Errorf("question %s: unknown type %q", qf.Key, qf.Type)
	}
	return c, nil
}

// Settings turns the file's settings into the quiz service's.
func (qf QuizFile) QuizSettings() quiz.Settings {
	st := quiz.Settings{Title: qf.Title, Description: qf.Description, PassMark: qf.Settings.PassMark,
		AttemptsAllowed: qf.Settings.AttemptsAllowed, GradingMethod: qf.Settings.GradingMethod,
		TimeLimitSeconds: qf.Settings.TimeLimitMinutes * 60, ShuffleQuestions: qf.Settings.ShuffleQuestions,
		ShuffleOptions: qf.Settings.ShuffleOptions, FeedbackTiming: qf.Settings.FeedbackTiming}
	for _, b := range qf.Settings.OverallFeedback {
		st.OverallFeedback = append(st.OverallFeedback, quiz.FeedbackBand{MinScore: b.MinScore, Text: b.Text})
	}
	return st
}

// seedQuizzes creates a course's quizzes with their scenarios and questions, publishes them and
// adds the required ones to the course's completion rule. A quiz is found again by the external
// ids of its questions: one that exists is left as it is (edits to quiz files after the first
// seed are not carried over; change such a quiz in the platform).
func seedQuizzes(ctx context.Context, s Services, p *accounts.Principal, slug string, courseID int64) ([]ItemReport, error) {
	files, err := QuizFiles(slug)
	if err != nil || len(files) == 0 {
		return nil, err
	}
	cat, _, err := s.Quiz.Catalogue(ctx, 0)
	if err != nil {
		return nil, err
	}
	existing, err := seededQuestions(ctx, s, p, courseID)
	if err != nil {
		return nil, err
	}
	draft, err := s.Courses.GetDraft(ctx, p, courseID)
	if err != nil {
		return nil, err
	}
	var out []ItemReport
	var required []courses.QuizRequirement
	for _, qf := range files {
		it := ItemReport{Kind: "quiz", Key: slug + "/" + qf.Key}
		if len(qf.Questions) == 0 {
			return out, fmt.Errorf("quiz %s has no questions", qf.Key)
		}
		if _, ok := existing[ExternalID(slug, qf.Key, qf.Questions[0].Key)]; ok {
			it.Action = Unchanged
			out = append(out, it)
			continue
		}
		if qf.Module < 1 || qf.Module > len(draft.Modules) {
			return out, fmt.Errorf("quiz %s: module %d is not in the course", qf.Key, qf.Module)
		}
		quizID, err := createQuiz(ctx, s, p, cat, slug, courseID, draft.Modules[qf.Module-1].ID, qf)
		if err != nil {
			return out, fmt.Errorf("quiz %s: %w", qf.Key, err)
		}
		it.ID, it.Action = quizID, Created
		out = append(out, it)
		if qf.Completion.Required {
			required = append(required, courses.QuizRequirement{QuizID: quizID, MinScore: qf.Completion.MinScore})
		}
	}
	if len(required) == 0 {
		return out, nil
	}
	rule := courses.RuleInput{MinAttendedHours: draft.Completion.MinAttendedHours, Quizzes: append(append([]courses.QuizRequirement{}, draft.Completion.Quizzes...), required...)}
	if _, err := s.Courses.UpdateCourse(ctx, p, courseID, courses.CoursePatch{Version: draft.Version, Rule: &rule}); err != nil {
		return out, fmt.Errorf("completion rule: %w", err)
	}
	if _, err := s.Courses.Publish(ctx, p, courseID); err != nil {
		return out, fmt.Errorf("publish with the quiz requirements: %w", err)
	}
	return out, nil
}

// seededQuestions maps the external ids of a course's bank questions to their ids.
func seededQuestions(ctx context.Context, s Services, p *accounts.Principal, courseID int64) (map[string]int64, error) {
	out := map[string]int64{}
	for offset := 0; ; {
		qs, total, err := s.Quiz.ListQuestions(ctx, p, quiz.QuestionFilter{CourseID: courseID, Offset: offset, Limit: 100})
		if err != nil {
			return nil, err
		}
		for _, q := range qs {
			if q.ExternalID != "" {
				out[q.ExternalID] = q.ID
			}
		}
		offset += len(qs)
		if len(qs) == 0 || int64(offset) >= total {
			return out, nil
		}
	}
}

func createQuiz(ctx context.Context, s Services, p *accounts.Principal, cat *quiz.Catalogue, slug string, courseID, moduleID int64, qf QuizFile) (int64, error) {
	scenarioIDs := map[string]int64{}
	scenarios := map[string]ScenarioFile{}
	for _, sf := range qf.Scenarios {
		in, err := sf.Input(cat, courseID)
		if err != nil {
			return 0, err
		}
		sc, err := s.Quiz.CreateScenario(ctx, p, in)
		if err != nil {
			return 0, fmt.Errorf("scenario %s: %w", sf.Key, describe(err))
		}
		scenarioIDs[sf.Key], scenarios[sf.Key] = sc.ID, sf
	}
	var slots []quiz.Slot
	for _, q := range qf.Questions {
		c, err := q.Content(scenarioIDs, scenarios)
		if err != nil {
			return 0, err
		}
		created, err := s.Quiz.CreateQuestion(ctx, p, quiz.QuestionInput{CourseID: courseID, ExternalID: ExternalID(slug, qf.Key, q.Key),
			Tags: []string{qf.Key}, Content: c})
		if err != nil {
			return 0, fmt.Errorf("question %s: %w", q.Key, describe(err))
		}
		points := q.Points
		if points == 0 {
			points = 1
		}
		id := created.ID
		slots = append(slots, quiz.Slot{QuestionID: &id, Points: points})
	}
	v, err := s.Quiz.CreateQuiz(ctx, p, quiz.QuizInput{ModuleID: moduleID, Settings: qf.QuizSettings(), Slots: slots})
	if err != nil {
		return 0, describe(err)
	}
	if _, err := s.Quiz.PublishQuiz(ctx, p, v.ID); err != nil {
		return v.ID, fmt.Errorf("publish: %w", describe(err))
	}
	return v.ID, nil
}
