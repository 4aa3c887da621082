package quiz

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/database"
	"github.com/prepoznaj/prepoznaj/database/dbtest"
)

// fakeCourses stands in for the courses package in the service tests (the API tests use the
// real one): course 1 is published and owned by the trainer, module 10 belongs to it.
type fakeCourses struct {
	mu        sync.Mutex
	owner     map[int64]int64
	draft     map[int64]bool
	modules   map[int64]int64
	enrolled  map[[2]int64]bool
	cycles    map[[2]int64]time.Time // a re-take's cycle start (absent: the first cycle)
	recorded  []recordedResult
	failWrite error
}

type recordedResult struct {
	UserID, CourseID, QuizID int64
	Score                    float64
	Passed                   bool
}

func (f *fakeCourses) CourseAccess(ctx context.Context, p *accounts.Principal, courseID int64) (CourseRef, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	owner, ok := f.owner[courseID]
	if !ok {
		return CourseRef{}, apperr.NotFound("course_not_found", "No such course.")
	}
	edit := p != nil && (p.Admin || (p.Trainer && p.UserID == owner))
	if !edit && f.draft[courseID] {
		return CourseRef{}, apperr.NotFound("course_not_found", "No such course.")
	}
	return CourseRef{ID: courseID, OwnerID: owner, Edit: edit}, nil
}

func (f *fakeCourses) ModuleCourse(ctx context.Context, moduleID int64) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.modules[moduleID]
	if !ok {
		return 0, apperr.NotFound("module_not_found", "No such module.")
	}
	return c, nil
}

func (f *fakeCourses) RecordQuizResult(ctx context.Context, userID, courseID, quizID int64, score float64, passed bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failWrite != nil {
		return f.failWrite
	}
	f.recorded = append(f.recorded, recordedResult{userID, courseID, quizID, score, passed})
	return nil
}

func (f *fakeCourses) Enrolled(ctx context.Context, userID, courseID int64) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.enrolled[[2]int64{userID, courseID}], nil
}

func (f *fakeCourses) CycleStart(ctx context.Context, userID, courseID int64) (time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cycles[[2]int64{userID, courseID}], nil
}

func (f *fakeCourses) results() []recordedResult {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recordedResult{}, f.recorded...)
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type world struct {
	t        testing.TB
	db       *database.DB
	svc      *Service
	courses  *fakeCourses
	clock    *clock
	admin    *accounts.Principal
	trainer  *accounts.Principal
	other    *accounts.Principal // a trainer who does not own course 1
	learner  *accounts.Principal
	learner2 *accounts.Principal
	manager  *accounts.Principal // manager of the learner's institution
	instA    int64
	instB    int64
}

const (
	courseID = int64(1)
	moduleID = int64(10)
)

var catalogueYAMLOnce struct {
	sync.Once
	b []byte
}

func defaultCatalogueYAML(tb testing.TB) []byte {
	catalogueYAMLOnce.Do(func() {
		b, err := os.ReadFile(defaultCataloguePath)
		if err != nil {
			panic(err)
		}
		catalogueYAMLOnce.b = b
	})
	return catalogueYAMLOnce.b
}

