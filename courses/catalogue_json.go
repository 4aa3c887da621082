package courses

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/lang"
)

// Encoding the answer was a sixth of a learner's catalogue request, yet a
// learner's item is one of few per snapshot: a published row in one of three
// locales, enrolled or not (learners edit nothing). So each is encoded once
// per snapshot, by json.Marshal of the CourseSummary the other paths build
// (summaryOf), and a page is put together from the pieces: the bytes c.JSON
// would write for it, without encoding anything per request.

// catalogueLocales are the locales a snapshot keeps JSON for, by index.
var catalogueLocales = [...]lang.Locale{lang.SerbianCyrillic, lang.SerbianLatin, lang.English}

// encodedRows is a snapshot's rows encoded for one locale: row i not
// enrolled is items[i][0], enrolled items[i][1]. Built on the locale's first
// request, by one goroutine while the others wait.
type encodedRows struct {
	once  sync.Once
	items [][2][]byte
	err   error
}

// encoded is the snapshot's rows in locale (a valid one) as JSON. The bytes
// are shared by every request that reads the snapshot: never modify them.
func (snap *catalogueSnapshot) encoded(locale lang.Locale) ([][2][]byte, error) {
	i := slices.Index(catalogueLocales[:], locale)
	if i < 0 {
		return nil, apperr.Internal(fmt.Errorf("catalogue: no encoding for locale %q", locale))
	}
	e := &snap.json[i]
	e.once.Do(func() {
		items := make([][2][]byte, len(snap.rows))
		for i := range snap.rows {
			for k, enrolled := range [2]bool{false, true} {
				b, err := json.Marshal(summaryOf(&snap.rows[i], locale, enrolled, false))
				if err != nil {
					e.err = apperr.Internal(err)
					return
				}
				items[i][k] = b
			}
		}
		e.items = items
	})
	return e.items, e.err
}

// catalogueJSON is Catalogue for a reader of the snapshot (readsSnapshot),
// with each item already JSON-encoded. The items are shared: never modify
// them.
func (s *Service) catalogueJSON(ctx context.Context, p *accounts.Principal, f CatalogueFilter) ([][]byte, int64, error) {
	if err := f.normalize(); err != nil {
		return nil, 0, err
	}
	snap, page, enrolled, total, err := s.learnerPage(ctx, p, f)
	if err != nil {
		return nil, 0, err
	}
	enc, err := snap.encoded(f.Locale)
	if err != nil {
		return nil, 0, err
	}
	items := make([][]byte, len(page))
	for i, k := range page {
		if enrolled[i] {
			items[i] = enc[k][1]
		} else {
			items[i] = enc[k][0]
		}
	}
	return items, total, nil
}

// listBuffers hold answers being put together; a buffer grown past
// maxPooledList (a page of unusually long items) is left to the collector.
var listBuffers = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledList = 256 << 10

// writeListJSON writes status 200 and accounts.ListResponse{items, total,
// offset, limit} from items already encoded: byte for byte what c.JSON
// writes for it, with a Content-Length.
func writeListJSON(c *gin.Context, items [][]byte, total int64, offset, limit int) {
	const head, tail = `{"items":[`, `],"total":,"offset":,"limit":}`
	n := len(head) + len(tail) + 3*20 + len(items)
	for _, it := range items {
		n += len(it)
	}
	bp := listBuffers.Get().(*[]byte)
	b := slices.Grow((*bp)[:0], n)
	b = append(b, head...)
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, it...)
	}
	b = append(b, `],"total":`...)
	b = strconv.AppendInt(b, total, 10)
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, int64(offset), 10)
	b = append(b, `,"limit":`...)
	b = strconv.AppendInt(b, int64(limit), 10)
	b = append(b, '}')
	c.Header("Content-Length", strconv.Itoa(len(b)))
	// Data writes b before it returns, so the buffer may go back to the pool.
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
	if cap(b) <= maxPooledList {
		*bp = b
		listBuffers.Put(bp)
	}
}
