package content

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/courses"
	"github.com/prepoznaj/prepoznaj/quiz"
)

// The demo (serve --demo) is a platform in use: every role finds something real at first
// sign-in. Everything here goes through the platform's services, as the people would: lessons
// are completed, quizzes are taken and graded, and certificates follow from the completions.

// DemoCourseSlug is the demo trainer's own course: a copy of the police track with its quizzes.
const DemoCourseSlug = "demo-trainer-police-cases"

// DemoAccounts names the demo accounts the state is built around.
type DemoAccounts struct {
	Domain        string // mail domain of the demo accounts
	InstitutionID int64  // the demo manager's institution
	TrainerID     int64
	ManagerID     int64
	LearnerID     int64
	// Hash returns the password hash for new demo accounts (the demo password's); called only
	// when an account is created.
	Hash func() (string, error)
	Now  time.Time
}

// DemoPerson is a composite demo learner (no real person).
type DemoPerson struct {
	Local      string // the address's local part
	Name       string
	Profession string
	// Institution: "" for the demo manager's institution, else one of demoInstitutions.
	Institution string
	// State in the foundation course for the manager's staff: completed, halfway, overdue,
	// not_started; "" for none.
	Foundation string
}

type demoInstitution struct {
	Name, Kind, City string
}

var demoInstitutions = []demoInstitution{
	{"Демо: Дом здравља Зрењанин", "health_centre", "Зрењанин"},
	{"Демо: Инспекција рада Ниш", "labour_inspectorate", "Ниш"},
	{"Демо: Центар за социјални рад Крагујевац", "social_work_centre", "Крагујевац"},
	{"Демо: Основна школа „Вук Караџић“ Суботица", "school", "Суботица"},
}

// DemoPeople are the demo learners besides learner@: five members of the manager's
// institution in every state of the foundation course, and staff of four other institutions,
// so that the trainer's analytics compare professions and institutions.
var DemoPeople = []DemoPerson{
	{"jovana.petrovic", "Јована Петровић", "police", "", "completed"},
	{"nikola.stojanovic", "Никола Стојановић", "social_work", "", "halfway"},
	{"marina.ilic", "Марина Илић", "police", "", "overdue"},
	{"stefan.jovanovic", "Стефан Јовановић", "health", "", "not_started"},
	{"milos.djordjevic", "Милош Ђорђевић", "police", "", ""},
	{"ana.nikolic", "Ана Николић", "health", demoInstitutions[0].Name, ""},
	{"dragana.markovic", "Драгана Марковић", "health", demoInstitutions[0].Name, ""},
	{"petar.pavlovic", "Петар Павловић", "labour_inspection", demoInstitutions[1].Name, ""},
	{"ivana.simic", "Ивана Симић", "labour_inspection", demoInstitutions[1].Name, ""},
	{"tamara.lazic", "Тамара Лазић", "social_work", demoInstitutions[2].Name, ""},
	{"milena.kostic", "Милена Костић", "education", demoInstitutions[3].Name, ""},
	{"marko.ristic", "Марко Ристић", "education", demoInstitutions[3].Name, ""},
}

// skill is how a profession does in the demo: the chance to find a present indicator, to
// raise a false alarm on a distractor, and to answer any other question right.
type skill struct{ found, falseAlarm, right float64 }

var demoSkills = map[string]skill{
	"police":            {0.8, 0.2, 0.8},
	"labour_inspection": {0.85, 0.15, 0.8},
	"social_work":       {0.75, 0.2, 0.75},
	"health":            {0.55, 0.3, 0.7},
	"education":         {0.45, 0.35, 0.65},
	"other":             {0.6, 0.25, 0.7},
}

// DemoReport is what SeedDemo did.
type DemoReport struct {
	ContentSeeded   bool     `json:"content_seeded"`
	PeopleCreated   int      `json:"people_created"`
	Completed       []string `json:"completed"` // names of those who completed the foundation course now
	TrainerCourse   int64    `json:"trainer_course"`
	TrainerCreated  bool     `json:"trainer_course_created"`
	AttemptsCreated int      `json:"attempts_created"`
	Sessions        int      `json:"sessions_created"`
}

// Changed reports whether the run wrote anything.
func (r *DemoReport) Changed() bool {
	return r.ContentSeeded || r.PeopleCreated > 0 || len(r.Completed) > 0 || r.TrainerCreated || r.AttemptsCreated > 0 || r.Sessions > 0
}