func newWorld(tb testing.TB) *world {
	tb.Helper()
	db := dbtest.New(tb)
	ctx := context.Background()
	acc := accounts.NewService(db.DB, []byte("test-secret-test-secret-test-secret-0123456789"), nil)
	root := &accounts.Principal{Admin: true}
	a, err := acc.CreateInstitution(ctx, root, accounts.InstitutionInput{Name: "PU Novi Sad", Kind: "police_directorate"})
	if err != nil {
		tb.Fatal(err)
	}
	b, err := acc.CreateInstitution(ctx, root, accounts.InstitutionInput{Name: "OŠ Niš", Kind: "school"})
	if err != nil {
		tb.Fatal(err)
	}
	user := func(email, profession string, roles accounts.RolesInput) int64 {
		id, err := acc.CreateUserHashed(ctx, email, "Test User", "x", profession, roles)
		if err != nil {
			tb.Fatal(err)
		}
		return id
	}
	w := &world{t: tb, db: db, instA: a.ID, instB: b.ID, clock: &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
	w.admin = &accounts.Principal{UserID: user("admin@t.test", "other", accounts.RolesInput{Admin: true}), Admin: true, Locale: "en"}
	w.trainer = &accounts.Principal{UserID: user("trainer@t.test", "other", accounts.RolesInput{Trainer: true}), Trainer: true, Locale: "en"}
	w.other = &accounts.Principal{UserID: user("other@t.test", "other", accounts.RolesInput{Trainer: true}), Trainer: true, Locale: "en"}
	w.learner = &accounts.Principal{UserID: user("l1@t.test", "police", accounts.RolesInput{InstitutionID: &a.ID}), Locale: "en", Profession: "police", InstitutionID: a.ID}
	w.learner2 = &accounts.Principal{UserID: user("l2@t.test", "education", accounts.RolesInput{InstitutionID: &b.ID}), Locale: "sr-Latn", Profession: "education", InstitutionID: b.ID}
	w.manager = &accounts.Principal{UserID: user("m@t.test", "police", accounts.RolesInput{Manager: true, InstitutionID: &a.ID}), Manager: true, InstitutionID: a.ID, Locale: "en", Profession: "police"}
	w.courses = &fakeCourses{
		owner:    map[int64]int64{courseID: w.trainer.UserID, 2: w.other.UserID},
		draft:    map[int64]bool{2: true},
		modules:  map[int64]int64{moduleID: courseID, 20: 2},
		enrolled: map[[2]int64]bool{{w.learner.UserID, courseID}: true, {w.learner2.UserID, courseID}: true},
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	w.svc = NewService(db.DB, w.courses, w.clock.now, Options{DefaultCatalogue: defaultCatalogueYAML(tb), Log: quiet})
	return w
}

func (w *world) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

// wantCode checks err is a coded error with code.
func wantCode(tb testing.TB, err error, code string) *apperr.Error {
	tb.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code {
		tb.Fatalf("error = %v, want code %q", err, code)
	}
	return e
}

// passage finds quote in narrative and returns its evidence passage.
func passage(tb testing.TB, narrative, indicator, quote string) EvidencePassage {
	tb.Helper()
	i := strings.Index(narrative, quote)
	if i < 0 {
		tb.Fatalf("%q is not in the narrative", quote)
	}
	start := len([]rune(narrative[:i]))
	return EvidencePassage{Indicator: indicator, Start: start, End: start + len([]rune(quote)), Quote: quote}
}

// Scenario 1 of the domain sheet, shortened: migrant construction workers.
const siteNarrative = "Forty workers from abroad build a factory. They borrowed the agency fee at home. " +
	"Their passports were handed over on arrival \"for permits\". They were promised a higher wage. " +
	"The contract is in a language they cannot read. Boots and gloves are deducted from pay, and a month's pay was withheld for one missed day. " +
	"They sleep in site sheds without drinking water and do not know the address of the site."

const siteNarrativeSR = "Четрдесет радника из иностранства гради фабрику. Пасоши су им одузети по доласку „због дозвола“."

var sitePresent = []string{"REC-DEC-WAGES", "REC-DEC-CONDITIONS", "REC-DEC-CONTRACT", "REC-COE-DEBT",
	"EXP-LIVING", "EXP-WAGEMANIP", "EXP-NORIGHTS", "COE-DOCS", "COE-DEBT", "COE-WITHHOLDWAGES",
	"DST-VUL-DEPENDENCY", "DST-VUL-UNFAMILIAR", "DST-VUL-STATUS"}

func siteScenario(tb testing.TB) ScenarioInput {
	return ScenarioInput{
		CourseID:       courseID,
		Title:          Text{EN: "The factory site", SR: "Градилиште фабрике"},
		AgeGroup:       Adult,
		Exploitation:   ExploitationLabour,
		Professions:    []string{"labour_inspection", "police"},
		ContentWarning: Text{EN: "Labour exploitation"},
		Narrative:      Text{EN: siteNarrative, SR: siteNarrativeSR},
		Present:        sitePresent,
		Evidence: EvidenceByLanguage{
			EN: []EvidencePassage{
				passage(tb, siteNarrative, "COE-DOCS", "passports were handed over on arrival \"for permits\""),
				passage(tb, siteNarrative, "COE-WITHHOLDWAGES", "a month's pay was withheld for one missed day"),
			},
			SR: []EvidencePassage{passage(tb, siteNarrativeSR, "COE-DOCS", "Пасоши су им одузети по доласку")},
		},
	}
}

// bank builds one question of every type on the site scenario and returns their ids in order:
// identification, case assessment, single choice, multiple choice, true/false, ordering, matching.
func (w *world) bank() (scenarioID int64, ids []int64) {
	w.t.Helper()
	ctx := context.Background()
	sc, err := w.svc.CreateScenario(ctx, w.trainer, siteScenario(w.t))
	w.must(err)
	yes := true
	contents := []QuestionContent{
		{Type: TypeIdentification, Title: "Find the indicators", Stem: Text{EN: "Which indicators are present?"}, ScenarioID: &sc.ID,
			Distractors: []string{"COE-VIOLENCE", "COE-ISOLATION", "EXP-HOURS", "REC-DEC-JOBNATURE"}, Critical: []string{"COE-DOCS"}},
		{Type: TypeCaseAssessment, Title: "Assess the case", Stem: Text{EN: "What does the case amount to?"}, ScenarioID: &sc.ID},
		{Type: TypeSingleChoice, Title: "Passports", Stem: Text{EN: "Who may keep a worker's passport?"},
			Options: []Option{{ID: "a", Text: Text{EN: "No one but the worker"}, Fraction: 1, Feedback: Text{EN: "Right."}},
				{ID: "b", Text: Text{EN: "The employer"}, Fraction: 0, Feedback: Text{EN: "No: that is COE-DOCS."}}}},
		{Type: TypeMultipleChoice, Title: "Strong indicators", Stem: Text{EN: "Which are strong in the adult labour list?"},
			Options: []Option{{ID: "a", Text: Text{EN: "COE-DOCS"}, Fraction: 0.5}, {ID: "b", Text: Text{EN: "COE-DEBT"}, Fraction: 0.5},
				{ID: "c", Text: Text{EN: "EXP-PAY"}, Fraction: -1}}},
		{Type: TypeTrueFalse, Title: "Consent", Stem: Text{EN: "A child's consent is a defence."}, Answer: pointer(!yes),
			FeedbackTrue: Text{EN: "No: consent is irrelevant."}, FeedbackFalse: Text{EN: "Right."}},
		{Type: TypeOrdering, Title: "Referral", Stem: Text{EN: "Order the steps."},
			Items: []Item{{ID: "document", Text: Text{EN: "Document"}}, {ID: "interview", Text: Text{EN: "Interview alone"}},
				{ID: "report", Text: Text{EN: "Report to police"}}, {ID: "refer", Text: Text{EN: "Refer to the Centre"}}}},
		{Type: TypeMatching, Title: "Signs", Stem: Text{EN: "Match signs to indicators."},
			Pairs:       []MatchPair{{Left: "OBS-LI-RECORDS", Right: "EXP-NORIGHTS"}, {Left: "OBS-MED-INJURY", Right: "COE-VIOLENCE"}},
			ExtraRights: []string{"COE-DEBT"}},
	}
	for i, c := range contents {
		q, err := w.svc.CreateQuestion(ctx, w.trainer, QuestionInput{CourseID: courseID, Tags: []string{"site", string(c.Type)}, Content: c})
		if err != nil {
			w.t.Fatalf("question %d (%s): %v", i, c.Type, err)
		}
		ids = append(ids, q.ID)
	}
	return sc.ID, ids
}

// publishedQuiz builds a quiz over the given questions and publishes it.
func (w *world) publishedQuiz(st Settings, ids ...int64) *QuizView {
	w.t.Helper()
	ctx := context.Background()
	if st.Title == (Text{}) {
		st.Title = Text{EN: "Site quiz"}
	}
	var slots []Slot
	for _, id := range ids {
		slots = append(slots, Slot{QuestionID: pointer(id), Points: 1})
	}
	q, err := w.svc.CreateQuiz(ctx, w.trainer, QuizInput{ModuleID: moduleID, Settings: st, Slots: slots})
	w.must(err)
	q, err = w.svc.PublishQuiz(ctx, w.trainer, q.ID)
	w.must(err)
	return q
}

// rightAnswer returns a full-marks response for a question of the bank.
func rightAnswer(t QuestionType) Response {
	switch t {
	case TypeIdentification:
		return Response{Selected: sitePresent}
	case TypeCaseAssessment:
		return Response{Outcome: OutcomeTrafficking, PositiveDimensions: []string{"D1", "D4", "D5", "D6"}}
	case TypeSingleChoice:
		return Response{Selected: []string{"a"}}
	case TypeMultipleChoice:
		return Response{Selected: []string{"a", "b"}}
	case TypeTrueFalse:
		return Response{Answer: pointer(false)}
	case TypeOrdering:
		return Response{Order: []string{"document", "interview", "report", "refer"}}
	case TypeMatching:
		return Response{Pairs: []MatchPair{{Left: "OBS-LI-RECORDS", Right: "EXP-NORIGHTS"}, {Left: "OBS-MED-INJURY", Right: "COE-VIOLENCE"}}}
	}
	return Response{}
}
