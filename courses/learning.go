package courses

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/lang"
)

// CourseView is a published course as learners see it, in their locale.
type CourseView struct {
	CourseSummary
	Modules    []ViewModule `json:"modules"`
	Completion Completion   `json:"completion"`
}

// ViewModule is a module of the published outline.
type ViewModule struct {
	ID      int64        `json:"id"`
	Title   string       `json:"title"`
	Lessons []ViewLesson `json:"lessons"`
}

// ViewLesson is a lesson in the published outline, with the reader's state.
type ViewLesson struct {
	ID             int64  `json:"id"`
	Title          string `json:"title"`
	ReadingMinutes int    `json:"reading_minutes"`
	ContentWarning bool   `json:"content_warning"`
	Required       bool   `json:"required"`
	Completed      bool   `json:"completed"`
}

// GetCourse returns the published revision of a course p may see. A course
// that was never published has nothing to show (its editors read the draft).
func (s *Service) GetCourse(ctx context.Context, p *accounts.Principal, id int64, locale lang.Locale) (*CourseView, error) {
	var out *CourseView
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, edit, err := s.visibleCourse(tx, p, id)
		if err != nil {
			return err
		}
		if c.PublishedRevision == 0 {
			return apperr.NotFound("course_not_published", "This course has not been published yet; its editors see the draft.")
		}
		var rev courseRevision
		if err := tx.Where("course_id = ? AND revision = ?", c.ID, c.PublishedRevision).Take(&rev).Error; err != nil {
			return err
		}
		o, err := s.publishedOutline(tx, c.ID, c.PublishedRevision)
		if err != nil {
			return err
		}
		var enr enrolment
		enrolled := tx.Where("user_id = ? AND course_id = ?", p.UserID, c.ID).Take(&enr).Error == nil
		done := map[int64]bool{}
		if enrolled {
			var ids []int64
			if err := tx.Model(&lessonProgress{}).Where("user_id = ? AND course_id = ? AND completed_at IS NOT NULL", p.UserID, c.ID).Pluck("lesson_id", &ids).Error; err != nil {
				return err
			}
			for _, id := range ids {
				done[id] = true
			}
		}
		loc := contentLocale(rev.TitleEn, locale)
		out = &CourseView{
			CourseSummary: CourseSummary{
				ID: c.ID, Slug: c.Slug, Status: c.Status, Revision: rev.Revision, Locale: string(loc),
				Title: localize(rev.TitleSr, rev.TitleEn, loc), Summary: localize(rev.SummarySr, rev.SummaryEn, loc),
				Professions: splitSet(rev.Professions), Languages: splitSet(rev.Languages), Level: rev.Level, Hours: rev.Hours,
				ValidityMonths: rev.ValidityMonths, ContentWarning: rev.ContentWarning, SelfEnrol: rev.SelfEnrol,
				PublishedAt: utcPtr(c.PublishedAt), Enrolled: enrolled, Editable: edit,
			},
			Modules:    []ViewModule{},
			Completion: Completion{MinAttendedHours: o.Rule.MinAttendedHours, Quizzes: o.Rule.Quizzes},
		}
		for _, m := range o.Modules {
			vm := ViewModule{ID: m.ID, Title: localize(m.TitleSr, m.TitleEn, loc), Lessons: []ViewLesson{}}
			for _, l := range m.Lessons {
				vm.Lessons = append(vm.Lessons, ViewLesson{ID: l.ID, Title: localize(l.TitleSr, l.TitleEn, loc), ReadingMinutes: l.ReadingMinutes,
					ContentWarning: l.ContentWarning, Required: l.Required, Completed: done[l.ID]})
			}
			out.Modules = append(out.Modules, vm)
		}
		return nil
	})
	return out, err
}

// LessonView is a published lesson as a learner reads it.
type LessonView struct {
	ID             int64      `json:"id"`
	CourseID       int64      `json:"course_id"`
	ModuleID       int64      `json:"module_id"`
	Revision       int        `json:"revision"`
	Locale         string     `json:"locale"`
	Title          string     `json:"title"`
	HTML           string     `json:"html"`
	ReadingMinutes int        `json:"reading_minutes"`
	ContentWarning bool       `json:"content_warning"`
	Required       bool       `json:"required"`
	PreviousID     *int64     `json:"previous_lesson_id"`
	NextID         *int64     `json:"next_lesson_id"`
	Enrolled       bool       `json:"enrolled"`
	CompletedAt    *time.Time `json:"completed_at"`
	SecondsSpent   int        `json:"seconds_spent"`
}

