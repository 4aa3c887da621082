package courses

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/lang"
)

// CatalogueFilter selects and orders the catalogue. Sort is one of
// SortKeys; the empty value sorts by title.
type CatalogueFilter struct {
	Query      string
	Profession string
	Language   string
	Level      string
	Status     string
	Sort       string
	Locale     lang.Locale
	Offset     int
	Limit      int
}

// sortOrders maps each allowed sort key to its fixed ORDER BY: a request
// never reaches Order with its own text.
var sortOrders = map[string]string{
	"":       "x.sort_title ASC, x.id ASC",
	"title":  "x.sort_title ASC, x.id ASC",
	"-title": "x.sort_title DESC, x.id DESC",
	"newest": "x.listed_at DESC, x.id DESC",
	"oldest": "x.listed_at ASC, x.id ASC",
	"hours":  "x.hours ASC, x.sort_title ASC, x.id ASC",
	"-hours": "x.hours DESC, x.sort_title ASC, x.id ASC",
}

// SortKeys are the catalogue's sort keys.
var SortKeys = []string{"title", "-title", "newest", "oldest", "hours", "-hours"}

// CourseSummary is a course in the catalogue, in the reader's locale: the
// published revision, or the draft for its editors before it is published.
type CourseSummary struct {
	ID             int64      `json:"id"`
	Slug           string     `json:"slug"`
	Status         string     `json:"status"`
	Revision       int        `json:"revision"`
	Locale         string     `json:"locale"`
	Title          string     `json:"title"`
	Summary        string     `json:"summary"`
	Professions    []string   `json:"professions"`
	Languages      []string   `json:"languages"`
	Level          string     `json:"level"`
	Hours          float64    `json:"hours"`
	ValidityMonths int        `json:"validity_months"`
	ContentWarning bool       `json:"content_warning"`
	SelfEnrol      bool       `json:"self_enrol"`
	PublishedAt    *time.Time `json:"published_at"`
	Enrolled       bool       `json:"enrolled"`
	Editable       bool       `json:"editable"`
}

type catalogueRow struct {
	ID             int64
	Slug           string
	Status         string
	OwnerID        int64
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
	PublishedAt    *time.Time
	Enrolled       int
	Total          int64
	SearchText     string // read by the in-memory catalogue only
	SortTitle      string
	// The Serbian texts in Latin, worked out once per snapshot of the in-memory catalogue
	// (transliterating them on every request was a fifth of a Latin reader's request).
	TitleLatn, SummaryLatn string `gorm:"-"`
}

const catalogueColumns = "c.id, c.slug, c.status, c.owner_id, %s.title_sr, %s.title_en, %s.summary_sr, %s.summary_en, " +
	"%s.professions, %s.languages, %s.level, %s.hours, %s.validity_months, %s.content_warning, %s.self_enrol, %s.search_text, %s.sort_title"

func columnsOf(alias string) string {
	return strings.ReplaceAll(catalogueColumns, "%s", alias)
}

// validate checks the filter's enumerations.
func (f *CatalogueFilter) validate() error {
	var fields []apperr.FieldError
	f.Query = strings.TrimSpace(f.Query)
	if utf8.RuneCountInString(f.Query) > 100 {
		fields = append(fields, apperr.Field("q", "too_long", "must have at most 100 characters"))
	}
	if f.Profession != "" && !validProfession(f.Profession) {
		fields = append(fields, apperr.Field("profession", "not_allowed", "must be one of: "+strings.Join(accounts.Professions, ", ")))
	}
	if f.Language != "" && !slices.Contains(Languages, f.Language) {
		fields = append(fields, apperr.Field("language", "not_allowed", "must be sr or en"))
	}
	if f.Level != "" && !slices.Contains(Levels, f.Level) {
		fields = append(fields, apperr.Field("level", "not_allowed", "must be one of: "+strings.Join(Levels, ", ")))
	}
	if f.Status != "" && !slices.Contains([]string{StatusDraft, StatusPublished, StatusArchived}, f.Status) {
		fields = append(fields, apperr.Field("status", "not_allowed", "must be draft, published or archived"))
	}
	if _, ok := sortOrders[f.Sort]; !ok {
		fields = append(fields, apperr.Field("sort", "not_allowed", "must be one of: "+strings.Join(SortKeys, ", ")))
	}
	if len(fields) > 0 {
		return apperr.Invalid("invalid_query", "Some query parameters are invalid.", fields...)
	}
	return nil
}

// normalize validates the filter and fills in the defaults: Serbian in
// Cyrillic, pages of 50.
func (f *CatalogueFilter) normalize() error {
	if err := f.validate(); err != nil {
		return err
	}
	if !f.Locale.Valid() {
		f.Locale = lang.SerbianCyrillic
	}
	if f.Limit <= 0 || f.Limit > accounts.MaxPageSize {
		f.Limit = 50
	}
	return nil
}

// readsSnapshot: readers who edit nothing see only published courses, which
// the in-memory snapshot holds (see catalogueCache).
func readsSnapshot(p *accounts.Principal) bool { return !p.Admin && !p.Trainer }