// SeedDemo brings the demo's state about, idempotently: each part is done only if it is not
// there yet, so a second run adds nothing. The default content is seeded first when the
// database has none (serve --demo on a new PostgreSQL database).
func SeedDemo(ctx context.Context, s Services, d DemoAccounts) (*DemoReport, error) {
	rep := &DemoReport{}
	foundation, _, err := courseBySlug(ctx, s.DB, "foundation")
	if err != nil {
		return rep, err
	}
	if foundation == 0 {
		if _, err := Seed(ctx, s); err != nil {
			return rep, fmt.Errorf("seed the default content: %w", err)
		}
		rep.ContentSeeded = true
		if foundation, _, err = courseBySlug(ctx, s.DB, "foundation"); err != nil || foundation == 0 {
			return rep, fmt.Errorf("no foundation course after seeding (%v)", err)
		}
	}
	cat, _, err := s.Quiz.Catalogue(ctx, 0)
	if err != nil {
		return rep, err
	}
	dm := &demo{s: s, d: d, cat: cat, rep: rep, platform: &accounts.Principal{Admin: true}}

	people, err := dm.ensurePeople(ctx)
	if err != nil {
		return rep, fmt.Errorf("demo people: %w", err)
	}
	// The demo learner has completed the foundation course.
	if err := dm.complete(ctx, foundation, d.LearnerID, 1); err != nil {
		return rep, fmt.Errorf("demo learner: %w", err)
	}
	// The manager's staff, each in a different state.
	if d.InstitutionID != 0 {
		if err := dm.staff(ctx, foundation, people); err != nil {
			return rep, fmt.Errorf("institution members: %w", err)
		}
	}
	// The trainer's own course, with attempts to analyse.
	if err := dm.trainerCourse(ctx, append([]int64{d.LearnerID}, idsOf(people)...)); err != nil {
		return rep, fmt.Errorf("trainer's course: %w", err)
	}
	items, err := SeedLiveSessions(ctx, s, d.TrainerID, d.Now)
	if err != nil {
		return rep, fmt.Errorf("live sessions: %w", err)
	}
	for _, it := range items {
		if it.Action == Created {
			rep.Sessions++
		}
	}
	return rep, nil
}

type demo struct {
	s        Services
	d        DemoAccounts
	cat      *quiz.Catalogue
	rep      *DemoReport
	platform *accounts.Principal
	hash     string
}

type demoUser struct {
	DemoPerson
	ID int64
}

func idsOf(people []demoUser) []int64 {
	out := make([]int64, len(people))
	for i, p := range people {
		out[i] = p.ID
	}
	return out
}

func (dm *demo) passwordHash() (string, error) {
	if dm.hash == "" {
		h, err := dm.d.Hash()
		if err != nil {
			return "", err
		}
		dm.hash = h
	}
	return dm.hash, nil
}

