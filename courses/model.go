package courses

import "time"

// Rows. They are never bound from JSON nor sent as JSON: the handlers map them.

type course struct {
	ID                int64 `gorm:"primaryKey"`
	Slug              string
	Status            string
	OwnerID           int64
	Version           int
	PublishedRevision int
	TitleSr           string
	TitleEn           string
	SummarySr         string
	SummaryEn         string
	Professions       string // ",police,health,": LIKE-searchable on both dialects
	Languages         string // ",sr,en,"
	Level             string
	Hours             float64
	ValidityMonths    int
	ContentWarning    bool
	SelfEnrol         bool
	MinAttendedHours  float64
	RuleQuizzes       string // JSON []QuizRequirement
	SearchText        string
	SortTitle         string
	PublishedAt       *time.Time
	ArchivedAt        *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

func (course) TableName() string { return "courses" }

type courseAuthor struct {
	CourseID int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID   int64 `gorm:"primaryKey;autoIncrement:false"`
	AddedAt  time.Time
}

func (courseAuthor) TableName() string { return "course_authors" }

type courseRevision struct {
	ID             int64 `gorm:"primaryKey"`
	CourseID       int64
	Revision       int
	TitleSr        string
	TitleEn        string
	SummarySr      string
	SummaryEn      string
	Professions    string
	Languages      string
	Level          string
	Hours          float64
	ValidityMonths int
	ContentWarning bool
	SelfEnrol      bool
	SearchText     string
	SortTitle      string
	Outline        string // JSON outline
	PublishedBy    *int64
	PublishedAt    time.Time
}

func (courseRevision) TableName() string { return "course_revisions" }

type module struct {
	ID         int64 `gorm:"primaryKey"`
	CourseID   int64
	Position   int
	TitleSr    string
	TitleEn    string
	Version    int
	ArchivedAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (module) TableName() string { return "course_modules" }

type lesson struct {
	ID             int64 `gorm:"primaryKey"`
	CourseID       int64
	ModuleID       int64
	LessonKey      string
	Position       int
	TitleSr        string
	TitleEn        string
	BodySr         string
	BodyEn         string
	HTMLSr         string `gorm:"column:html_sr"`
	HTMLEn         string `gorm:"column:html_en"`
	ReadingMinutes int
	ContentWarning bool
	Required       bool
	Version        int
	PubTitleSr     string
	PubTitleEn     string
	PubHTMLSr      string `gorm:"column:pub_html_sr"`
	PubHTMLEn      string `gorm:"column:pub_html_en"`
	PublishedAt    *time.Time
	ArchivedAt     *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (lesson) TableName() string { return "course_lessons" }

type enrolment struct {
	ID                   int64 `gorm:"primaryKey"`
	UserID               int64
	CourseID             int64
	Source               string
	AssignedBy           *int64
	DueAt                *time.Time
	EnrolledAt           time.Time
	CompletedAt          *time.Time
	CompletedRevision    int
	CompletionNotifiedAt *time.Time
	LastActivityAt       *time.Time
	Cycle                int        // 1, then one more for each re-take after expiry
	CycleStartedAt       *time.Time // nil: the cycle started at EnrolledAt
}

// cycleNumber is the enrolment's cycle (rows written before cycles count as 1).
func (e *enrolment) cycleNumber() int { return max(e.Cycle, 1) }

// cycleStart is when the current cycle began.
func (e *enrolment) cycleStart() time.Time {
	if e.CycleStartedAt != nil {
		return e.CycleStartedAt.UTC()
	}
	return e.EnrolledAt.UTC()
}

func (enrolment) TableName() string { return "course_enrolments" }

// completionRecord is a finished cycle of an enrolment, kept when the learner
// starts the next one (see Retake).
type completionRecord struct {
	ID                int64 `gorm:"primaryKey"`
	UserID            int64
	CourseID          int64
	Cycle             int
	StartedAt         time.Time
	CompletedAt       time.Time
	CompletedRevision int
	Lessons           string // JSON []cycleLesson
	QuizResults       string // JSON []cycleQuiz
	AttendedMinutes   int
	EndedAt           time.Time
}

func (completionRecord) TableName() string { return "course_completions" }

type lessonProgress struct {
	ID           int64 `gorm:"primaryKey"`
	UserID       int64
	CourseID     int64
	LessonID     int64
	CompletedAt  *time.Time
	SecondsSpent int
	LastBeatAt   *time.Time
	UpdatedAt    time.Time
}

func (lessonProgress) TableName() string { return "lesson_progress" }

type quizResult struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	CourseID  int64
	QuizID    int64
	BestScore float64
	LastScore float64
	Passed    bool
	Attempts  int
	UpdatedAt time.Time
}

func (quizResult) TableName() string { return "course_quiz_results" }

type liveSession struct {
	ID              int64 `gorm:"primaryKey"`
	CourseID        int64
	Kind            string
	TitleSr         string
	TitleEn         string
	Place           string
	Link            string
	StartsAt        time.Time
	DurationMinutes int
	Capacity        int
	Registered      int
	TrainerID       int64
	Version         int
	ClosedAt        *time.Time
	ClosedBy        *int64
	CancelledAt     *time.Time
	// AttendanceNotifiedAt is when the closed register was delivered to the
	// register listener (nil: not yet, or again after an admin's correction).
	AttendanceNotifiedAt *time.Time
	CreatedBy            *int64
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

func (liveSession) TableName() string { return "live_sessions" }

type registration struct {
	ID           int64 `gorm:"primaryKey"`
	SessionID    int64
	UserID       int64
	RegisteredBy *int64
	RegisteredAt time.Time
	Status       string // "" until the register says otherwise
	Minutes      int
	RecordedAt   *time.Time
}

func (registration) TableName() string { return "session_registrations" }

type attendanceRecord struct {
	ID         int64 `gorm:"primaryKey"`
	SessionID  int64
	UserID     int64
	Status     string
	Minutes    int
	Reason     string
	AfterClose bool
	RecordedBy *int64
	RecordedAt time.Time
}

func (attendanceRecord) TableName() string { return "attendance_records" }

// person is the read-only slice of accounts' users table that reports and
// registers show; courses never writes it.
type person struct {
	ID            int64
	Email         string
	FullName      string
	Profession    string
	InstitutionID *int64
}

// Models lists the package's rows, for the schema-matches-models test.
func Models() []any {
	return []any{&course{}, &courseAuthor{}, &courseRevision{}, &module{}, &lesson{}, &enrolment{},
		&lessonProgress{}, &quizResult{}, &liveSession{}, &registration{}, &attendanceRecord{}, &completionRecord{}}
}
