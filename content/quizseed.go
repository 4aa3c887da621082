package content

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
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
func QuizFiles(slug string) ([]QuizFile, error) { return QuizFilesIn(Courses(), slug) }

// QuizFilesIn reads and parses the quiz files of a course of fsys, in file-name order.
func QuizFilesIn(fsys fs.FS, slug string) ([]QuizFile, error) {
	names, err := fs.Glob(fsys, path.Join(slug, "quiz", "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []QuizFile
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
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
		ContentWarning: sf.ContentWarning, Narrative: sf.Narrative, Present: sf.Present, NextStep: sf.NextStep}
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

// MatchID names a matching item by its texts ("L-" or "R-" and a short hash), so that equal
// right-hand texts are one item and the ids give nothing of the answer away.
func MatchID(side string, t quiz.Text) string {
	h := sha256.Sum256([]byte(t.SR + "\x00" + t.EN))
	return side + "-" + hex.EncodeToString(h[:5])
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
		c.MatchTexts = map[string]quiz.Text{}
		for _, p := range qf.Pairs {
			l, r := MatchID("L", p.Left), MatchID("R", p.Right)
			c.Pairs = append(c.Pairs, quiz.MatchPair{Left: l, Right: r})
			c.MatchTexts[l], c.MatchTexts[r] = p.Left, p.Right
		}
		for _, t := range qf.ExtraRights {
			r := MatchID("R", t)
			c.ExtraRights = append(c.ExtraRights, r)
			c.MatchTexts[r] = t
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
// adds the required ones to the course's completion rule. A quiz seeded before is found again by
// the external ids of its questions and brought up to date: a changed scenario or question gets
// a new version (attempts keep the versions they started with), a changed quiz its new
// settings and slots, and the quiz is published again; a quiz whose files did not change is
// left alone.
func seedQuizzes(ctx context.Context, s Services, p *accounts.Principal, fsys fs.FS, slug string, courseID int64) ([]ItemReport, error) {
	files, err := QuizFilesIn(fsys, slug)
	if err != nil || len(files) == 0 {
		return nil, err
	}
	cat, _, err := s.Quiz.Catalogue(ctx, 0)
	if err != nil {
		return nil, err
	}
	bank, err := seededQuestions(ctx, s, p, courseID)
	if err != nil {
		return nil, err
	}
	quizzes, err := s.Quiz.ListQuizzes(ctx, p, courseID)
	if err != nil {
		return nil, err
	}
	draft, err := s.Courses.GetDraft(ctx, p, courseID)
	if err != nil {
		return nil, err
	}
	var out []ItemReport
	rule := append([]courses.QuizRequirement{}, draft.Completion.Quizzes...)
	ruleChanged := false
	for _, qf := range files {
		it := ItemReport{Kind: "quiz", Key: slug + "/" + qf.Key}
		if len(qf.Questions) == 0 {
			return out, fmt.Errorf("quiz %s has no questions", qf.Key)
		}
		if qf.Module < 1 || qf.Module > len(draft.Modules) {
			return out, fmt.Errorf("quiz %s: module %d is not in the course", qf.Key, qf.Module)
		}
		moduleID := draft.Modules[qf.Module-1].ID
		existing := findQuiz(quizzes, bank, slug, qf.Key)
		if existing == nil {
			quizID, err := createQuiz(ctx, s, p, cat, slug, courseID, moduleID, qf)
			if err != nil {
				return out, fmt.Errorf("quiz %s: %w", qf.Key, err)
			}
			it.ID, it.Action = quizID, Created
		} else {
			it.ID = existing.ID
			changed, err := updateQuiz(ctx, s, p, cat, slug, courseID, moduleID, qf, existing, bank)
			if err != nil {
				return out, fmt.Errorf("quiz %s: %w", qf.Key, err)
			}
			it.Action = Unchanged
			if changed {
				it.Action = Updated
			}
		}
		out = append(out, it)
		i := slices.IndexFunc(rule, func(r courses.QuizRequirement) bool { return r.QuizID == it.ID })
		switch {
		case qf.Completion.Required && i < 0:
			rule = append(rule, courses.QuizRequirement{QuizID: it.ID, MinScore: qf.Completion.MinScore})
			ruleChanged = true
		case qf.Completion.Required && rule[i].MinScore != qf.Completion.MinScore:
			rule[i].MinScore = qf.Completion.MinScore
			ruleChanged = true
		case !qf.Completion.Required && i >= 0:
			rule = slices.Delete(rule, i, i+1)
			ruleChanged = true
		}
	}
	if !ruleChanged {
		return out, nil
	}
	in := courses.RuleInput{MinAttendedHours: draft.Completion.MinAttendedHours, Quizzes: rule}
	if _, err := s.Courses.UpdateCourse(ctx, p, courseID, courses.CoursePatch{Version: draft.Version, Rule: &in}); err != nil {
		return out, fmt.Errorf("completion rule: %w", err)
	}
	if _, err := s.Courses.Publish(ctx, p, courseID); err != nil {
		return out, fmt.Errorf("publish with the quiz requirements: %w", err)
	}
	return out, nil
}

// findQuiz finds the quiz seeded from a quiz file: the one whose draft holds a question with
// the file's external id prefix.
func findQuiz(quizzes []quiz.QuizView, bank map[string]quiz.Question, slug, quizKey string) *quiz.QuizView {
	prefix := ExternalID(slug, quizKey, "")
	ids := map[int64]bool{}
	for ext, q := range bank {
		if strings.HasPrefix(ext, prefix) {
			ids[q.ID] = true
		}
	}
	for i, qv := range quizzes {
		if qv.Draft == nil {
			continue
		}
		for _, sl := range qv.Draft.Slots {
			if sl.QuestionID != nil && ids[*sl.QuestionID] {
				return &quizzes[i]
			}
		}
	}
	return nil
}

// seededQuestions maps the external ids of a course's bank questions to the questions.
func seededQuestions(ctx context.Context, s Services, p *accounts.Principal, courseID int64) (map[string]quiz.Question, error) {
	out := map[string]quiz.Question{}
	for offset := 0; ; {
		qs, total, err := s.Quiz.ListQuestions(ctx, p, quiz.QuestionFilter{CourseID: courseID, Offset: offset, Limit: 100})
		if err != nil {
			return nil, err
		}
		for _, q := range qs {
			if q.ExternalID != "" {
				out[q.ExternalID] = q
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
		slots = append(slots, quiz.Slot{QuestionID: pointer(created.ID), Points: q.points()})
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

func (qf QuestionFile) points() float64 {
	if qf.Points == 0 {
		return 1
	}
	return qf.Points
}

func pointer[T any](v T) *T { return &v }

// updateQuiz brings a seeded quiz up to date with its file and reports whether anything changed.
func updateQuiz(ctx context.Context, s Services, p *accounts.Principal, cat *quiz.Catalogue, slug string, courseID, moduleID int64,
	qf QuizFile, existing *quiz.QuizView, bank map[string]quiz.Question) (bool, error) {
	changed := false
	// Scenarios: a scenario is known by the questions built on it.
	scenarioIDs := map[string]int64{}
	scenarios := map[string]ScenarioFile{}
	for _, q := range qf.Questions {
		if b, ok := bank[ExternalID(slug, qf.Key, q.Key)]; ok && q.Scenario != "" && b.Content.ScenarioID != nil {
			if _, seen := scenarioIDs[q.Scenario]; !seen {
				scenarioIDs[q.Scenario] = *b.Content.ScenarioID
			}
		}
	}
	for _, sf := range qf.Scenarios {
		scenarios[sf.Key] = sf
		in, err := sf.Input(cat, courseID)
		if err != nil {
			return changed, err
		}
		id, ok := scenarioIDs[sf.Key]
		if !ok {
			sc, err := s.Quiz.CreateScenario(ctx, p, in)
			if err != nil {
				return changed, fmt.Errorf("scenario %s: %w", sf.Key, describe(err))
			}
			scenarioIDs[sf.Key], changed = sc.ID, true
			continue
		}
		cur, err := s.Quiz.GetScenario(ctx, p, id)
		if err != nil {
			return changed, fmt.Errorf("scenario %s: %w", sf.Key, err)
		}
		if sameScenario(cur, in) {
			continue
		}
		// The edit reaches every question built on the scenario as a new version.
		if _, err := s.Quiz.UpdateScenario(ctx, p, id, cur.Version, in); err != nil {
			return changed, fmt.Errorf("scenario %s: %w", sf.Key, describe(err))
		}
		changed = true
	}
	// Questions, read again: a scenario edit gave some of them new versions.
	var slots []quiz.Slot
	for _, q := range qf.Questions {
		c, err := q.Content(scenarioIDs, scenarios)
		if err != nil {
			return changed, err
		}
		ext := ExternalID(slug, qf.Key, q.Key)
		b, ok := bank[ext]
		if !ok {
			created, err := s.Quiz.CreateQuestion(ctx, p, quiz.QuestionInput{CourseID: courseID, ExternalID: ext, Tags: []string{qf.Key}, Content: c})
			if err != nil {
				return changed, fmt.Errorf("question %s: %w", q.Key, describe(err))
			}
			slots = append(slots, quiz.Slot{QuestionID: pointer(created.ID), Points: q.points()})
			changed = true
			continue
		}
		cur, err := s.Quiz.GetQuestion(ctx, p, b.ID, 0)
		if err != nil {
			return changed, fmt.Errorf("question %s: %w", q.Key, err)
		}
		c.Title = strings.TrimSpace(c.Title)
		if !sameJSON(cur.Content, c) || string(cur.Content.Type) != string(c.Type) {
			if cur.Content.Type != c.Type {
				return changed, fmt.Errorf("question %s: its type changed from %s to %s; give it a new key", q.Key, cur.Content.Type, c.Type)
			}
			if _, err := s.Quiz.UpdateQuestion(ctx, p, b.ID, cur.Version, quiz.QuestionInput{CourseID: courseID, CategoryID: cur.CategoryID,
				ExternalID: ext, Tags: cur.Tags, Content: c}); err != nil {
				return changed, fmt.Errorf("question %s: %w", q.Key, describe(err))
			}
			changed = true
		}
		slots = append(slots, quiz.Slot{QuestionID: pointer(b.ID), Points: q.points()})
	}
	// The quiz itself: settings, module and slots.
	d := existing.Draft
	want := qf.QuizSettings().Normalised()
	if !sameJSON(d.Settings, want) || existing.ModuleID != moduleID || !sameSlots(d.Slots, slots) {
		if _, err := s.Quiz.UpdateQuiz(ctx, p, existing.ID, d.Version, quiz.QuizInput{ModuleID: moduleID, Settings: want, Slots: slots}); err != nil {
			return changed, describe(err)
		}
		changed = true
	}
	if changed || existing.Publication == nil {
		if _, err := s.Quiz.PublishQuiz(ctx, p, existing.ID); err != nil {
			return true, fmt.Errorf("publish: %w", describe(err))
		}
		changed = true
	}
	return changed, nil
}

// sameScenario reports whether a stored scenario already says what in says.
func sameScenario(cur *quiz.Scenario, in quiz.ScenarioInput) bool {
	trim := func(t quiz.Text) quiz.Text {
		return quiz.Text{SR: strings.TrimSpace(t.SR), EN: strings.TrimSpace(t.EN)}
	}
	evidence := func(e quiz.EvidenceByLanguage) quiz.EvidenceByLanguage {
		if e.SR == nil {
			e.SR = []quiz.EvidencePassage{}
		}
		if e.EN == nil {
			e.EN = []quiz.EvidencePassage{}
		}
		return e
	}
	type view struct {
		Title, ContentWarning, Narrative, NextStep quiz.Text
		AgeGroup                                   quiz.AgeGroup
		Exploitation                               string
		Professions, Present                       []string
		Evidence                                   quiz.EvidenceByLanguage
	}
	a := view{trim(cur.Title), cur.ContentWarning, cur.Narrative, trim(cur.NextStep), cur.AgeGroup, cur.Exploitation, cur.Professions, cur.Present, evidence(cur.Evidence)}
	b := view{trim(in.Title), in.ContentWarning, in.Narrative, trim(in.NextStep), in.AgeGroup, in.Exploitation, in.Professions, in.Present, evidence(in.Evidence)}
	return sameJSON(a, b)
}

func sameSlots(a, b []quiz.Slot) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].QuestionID == nil || b[i].QuestionID == nil || *a[i].QuestionID != *b[i].QuestionID || a[i].Points != b[i].Points {
			return false
		}
	}
	return true
}

func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}
