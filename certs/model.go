package certs

import "time"

// Rows. They are never bound from JSON nor sent as JSON: http.go maps them.

type certificate struct {
	ID               int64 `gorm:"primaryKey"`
	Code             string
	Kind             string
	IssueKey         string
	UserID           int64
	CourseID         int64
	CourseVersion    int
	Cycle            int // the enrolment cycle a completion was earned in; 0: not known
	InstitutionID    *int64
	HolderName       string
	CourseTitle      string
	Hours            float64
	CompletedOn      time.Time
	IssuedAt         time.Time
	ExpiresAt        *time.Time
	Snapshot         string // JSON, see storedSnapshot
	ShowResult       bool
	IssuedBy         *int64
	SupersedesID     *int64
	SupersededByID   *int64
	SupersededAt     *time.Time
	RevokedAt        *time.Time
	RevokedBy        *int64
	RevocationReason string
}

func (certificate) TableName() string { return "certificates" }

type exportJob struct {
	ID            int64 `gorm:"primaryKey"`
	InstitutionID int64
	RequestedBy   *int64
	Filter        string // JSON, see storedFilter
	Status        string
	Total         int
	Done          int
	Error         string
	CreatedAt     time.Time
	StartedAt     *time.Time
	HeartbeatAt   *time.Time
	FinishedAt    *time.Time
}

func (exportJob) TableName() string { return "certificate_exports" }

type exportItem struct {
	ExportID      int64 `gorm:"primaryKey;autoIncrement:false"`
	CertificateID int64 `gorm:"primaryKey;autoIncrement:false"`
}

func (exportItem) TableName() string { return "certificate_export_items" }

// Models lists the package's rows, for the schema-matches-models test.
func Models() []any {
	return []any{&certificate{}, &exportJob{}, &exportItem{}}
}