// publishedLesson finds a lesson in the published outline of a course p may see.
func (s *Service) publishedLesson(tx *gorm.DB, p *accounts.Principal, id int64) (*lesson, *course, *outline, outlineLesson, int64, error) {
	var l lesson
	if err := tx.Where("id = ?", id).Take(&l).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil, nil, outlineLesson{}, 0, errLessonNotFound
		}
		return nil, nil, nil, outlineLesson{}, 0, err
	}
	c, _, err := s.visibleCourse(tx, p, l.CourseID)
	if err != nil || c.PublishedRevision == 0 {
		if err == nil || apperr.IsKind(err, apperr.KindNotFound) {
			return nil, nil, nil, outlineLesson{}, 0, errLessonNotFound
		}
		return nil, nil, nil, outlineLesson{}, 0, err
	}
	o, err := s.publishedOutline(tx, c.ID, c.PublishedRevision)
	if err != nil {
		return nil, nil, nil, outlineLesson{}, 0, err
	}
	ol, moduleID, ok := o.lesson(l.ID)
	if !ok {
		return nil, nil, nil, outlineLesson{}, 0, errLessonNotFound
	}
	return &l, c, o, ol, moduleID, nil
}

// GetLesson returns a published lesson's rendered text in the reader's locale.
func (s *Service) GetLesson(ctx context.Context, p *accounts.Principal, id int64, locale lang.Locale) (*LessonView, error) {
	var out *LessonView
	err := s.tx(ctx, func(tx *gorm.DB) error {
		l, c, o, ol, moduleID, err := s.publishedLesson(tx, p, id)
		if err != nil {
			return err
		}
		loc := contentLocale(l.PubHTMLEn, locale)
		html := l.PubHTMLSr
		if loc == lang.English {
			html = l.PubHTMLEn
		} else {
			// The HTML is sanitised; transliteration maps Cyrillic letters to
			// Latin ones and cannot introduce markup.
			html = lang.Localize(html, loc)
		}
		out = &LessonView{ID: l.ID, CourseID: c.ID, ModuleID: moduleID, Revision: c.PublishedRevision, Locale: string(loc),
			Title: localize(l.PubTitleSr, l.PubTitleEn, loc), HTML: html, ReadingMinutes: ol.ReadingMinutes,
			ContentWarning: ol.ContentWarning, Required: ol.Required}
		all := o.lessons()
		for i, x := range all {
			if x.ID == l.ID {
				if i > 0 {
					out.PreviousID = &all[i-1].ID
				}
				if i+1 < len(all) {
					out.NextID = &all[i+1].ID
				}
			}
		}
		var n int64
		if err := tx.Model(&enrolment{}).Where("user_id = ? AND course_id = ?", p.UserID, c.ID).Count(&n).Error; err != nil {
			return err
		}
		out.Enrolled = n > 0
		var lp lessonProgress
		if err := tx.Where("user_id = ? AND lesson_id = ?", p.UserID, l.ID).Take(&lp).Error; err == nil {
			out.CompletedAt, out.SecondsSpent = utcPtr(lp.CompletedAt), lp.SecondsSpent
		}
		return nil
	})
	return out, err
}

// Enrolment is one learner's enrolment as they and their managers see it.
type Enrolment struct {
	UserID      int64      `json:"user_id"`
	CourseID    int64      `json:"course_id"`
	Source      string     `json:"source"`
	EnrolledAt  time.Time  `json:"enrolled_at"`
	DueAt       *time.Time `json:"due_at"`
	CompletedAt *time.Time `json:"completed_at"`
}

func enrolmentView(e *enrolment) Enrolment {
	return Enrolment{UserID: e.UserID, CourseID: e.CourseID, Source: e.Source, EnrolledAt: e.EnrolledAt.UTC(),
		DueAt: utcPtr(e.DueAt), CompletedAt: utcPtr(e.CompletedAt)}
}

// Enrol enrols p in a published course open to self-enrolment. Enrolling
// again returns the existing enrolment (created is false).
func (s *Service) Enrol(ctx context.Context, p *accounts.Principal, courseID int64) (*Enrolment, bool, error) {
	var out Enrolment
	created := false
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, edit, err := s.visibleCourse(tx, p, courseID)
		if err != nil {
			return err
		}
		var e enrolment
		if err := tx.Where("user_id = ? AND course_id = ?", p.UserID, c.ID).Take(&e).Error; err == nil {
			out = enrolmentView(&e)
			return nil
		}
		if c.Status != StatusPublished {
			return apperr.Unprocessable("course_not_published", "Only a published course can be taken.")
		}
		if !c.SelfEnrol && !edit {
			return apperr.Unprocessable("enrolment_closed", "This course is assigned by managers or trainers; it is not open to self-enrolment.")
		}
		e = enrolment{UserID: p.UserID, CourseID: c.ID, Source: SourceSelf, EnrolledAt: s.now(), Cycle: 1}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&e)
		if res.Error != nil {
			return res.Error
		}
		created = res.RowsAffected == 1
		if err := tx.Where("user_id = ? AND course_id = ?", p.UserID, c.ID).Take(&e).Error; err != nil {
			return err
		}
		out = enrolmentView(&e)
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	if created {
		s.forgetEnrolments(p.UserID)
	}
	return &out, created, nil
}

