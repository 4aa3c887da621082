package courses

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/lang"
)

// The published catalogue is small (hundreds of courses) and read on every
// visit, while it changes only when a course is published, archived or
// edited. Learners' listings are therefore filtered, sorted and paged in
// memory from a snapshot of the published rows. This instance drops the
// snapshot as soon as it publishes, archives or imports a course; a change made
// by another instance is noticed by a cheap stamp query (count, revisions and
// latest change of the courses table), run at most every stampEvery, so it
// shows here within that time. Trainers
// and admins, who also see their drafts, take the SQL path; the tests hold
// the two to the same answers.
type catalogueCache struct {
	mu      sync.Mutex
	stamp   string
	checked time.Time
	snap    *catalogueSnapshot
}

// catalogueSnapshot is the published rows read at one stamp, with what is
// worked out from them once (their JSON, see catalogue_json.go), so that it
// is dropped with them. Requests that took a snapshot may finish with it
// after it is dropped; its rows never change once it is cached.
type catalogueSnapshot struct {
	rows []cachedCourse
	json [len(catalogueLocales)]encodedRows
	// orders are the rows in each cachedOrders order, by key: sorted once,
	// on the key's first request, rather than on every request.
	orders map[string]*sortedRows
}

type sortedRows struct {
	once sync.Once
	idx  []int
}

func newSnapshot(rows []cachedCourse) *catalogueSnapshot {
	snap := &catalogueSnapshot{rows: rows, orders: make(map[string]*sortedRows, len(cachedOrders))}
	for key := range cachedOrders {
		snap.orders[key] = &sortedRows{}
	}
	return snap
}

// sorted is the rows' indexes in the order key (a cachedOrders key) names.
// Shared by every request: never modify it.
func (snap *catalogueSnapshot) sorted(key string) []int {
	o := snap.orders[key]
	o.once.Do(func() {
		idx := make([]int, len(snap.rows))
		for i := range idx {
			idx[i] = i
		}
		order := cachedOrders[key]
		slices.SortFunc(idx, func(a, b int) int { return order(&snap.rows[a], &snap.rows[b]) })
		o.idx = idx
	})
	return o.idx
}

// stampEvery bounds how long a change made by another instance may take to
// reach this one's catalogue.
const stampEvery = 2 * time.Second

// invalidate drops the snapshot. Called after a write commits; it waits for
// a reload in progress, so no snapshot read before the write survives it.
func (c *catalogueCache) invalidate() {
	c.mu.Lock()
	c.snap, c.stamp = nil, ""
	c.mu.Unlock()
}

// cachedCourse is a published catalogue row with what filtering and
// sorting need.
type cachedCourse = catalogueRow

func (s *Service) publishedRows(ctx context.Context) (*catalogueSnapshot, error) {
	c := &s.catalogue
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if c.snap != nil && now.Sub(c.checked) < stampEvery {
		return c.snap, nil
	}
	db := s.db.WithContext(ctx)
	var st struct {
		N    *int64
		Revs int64
		Last string
	}
	if err := db.Raw("SELECT SUM(CASE WHEN status = 'published' THEN 1 ELSE 0 END) AS n, COALESCE(SUM(published_revision), 0) AS revs, " +
		"COALESCE(CAST(MAX(updated_at) AS TEXT), '') AS last FROM courses WHERE published_revision > 0").Scan(&st).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	stamp := itoa(deref(st.N)) + "/" + itoa(st.Revs) + "/" + st.Last
	if c.snap != nil && c.stamp == stamp {
		c.checked = now
		return c.snap, nil
	}
	var rows []cachedCourse
	if err := db.Raw("SELECT c.id, c.slug, c.status, c.owner_id, r.revision, r.title_sr, r.title_en, r.summary_sr, r.summary_en, " +
		"r.professions, r.languages, r.level, r.hours, r.validity_months, r.content_warning, r.self_enrol, c.published_at, " +
		"r.search_text, r.sort_title FROM courses c JOIN course_revisions r ON r.course_id = c.id AND r.revision = c.published_revision " +
		"WHERE c.status = 'published'").Scan(&rows).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	if rows == nil {
		rows = []cachedCourse{}
	}
	for i := range rows {
		rows[i].TitleLatn, rows[i].SummaryLatn = lang.ToLatin(rows[i].TitleSr), lang.ToLatin(rows[i].SummarySr)
	}
	c.snap, c.stamp, c.checked = newSnapshot(rows), stamp, now
	return c.snap, nil
}