// Catalogue lists published courses and, for trainers and admins, the
// courses they may edit that are not published (drafts, archived), each as
// its editors last saved it.
func (s *Service) Catalogue(ctx context.Context, p *accounts.Principal, f CatalogueFilter) ([]CourseSummary, int64, error) {
	if err := f.normalize(); err != nil {
		return nil, 0, err
	}
	if readsSnapshot(p) {
		return s.catalogueFromCache(ctx, p, f)
	}
	var args []any
	inner := "SELECT " + columnsOf("r") + ", r.revision AS revision, c.published_at AS listed_at " +
		"FROM courses c JOIN course_revisions r ON r.course_id = c.id AND r.revision = c.published_revision " +
		"WHERE c.status = 'published'"
	if p.Admin || p.Trainer {
		inner += " UNION ALL SELECT " + columnsOf("c") + ", c.published_revision AS revision, c.created_at AS listed_at " +
			"FROM courses c WHERE c.status <> 'published'"
		if !p.Admin {
			inner += " AND (c.owner_id = ? OR c.id IN (SELECT course_id FROM course_authors WHERE user_id = ?))"
			args = append(args, p.UserID, p.UserID)
		}
	}
	where := []string{"1 = 1"}
	if f.Query != "" {
		where = append(where, "x.search_text LIKE ? ESCAPE '\\'")
		args = append(args, "%"+likeEscape(foldSearch(f.Query))+"%")
	}
	if f.Profession != "" {
		where = append(where, "x.professions LIKE ?")
		args = append(args, "%,"+f.Profession+",%")
	}
	if f.Language != "" {
		where = append(where, "x.languages LIKE ?")
		args = append(args, "%,"+f.Language+",%")
	}
	if f.Level != "" {
		where = append(where, "x.level = ?")
		args = append(args, f.Level)
	}
	if f.Status != "" {
		where = append(where, "x.status = ?")
		args = append(args, f.Status)
	}
	if f.Limit <= 0 || f.Limit > accounts.MaxPageSize {
		f.Limit = 50
	}
	db := s.db.WithContext(ctx)
	// One query gives the page and, through a window, the total. The
	// publication time is read from courses itself: SQLite forgets a
	// column's declared type through UNION, and with it that the text is a
	// time.
	q := "SELECT x.id, x.slug, x.status, x.owner_id, x.revision, x.title_sr, x.title_en, x.summary_sr, x.summary_en, x.professions, " +
		"x.languages, x.level, x.hours, x.validity_months, x.content_warning, x.self_enrol, cc.published_at AS published_at, " +
		"CASE WHEN e.id IS NULL THEN 0 ELSE 1 END AS enrolled, COUNT(*) OVER () AS total " +
		"FROM (" + inner + ") x JOIN courses cc ON cc.id = x.id " +
		"LEFT JOIN course_enrolments e ON e.course_id = x.id AND e.user_id = ? WHERE " + strings.Join(where, " AND ") +
		" ORDER BY " + sortOrders[f.Sort] + " LIMIT ? OFFSET ?"
	var rows []catalogueRow
	if err := db.Raw(q, pageArgs(inner, p.UserID, args, f.Limit, max(f.Offset, 0))...).Scan(&rows).Error; err != nil {
		return nil, 0, apperr.Internal(err)
	}
	var total int64
	switch {
	case len(rows) > 0:
		total = rows[0].Total
	case f.Offset > 0:
		// Past the end: the window saw no rows, so count separately.
		if err := db.Raw("SELECT COUNT(*) FROM ("+inner+") x WHERE "+strings.Join(where, " AND "), args...).Scan(&total).Error; err != nil {
			return nil, 0, apperr.Internal(err)
		}
	}
	out, err := s.summaries(db, p, rows, f.Locale)
	return out, total, err
}

// pageArgs lays out the page query's parameters in the order their
// placeholders appear: the inner query's, the enrolment join's, the filters',
// then limit and offset.
func pageArgs(inner string, uid int64, args []any, limit, offset int) []any {
	nInner := strings.Count(inner, "?")
	out := make([]any, 0, len(args)+3)
	out = append(out, args[:nInner]...)
	out = append(out, uid)
	out = append(out, args[nInner:]...)
	return append(out, limit, offset)
}

func (s *Service) summaries(db *gorm.DB, p *accounts.Principal, rows []catalogueRow, locale lang.Locale) ([]CourseSummary, error) {
	out := make([]CourseSummary, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	authored := map[int64]bool{}
	if p.Trainer && !p.Admin {
		var mine []int64
		if err := db.Model(&courseAuthor{}).Where("user_id = ? AND course_id IN ?", p.UserID, ids).Pluck("course_id", &mine).Error; err != nil {
			return nil, apperr.Internal(err)
		}
		for _, id := range mine {
			authored[id] = true
		}
	}
	for i := range rows {
		r := &rows[i]
		out[i] = summaryOf(r, locale, r.Enrolled == 1, p.Admin || (p.Trainer && (r.OwnerID == p.UserID || authored[r.ID])))
	}
	return out, nil
}

// summaryOf is r as a reader in locale sees it. The pre-encoded catalogue
// (catalogue_json.go) is built from it too, so both paths give one answer.
func summaryOf(r *catalogueRow, locale lang.Locale, enrolled, editable bool) CourseSummary {
	return CourseSummary{
		ID: r.ID, Slug: r.Slug, Status: r.Status, Revision: r.Revision,
		Locale: string(contentLocale(r.TitleEn, locale)), Title: localized(r.TitleSr, r.TitleEn, r.TitleLatn, locale),
		Summary: localized(r.SummarySr, r.SummaryEn, r.SummaryLatn, contentLocale(r.TitleEn, locale)), Professions: splitSet(r.Professions),
		Languages: splitSet(r.Languages), Level: r.Level, Hours: r.Hours, ValidityMonths: r.ValidityMonths,
		ContentWarning: r.ContentWarning, SelfEnrol: r.SelfEnrol, PublishedAt: utcPtr(r.PublishedAt), Enrolled: enrolled,
		Editable: editable,
	}
}