// EnrolReport says what an enrolment request did for each user. Renewed
// are learners whose completion had expired: they start the course again
// (a new cycle, see Retake), with the due date given.
type EnrolReport struct {
	Enrolled        []int64 `json:"enrolled"`
	AlreadyEnrolled []int64 `json:"already_enrolled"`
	Renewed         []int64 `json:"renewed"`
	DueUpdated      []int64 `json:"due_updated"`
	NotFound        []int64 `json:"not_found"`
}

// enrolUsers enrols ids (already checked to exist and be allowed) in c; a
// given due date is set on existing enrolments too (an assignment). A
// learner whose completion has expired starts the next cycle
// (recertification).
func (s *Service) enrolUsers(tx *gorm.DB, p *accounts.Principal, c *course, ids []int64, due *time.Time, source string) (*EnrolReport, error) {
	rep := &EnrolReport{Enrolled: []int64{}, AlreadyEnrolled: []int64{}, Renewed: []int64{}, DueUpdated: []int64{}, NotFound: []int64{}}
	if len(ids) == 0 {
		return rep, nil
	}
	var existing []int64
	for _, chunk := range chunks(ids, 500) {
		var part []int64
		if err := tx.Model(&enrolment{}).Where("course_id = ? AND user_id IN ? AND completed_at IS NULL", c.ID, chunk).Pluck("user_id", &part).Error; err != nil {
			return nil, err
		}
		existing = append(existing, part...)
	}
	var completed []enrolment
	for _, chunk := range chunks(ids, 500) {
		var part []enrolment
		if err := tx.Where("course_id = ? AND user_id IN ? AND completed_at IS NOT NULL", c.ID, chunk).Find(&part).Error; err != nil {
			return nil, err
		}
		completed = append(completed, part...)
	}
	now := s.now()
	isExisting, isCompleted := map[int64]bool{}, map[int64]bool{}
	for _, id := range existing {
		isExisting[id] = true
	}
	renew := map[int64]*enrolment{}
	if len(completed) > 0 {
		validity, err := revisionValidity(tx, c.ID)
		if err != nil {
			return nil, err
		}
		for i := range completed {
			e := &completed[i]
			isCompleted[e.UserID] = true
			if renewable(e, validity[e.CompletedRevision], now) {
				renew[e.UserID] = e
			}
		}
	}
	var by *int64
	if p.UserID != 0 {
		by = &p.UserID
	}
	var rows []enrolment
	for _, id := range ids {
		switch {
		case renew[id] != nil:
			if err := startNextCycle(tx, renew[id], now, map[string]any{"due_at": due, "assigned_by": by, "source": source}); err != nil {
				return nil, err
			}
			rep.Renewed = append(rep.Renewed, id)
		case isCompleted[id]:
			rep.AlreadyEnrolled = append(rep.AlreadyEnrolled, id)
		case isExisting[id]:
			rep.AlreadyEnrolled = append(rep.AlreadyEnrolled, id)
			if due != nil {
				rep.DueUpdated = append(rep.DueUpdated, id)
			}
		default:
			rows = append(rows, enrolment{UserID: id, CourseID: c.ID, Source: source, AssignedBy: by, DueAt: due, EnrolledAt: now, Cycle: 1})
			rep.Enrolled = append(rep.Enrolled, id)
		}
	}
	if len(rows) > 0 {
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&rows, 200).Error; err != nil {
			return nil, err
		}
	}
	if due != nil && len(rep.DueUpdated) > 0 {
		for _, chunk := range chunks(rep.DueUpdated, 500) {
			if err := tx.Model(&enrolment{}).Where("course_id = ? AND user_id IN ?", c.ID, chunk).Update("due_at", due).Error; err != nil {
				return nil, err
			}
		}
	}
	return rep, nil
}

