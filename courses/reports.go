package courses

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/csvx"
	"github.com/prepoznaj/prepoznaj/lang"
)

// ProgressFilter selects rows of an institution's progress report.
type ProgressFilter struct {
	CourseID   int64
	Profession string
	// Status: enrolled, not_enrolled (needs CourseID), in_progress, completed, overdue.
	Status string
	Query  string
	// Locale is the language course and quiz titles are given in (the
	// Serbian source when empty).
	Locale lang.Locale
	Offset int
	Limit  int
}

// ProgressStatuses are the report's status filters.
var ProgressStatuses = []string{"enrolled", "not_enrolled", "in_progress", "completed", "overdue"}

// MemberProgress is one member and one course in a manager's report. With a
// course filter every member has a row, enrolled or not.
type MemberProgress struct {
	UserID        int64         `json:"user_id"`
	FullName      string        `json:"full_name"`
	Email         string        `json:"email"`
	Profession    string        `json:"profession"`
	CourseID      int64         `json:"course_id"`
	CourseSlug    string        `json:"course_slug"`
	CourseTitle   string        `json:"course_title"`
	Enrolled      bool          `json:"enrolled"`
	Source        string        `json:"source"`
	EnrolledAt    *time.Time    `json:"enrolled_at"`
	DueAt         *time.Time    `json:"due_at"`
	Percent       int           `json:"percent"`
	CompletedAt   *time.Time    `json:"completed_at"`
	QuizResults   []QuizOutcome `json:"quiz_results"`
	AttendedHours float64       `json:"attended_hours"`
	Overdue       bool          `json:"overdue"`
}

// QuizOutcome is a member's standing in one quiz of the course.
type QuizOutcome struct {
	QuizID int64 `json:"quiz_id"`
	// Title is the quiz's title in the report's locale ("" when the quiz
	// is gone).
	Title     string  `json:"title"`
	BestScore float64 `json:"best_score"`
	Passed    bool    `json:"passed"`
	Attempts  int     `json:"attempts"`
}

type reportRow struct {
	UserID         int64
	FullName       string
	Email          string
	Profession     string
	CourseID       *int64
	Slug           *string
	TitleSr        *string
	TitleEn        *string
	Revision       *int
	EnrolmentID    *int64
	Source         *string
	EnrolledAt     *time.Time
	DueAt          *time.Time
	CompletedAt    *time.Time
	CompletedRev   *int
	LastActivityAt *time.Time
}

func (f *ProgressFilter) validate() error {
	var fields []apperr.FieldError
	f.Query = strings.TrimSpace(f.Query)
	if f.Profession != "" && !validProfession(f.Profession) {
		fields = append(fields, apperr.Field("profession", "not_allowed", "must be one of: "+strings.Join(accounts.Professions, ", ")))
	}
	if f.Status != "" && !slices.Contains(ProgressStatuses, f.Status) {
		fields = append(fields, apperr.Field("status", "not_allowed", "must be one of: "+strings.Join(ProgressStatuses, ", ")))
	}
	if f.Status == "not_enrolled" && f.CourseID == 0 {
		fields = append(fields, apperr.Field("status", "needs_course", "not_enrolled needs course_id"))
	}
	if utf8.RuneCountInString(f.Query) > 100 {
		fields = append(fields, apperr.Field("q", "too_long", "must have at most 100 characters"))
	}
	if len(fields) > 0 {
		return apperr.Invalid("invalid_query", "Some query parameters are invalid.", fields...)
	}
	return nil
}

