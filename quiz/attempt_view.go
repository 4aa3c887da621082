package quiz

import (
	"context"
	"fmt"
	"html"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/lang"
	"github.com/prepoznaj/prepoznaj/markup"
)

// AttemptView is an attempt with its questions, as the viewer may see it: marks, feedback and
// right answers only when the quiz's review settings allow (authors see everything).
type AttemptView struct {
	ID               int64             `json:"id"`
	QuizID           int64             `json:"quiz_id"`
	CourseID         int64             `json:"course_id"`
	UserID           int64             `json:"user_id"`
	Number           int               `json:"number"`
	State            string            `json:"state"`
	Lang             string            `json:"lang"`
	StartedAt        time.Time         `json:"started_at"`
	Deadline         *time.Time        `json:"deadline"`
	SubmittedAt      *time.Time        `json:"submitted_at"`
	AutoSubmitted    bool              `json:"auto_submitted"`
	FeedbackTiming   string            `json:"feedback_timing"`
	CatalogueVersion int               `json:"catalogue_version"`
	MaxPoints        float64           `json:"max_points"`
	Score            *float64          `json:"score"`
	Points           *float64          `json:"points"`
	Passed           *bool             `json:"passed"`
	PassMark         *float64          `json:"pass_mark"`
	OverallFeedback  *string           `json:"overall_feedback"`
	Review           ReviewState       `json:"review"`
	Questions        []AttemptQuestion `json:"questions"`
}

// ReviewState says which parts of the review the viewer gets now.
type ReviewState struct {
	Marks        bool `json:"marks"`
	Feedback     bool `json:"feedback"`
	RightAnswers bool `json:"right_answers"`
}

// Choice is something a learner picks: an option, a candidate indicator, an ordering item or a
// dimension.
type Choice struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// ScenarioView is the case a question is built on, rendered for reading.
type ScenarioView struct {
	Title          string   `json:"title"`
	AgeGroup       AgeGroup `json:"age_group"`
	Exploitation   string   `json:"exploitation"`
	List           List     `json:"list"`
	ContentWarning string   `json:"content_warning"`
	NarrativeHTML  string   `json:"narrative_html"`
}

// AttemptQuestion is one question of an attempt.
type AttemptQuestion struct {
	Position   int               `json:"position"`
	QuestionID int64             `json:"question_id"`
	Version    int               `json:"version"`
	Type       QuestionType      `json:"type"`
	Title      string            `json:"title"`
	StemHTML   string            `json:"stem_html"`
	Points     float64           `json:"points"`
	Scenario   *ScenarioView     `json:"scenario,omitempty"`
	Choices    []Choice          `json:"choices,omitempty"`
	Lefts      []Choice          `json:"lefts,omitempty"`
	Rights     []Choice          `json:"rights,omitempty"`
	Dimensions []Choice          `json:"dimensions,omitempty"`
	Outcomes   []Outcome         `json:"outcomes,omitempty"`
	Response   *Response         `json:"response"`
	SavedAt    *time.Time        `json:"saved_at"`
	Locked     bool              `json:"locked"`
	Fraction   *float64          `json:"fraction,omitempty"`
	Feedback   *QuestionFeedback `json:"feedback,omitempty"`
	Solution   *Solution         `json:"solution,omitempty"`
}

// QuestionFeedback is the feedback on what the learner chose, without the answer key.
type QuestionFeedback struct {
	General string `json:"general"`
	// Options: the feedback of each option the learner selected.
	Options []Choice `json:"options,omitempty"`
	// Identified: each candidate the learner selected, and whether it is present in the case.
	Identified []IdentifiedCode `json:"identified,omitempty"`
	// OutcomeCorrect: for a case assessment, whether the outcome was right.
	OutcomeCorrect *bool `json:"outcome_correct,omitempty"`
}

// IdentifiedCode is one selected candidate.
type IdentifiedCode struct {
	Code  string `json:"code"`
	Found bool   `json:"found"`
}