// ensurePeople creates the demo learners and their institutions that do not exist yet.
func (dm *demo) ensurePeople(ctx context.Context) ([]demoUser, error) {
	acc := dm.s.Accounts
	insts := map[string]int64{}
	if dm.d.InstitutionID != 0 {
		insts[""] = dm.d.InstitutionID
	}
	for _, in := range demoInstitutions {
		id, err := acc.InstitutionIDByName(ctx, in.Name)
		if apperr.IsKind(err, apperr.KindNotFound) {
			var v *accounts.Institution
			v, err = acc.CreateInstitution(ctx, dm.platform, accounts.InstitutionInput{Name: in.Name, Kind: in.Kind, City: in.City, Country: "RS"})
			if v != nil {
				id = v.ID
			}
		}
		if err != nil {
			return nil, fmt.Errorf("institution %s: %w", in.Name, err)
		}
		insts[in.Name] = id
	}
	var out []demoUser
	for _, p := range DemoPeople {
		email := p.Local + "@" + dm.d.Domain
		id, err := acc.UserIDByEmail(ctx, email)
		if apperr.IsKind(err, apperr.KindNotFound) {
			var hash string
			if hash, err = dm.passwordHash(); err != nil {
				return nil, err
			}
			var roles accounts.RolesInput
			if inst, ok := insts[p.Institution]; ok {
				roles.InstitutionID = &inst
			}
			id, err = acc.CreateUserHashed(ctx, email, p.Name, hash, p.Profession, roles)
			if err == nil {
				dm.rep.PeopleCreated++
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", email, err)
		}
		out = append(out, demoUser{p, id})
	}
	return out, nil
}

// principal is a demo user as the platform sees them when they sign in.
func (dm *demo) principal(ctx context.Context, userID int64) (*accounts.Principal, error) {
	f, err := dm.s.Accounts.UserFacts(ctx, userID)
	if err != nil {
		return nil, err
	}
	return &accounts.Principal{UserID: f.ID, FullName: f.FullName, Locale: f.Locale, Profession: f.Profession, InstitutionID: f.InstitutionID}, nil
}

// lessons lists a course's lesson ids in order.
func (dm *demo) lessons(ctx context.Context, courseID int64) ([]int64, error) {
	d, err := dm.s.Courses.GetDraft(ctx, dm.platform, courseID)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, m := range d.Modules {
		for _, l := range m.Lessons {
			out = append(out, l.ID)
		}
	}
	return out, nil
}

// enrol enrols a user (by the platform), keeping an enrolment that exists.
func (dm *demo) enrol(ctx context.Context, courseID, userID int64) error {
	_, err := dm.s.Courses.EnrolUsers(ctx, dm.platform, courseID, []int64{userID}, nil)
	return err
}

// complete takes a learner through a course: every lesson, then every required quiz until it
// is passed. seed makes the answers repeatable. A learner who completed it already is left.
func (dm *demo) complete(ctx context.Context, courseID, userID int64, seed uint64) error {
	p, err := dm.principal(ctx, userID)
	if err != nil {
		return err
	}
	if err := dm.enrol(ctx, courseID, userID); err != nil {
		return err
	}
	prog, err := dm.s.Courses.Progress(ctx, p, courseID)
	if err != nil {
		return err
	}
	if prog.Completed {
		return nil
	}
	if err := dm.readLessons(ctx, p, courseID, -1); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, uint64(userID)))
	for _, q := range prog.Quizzes {
		if q.Passed {
			continue
		}
		sk := demoSkills[p.Profession]
		sk.found, sk.falseAlarm, sk.right = max(sk.found, 0.9), min(sk.falseAlarm, 0.1), max(sk.right, 0.9)
		for try := 0; ; try++ {
			att, err := dm.take(ctx, p, q.QuizID, rng, sk)
			if err != nil {
				return fmt.Errorf("quiz %d: %w", q.QuizID, err)
			}
			if att.Passed != nil && *att.Passed {
				break
			}
			if try == 1 {
				sk = skill{1, 0, 1} // the last attempt allowed must pass
			}
			if try == 2 {
				return fmt.Errorf("quiz %d not passed", q.QuizID)
			}
		}
	}
	prog, err = dm.s.Courses.Progress(ctx, p, courseID)
	if err != nil {
		return err
	}
	if !prog.Completed {
		return fmt.Errorf("course %d not completed: %+v", courseID, prog.Next)
	}
	if f, err := dm.s.Accounts.UserFacts(ctx, userID); err == nil {
		dm.rep.Completed = append(dm.rep.Completed, f.FullName)
	}
	return nil
}

// readLessons completes the course's first n lessons (all with n < 0).
func (dm *demo) readLessons(ctx context.Context, p *accounts.Principal, courseID int64, n int) error {
	lessons, err := dm.lessons(ctx, courseID)
	if err != nil {
		return err
	}
	if n >= 0 && n < len(lessons) {
		lessons = lessons[:n]
	}
	for _, id := range lessons {
		if _, err := dm.s.Courses.CompleteLesson(ctx, p, id); err != nil {
			return fmt.Errorf("lesson %d: %w", id, err)
		}
	}
	return nil
}

// staff puts the manager's institution members in their foundation states: assigned by the
// manager, as a manager would.
func (dm *demo) staff(ctx context.Context, foundation int64, people []demoUser) error {
	manager, err := dm.principal(ctx, dm.d.ManagerID)
	if err != nil {
		return err
	}
	manager.Manager = true
	for i, u := range people {
		if u.Foundation == "" {
			continue
		}
		p, err := dm.principal(ctx, u.ID)
		if err != nil {
			return err
		}
		prog, err := dm.s.Courses.Progress(ctx, p, foundation)
		if err == nil && (prog.Completed || prog.LessonsDone > 0 || u.Foundation == "overdue" || u.Foundation == "not_started") {
			continue // in its state already (an enrolment is all the last two need)
		}
		if err != nil && !apperr.IsKind(err, apperr.KindNotFound) && !apperr.IsKind(err, apperr.KindForbidden) {
			return err
		}
		due := dm.d.Now.AddDate(0, 1, 0)
		if u.Foundation == "overdue" {
			// The earliest due date an assignment accepts: today, hours ago.
			due = dm.d.Now.Add(-6 * time.Hour)
		}
		if _, err := dm.s.Courses.AssignMembers(ctx, manager, dm.d.InstitutionID, courses.AssignInput{CourseID: foundation, UserIDs: []int64{u.ID}, DueAt: &due}); err != nil {
			return fmt.Errorf("%s: assign: %w", u.Local, err)
		}
		err = nil
		switch u.Foundation {
		case "completed":
			err = dm.complete(ctx, foundation, u.ID, uint64(100+i))
		case "halfway":
			lessons, lerr := dm.lessons(ctx, foundation)
			if lerr != nil {
				return lerr
			}
			err = dm.readLessons(ctx, p, foundation, len(lessons)/2)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", u.Local, err)
		}
	}
	return nil
}