// progressQuery selects the report's rows; with details it joins the
// course's published title, without it only what filters, counts and
// orders need.
func (s *Service) progressQuery(tx *gorm.DB, instID int64, f ProgressFilter, details bool) *gorm.DB {
	q := tx.Table("users AS u")
	if !details {
		q = q.Select("u.id AS user_id, e.course_id AS course_id")
	} else {
		q = q.Select("u.id AS user_id, u.full_name, u.email, u.profession, e.course_id AS course_id, c.slug AS slug, " +
			"r.title_sr AS title_sr, r.title_en AS title_en, c.published_revision AS revision, e.id AS enrolment_id, e.source AS source, e.enrolled_at AS enrolled_at, " +
			"e.due_at AS due_at, e.completed_at AS completed_at, e.completed_revision AS completed_rev, e.last_activity_at AS last_activity_at")
	}
	if f.CourseID != 0 {
		q = q.Joins("LEFT JOIN course_enrolments e ON e.user_id = u.id AND e.course_id = ?", f.CourseID)
	} else {
		q = q.Joins("JOIN course_enrolments e ON e.user_id = u.id")
	}
	if details {
		q = q.Joins("LEFT JOIN courses c ON c.id = e.course_id").
			Joins("LEFT JOIN course_revisions r ON r.course_id = c.id AND r.revision = c.published_revision")
	}
	q = q.Where("u.institution_id = ?", instID)
	if f.Profession != "" {
		q = q.Where("u.profession = ?", f.Profession)
	}
	if f.Query != "" {
		like := "%" + likeEscape(strings.ToLower(f.Query)) + "%"
		q = q.Where("(LOWER(u.full_name) LIKE ? ESCAPE '\\' OR u.email_key LIKE ? ESCAPE '\\')", like, like)
	}
	switch f.Status {
	case "enrolled":
		q = q.Where("e.id IS NOT NULL")
	case "not_enrolled":
		q = q.Where("e.id IS NULL")
	case "in_progress":
		q = q.Where("e.id IS NOT NULL AND e.completed_at IS NULL")
	case "completed":
		q = q.Where("e.completed_at IS NOT NULL")
	case "overdue":
		q = q.Where("e.completed_at IS NULL AND e.due_at IS NOT NULL AND e.due_at < ?", s.now())
	}
	return q
}

// InstitutionProgress is the managers' report: per member and course,
// enrolment, progress, quiz results, attended hours and overdue assignments.
// Only the institution's managers and admins may read it (404 otherwise).
func (s *Service) InstitutionProgress(ctx context.Context, p *accounts.Principal, instID int64, f ProgressFilter) ([]MemberProgress, int64, error) {
	if !p.ManagesInstitution(instID) {
		return nil, 0, errInstitutionMissing
	}
	if err := f.validate(); err != nil {
		return nil, 0, err
	}
	var out []MemberProgress
	var total int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.progressQuery(tx, instID, f, false).Count(&total).Error; err != nil {
			return err
		}
		var err error
		out, err = s.progressPage(tx, instID, f, f.Offset, f.Limit)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	s.nameQuizzes(ctx, out, f, map[int64]map[int64]string{})
	return out, total, nil
}

