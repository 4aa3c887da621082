package courses

import (
	"regexp"
	"slices"
	"strings"

	"github.com/prepoznaj/prepoznaj/accounts"
)

// Course lifecycle.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusArchived  = "archived"
)

// Levels a course can be written at.
var Levels = []string{"introductory", "intermediate", "advanced"}

// Languages a course's content can be in: Serbian (the Cyrillic source, shown
// in either script) and English.
var Languages = []string{"sr", "en"}

// Session kinds.
const (
	KindInPerson = "in_person"
	KindOnline   = "online"
)

// Attendance statuses in the register.
const (
	AttendPresent = "present"
	AttendLate    = "late"
	AttendExcused = "excused"
	AttendAbsent  = "absent"
)

// Enrolment sources.
const (
	SourceSelf    = "self"
	SourceManager = "manager"
	SourceTrainer = "trainer"
	SourceAdmin   = "admin"
)

// Limits.
const (
	MaxTitleRunes       = 200
	MaxSummaryRunes     = 2000
	MaxReasonRunes      = 500
	MaxModules          = 50
	MaxLessonsPerCourse = 500
	MaxBatch            = 500 // user ids in one enrolment or registration request
	MaxRuleQuizzes      = 50
	MaxExportRows       = 50_000
)

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

func validSlug(s string) bool { return len(s) <= 80 && slugPattern.MatchString(s) }

func validProfession(p string) bool { return slices.Contains(accounts.Professions, p) }

// joinSet stores a set as ",a,b," so one LIKE '%,a,%' finds a member on both
// dialects.
func joinSet(items []string) string {
	if len(items) == 0 {
		return ""
	}
	return "," + strings.Join(items, ",") + ","
}

func splitSet(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}