// Solution is the answer key: the full mark (per indicator found, missed or false alarm with the
// evidence passages; the decision rule's reasoning for a case) and the narrative with every
// evidence passage highlighted.
type Solution struct {
	Mark          Mark   `json:"mark"`
	NarrativeHTML string `json:"narrative_html,omitempty"`
	// NextStepHTML is what the professional should do next in the question's case (rendered
	// Markdown in the viewer's script), when the scenario says.
	NextStepHTML string `json:"next_step_html,omitempty"`
}

type viewContext struct {
	s      *Service
	a      attemptRow
	st     Settings
	cat    *Catalogue
	locale lang.Locale
	author bool
	now    time.Time
}

func (s *Service) viewContext(ctx context.Context, p *accounts.Principal, a attemptRow, author bool) (*viewContext, error) {
	pub, err := s.publication(ctx, &a.PublicationID)
	if err != nil {
		return nil, err
	}
	cat, _, err := s.Catalogue(ctx, pub.CatalogueVersion)
	if err != nil {
		return nil, err
	}
	loc := lang.Locale(p.Locale)
	if !loc.Valid() {
		loc = lang.SerbianCyrillic
	}
	return &viewContext{s: s, a: a, st: fromJSON[Settings](pub.Settings), cat: cat, locale: loc, author: author, now: s.clock()}, nil
}

func (s *Service) attemptView(ctx context.Context, p *accounts.Principal, id int64, author bool) (*AttemptView, error) {
	var a attemptRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&a).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	vc, err := s.viewContext(ctx, p, a, author)
	if err != nil {
		return nil, err
	}
	var qs []attemptQuestionRow
	if err := s.db.WithContext(ctx).Where("attempt_id = ?", id).Order("position").Find(&qs).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	pub, _ := s.publication(ctx, &a.PublicationID)
	submitted := a.State == StateSubmitted
	v := &AttemptView{
		ID: a.ID, QuizID: a.QuizID, CourseID: a.CourseID, UserID: a.UserID, Number: a.Number, State: a.State, Lang: a.Lang,
		StartedAt: a.StartedAt.UTC(), Deadline: utcPtr(a.Deadline), SubmittedAt: utcPtr(a.SubmittedAt), AutoSubmitted: a.AutoSubmitted,
		FeedbackTiming: vc.st.FeedbackTiming, CatalogueVersion: pub.CatalogueVersion, MaxPoints: a.MaxPoints,
		Review: vc.review(submitted), Questions: make([]AttemptQuestion, len(qs)),
	}
	if v.Review.Marks {
		v.Score, v.Points, v.Passed, v.PassMark = a.Score, a.Points, a.Passed, &vc.st.PassMark
	}
	if v.Review.Feedback && a.Score != nil {
		for _, b := range vc.st.OverallFeedback { // sorted by MinScore, highest first
			if *a.Score >= b.MinScore {
				v.OverallFeedback = pointer(vc.text(b.Text))
				break
			}
		}
	}
	for i, q := range qs {
		v.Questions[i] = vc.question(q)
	}
	return v, nil
}

// review says what may be shown; done is true for a submitted attempt or a checked answer.
func (vc *viewContext) review(done bool) ReviewState {
	if vc.author {
		return ReviewState{Marks: true, Feedback: true, RightAnswers: true}
	}
	return ReviewState{
		Marks:        visible(vc.st.Review.Marks, done, vc.st, vc.now),
		Feedback:     visible(vc.st.Review.Feedback, done, vc.st, vc.now),
		RightAnswers: visible(vc.st.Review.RightAnswers, done, vc.st, vc.now),
	}
}

// text shows t in the attempt's language, in the viewer's script.
func (vc *viewContext) text(t Text) string {
	return lang.Localize(t.In(vc.a.Lang), vc.locale)
}

// script shows Serbian HTML in the viewer's script; tags and entities are ASCII, so
// transliterating rendered HTML touches only the text.
func (vc *viewContext) script(htmlText string) string { return lang.Localize(htmlText, vc.locale) }