var cachedOrders = map[string]func(a, b *cachedCourse) int{
	"title": func(a, b *cachedCourse) int {
		return cmp.Or(strings.Compare(a.SortTitle, b.SortTitle), cmp.Compare(a.ID, b.ID))
	},
	"-title": func(a, b *cachedCourse) int {
		return cmp.Or(strings.Compare(b.SortTitle, a.SortTitle), cmp.Compare(b.ID, a.ID))
	},
	"newest": func(a, b *cachedCourse) int {
		return cmp.Or(timeCmp(b.PublishedAt, a.PublishedAt), cmp.Compare(b.ID, a.ID))
	},
	"oldest": func(a, b *cachedCourse) int {
		return cmp.Or(timeCmp(a.PublishedAt, b.PublishedAt), cmp.Compare(a.ID, b.ID))
	},
	"hours": func(a, b *cachedCourse) int {
		return cmp.Or(cmp.Compare(a.Hours, b.Hours), strings.Compare(a.SortTitle, b.SortTitle), cmp.Compare(a.ID, b.ID))
	},
	"-hours": func(a, b *cachedCourse) int {
		return cmp.Or(cmp.Compare(b.Hours, a.Hours), strings.Compare(a.SortTitle, b.SortTitle), cmp.Compare(a.ID, b.ID))
	},
}

func timeCmp(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Compare(*b)
}

// cachedPage filters, sorts and pages the snapshot as f (normalized) asks:
// the page as indexes into snap.rows, and how many rows the filter selects.
func (s *Service) cachedPage(ctx context.Context, f CatalogueFilter) (snap *catalogueSnapshot, page []int, total int64, err error) {
	snap, err = s.publishedRows(ctx)
	if err != nil {
		return nil, nil, 0, err
	}
	key := f.Sort
	if key == "" {
		key = "title"
	}
	q := foldSearch(f.Query)
	// The rows in order, filtered: only the page's are kept, the rest counted.
	for _, i := range snap.sorted(key) {
		r := &snap.rows[i]
		switch {
		case q != "" && !strings.Contains(r.SearchText, q),
			f.Profession != "" && !strings.Contains(r.Professions, ","+f.Profession+","),
			f.Language != "" && !strings.Contains(r.Languages, ","+f.Language+","),
			f.Level != "" && r.Level != f.Level,
			f.Status != "" && f.Status != r.Status:
			continue
		}
		if total >= int64(f.Offset) && len(page) < f.Limit {
			page = append(page, i)
		}
		total++
	}
	return snap, page, total, nil
}

// learnerPage is the page f asks of the snapshot for p, as indexes into
// snap.rows with whether p is enrolled in each (p's enrolments are looked up
// only when the page has rows to mark), and how many rows the filter selects.
func (s *Service) learnerPage(ctx context.Context, p *accounts.Principal, f CatalogueFilter) (snap *catalogueSnapshot, page []int, enrolled []bool, total int64, err error) {
	snap, page, total, err = s.cachedPage(ctx, f)
	if err != nil || len(page) == 0 {
		return snap, page, nil, total, err
	}
	mine, err := s.enrolledCourses(ctx, p.UserID)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	enrolled = make([]bool, len(page))
	for i, k := range page {
		enrolled[i] = slices.Contains(mine, snap.rows[k].ID)
	}
	return snap, page, enrolled, total, nil
}

// catalogueFromCache is Catalogue for readers who edit nothing.
func (s *Service) catalogueFromCache(ctx context.Context, p *accounts.Principal, f CatalogueFilter) ([]CourseSummary, int64, error) {
	snap, page, enrolled, total, err := s.learnerPage(ctx, p, f)
	if err != nil {
		return nil, 0, err
	}
	rows := make([]catalogueRow, len(page))
	for i, k := range page {
		rows[i] = snap.rows[k]
		if enrolled[i] {
			rows[i].Enrolled = 1
		}
	}
	out, err := s.summaries(s.db.WithContext(ctx), p, rows, f.Locale)
	return out, total, err
}
