package courses

import (
	"encoding/json"
	"fmt"
	"sync"

	"gorm.io/gorm"
)

// outline is what a published revision fixes: the modules and lessons in
// order, their flags, and the completion rule. It is stored as JSON in
// course_revisions and never changes, so it is cached by (course, revision).
type outline struct {
	Modules []outlineModule `json:"modules"`
	Rule    ruleDef         `json:"rule"`
}

type outlineModule struct {
	ID      int64           `json:"id"`
	TitleSr string          `json:"title_sr"`
	TitleEn string          `json:"title_en"`
	Lessons []outlineLesson `json:"lessons"`
}

type outlineLesson struct {
	ID             int64  `json:"id"`
	Key            string `json:"key"`
	TitleSr        string `json:"title_sr"`
	TitleEn        string `json:"title_en"`
	ReadingMinutes int    `json:"reading_minutes"`
	ContentWarning bool   `json:"content_warning"`
	Required       bool   `json:"required"`
}

type ruleDef struct {
	MinAttendedHours float64           `json:"min_attended_hours"`
	Quizzes          []QuizRequirement `json:"quizzes"`
}

// QuizRequirement is one required quiz of a completion rule: passed, with at
// least MinScore (a fraction of the maximum, 0 to 1; 0 means passing is enough).
type QuizRequirement struct {
	QuizID   int64   `json:"quiz_id"`
	MinScore float64 `json:"min_score"`
}

// lessons returns every lesson in order, with its module.
func (o *outline) lessons() []outlineLesson {
	var out []outlineLesson
	for _, m := range o.Modules {
		out = append(out, m.Lessons...)
	}
	return out
}

func (o *outline) lesson(id int64) (outlineLesson, int64, bool) {
	for _, m := range o.Modules {
		for _, l := range m.Lessons {
			if l.ID == id {
				return l, m.ID, true
			}
		}
	}
	return outlineLesson{}, 0, false
}

type outlineKey struct {
	course   int64
	revision int
}

// outlineCache holds parsed outlines. Revisions are immutable, so entries
// never go stale; the map is dropped when it grows past a bound.
type outlineCache struct {
	mu sync.RWMutex
	m  map[outlineKey]*outline
}

const maxCachedOutlines = 2000

func (c *outlineCache) get(k outlineKey) (*outline, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	o, ok := c.m[k]
	return o, ok
}

func (c *outlineCache) put(k outlineKey, o *outline) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedOutlines {
		c.m = map[outlineKey]*outline{}
	}
	c.m[k] = o
}

// publishedOutline returns the outline of a course's revision (callers pass
// the course's published_revision).
func (s *Service) publishedOutline(tx *gorm.DB, courseID int64, revision int) (*outline, error) {
	if revision <= 0 {
		return nil, errCourseNotFound
	}
	k := outlineKey{courseID, revision}
	if o, ok := s.outlines.get(k); ok {
		return o, nil
	}
	var raw string
	if err := tx.Model(&courseRevision{}).Where("course_id = ? AND revision = ?", courseID, revision).
		Limit(1).Pluck("outline", &raw).Error; err != nil {
		return nil, err
	}
	if raw == "" {
		return nil, fmt.Errorf("course %d has no revision %d", courseID, revision)
	}
	var o outline
	if err := json.Unmarshal([]byte(raw), &o); err != nil {
		return nil, fmt.Errorf("course %d revision %d: %w", courseID, revision, err)
	}
	s.outlines.put(k, &o)
	return &o, nil
}
