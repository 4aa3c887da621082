package courses_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/content"
	"github.com/prepoznaj/prepoznaj/courses"
	"github.com/prepoznaj/prepoznaj/lang"
)

// Texts encoding/json escapes by default (<, >, & and the line and
// paragraph separators), in Cyrillic and in English.
const (
	escTitleSr   = "Насиље <b>над</b> & \"око\" децом\u2028ред"
	escTitleEn   = "Abuse <script>alert(1)</script> & \u2028\u2029 lines"
	escSummarySr = "Шта је <жртва> & ко помаже? Ђорђе, Љиљана, Џемал."
	escSummaryEn = "a < b > c & d \u2029 e"
)

// catalogueQuery is one catalogue request: its query string and the filter
// the old handler made of it.
type catalogueQuery struct {
	query         url.Values
	f             courses.CatalogueFilter
	offset, limit int
}

func catalogueQueries(t *testing.T) []catalogueQuery {
	t.Helper()
	raw := []string{
		"",
		"profession=health",
		"profession=police&sort=-hours",
		"language=en",
		"language=sr&sort=oldest",
		"level=introductory&sort=hours",
		"level=advanced",
		"q=" + url.QueryEscape("насиље"),
		"q=nasilje&sort=-title",
		"q=" + url.QueryEscape("<script>"),
		"q=nothing-matches-this",
		"sort=newest&limit=3",
		"sort=title&offset=2&limit=2",
		"sort=-hours&offset=1&limit=100",
		"offset=1000",
		"offset=1000&limit=1",
		"status=published&sort=oldest",
		"status=draft",
	}
	var out []catalogueQuery
	for _, r := range raw {
		v, err := url.ParseQuery(r)
		if err != nil {
			t.Fatal(err)
		}
		cq := catalogueQuery{query: v, offset: 0, limit: 50}
		if s := v.Get("offset"); s != "" {
			cq.offset, _ = strconv.Atoi(s)
		}
		if s := v.Get("limit"); s != "" {
			cq.limit, _ = strconv.Atoi(s)
		}
		cq.f = courses.CatalogueFilter{Query: v.Get("q"), Profession: v.Get("profession"), Language: v.Get("language"), Level: v.Get("level"),
			Status: v.Get("status"), Sort: v.Get("sort"), Offset: cq.offset, Limit: cq.limit}
		out = append(out, cq)
	}
	return out
}

// seedJSONCatalogue is the default content plus courses whose texts need
// escaping, one only in Serbian, and some the learner is enrolled in.
func seedJSONCatalogue(w *world) {
	w.t.Helper()
	ctx := context.Background()
	if _, err := content.Seed(ctx, content.Services{DB: w.s.DB.DB, Accounts: w.s.App.Accounts, Courses: w.s.App.Courses, Quiz: w.s.App.Quiz}); err != nil {
		w.t.Fatal(err)
	}
	var esc, srOnly courses.CourseDraft
	w.do("trainer", "POST", "/courses", map[string]any{"slug": "escapes", "title": map[string]string{"sr": escTitleSr, "en": escTitleEn},
		"summary": map[string]string{"sr": escSummarySr, "en": escSummaryEn}, "professions": []string{"health", "social_work"}, "level": "advanced",
		"hours": 2.5, "validity_months": 24, "content_warning": true}).WantStatus(201).JSON(&esc)
	w.do("trainer", "POST", "/courses", map[string]any{"slug": "samo-srpski", "title": map[string]string{"sr": "Радна експлоатација у пољопривреди"},
		"summary": map[string]string{"sr": "Џак, љуљашка и њива."}, "professions": []string{"labour_inspection"}, "level": "intermediate",
		"hours": 0.75, "self_enrol": false}).WantStatus(201).JSON(&srOnly)
	for _, id := range []int64{esc.ID, srOnly.ID} {
		m := w.do("trainer", "POST", path("/courses/%d/modules", id), map[string]any{"title": map[string]string{"sr": "Модул", "en": "Module"}}).WantStatus(201)
		var mod courses.DraftModule
		m.JSON(&mod)
		w.do("trainer", "POST", path("/modules/%d/lessons", mod.ID), map[string]any{"title": map[string]string{"sr": "Лекција", "en": "Lesson"},
			"body": map[string]string{"sr": "Текст.", "en": "Text."}, "reading_minutes": 5}).WantStatus(201)
		w.do("trainer", "POST", path("/courses/%d/publish", id), nil).WantStatus(200)
	}
	a := w.course("trgovina-ljudima", []int{1}, true)
	w.course("nacrt", []int{1}, false) // a draft: never in a learner's catalogue
	// The learner is enrolled in some courses (one by themselves, one by an
	// admin), learner_b in none.
	w.do("learner", "POST", path("/courses/%d/enrolment", esc.ID), nil).WantStatus(201)
	if _, err := w.s.App.Courses.EnrolUsers(ctx, w.principal("admin"), a.ID, []int64{w.f.Users["learner"]}, nil); err != nil {
		w.t.Fatal(err)
	}
}