// trainerCourse gives the demo trainer a course of their own (a copy of the police track with
// its quizzes) and has the demo learners take its first case quiz, some of them twice.
func (dm *demo) trainerCourse(ctx context.Context, learners []int64) error {
	trainer := &accounts.Principal{UserID: dm.d.TrainerID, Trainer: true}
	id, _, err := courseBySlug(ctx, dm.s.DB, DemoCourseSlug)
	if err != nil {
		return err
	}
	if id == 0 {
		if id, err = dm.copyPolice(ctx); err != nil {
			return err
		}
		dm.rep.TrainerCreated = true
	}
	dm.rep.TrainerCourse = id
	quizzes, err := dm.s.Quiz.ListQuizzes(ctx, trainer, id)
	if err != nil {
		return err
	}
	// The first case quiz of the police files: it has the indicator questions.
	files, err := QuizFiles("police")
	if err != nil {
		return err
	}
	var caseQuiz quiz.Text
	for _, f := range files {
		if !f.Completion.Required && caseQuiz.EN == "" {
			caseQuiz = f.Title
		}
	}
	var target int64
	for _, q := range quizzes {
		if q.Publication != nil && q.Title == caseQuiz && target == 0 {
			target = q.ID
		}
	}
	if target == 0 {
		return errors.New("the trainer's course has no published quiz")
	}
	if _, err := dm.s.Courses.EnrolUsers(ctx, trainer, id, learners, nil); err != nil {
		return err
	}
	for i, uid := range learners {
		p, err := dm.principal(ctx, uid)
		if err != nil {
			return err
		}
		_, total, err := dm.s.Quiz.ListAttempts(ctx, p, target, false, 0, 1)
		if err != nil {
			return err
		}
		if total > 0 {
			continue
		}
		sk, ok := demoSkills[p.Profession]
		if !ok {
			sk = demoSkills["other"]
		}
		rng := rand.New(rand.NewPCG(7, uint64(uid)))
		times := 1
		if i%4 == 1 {
			times = 2 // some learners try again
		}
		for n := 0; n < times; n++ {
			if _, err := dm.take(ctx, p, target, rng, sk); err != nil {
				return fmt.Errorf("user %d: %w", uid, err)
			}
			dm.rep.AttemptsCreated++
			sk.found, sk.falseAlarm = min(sk.found+0.15, 1), max(sk.falseAlarm-0.1, 0)
		}
	}
	return nil
}

// copyPolice copies the police track for the trainer, with its quizzes.
func (dm *demo) copyPolice(ctx context.Context) (int64, error) {
	src, _, err := courseBySlug(ctx, dm.s.DB, "police")
	if err != nil || src == 0 {
		return 0, fmt.Errorf("no police track to copy (%v)", err)
	}
	// Copying needs to read the source, which the content owner holds: the platform copies it
	// on the trainer's behalf, and the copy is the trainer's.
	as := &accounts.Principal{UserID: dm.d.TrainerID, Trainer: true, Admin: true}
	d, err := dm.s.Courses.Duplicate(ctx, as, src, DemoCourseSlug)
	if err != nil {
		return 0, err
	}
	title := courses.LocalText{Sr: "Полиција: вежбе на случајевима (курс демо тренерке)", En: "Police: case practice (the demo trainer's course)"}
	trainer := &accounts.Principal{UserID: dm.d.TrainerID, Trainer: true}
	if d, err = dm.s.Courses.UpdateCourse(ctx, trainer, d.ID, courses.CoursePatch{Version: d.Version, Title: &title}); err != nil {
		return 0, err
	}
	files, err := QuizFiles("police")
	if err != nil {
		return 0, err
	}
	var required []courses.QuizRequirement
	for _, qf := range files {
		if qf.Module < 1 || qf.Module > len(d.Modules) {
			return 0, fmt.Errorf("quiz %s: module %d", qf.Key, qf.Module)
		}
		qid, err := createQuiz(ctx, dm.s, trainer, dm.cat, DemoCourseSlug, d.ID, d.Modules[qf.Module-1].ID, qf)
		if err != nil {
			return 0, fmt.Errorf("quiz %s: %w", qf.Key, err)
		}
		if qf.Completion.Required {
			required = append(required, courses.QuizRequirement{QuizID: qid, MinScore: qf.Completion.MinScore})
		}
	}
	rule := courses.RuleInput{MinAttendedHours: d.Completion.MinAttendedHours, Quizzes: required}
	if d, err = dm.s.Courses.UpdateCourse(ctx, trainer, d.ID, courses.CoursePatch{Version: d.Version, Rule: &rule}); err != nil {
		return 0, err
	}
	if _, err := dm.s.Courses.Publish(ctx, trainer, d.ID); err != nil {
		return 0, err
	}
	return d.ID, nil
}

