package accounts

import "time"

// Rows. They are never bound from JSON nor sent as JSON: http.go maps them.

type institution struct {
	ID        int64 `gorm:"primaryKey"`
	Name      string
	Kind      string
	City      string
	Country   string
	SearchKey string
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (institution) TableName() string { return "institutions" }

type user struct {
	ID            int64 `gorm:"primaryKey"`
	Email         string
	EmailKey      string
	FullName      string
	Locale        string
	Profession    string
	InstitutionID *int64
	PasswordHash  string
	IsTrainer     bool
	IsManager     bool
	IsAdmin       bool
	DisabledAt    *time.Time
	SearchKey     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (user) TableName() string { return "users" }

type refreshToken struct {
	ID              int64 `gorm:"primaryKey"`
	UserID          int64
	FamilyID        string
	TokenHash       string
	FamilyStartedAt time.Time
	IssuedAt        time.Time
	RotatedAt       *time.Time
	RevokedAt       *time.Time
}

func (refreshToken) TableName() string { return "refresh_tokens" }

type loginFailure struct {
	ID       int64 `gorm:"primaryKey"`
	EmailKey string
	ClientIP string
	At       time.Time
}

func (loginFailure) TableName() string { return "login_failures" }

type invitation struct {
	ID            int64 `gorm:"primaryKey"`
	InstitutionID int64
	CodeHash      string
	CodeHint      string
	EmailKey      string
	FullName      string
	Profession    string
	MaxUses       int
	Uses          int
	ExpiresAt     time.Time
	RevokedAt     *time.Time
	CreatedBy     *int64
	CreatedAt     time.Time
}

func (invitation) TableName() string { return "invitations" }

type auditEvent struct {
	ID         int64 `gorm:"primaryKey"`
	At         time.Time
	ActorID    *int64
	Action     string
	TargetType string
	TargetID   string
	Outcome    string
	ClientIP   string
	RequestID  string
	Detail     string
}

func (auditEvent) TableName() string { return "audit_events" }

// Models lists the package's rows, for the schema-matches-models test.
func Models() []any {
	return []any{&institution{}, &user{}, &refreshToken{}, &loginFailure{}, &invitation{}, &auditEvent{}}
}