// wantCatalogue is the answer the handler gave before it wrote pre-encoded
// items: Catalogue's page through c.JSON, that is json.Marshal.
func wantCatalogue(t *testing.T, w *world, who string, cq catalogueQuery, locale lang.Locale) []byte {
	t.Helper()
	f := cq.f
	f.Locale = locale
	items, total, err := w.s.App.Courses.Catalogue(context.Background(), w.principal(who), f)
	if err != nil {
		t.Fatalf("Catalogue(%+v): %v", f, err)
	}
	b, err := json.Marshal(accounts.ListResponse[courses.CourseSummary]{Items: items, Total: total, Offset: cq.offset, Limit: cq.limit})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// getCatalogue is GET /api/v1/courses as who, checked for status and headers.
func getCatalogue(t *testing.T, w *world, who string, cq catalogueQuery, locale lang.Locale) []byte {
	t.Helper()
	q := url.Values{}
	for k, v := range cq.query {
		q[k] = v
	}
	q.Set("locale", string(locale))
	r := w.do(who, "GET", "/courses?"+q.Encode(), nil).WantStatus(200)
	if got, want := r.Header().Get("Content-Type"), "application/json; charset=utf-8"; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	if got, want := r.Header().Get("Content-Length"), strconv.Itoa(r.Body.Len()); got != want {
		t.Errorf("Content-Length = %q, want %q", got, want)
	}
	return r.Body.Bytes()
}

func sameBytes(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(i-60, 0)
	t.Errorf("%s: bytes differ at %d (got %d bytes, want %d)\n got: …%s\nwant: …%s", what, i, len(got), len(want),
		got[from:min(i+60, len(got))], want[from:min(i+60, len(want))])
}

// A learner's catalogue is written from items encoded once per snapshot;
// the bytes must be those json.Marshal gives for the page Catalogue builds,
// for every locale, filter and page, enrolled or not.
func TestLearnerCatalogueJSONIsByteForByte(t *testing.T) {
	w := newWorld(t)
	seedJSONCatalogue(w)
	sawEscapes, sawEnrolled, sawEmpty := false, false, false
	for _, locale := range lang.Locales {
		for _, cq := range catalogueQueries(t) {
			for _, who := range []string{"learner", "learner_b"} {
				got := getCatalogue(t, w, who, cq, locale)
				sameBytes(t, fmt.Sprintf("%s %s ?%s", who, locale, cq.query.Encode()), got, wantCatalogue(t, w, who, cq, locale))
				sawEscapes = sawEscapes || bytes.Contains(got, []byte(`\u003cscript\u003e`)) && bytes.Contains(got, []byte(`\u2028`))
				sawEnrolled = sawEnrolled || bytes.Contains(got, []byte(`"enrolled":true`))
				sawEmpty = sawEmpty || bytes.HasPrefix(got, []byte(`{"items":[],"total":`))
			}
		}
	}
	// The fixture exercised what it is meant to.
	if !sawEscapes || !sawEnrolled || !sawEmpty {
		t.Errorf("escaped texts seen %v, an enrolled item %v, an empty page %v; want all", sawEscapes, sawEnrolled, sawEmpty)
	}
	// A trainer is still answered from SQL, drafts and all.
	var l accounts.ListResponse[courses.CourseSummary]
	w.do("trainer", "GET", "/courses?status=draft", nil).WantStatus(200).JSON(&l)
	if len(l.Items) != 1 || !l.Items[0].Editable {
		t.Errorf("trainer's drafts = %+v, want the one draft, editable", l.Items)
	}
	// A bad filter is still a problem.
	w.do("learner", "GET", "/courses?level=expert", nil).WantProblem(400, "invalid_query")
	w.do("learner", "GET", "/courses?sort=title%3B", nil).WantProblem(400, "invalid_query")
}

// Publishing a revision and archiving drop the snapshot, and with it its
// encoded items: the next answer shows the change, in every locale.
func TestLearnerCatalogueJSONAfterPublishAndArchive(t *testing.T) {
	w := newWorld(t)
	a := w.course("trgovina-ljudima", []int{1}, true)
	b := w.course("radna-eksploatacija", []int{1}, true)
	all := catalogueQueries(t)[0]
	check := func(step string) map[lang.Locale][]byte {
		t.Helper()
		out := map[lang.Locale][]byte{}
		for _, locale := range lang.Locales {
			out[locale] = getCatalogue(t, w, "learner", all, locale)
			sameBytes(t, step+" "+string(locale), out[locale], wantCatalogue(t, w, "learner", all, locale))
		}
		return out
	}
	before := check("before")
	for _, body := range before {
		if !bytes.Contains(body, []byte("trgovina-ljudima")) {
			t.Fatalf("before: %s", body)
		}
	}

	d := w.draft(a.ID)
	w.do("trainer", "PATCH", path("/courses/%d", a.ID), map[string]any{"version": d.Version,
		"title": map[string]string{"sr": "Нови наслов <2>", "en": "New title <2>"}}).WantStatus(200)
	// An edit is a draft: learners still see the published revision.
	unchanged := check("draft saved")
	for locale, body := range unchanged {
		sameBytes(t, "draft saved "+string(locale), body, before[locale])
	}
	w.do("trainer", "POST", path("/courses/%d/publish", a.ID), nil).WantStatus(200)
	published := check("published")
	for locale, want := range map[lang.Locale]string{
		lang.SerbianCyrillic: `"title":"Нови наслов \u003c2\u003e"`,
		lang.SerbianLatin:    `"title":"Novi naslov \u003c2\u003e"`,
		lang.English:         `"title":"New title \u003c2\u003e"`,
	} {
		if !bytes.Contains(published[locale], []byte(want)) || !bytes.Contains(published[locale], []byte(`"revision":2`)) {
			t.Errorf("published %s: no %s at revision 2 in %s", locale, want, published[locale])
		}
	}

	w.do("trainer", "POST", path("/courses/%d/archive", b.ID), nil).WantStatus(200)
	for locale, body := range check("archived") {
		if bytes.Contains(body, []byte("radna-eksploatacija")) || !bytes.Contains(body, []byte(`"total":1,`)) {
			t.Errorf("archived %s: %s", locale, body)
		}
	}
}

// Many learners asking at once for a snapshot's first answers in each
// locale: the items are encoded once and every answer is whole (run with
// -race).
func TestLearnerCatalogueJSONConcurrentFirstRequests(t *testing.T) {
	w := newWorld(t)
	a := w.course("trgovina-ljudima", []int{1}, true)
	w.course("radna-eksploatacija", []int{1}, true)
	w.do("learner", "POST", path("/courses/%d/enrolment", a.ID), nil).WantStatus(201)
	// A new revision drops the snapshot: the requests below are its first.
	d := w.draft(a.ID)
	w.do("trainer", "PATCH", path("/courses/%d", a.ID), map[string]any{"version": d.Version, "hours": 5}).WantStatus(200)
	w.do("trainer", "POST", path("/courses/%d/publish", a.ID), nil).WantStatus(200)

	var wg sync.WaitGroup
	got := make([][]byte, 24)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			locale := lang.Locales[i%len(lang.Locales)]
			req := httptest.NewRequest("GET", "/api/v1/courses?locale="+string(locale), nil)
			req.Header.Set("Authorization", "Bearer "+w.f.Tokens["learner"])
			rec := httptest.NewRecorder()
			w.s.App.Handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Errorf("GET %s: %d", req.URL, rec.Code)
			}
			got[i] = rec.Body.Bytes()
		}()
	}
	wg.Wait()
	all := catalogueQueries(t)[0]
	for i, body := range got {
		locale := lang.Locales[i%len(lang.Locales)]
		sameBytes(t, fmt.Sprintf("request %d (%s)", i, locale), body, wantCatalogue(t, w, "learner", all, locale))
		if !strings.Contains(string(body), `"hours":5,`) {
			t.Errorf("request %d: not the republished course: %s", i, body)
		}
	}
}