func chunks(ids []int64, n int) [][]int64 {
	var out [][]int64
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func checkDue(due *time.Time, now time.Time) error {
	if due == nil {
		return nil
	}
	if due.Before(now.AddDate(0, 0, -1)) || due.After(now.AddDate(10, 0, 0)) {
		return invalid(apperr.Field("due_at", "out_of_range", "must be from today to ten years ahead"))
	}
	return nil
}

// EnrolUsers is for trainers and admins: enrol any existing, active users in
// a published course.
func (s *Service) EnrolUsers(ctx context.Context, p *accounts.Principal, courseID int64, userIDs []int64, due *time.Time) (*EnrolReport, error) {
	userIDs = dedupe(userIDs)
	if len(userIDs) == 0 || len(userIDs) > MaxBatch {
		return nil, invalid(apperr.Field("user_ids", "out_of_range", "name 1 to 500 users"))
	}
	if err := checkDue(due, s.now()); err != nil {
		return nil, err
	}
	var rep *EnrolReport
	err := s.tx(ctx, func(tx *gorm.DB) error {
		c, _, err := s.visibleCourse(tx, p, courseID)
		if err != nil {
			return err
		}
		if c.Status != StatusPublished {
			return apperr.Unprocessable("course_not_published", "Only a published course can be taken.")
		}
		var found []int64
		if err := tx.Table("users").Where("id IN ? AND disabled_at IS NULL", userIDs).Pluck("id", &found).Error; err != nil {
			return err
		}
		ok := map[int64]bool{}
		for _, id := range found {
			ok[id] = true
		}
		var valid, missing []int64
		for _, id := range userIDs {
			if ok[id] {
				valid = append(valid, id)
			} else {
				missing = append(missing, id)
			}
		}
		source := SourceTrainer
		if p.Admin {
			source = SourceAdmin
		}
		rep, err = s.enrolUsers(tx, p, c, valid, due, source)
		if err == nil && missing != nil {
			rep.NotFound = missing
		}
		return err
	})
	if err == nil {
		s.forgetEnrolments(rep.Enrolled...)
	}
	return rep, err
}

// AssignInput is a manager's assignment: members by id, or every member of
// a profession, with an optional due date.
type AssignInput struct {
	CourseID   int64
	UserIDs    []int64
	Profession string
	DueAt      *time.Time
}

// AssignMembers enrols members of a manager's institution in a published
// course. Ids that are not members are reported, not enrolled.
func (s *Service) AssignMembers(ctx context.Context, p *accounts.Principal, instID int64, in AssignInput) (*EnrolReport, error) {
	if !p.ManagesInstitution(instID) {
		return nil, errInstitutionMissing
	}
	in.UserIDs = dedupe(in.UserIDs)
	var fields []apperr.FieldError
	if (len(in.UserIDs) == 0) == (in.Profession == "") {
		fields = append(fields, apperr.Field("user_ids", "required", "give either user_ids or profession"))
	}
	if len(in.UserIDs) > MaxBatch {
		fields = append(fields, apperr.Field("user_ids", "too_long", "name at most 500 users"))
	}
	if in.Profession != "" && !validProfession(in.Profession) {
		fields = append(fields, apperr.Field("profession", "not_allowed", "must be a profession"))
	}
	if len(fields) > 0 {
		return nil, invalid(fields...)
	}
	if err := checkDue(in.DueAt, s.now()); err != nil {
		return nil, err
	}
	members, err := s.acc.MemberIDs(ctx, instID, in.Profession)
	if err != nil {
		return nil, err
	}
	var ids, missing []int64
	if in.Profession != "" {
		ids = members
	} else {
		isMember := map[int64]bool{}
		for _, id := range members {
			isMember[id] = true
		}
		for _, id := range in.UserIDs {
			if isMember[id] {
				ids = append(ids, id)
			} else {
				missing = append(missing, id)
			}
		}
	}
	var rep *EnrolReport
	err = s.tx(ctx, func(tx *gorm.DB) error {
		c, _, err := s.visibleCourse(tx, p, in.CourseID)
		if err != nil {
			if apperr.IsKind(err, apperr.KindNotFound) {
				return apperr.Unprocessable("course_not_found", "No such course.", apperr.Field("course_id", "not_found", "names no published course"))
			}
			return err
		}
		if c.Status != StatusPublished {
			return apperr.Unprocessable("course_not_published", "Only a published course can be assigned.", apperr.Field("course_id", "not_published", "is not published"))
		}
		rep, err = s.enrolUsers(tx, p, c, ids, in.DueAt, SourceManager)
		if err == nil && missing != nil {
			rep.NotFound = missing
		}
		return err
	})
	if err == nil {
		s.forgetEnrolments(rep.Enrolled...)
	}
	return rep, err
}
