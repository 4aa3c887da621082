package quiz

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/csvx"
)

// Analytics summarises the submitted attempts of a quiz or of every quiz of a course: how hard
// each question is and how well it separates strong from weak learners, and which indicators
// professionals find or imagine, by profession and by institution.
type Analytics struct {
	CourseID int64  `json:"course_id"`
	QuizID   *int64 `json:"quiz_id"`
	// InstitutionID is set when the figures cover one institution's staff only (a manager's view).
	InstitutionID *int64           `json:"institution_id"`
	Attempts      int              `json:"attempts"`
	MeanScore     *float64         `json:"mean_score"`
	Questions     []QuestionStats  `json:"questions"`
	Indicators    []IndicatorStats `json:"indicators"`
}

// QuestionStats are the classical item statistics of one question (all its versions).
type QuestionStats struct {
	QuestionID int64        `json:"question_id"`
	Title      string       `json:"title"`
	Type       QuestionType `json:"type"`
	Attempts   int          `json:"attempts"`
	// Facility is the mean mark, 0..1: how easy the question is.
	Facility *float64 `json:"facility"`
	// Discrimination is the correlation (−1..1) between the mark on this question and the score
	// on the rest of the attempt, as Moodle's discrimination index; nil with fewer than three
	// attempts or no spread.
	Discrimination *float64 `json:"discrimination"`
}

// Rates count how often an indicator was found when present and selected when absent.
type Rates struct {
	Present       int      `json:"present"`
	Found         int      `json:"found"`
	DetectionRate *float64 `json:"detection_rate"`
	Distractor    int      `json:"distractor"`
	FalseAlarms   int      `json:"false_alarms"`
	FalseAlarm    *float64 `json:"false_alarm_rate"`
}

// GroupRates are the rates within one profession or institution.
type GroupRates struct {
	Key   string `json:"key"`
	Name  string `json:"name"`
	Rates Rates  `json:"rates"`
}

// IndicatorStats are the rates of one indicator or sign code in identification questions.
type IndicatorStats struct {
	Code          string       `json:"code"`
	Name          Text         `json:"name"`
	Overall       Rates        `json:"overall"`
	ByProfession  []GroupRates `json:"by_profession"`
	ByInstitution []GroupRates `json:"by_institution"`
}

// analyticsScope decides whose attempts p may see in a course: everyone's for its authors, the
// staff of their institution for a manager, nothing for anyone else (not found).
func (s *Service) analyticsScope(ctx context.Context, p *accounts.Principal, courseID int64, notFound error) (*int64, error) {
	ref, err := s.courses.CourseAccess(ctx, p, courseID)
	if err != nil {
		if apperr.IsKind(err, apperr.KindNotFound) {
			return nil, notFound
		}
		return nil, apperr.Wrap(err)
	}
	if ref.Edit {
		return nil, nil
	}
	if p.Has(accounts.RoleManager) {
		return pointer(p.InstitutionID), nil
	}
	return nil, notFound
}

// QuizAnalytics computes a quiz's analytics as p may see them.
func (s *Service) QuizAnalytics(ctx context.Context, p *accounts.Principal, quizID int64) (*Analytics, error) {
	row, err := s.quizRow(ctx, quizID)
	if err != nil {
		return nil, err
	}
	inst, err := s.analyticsScope(ctx, p, row.CourseID, errQuizNotFound)
	if err != nil {
		return nil, err
	}
	if inst != nil && row.PublicationID == nil {
		return nil, errQuizNotFound // a draft exists for its authors only
	}
	return s.analytics(ctx, row.CourseID, &quizID, inst)
}

// CourseAnalytics computes the analytics of every quiz of a course as p may see them.
func (s *Service) CourseAnalytics(ctx context.Context, p *accounts.Principal, courseID int64) (*Analytics, error) {
	inst, err := s.analyticsScope(ctx, p, courseID, errCourseNotFound)
	if err != nil {
		return nil, err
	}
	return s.analytics(ctx, courseID, nil, inst)
}

type analyticsAttempt struct {
	ID            int64
	Score         float64
	Points        float64
	MaxPoints     float64
	Profession    string
	InstitutionID *int64
}

type analyticsAnswer struct {
	AttemptID  int64
	QuestionID int64
	Points     float64
	Fraction   *float64
	Type       string
	Mark       *string
}

