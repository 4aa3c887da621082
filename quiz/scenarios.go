package quiz

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
)

// Exploitation kinds; with the age group they select the indicator list.
const (
	ExploitationLabour = "labour"
	ExploitationSexual = "sexual"
)

// Languages content is written in. Serbian is stored in Cyrillic; Latin is derived when shown.
const (
	LangSR = "sr"
	LangEN = "en"
)

// EvidenceByLanguage holds the evidence passages of each narrative; offsets are code points
// into that language's narrative.
type EvidenceByLanguage struct {
	SR []EvidencePassage `json:"sr"`
	EN []EvidencePassage `json:"en"`
}

func (e EvidenceByLanguage) For(lang string) []EvidencePassage {
	if lang == LangEN {
		return e.EN
	}
	return e.SR
}

// ScenarioInput is a case as its author writes it.
type ScenarioInput struct {
	CourseID       int64
	Title          Text
	AgeGroup       AgeGroup
	Exploitation   string
	Professions    []string
	ContentWarning Text
	Narrative      Text // Markdown
	Present        []string
	Evidence       EvidenceByLanguage
	// NextStep is what the professional should do next in this case, shown in review with the
	// answer key.
	NextStep Text
}

// Scenario is a stored case. Questions snapshot it into their versions, so an edit reaches
// attempts only through a new question version.
type Scenario struct {
	ID             int64              `json:"id"`
	CourseID       int64              `json:"course_id"`
	Version        int                `json:"version"`
	Title          Text               `json:"title"`
	AgeGroup       AgeGroup           `json:"age_group"`
	Exploitation   string             `json:"exploitation"`
	List           List               `json:"list"`
	Professions    []string           `json:"professions"`
	ContentWarning Text               `json:"content_warning"`
	Narrative      Text               `json:"narrative"`
	Present        []string           `json:"present"`
	Evidence       EvidenceByLanguage `json:"evidence"`
	NextStep       Text               `json:"next_step"`
	UpdatedAt      time.Time          `json:"updated_at"`
}

// ListFor names the indicator list of an age group and exploitation kind.
func ListFor(age AgeGroup, exploitation string) List {
	return List(string(age) + "-" + exploitation)
}

const maxNarrative = 50_000

func (in *ScenarioInput) normalise() {
	in.Professions = trimAll(in.Professions)
	in.Present = trimAll(in.Present)
	in.Title = trimText(in.Title)
	in.NextStep = trimText(in.NextStep)
}