func (s *Service) progressPage(tx *gorm.DB, instID int64, f ProgressFilter, offset, limit int) ([]MemberProgress, error) {
	// The page is chosen on narrow rows, then its details are read: sorting
	// a thousand members' enrolments with every joined column is what costs.
	var keys []struct {
		UserID   int64
		CourseID *int64
	}
	if err := s.progressQuery(tx, instID, f, false).Order("u.full_name, u.id, e.course_id").Offset(offset).Limit(limit).Scan(&keys).Error; err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return []MemberProgress{}, nil
	}
	uids := make([]int64, len(keys))
	for i, k := range keys {
		uids[i] = k.UserID
	}
	var detailed []reportRow
	if err := s.progressQuery(tx, instID, f, true).Where("u.id IN ?", uids).Scan(&detailed).Error; err != nil {
		return nil, err
	}
	byKey := map[pairKey]reportRow{}
	for _, r := range detailed {
		byKey[pairKey{r.UserID, deref(r.CourseID)}] = r
	}
	rows := make([]reportRow, 0, len(keys))
	for _, k := range keys {
		if r, ok := byKey[pairKey{k.UserID, deref(k.CourseID)}]; ok {
			rows = append(rows, r)
		}
	}
	var pairs []pairKey
	for _, r := range rows {
		if r.CourseID != nil {
			pairs = append(pairs, pairKey{r.UserID, *r.CourseID})
		}
	}
	states, err := loadStates(tx, pairs)
	if err != nil {
		return nil, err
	}
	var courseSlug, courseTitle string
	var courseRev int
	if f.CourseID != 0 {
		c, err := loadCourse(tx, f.CourseID)
		if err == nil {
			courseSlug, courseRev = c.Slug, c.PublishedRevision
			titleSr, titleEn := c.TitleSr, c.TitleEn
			if courseRev > 0 {
				var rev courseRevision
				if tx.Select("title_sr, title_en").Where("course_id = ? AND revision = ?", c.ID, courseRev).Limit(1).Find(&rev).RowsAffected == 1 {
					titleSr, titleEn = rev.TitleSr, rev.TitleEn
				}
			}
			courseTitle = localize(titleSr, titleEn, f.locale())
		}
	}
	now := s.now()
	out := make([]MemberProgress, 0, len(rows))
	for _, r := range rows {
		m := MemberProgress{UserID: r.UserID, FullName: r.FullName, Email: r.Email, Profession: r.Profession,
			CourseID: f.CourseID, CourseSlug: courseSlug, CourseTitle: courseTitle, QuizResults: []QuizOutcome{}}
		if r.CourseID != nil {
			m.CourseID = *r.CourseID
			m.CourseSlug, m.CourseTitle = deref(r.Slug), localize(deref(r.TitleSr), deref(r.TitleEn), f.locale())
			m.Enrolled = true
			m.Source = deref(r.Source)
			m.EnrolledAt, m.DueAt, m.CompletedAt = utcPtr(r.EnrolledAt), utcPtr(r.DueAt), utcPtr(r.CompletedAt)
			e := enrolment{DueAt: r.DueAt, CompletedAt: r.CompletedAt}
			m.Overdue = overdue(&e, now)
			st := states[pairKey{r.UserID, *r.CourseID}]
			m.AttendedHours = roundHours(float64(st.AttendedMinutes) / 60)
			for id, q := range st.Quizzes {
				m.QuizResults = append(m.QuizResults, QuizOutcome{QuizID: id, BestScore: q.BestScore, Passed: q.Passed, Attempts: q.Attempts})
			}
			slices.SortFunc(m.QuizResults, func(a, b QuizOutcome) int { return int(a.QuizID - b.QuizID) })
			if r.Revision != nil && *r.Revision > 0 {
				o, err := s.publishedOutline(tx, *r.CourseID, *r.Revision)
				if err != nil {
					return nil, err
				}
				m.Percent = evaluate(o, st).Percent
			}
			if m.CompletedAt != nil {
				m.Percent = 100
			}
		}
		out = append(out, m)
	}
	return out, nil
}

func (f *ProgressFilter) locale() lang.Locale {
	if f.Locale == "" {
		return lang.SerbianCyrillic
	}
	return f.Locale
}