// codeName is an indicator's or a sign's name for a candidate.
func (vc *viewContext) codeName(code string) string {
	if ind, ok := vc.cat.Indicator(code); ok {
		return vc.text(ind.Name)
	}
	if sign, ok := vc.cat.Sign(code); ok {
		return vc.text(sign.Name)
	}
	return code
}

func (vc *viewContext) question(aq attemptQuestionRow) AttemptQuestion {
	v, err := vc.s.version(context.Background(), nil, aq.QuestionVersionID)
	if err != nil {
		return AttemptQuestion{Position: aq.Position, QuestionID: aq.QuestionID, Type: "unavailable"}
	}
	d := &v.Def
	l := fromJSON[layout](aq.Layout)
	q := AttemptQuestion{
		Position: aq.Position, QuestionID: aq.QuestionID, Version: v.Version, Type: d.Type, Title: d.Title,
		StemHTML: vc.s.rendered(fmt.Sprintf("stem/%d/%s", v.ID, vc.a.Lang), d.Stem.In(vc.a.Lang), nil),
		Points:   aq.Points, SavedAt: utcPtr(aq.SavedAt), Locked: aq.Locked,
	}
	q.StemHTML = vc.script(q.StemHTML)
	if d.Scenario != nil {
		sc := d.Scenario
		nl := sc.narrativeLang(vc.a.Lang)
		q.Scenario = &ScenarioView{
			Title: vc.text(sc.Title), AgeGroup: sc.AgeGroup, Exploitation: sc.Exploitation, List: sc.List,
			ContentWarning: vc.text(sc.ContentWarning),
			NarrativeHTML:  vc.script(vc.s.rendered(fmt.Sprintf("narrative/%d/%s", v.ID, nl), sc.Narrative.In(nl), nil)),
		}
	}
	switch d.Type {
	case TypeIdentification:
		for _, code := range l.Choices {
			q.Choices = append(q.Choices, Choice{ID: code, Text: vc.codeName(code)})
		}
	case TypeSingleChoice, TypeMultipleChoice:
		for _, id := range l.Choices {
			for _, o := range d.Options {
				if o.ID == id {
					q.Choices = append(q.Choices, Choice{ID: id, Text: vc.text(o.Text)})
				}
			}
		}
	case TypeOrdering:
		for _, id := range l.Choices {
			for _, it := range d.Items {
				if it.ID == id {
					q.Choices = append(q.Choices, Choice{ID: id, Text: vc.text(it.Text)})
				}
			}
		}
	case TypeMatching:
		for _, x := range l.Lefts {
			q.Lefts = append(q.Lefts, Choice{ID: x, Text: vc.matchText(d, x)})
		}
		for _, x := range l.Rights {
			q.Rights = append(q.Rights, Choice{ID: x, Text: vc.matchText(d, x)})
		}
	case TypeCaseAssessment:
		for _, dim := range vc.cat.Dimensions {
			q.Dimensions = append(q.Dimensions, Choice{ID: dim.Code, Text: vc.text(dim.Name)})
		}
		q.Outcomes = []Outcome{OutcomeTrafficking, OutcomeExploitation, OutcomeInsufficient}
	}
	if aq.Response != nil {
		q.Response = pointer(fromJSON[Response](*aq.Response))
	}
	if aq.Mark == nil {
		return q
	}
	rs := vc.review(vc.a.State == StateSubmitted || aq.Locked)
	mark := fromJSON[Mark](*aq.Mark)
	if rs.Marks {
		q.Fraction = aq.Fraction
	}
	if rs.Feedback {
		q.Feedback = vc.feedback(d, mark)
	}
	if rs.RightAnswers {
		for i, m := range mark.Matches {
			mark.Matches[i].LeftText, mark.Matches[i].ExpectedText = vc.matchText(d, m.Left), vc.matchText(d, m.Expected)
			if m.Given != "" {
				mark.Matches[i].GivenText = vc.matchText(d, m.Given)
			}
		}
		q.Solution = &Solution{Mark: mark}
		if d.Scenario != nil {
			nl := d.Scenario.narrativeLang(vc.a.Lang)
			q.Solution.NarrativeHTML = vc.script(vc.s.highlighted(v.ID, nl, d.Scenario))
			if next := d.Scenario.NextStep.In(vc.a.Lang); next != "" {
				q.Solution.NextStepHTML = vc.script(vc.s.rendered(fmt.Sprintf("next/%d/%s", v.ID, vc.a.Lang), next, nil))
			}
		}
	}
	return q
}