func trimAll(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

func trimText(t Text) Text { return Text{SR: strings.TrimSpace(t.SR), EN: strings.TrimSpace(t.EN)} }

// textField checks a text in both languages: at least one language, each within max code points.
func textField(fields *[]apperr.FieldError, name string, t Text, required bool, max int) {
	if required && t.SR == "" && t.EN == "" {
		*fields = append(*fields, apperr.Field(name, "required", "is required in at least one language (sr or en)"))
	}
	for lang, v := range map[string]string{LangSR: t.SR, LangEN: t.EN} {
		if utf8.RuneCountInString(v) > max {
			*fields = append(*fields, apperr.Field(name+"."+lang, "too_long", fmt.Sprintf("must have at most %d characters", max)))
		}
	}
}

func (in ScenarioInput) validate(cat *Catalogue) error {
	var fields []apperr.FieldError
	textField(&fields, "title", in.Title, true, 200)
	textField(&fields, "content_warning", in.ContentWarning, false, 500)
	textField(&fields, "narrative", in.Narrative, true, maxNarrative)
	checkMarkdown(&fields, "narrative", in.Narrative)
	textField(&fields, "next_step", in.NextStep, false, maxShortText)
	checkMarkdown(&fields, "next_step", in.NextStep)
	if in.AgeGroup != Adult && in.AgeGroup != Child {
		fields = append(fields, apperr.Field("age_group", "not_allowed", "must be one of: adult, child"))
	}
	if in.Exploitation != ExploitationLabour && in.Exploitation != ExploitationSexual {
		fields = append(fields, apperr.Field("exploitation", "not_allowed", "must be one of: labour, sexual"))
	}
	if len(in.Professions) == 0 {
		fields = append(fields, apperr.Field("professions", "required", "name at least one profession"))
	}
	for i, p := range in.Professions {
		if !slices.Contains(accounts.Professions, p) || slices.Index(in.Professions, p) < i {
			fields = append(fields, apperr.Field(fmt.Sprintf("professions.%d", i), "not_allowed", "must be a distinct one of: "+strings.Join(accounts.Professions, ", ")))
		}
	}
	if len(in.Present) == 0 {
		fields = append(fields, apperr.Field("present", "required", "name the indicators or signs present in the case"))
	}
	if len(in.Present) > 100 {
		fields = append(fields, apperr.Field("present", "too_long", "must have at most 100 items"))
	}
	if len(fields) > 0 {
		return invalid(fields...)
	}

	// What follows needs the catalogue: 422, the input is well formed but names what is not there.
	if _, ok := cat.ListInfo(ListFor(in.AgeGroup, in.Exploitation)); !ok {
		fields = append(fields, apperr.Field("exploitation", "unknown_list", fmt.Sprintf("the catalogue has no list %q", ListFor(in.AgeGroup, in.Exploitation))))
	}
	for i, code := range in.Present {
		switch {
		case !cat.HasCode(code):
			fields = append(fields, apperr.Field(fmt.Sprintf("present.%d", i), "unknown_code", fmt.Sprintf("%q is neither an indicator nor a sign", code)))
		case slices.Index(in.Present, code) < i:
			fields = append(fields, apperr.Field(fmt.Sprintf("present.%d", i), "duplicate", fmt.Sprintf("%q is listed twice", code)))
		}
	}
	for _, lang := range []string{LangSR, LangEN} {
		narrative := in.Narrative.SR
		if lang == LangEN {
			narrative = in.Narrative.EN
		}
		passages := in.Evidence.For(lang)
		if len(passages) > 0 && narrative == "" {
			fields = append(fields, apperr.Field("evidence."+lang, "no_narrative", "evidence needs the narrative in the same language"))
			continue
		}
		for i, e := range passages {
			if !slices.Contains(in.Present, e.Indicator) {
				fields = append(fields, apperr.Field(fmt.Sprintf("evidence.%s.%d.indicator", lang, i), "not_present", fmt.Sprintf("%q is not among the present indicators", e.Indicator)))
			}
		}
		for _, msg := range CheckEvidence(narrative, passages) {
			fields = append(fields, apperr.Field("evidence."+lang, "quote_mismatch", msg))
		}
	}
	if len(fields) > 0 {
		return unprocessable(fields...)
	}
	return nil
}

func scenarioFromRow(r scenarioRow) Scenario {
	return Scenario{
		ID: r.ID, CourseID: r.CourseID, Version: r.Version,
		Title: fromJSON[Text](r.Title), AgeGroup: AgeGroup(r.AgeGroup), Exploitation: r.Exploitation,
		List: List(r.IndicatorList), Professions: fromJSON[[]string](r.Professions),
		ContentWarning: fromJSON[Text](r.ContentWarning), Narrative: fromJSON[Text](r.Narrative),
		Present: fromJSON[[]string](r.Present), Evidence: fromJSON[EvidenceByLanguage](r.Evidence),
		NextStep: fromJSON[Text](r.NextStep), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

func (in ScenarioInput) fill(r *scenarioRow) {
	r.Title = mustJSON(in.Title)
	r.AgeGroup = string(in.AgeGroup)
	r.Exploitation = in.Exploitation
	r.IndicatorList = string(ListFor(in.AgeGroup, in.Exploitation))
	r.Professions = mustJSON(in.Professions)
	r.ContentWarning = mustJSON(in.ContentWarning)
	r.Narrative = mustJSON(in.Narrative)
	r.Present = mustJSON(in.Present)
	if in.Evidence.SR == nil {
		in.Evidence.SR = []EvidencePassage{}
	}
	if in.Evidence.EN == nil {
		in.Evidence.EN = []EvidencePassage{}
	}
	r.Evidence = mustJSON(in.Evidence)
	r.NextStep = mustJSON(in.NextStep)
}

// CreateScenario adds a case to a course's bank.
func (s *Service) CreateScenario(ctx context.Context, p *accounts.Principal, in ScenarioInput) (*Scenario, error) {
	if _, err := s.editableCourse(ctx, p, in.CourseID); err != nil {
		return nil, err
	}
	in.normalise()
	cat, _, err := s.Catalogue(ctx, 0)
	if err != nil {
		return nil, err
	}
	if err := in.validate(cat); err != nil {
		return nil, err
	}
	now := s.clock()
	row := scenarioRow{CourseID: in.CourseID, Version: 1, CreatedBy: actor(p), CreatedAt: now, UpdatedAt: now}
	in.fill(&row)
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	sc := scenarioFromRow(row)
	return &sc, nil
}

// scenario loads a scenario p may author.
func (s *Service) scenario(ctx context.Context, p *accounts.Principal, id int64) (scenarioRow, error) {
	var row scenarioRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		if isNotFound(err) {
			return row, errScenarioNotFound
		}
		return row, apperr.Internal(err)
	}
	if _, err := s.editableCourse(ctx, p, row.CourseID); err != nil {
		return row, errScenarioNotFound
	}
	return row, nil
}

// GetScenario returns a scenario to its course's authors.
func (s *Service) GetScenario(ctx context.Context, p *accounts.Principal, id int64) (*Scenario, error) {
	row, err := s.scenario(ctx, p, id)
	if err != nil {
		return nil, err
	}
	sc := scenarioFromRow(row)
	return &sc, nil
}

// ListScenarios lists a course's scenarios, newest first.
func (s *Service) ListScenarios(ctx context.Context, p *accounts.Principal, courseID int64, offset, limit int) ([]Scenario, int64, error) {
	if _, err := s.editableCourse(ctx, p, courseID); err != nil {
		return nil, 0, err
	}
	q := s.db.WithContext(ctx).Model(&scenarioRow{}).Where("course_id = ?", courseID)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, apperr.Internal(err)
	}
	var rows []scenarioRow
	if err := q.Order("id DESC").Offset(offset).Limit(limit).Find(&rows).Error; err != nil {
		return nil, 0, apperr.Internal(err)
	}
	out := make([]Scenario, len(rows))
	for i, r := range rows {
		out[i] = scenarioFromRow(r)
	}
	return out, total, nil
}

// UpdateScenario replaces a scenario (expectVersion guards against lost updates) and gives
// every question built on it a new version with the new text, so quizzes published later use
// the edit while attempts and publications already made keep the old one.
func (s *Service) UpdateScenario(ctx context.Context, p *accounts.Principal, id int64, expectVersion int, in ScenarioInput) (*Scenario, error) {
	row, err := s.scenario(ctx, p, id)
	if err != nil {
		return nil, err
	}
	in.CourseID = row.CourseID
	in.normalise()
	cat, _, err := s.Catalogue(ctx, 0)
	if err != nil {
		return nil, err
	}
	if err := in.validate(cat); err != nil {
		return nil, err
	}
	var out Scenario
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		next := row
		in.fill(&next)
		next.Version = row.Version + 1
		next.UpdatedAt = s.clock()
		res := tx.Model(&scenarioRow{}).Where("id = ? AND version = ?", id, expectVersion).Updates(map[string]any{
			"version": next.Version, "title": next.Title, "age_group": next.AgeGroup, "exploitation": next.Exploitation,
			"indicator_list": next.IndicatorList, "professions": next.Professions, "content_warning": next.ContentWarning,
			"narrative": next.Narrative, "present": next.Present, "evidence": next.Evidence, "next_step": next.NextStep, "updated_at": next.UpdatedAt,
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.Conflict("version_conflict", "The scenario was changed by someone else; reload it and apply your edit again.")
		}
		out = scenarioFromRow(next)
		return s.refreshScenarioQuestions(ctx, tx, p, cat, &out)
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return &out, nil
}