func (s *Service) analytics(ctx context.Context, courseID int64, quizID *int64, inst *int64) (*Analytics, error) {
	out := &Analytics{CourseID: courseID, QuizID: quizID, InstitutionID: inst, Questions: []QuestionStats{}, Indicators: []IndicatorStats{}}
	// A gorm chain is spent once executed, so the attempts query is built afresh for each use.
	scope := func() *gorm.DB {
		q := s.db.WithContext(ctx).Table("quiz_attempts").Where("course_id = ? AND state = ? AND score IS NOT NULL", courseID, StateSubmitted)
		if quizID != nil {
			q = q.Where("quiz_id = ?", *quizID)
		}
		if inst != nil {
			q = q.Where("institution_id = ?", *inst)
		}
		return q
	}
	var attempts []analyticsAttempt
	if err := scope().Select("id, score, points, max_points, profession, institution_id").Order("id").Find(&attempts).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	out.Attempts = len(attempts)
	if len(attempts) == 0 {
		return out, nil
	}
	byID := make(map[int64]*analyticsAttempt, len(attempts))
	sum := 0.0
	for i := range attempts {
		byID[attempts[i].ID] = &attempts[i]
		sum += attempts[i].Score
	}
	out.MeanScore = pointer(roundScore(sum / float64(len(attempts))))

	var answers []analyticsAnswer
	err := s.db.WithContext(ctx).Table("quiz_attempt_questions AS aq").
		Joins("JOIN quiz_questions qq ON qq.id = aq.question_id").
		Where("aq.attempt_id IN (?)", scope().Select("id")).
		Select("aq.attempt_id, aq.question_id, aq.points, aq.fraction, qq.type, CASE WHEN qq.type = ? THEN aq.mark END AS mark", string(TypeIdentification)).
		Order("aq.question_id, aq.attempt_id").Find(&answers).Error
	if err != nil {
		return nil, apperr.Internal(err)
	}
	stats, err := s.questionStats(ctx, answers, byID)
	if err != nil {
		return nil, err
	}
	out.Questions = stats
	cat, _, err := s.Catalogue(ctx, 0)
	if err != nil {
		return nil, err
	}
	out.Indicators, err = s.indicatorStats(ctx, answers, byID, cat)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) questionStats(ctx context.Context, answers []analyticsAnswer, attempts map[int64]*analyticsAttempt) ([]QuestionStats, error) {
	type series struct{ marks, rest []float64 }
	byQ := map[int64]*series{}
	types := map[int64]string{}
	var ids []int64
	for _, a := range answers {
		at := attempts[a.AttemptID]
		if at == nil || a.Fraction == nil {
			continue
		}
		sr := byQ[a.QuestionID]
		if sr == nil {
			sr = &series{}
			byQ[a.QuestionID] = sr
			ids = append(ids, a.QuestionID)
			types[a.QuestionID] = a.Type
		}
		sr.marks = append(sr.marks, *a.Fraction)
		rest := 0.0
		if restMax := at.MaxPoints - a.Points; restMax > 0 {
			rest = (at.Points - *a.Fraction*a.Points) / restMax
		}
		sr.rest = append(sr.rest, rest)
	}
	qs, err := s.questionsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	titles := map[int64]string{}
	for _, q := range qs {
		titles[q.ID] = q.Content.Title
		if titles[q.ID] == "" {
			titles[q.ID] = truncateRunes(q.Content.Stem.In(LangSR), 80)
		}
	}
	out := make([]QuestionStats, 0, len(ids))
	for _, id := range ids {
		sr := byQ[id]
		st := QuestionStats{QuestionID: id, Title: titles[id], Type: QuestionType(types[id]), Attempts: len(sr.marks)}
		st.Facility = pointer(roundScore(mean(sr.marks)))
		if r, ok := pearson(sr.marks, sr.rest); ok {
			st.Discrimination = pointer(math.Round(r*1e4) / 1e4)
		}
		out = append(out, st)
	}
	return out, nil
}