// matchText shows a matching item: its own text in the attempt's language and the viewer's
// script, or else its id (a catalogue code with its name).
func (vc *viewContext) matchText(d *questionDef, id string) string {
	if t, ok := d.MatchTexts[id]; ok {
		return vc.text(t)
	}
	return vc.codeOrText(id)
}

// codeOrText names a matching item: a catalogue code shows its name after the code.
func (vc *viewContext) codeOrText(x string) string {
	if name := vc.codeName(x); name != x {
		return x + ": " + name
	}
	return x
}

// feedback keeps what a learner may see before the answer key: the general feedback, the
// feedback of their own choices, and whether each of their picks was right.
func (vc *viewContext) feedback(d *questionDef, m Mark) *QuestionFeedback {
	f := &QuestionFeedback{General: vc.text(d.GeneralFeedback)}
	for _, o := range m.Options {
		if o.Selected && o.Feedback != "" {
			f.Options = append(f.Options, Choice{ID: o.ID, Text: vc.script(o.Feedback)})
		}
	}
	if m.Identification != nil {
		for _, im := range m.Identification.Indicators {
			switch im.Outcome {
			case Found:
				f.Identified = append(f.Identified, IdentifiedCode{Code: im.Code, Found: true})
			case FalseAlarm:
				f.Identified = append(f.Identified, IdentifiedCode{Code: im.Code, Found: false})
			}
		}
	}
	if m.Case != nil {
		f.OutcomeCorrect = pointer(m.Case.OutcomeCorrect)
	}
	return f
}

// rendered renders Markdown once per key: versions never change, so neither does their HTML.
func (s *Service) rendered(key, markdown string, spans []markup.Span) string {
	if v, ok := s.htmlCache.Load(key); ok {
		return v.(string)
	}
	var out string
	h, err := markup.RenderWithHighlights(markdown, spans)
	if err != nil {
		// Authoring checks the limits, so this is text stored before a limit changed: show it
		// as plain text rather than nothing.
		out = "<p>" + html.EscapeString(markdown) + "</p>"
	} else {
		out = string(h)
	}
	s.htmlCache.Store(key, out)
	return out
}

// highlighted renders a narrative with its evidence passages marked, tagged with the indicator.
func (s *Service) highlighted(versionID int64, lang string, sc *Scenario) string {
	narrative := sc.Narrative.In(lang)
	passages := sc.Evidence.For(lang)
	spans := make([]markup.Span, 0, len(passages))
	offsets := runeOffsets(narrative)
	for _, e := range passages {
		if e.Start < 0 || e.End > len(offsets)-1 || e.Start > e.End {
			continue
		}
		spans = append(spans, markup.Span{Start: offsets[e.Start], End: offsets[e.End], Tag: e.Indicator})
	}
	return s.rendered(fmt.Sprintf("evidence/%d/%s", versionID, lang), narrative, spans)
}

// runeOffsets maps code point positions to byte offsets (one entry past the end).
func runeOffsets(s string) []int {
	out := make([]int, 0, utf8.RuneCountInString(s)+1)
	for i := range s {
		out = append(out, i)
	}
	return append(out, len(s))
}

// checkMarkdown reports Markdown the renderer refuses (too large or too complex).
func checkMarkdown(fields *[]apperr.FieldError, name string, t Text) {
	for l, v := range map[string]string{LangSR: t.SR, LangEN: t.EN} {
		if v == "" {
			continue
		}
		if _, err := markup.Render(v); err != nil {
			*fields = append(*fields, apperr.Field(name+"."+l, "invalid_markdown", strings.TrimPrefix(err.Error(), "markup: ")))
		}
	}
}