// nameQuizzes gives the rows' quiz results their titles in the filter's
// locale, asking the quiz directory once per course (outside any
// transaction: the directory reads with its own connection).
func (s *Service) nameQuizzes(ctx context.Context, rows []MemberProgress, f ProgressFilter, titles map[int64]map[int64]string) {
	d := s.quizDirectory()
	if d == nil {
		return
	}
	for i := range rows {
		m := &rows[i]
		if len(m.QuizResults) == 0 {
			continue
		}
		names, ok := titles[m.CourseID]
		if !ok {
			names = map[int64]string{}
			if list, err := d.CourseQuizzes(ctx, m.CourseID); err == nil {
				for _, q := range list {
					names[q.ID] = localize(q.Title.Sr, q.Title.En, f.locale())
				}
			} else {
				s.log.Warn("quiz titles for the progress report", "course_id", m.CourseID, "err", err)
			}
			titles[m.CourseID] = names
		}
		for j := range m.QuizResults {
			m.QuizResults[j].Title = names[m.QuizResults[j].QuizID]
		}
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// WriteInstitutionProgressCSV writes every row the filter selects (at most
// MaxExportRows) as formula-safe CSV, reading them a page at a time.
func (s *Service) WriteInstitutionProgressCSV(ctx context.Context, p *accounts.Principal, instID int64, f ProgressFilter, w io.Writer) error {
	if !p.ManagesInstitution(instID) {
		return errInstitutionMissing
	}
	if err := f.validate(); err != nil {
		return err
	}
	cw := csvx.NewWriter(w)
	cw.BOM = true
	cw.Write([]string{"user_id", "full_name", "email", "profession", "course_id", "course_slug", "course_title", "enrolled", "source",
		"enrolled_at", "due_at", "percent", "completed_at", "quiz_results", "attended_hours", "overdue"})
	const chunk = 500
	titles := map[int64]map[int64]string{}
	for offset := 0; offset < MaxExportRows; offset += chunk {
		var page []MemberProgress
		err := s.tx(ctx, func(tx *gorm.DB) error {
			var err error
			page, err = s.progressPage(tx, instID, f, offset, chunk)
			return err
		})
		if err != nil {
			return err
		}
		s.nameQuizzes(ctx, page, f, titles)
		for _, m := range page {
			var quizzes []string
			for _, q := range m.QuizResults {
				verdict := "not passed"
				if q.Passed {
					verdict = "passed"
				}
				name := q.Title
				if name == "" {
					name = fmt.Sprintf("quiz %d", q.QuizID)
				}
				quizzes = append(quizzes, fmt.Sprintf("%s: %.0f%% %s", name, q.BestScore*100, verdict))
			}
			cw.Write([]string{strconv.FormatInt(m.UserID, 10), m.FullName, m.Email, m.Profession, idOrEmpty(m.CourseID), m.CourseSlug,
				m.CourseTitle, yesNo(m.Enrolled), m.Source, timeOrEmpty(m.EnrolledAt), timeOrEmpty(m.DueAt), strconv.Itoa(m.Percent),
				timeOrEmpty(m.CompletedAt), strings.Join(quizzes, "; "), fmt.Sprintf("%.2f", m.AttendedHours), yesNo(m.Overdue)})
		}
		if err := cw.Flush(); err != nil {
			return err
		}
		if len(page) < chunk {
			break
		}
	}
	return cw.Flush()
}

func idOrEmpty(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func timeOrEmpty(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// CourseProgressSummary is one course's totals over the members a progress
// filter selects: the managers' charts. Each enrolment is in exactly one of
// done, overdue, in_progress (some progress) and not_started; NotEnrolled
// counts members without an enrolment, which only a course filter shows.
type CourseProgressSummary struct {
	CourseID    int64  `json:"course_id"`
	Title       string `json:"title"`
	Done        int    `json:"done"`
	InProgress  int    `json:"in_progress"`
	NotStarted  int    `json:"not_started"`
	Overdue     int    `json:"overdue"`
	NotEnrolled int    `json:"not_enrolled"`
	// HoursAttended is the sum of the members' attended hours; Attendees
	// counts the members with any.
	HoursAttended float64 `json:"hours_attended"`
	Attendees     int     `json:"attendees"`
}

// InstitutionProgressSummary totals the progress report per course, over
// every row the filter selects (at most MaxExportRows), ordered by title.
// Offset and Limit of f are ignored.
func (s *Service) InstitutionProgressSummary(ctx context.Context, p *accounts.Principal, instID int64, f ProgressFilter) ([]CourseProgressSummary, error) {
	if !p.ManagesInstitution(instID) {
		return nil, errInstitutionMissing
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	by := map[int64]*CourseProgressSummary{}
	const chunk = 500
	for offset := 0; offset < MaxExportRows; offset += chunk {
		var page []MemberProgress
		err := s.tx(ctx, func(tx *gorm.DB) error {
			var err error
			page, err = s.progressPage(tx, instID, f, offset, chunk)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, m := range page {
			if m.CourseID == 0 {
				continue
			}
			t := by[m.CourseID]
			if t == nil {
				t = &CourseProgressSummary{CourseID: m.CourseID, Title: m.CourseTitle}
				by[m.CourseID] = t
			}
			switch {
			case !m.Enrolled:
				t.NotEnrolled++
			case m.CompletedAt != nil:
				t.Done++
			case m.Overdue:
				t.Overdue++
			case m.Percent > 0:
				t.InProgress++
			default:
				t.NotStarted++
			}
			t.HoursAttended += m.AttendedHours
			if m.AttendedHours > 0 {
				t.Attendees++
			}
		}
		if len(page) < chunk {
			break
		}
	}
	out := make([]CourseProgressSummary, 0, len(by))
	for _, t := range by {
		t.HoursAttended = roundHours(t.HoursAttended)
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b CourseProgressSummary) int {
		if c := strings.Compare(a.Title, b.Title); c != 0 {
			return c
		}
		return int(a.CourseID - b.CourseID)
	})
	return out, nil
}