func mean(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

// pearson is the correlation coefficient; ok is false with fewer than three pairs or when either
// series does not vary.
func pearson(xs, ys []float64) (float64, bool) {
	if len(xs) < 3 {
		return 0, false
	}
	mx, my := mean(xs), mean(ys)
	var sxy, sxx, syy float64
	for i := range xs {
		dx, dy := xs[i]-mx, ys[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx < 1e-12 || syy < 1e-12 {
		return 0, false
	}
	return sxy / math.Sqrt(sxx*syy), true
}

type rateCounter struct{ present, found, distractor, falseAlarms int }

func (c *rateCounter) add(o IdentificationOutcome) {
	switch o {
	case Found:
		c.present++
		c.found++
	case Missed:
		c.present++
	case FalseAlarm:
		c.distractor++
		c.falseAlarms++
	case CorrectlyLeftOut:
		c.distractor++
	}
}

func (c *rateCounter) rates() Rates {
	r := Rates{Present: c.present, Found: c.found, Distractor: c.distractor, FalseAlarms: c.falseAlarms}
	if c.present > 0 {
		r.DetectionRate = pointer(roundScore(float64(c.found) / float64(c.present)))
	}
	if c.distractor > 0 {
		r.FalseAlarm = pointer(roundScore(float64(c.falseAlarms) / float64(c.distractor)))
	}
	return r
}

func (s *Service) indicatorStats(ctx context.Context, answers []analyticsAnswer, attempts map[int64]*analyticsAttempt, cat *Catalogue) ([]IndicatorStats, error) {
	type counters struct {
		all   rateCounter
		prof  map[string]*rateCounter
		insts map[string]*rateCounter
	}
	byCode := map[string]*counters{}
	instIDs := map[int64]bool{}
	for _, a := range answers {
		at := attempts[a.AttemptID]
		if at == nil || a.Mark == nil {
			continue
		}
		m := fromJSON[Mark](*a.Mark)
		if m.Identification == nil {
			continue
		}
		inst := "none"
		if at.InstitutionID != nil {
			inst = strconv.FormatInt(*at.InstitutionID, 10)
			instIDs[*at.InstitutionID] = true
		}
		for _, im := range m.Identification.Indicators {
			c := byCode[im.Code]
			if c == nil {
				c = &counters{prof: map[string]*rateCounter{}, insts: map[string]*rateCounter{}}
				byCode[im.Code] = c
			}
			c.all.add(im.Outcome)
			for key, m := range map[string]map[string]*rateCounter{at.Profession: c.prof, inst: c.insts} {
				if m[key] == nil {
					m[key] = &rateCounter{}
				}
				m[key].add(im.Outcome)
			}
		}
	}
	names, err := s.institutionNames(ctx, instIDs)
	if err != nil {
		return nil, err
	}
	codes := make([]string, 0, len(byCode))
	for code := range byCode {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	out := make([]IndicatorStats, 0, len(codes))
	for _, code := range codes {
		c := byCode[code]
		st := IndicatorStats{Code: code, Overall: c.all.rates(), ByProfession: groups(c.prof, nil), ByInstitution: groups(c.insts, names)}
		if ind, ok := cat.Indicator(code); ok {
			st.Name = ind.Name
		} else if sign, ok := cat.Sign(code); ok {
			st.Name = sign.Name
		}
		out = append(out, st)
	}
	return out, nil
}

func groups(m map[string]*rateCounter, names map[string]string) []GroupRates {
	out := make([]GroupRates, 0, len(m))
	for key, c := range m {
		g := GroupRates{Key: key, Rates: c.rates()}
		if names != nil {
			g.Name = names[key]
		}
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// institutionNames reads the names of the institutions in the figures (a read of accounts'
// table: the names are for display, and the figures keep the institution the learner belonged
// to when the attempt started).
func (s *Service) institutionNames(ctx context.Context, ids map[int64]bool) (map[string]string, error) {
	names := map[string]string{"none": ""}
	if len(ids) == 0 {
		return names, nil
	}
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	var rows []struct {
		ID   int64
		Name string
	}
	if err := s.db.WithContext(ctx).Table("institutions").Select("id, name").Where("id IN ?", list).Find(&rows).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	for _, r := range rows {
		names[strconv.FormatInt(r.ID, 10)] = r.Name
	}
	return names, nil
}

// Analytics CSV tables.
const (
	TableQuestions  = "questions"
	TableIndicators = "indicators"
)

// WriteCSV writes one table of the analytics as CSV safe to open in a spreadsheet.
func (a *Analytics) WriteCSV(w io.Writer, table string) error {
	cw := csvx.NewWriter(w)
	cw.BOM = true
	rate := func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', 4, 64)
	}
	switch table {
	case TableQuestions:
		cw.Write([]string{"question_id", "title", "type", "attempts", "facility", "discrimination"})
		for _, q := range a.Questions {
			cw.Write([]string{strconv.FormatInt(q.QuestionID, 10), q.Title, string(q.Type), strconv.Itoa(q.Attempts), rate(q.Facility), rate(q.Discrimination)})
		}
	case TableIndicators:
		cw.Write([]string{"code", "name_sr", "name_en", "group", "group_key", "group_name", "present", "found", "detection_rate", "distractor", "false_alarms", "false_alarm_rate"})
		row := func(ind IndicatorStats, group, key, name string, r Rates) {
			cw.Write([]string{ind.Code, ind.Name.SR, ind.Name.EN, group, key, name, strconv.Itoa(r.Present), strconv.Itoa(r.Found),
				rate(r.DetectionRate), strconv.Itoa(r.Distractor), strconv.Itoa(r.FalseAlarms), rate(r.FalseAlarm)})
		}
		for _, ind := range a.Indicators {
			row(ind, "all", "", "", ind.Overall)
			for _, g := range ind.ByProfession {
				row(ind, "profession", g.Key, g.Name, g.Rates)
			}
			for _, g := range ind.ByInstitution {
				row(ind, "institution", g.Key, g.Name, g.Rates)
			}
		}
	default:
		return fmt.Errorf("quiz: unknown analytics table %q", table)
	}
	return cw.Flush()
}
