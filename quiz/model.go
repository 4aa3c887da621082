package quiz

import "time"

// Rows. They are never bound from JSON nor sent as JSON: the service maps them to the exported
// types. Structured values (texts per language, slots, settings, marks) are JSON in TEXT columns:
// they are read and written whole, never queried inside.

type catalogueRow struct {
	ID        int64 `gorm:"primaryKey"`
	Version   int
	Format    string
	Source    string
	CreatedBy *int64
	CreatedAt time.Time
}

func (catalogueRow) TableName() string { return "quiz_catalogues" }

type categoryRow struct {
	ID        int64 `gorm:"primaryKey"`
	CourseID  int64
	Name      string
	CreatedAt time.Time
}

func (categoryRow) TableName() string { return "quiz_categories" }

type scenarioRow struct {
	ID             int64 `gorm:"primaryKey"`
	CourseID       int64
	Version        int
	Title          string // JSON Text
	AgeGroup       string
	Exploitation   string
	IndicatorList  string
	Professions    string // JSON []string
	ContentWarning string // JSON Text
	Narrative      string // JSON Text
	Present        string // JSON []string
	Evidence       string // JSON Evidence
	NextStep       string // JSON Text
	CreatedBy      *int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (scenarioRow) TableName() string { return "quiz_scenarios" }

type questionRow struct {
	ID             int64 `gorm:"primaryKey"`
	CourseID       int64
	CategoryID     *int64
	ScenarioID     *int64
	Type           string
	ExternalID     string
	CurrentVersion int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (questionRow) TableName() string { return "quiz_questions" }

type questionTagRow struct {
	QuestionID int64  `gorm:"primaryKey;autoIncrement:false"`
	Tag        string `gorm:"primaryKey"`
}

func (questionTagRow) TableName() string { return "quiz_question_tags" }

type questionVersionRow struct {
	ID         int64 `gorm:"primaryKey"`
	QuestionID int64
	Version    int
	Type       string
	Definition string // JSON questionDef
	CreatedBy  *int64
	CreatedAt  time.Time
}

func (questionVersionRow) TableName() string { return "quiz_question_versions" }

type quizRow struct {
	ID            int64 `gorm:"primaryKey"`
	CourseID      int64
	ModuleID      int64
	Version       int
	Settings      string // JSON Settings
	Slots         string // JSON []Slot
	PublicationID *int64
	CreatedBy     *int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (quizRow) TableName() string { return "quiz_quizzes" }

type publicationRow struct {
	ID               int64 `gorm:"primaryKey"`
	QuizID           int64
	Number           int
	CatalogueVersion int
	Settings         string // JSON Settings
	Slots            string // JSON []pinnedSlot
	PublishedBy      *int64
	PublishedAt      time.Time
}

func (publicationRow) TableName() string { return "quiz_publications" }

// Attempt states.
const (
	StateOpen      = "open"
	StateSubmitted = "submitted"
)

type attemptRow struct {
	ID            int64 `gorm:"primaryKey"`
	QuizID        int64
	PublicationID int64
	CourseID      int64
	UserID        int64
	Number        int
	State         string
	Lang          string
	Profession    string
	InstitutionID *int64
	StartedAt     time.Time
	Deadline      *time.Time
	SubmittedAt   *time.Time
	AutoSubmitted bool
	Score         *float64
	Points        *float64
	MaxPoints     float64
	Passed        *bool
	RecordedAt    *time.Time
	UpdatedAt     time.Time
}

func (attemptRow) TableName() string { return "quiz_attempts" }

type attemptQuestionRow struct {
	ID                int64 `gorm:"primaryKey"`
	AttemptID         int64
	Position          int
	QuestionID        int64
	QuestionVersionID int64
	Points            float64
	Layout            string  // JSON layout: the order options were shown in
	Response          *string // JSON response, nil until saved
	SavedAt           *time.Time
	Locked            bool
	Fraction          *float64
	Mark              *string // JSON Mark, set when graded
}

func (attemptQuestionRow) TableName() string { return "quiz_attempt_questions" }

// Models lists the package's rows, for the schema-matches-models test.
func Models() []any {
	return []any{&catalogueRow{}, &categoryRow{}, &scenarioRow{}, &questionRow{}, &questionTagRow{},
		&questionVersionRow{}, &quizRow{}, &publicationRow{}, &attemptRow{}, &attemptQuestionRow{}}
}