// take starts an attempt, answers every question as a learner of that skill would, and
// submits it.
func (dm *demo) take(ctx context.Context, p *accounts.Principal, quizID int64, rng *rand.Rand, sk skill) (*quiz.AttemptView, error) {
	att, _, err := dm.s.Quiz.StartAttempt(ctx, p, quizID)
	if err != nil {
		return nil, err
	}
	for _, aq := range att.Questions {
		q, err := dm.s.Quiz.GetQuestion(ctx, dm.platform, aq.QuestionID, aq.Version)
		if err != nil {
			return nil, err
		}
		r, err := demoAnswer(dm.cat, q, aq, rng, sk)
		if err != nil {
			return nil, fmt.Errorf("question %d: %w", aq.QuestionID, err)
		}
		if _, err := dm.s.Quiz.SaveAnswer(ctx, p, att.ID, aq.Position, r); err != nil {
			return nil, fmt.Errorf("question %d: %w", aq.QuestionID, describe(err))
		}
	}
	return dm.s.Quiz.SubmitAttempt(ctx, p, att.ID)
}

// demoAnswer answers a question as a learner of skill sk: each part right with its chance.
func demoAnswer(cat *quiz.Catalogue, q *quiz.Question, aq quiz.AttemptQuestion, rng *rand.Rand, sk skill) (quiz.Response, error) {
	var r quiz.Response
	c := q.Content
	right := rng.Float64() < sk.right
	switch c.Type {
	case quiz.TypeIdentification:
		if q.Scenario == nil {
			return r, errors.New("no scenario")
		}
		r.Selected = []string{}
		for _, ch := range aq.Choices {
			chance := sk.falseAlarm
			if slices.Contains(q.Scenario.Present, ch.ID) {
				chance = sk.found
			}
			if rng.Float64() < chance {
				r.Selected = append(r.Selected, ch.ID)
			}
		}
	case quiz.TypeCaseAssessment:
		if q.Scenario == nil {
			return r, errors.New("no scenario")
		}
		a, err := quiz.Assess(cat, q.Scenario.List, q.Scenario.Present)
		if err != nil {
			return r, err
		}
		r.Outcome, r.PositiveDimensions = a.Outcome, []string{}
		for _, d := range a.Dimensions {
			if d.Positive && (right || rng.Float64() < 0.5) {
				r.PositiveDimensions = append(r.PositiveDimensions, d.Code)
			}
		}
		if !right {
			for _, o := range aq.Outcomes {
				if o != a.Outcome {
					r.Outcome = o
					break
				}
			}
		}
	case quiz.TypeSingleChoice:
		best := c.Options[0]
		for _, o := range c.Options {
			if o.Fraction > best.Fraction {
				best = o
			}
		}
		pick := best.ID
		if !right {
			for _, o := range c.Options {
				if o.Fraction <= 0 {
					pick = o.ID
					break
				}
			}
		}
		r.Selected = []string{pick}
	case quiz.TypeMultipleChoice:
		r.Selected = []string{}
		for _, o := range c.Options {
			if (o.Fraction > 0) == (right || rng.Float64() < sk.right) {
				r.Selected = append(r.Selected, o.ID)
			}
		}
	case quiz.TypeTrueFalse:
		ans := c.Answer != nil && *c.Answer
		if !right {
			ans = !ans
		}
		r.Answer = &ans
	case quiz.TypeOrdering:
		for _, it := range c.Items {
			r.Order = append(r.Order, it.ID)
		}
		if !right && len(r.Order) > 1 {
			r.Order[0], r.Order[1] = r.Order[1], r.Order[0]
		}
	case quiz.TypeMatching:
		for _, pr := range c.Pairs {
			given := pr.Right
			if rng.Float64() >= sk.right {
				for _, ch := range aq.Rights {
					if ch.ID != pr.Right {
						given = ch.ID
						break
					}
				}
			}
			r.Pairs = append(r.Pairs, quiz.MatchPair{Left: pr.Left, Right: given})
		}
	default:
		return r, fmt.Errorf("unknown type %q", c.Type)
	}
	return r, nil
}