// A course published through another instance reaches this one's encoded
// items once the snapshot's stamp is next checked (within two seconds).
func TestLearnerCatalogueJSONSeesAnotherInstance(t *testing.T) {
	w := newWorld(t)
	a := w.course("trgovina-ljudima", []int{1}, true)
	other := apitest.NewOn(t, w.s.DB)
	all := catalogueQueries(t)[0]
	before := getCatalogue(t, w, "learner", all, lang.English)

	d := w.draft(a.ID)
	w.do("trainer", "PATCH", path("/courses/%d", a.ID), map[string]any{"version": d.Version,
		"title": map[string]string{"sr": "Други наслов", "en": "Another title"}}).WantStatus(200)
	other.As(w.f, "trainer", apiReq("POST", path("/api/v1/courses/%d/publish", a.ID), nil)).WantStatus(200)
	deadline := time.Now().Add(3 * time.Second)
	for {
		got := getCatalogue(t, w, "learner", all, lang.English)
		if bytes.Contains(got, []byte(`"title":"Another title"`)) {
			sameBytes(t, "after the other instance published", got, wantCatalogue(t, w, "learner", all, lang.English))
			return
		}
		sameBytes(t, "before the stamp is checked", got, before)
		if time.Now().After(deadline) {
			t.Fatalf("the other instance's publication not seen after 3s: %s", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Learners' pages are filtered, sorted and paged in memory (each order
// sorted once per snapshot); admins' come from SQL. Over published courses
// the two must agree on every filter, order and page.
func TestLearnerCatalogueOrderMatchesSQL(t *testing.T) {
	w := newWorld(t)
	seedJSONCatalogue(w)
	// Ties in hours and a second title sharing a prefix, for the orders' tie-breaks.
	w.course("trgovina-ljudima-2", []int{1}, true)
	w.course("trgovina-ljudima-3", []int{1}, true)
	ids := func(items []courses.CourseSummary) []int64 {
		out := []int64{}
		for _, it := range items {
			out = append(out, it.ID)
		}
		return out
	}
	for _, cq := range catalogueQueries(t) {
		if cq.f.Status == "draft" {
			continue
		}
		for _, locale := range []lang.Locale{lang.SerbianCyrillic, lang.SerbianLatin, lang.English} {
			f := cq.f
			f.Locale = locale
			mine, total, err := w.s.App.Courses.Catalogue(context.Background(), w.principal("learner"), f)
			if err != nil {
				t.Fatal(err)
			}
			f.Status = courses.StatusPublished
			sql, sqlTotal, err := w.s.App.Courses.Catalogue(context.Background(), w.principal("admin"), f)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := fmt.Sprint(ids(mine), total), fmt.Sprint(ids(sql), sqlTotal); got != want {
				t.Errorf("%s (%s): in memory %s, SQL %s", cq.query.Encode(), locale, got, want)
			}
		}
	}
}
