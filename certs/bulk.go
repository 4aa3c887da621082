package certs

import (
	"archive/zip"
	"bytes"
	"context"
	"hash/crc32"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/prepoznaj/prepoznaj/csvx"
)

// renderRow renders a stored certificate.
func renderRow(c *certificate) ([]byte, error) {
	var buf bytes.Buffer
	if err := renderRowTo(&buf, c); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func renderRowTo(w io.Writer, c *certificate) error {
	snap, err := decodeSnapshot(c.Snapshot)
	if err != nil {
		return err
	}
	return Render(w, snap)
}

// pageFunc returns up to limit certificates with ids above afterID, by id.
type pageFunc func(ctx context.Context, afterID int64, limit int) ([]certificate, error)

// zipPage is how many rows the producer reads at once: enough to keep the
// database round trips rare, few enough that their snapshots stay small.
const zipPage = 100

type zipEntry struct {
	row  certificate
	pdf  *bytes.Buffer
	crc  uint32
	err  error
	done chan struct{}
}

var pdfBuffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 64<<10)) }}

// ManifestName is the CSV inside every export ZIP.
const ManifestName = "manifest.csv"

var manifestHeader = []string{"file", "code", "holder", "course", "kind", "hours", "completed_on", "issued_on", "expires_on", "status"}

// writeZip streams the certificates pages yields into w as a ZIP while they
// are rendered: one PDF each, then manifest.csv. Workers render at once;
// the writer takes their results in order, and at most a few entries per
// worker are in flight, so memory stays flat however many certificates
// there are. tick is called after each entry (to extend a write deadline).
// It returns how many PDFs it wrote.
func (s *Service) writeZip(ctx context.Context, w io.Writer, pages pageFunc, tick func()) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := s.o.Workers
	work := make(chan *zipEntry)
	order := make(chan *zipEntry, 2*workers)
	var wg sync.WaitGroup
	var readErr error
	wg.Go(func() {
		defer close(order)
		defer close(work)
		var after int64
		for {
			rows, err := pages(ctx, after, zipPage)
			if err != nil {
				readErr = err
				return
			}
			if len(rows) == 0 {
				return
			}
			for i := range rows {
				e := &zipEntry{row: rows[i], done: make(chan struct{})}
				select {
				case order <- e:
				case <-ctx.Done():
					return
				}
				select {
				case work <- e:
				case <-ctx.Done():
					e.err = ctx.Err()
					close(e.done)
					return
				}
			}
			after = rows[len(rows)-1].ID
		}
	})
	for range workers {
		wg.Go(func() {
			for e := range work {
				e.pdf = pdfBuffers.Get().(*bytes.Buffer)
				e.pdf.Reset()
				if e.err = renderRowTo(e.pdf, &e.row); e.err == nil {
					e.crc = crc32.ChecksumIEEE(e.pdf.Bytes())
				}
				close(e.done)
			}
		})
	}

	zw := zip.NewWriter(w)
	var manifest bytes.Buffer
	mw := csvx.NewWriter(&manifest)
	mw.BOM = true
	mw.Write(manifestHeader)
	now := s.now()
	modified := now.UTC().Truncate(time.Second)
	n := 0
	var writeErr error
	for e := range order {
		<-e.done
		if writeErr == nil {
			file := ""
			switch {
			case e.err != nil && ctx.Err() == nil:
				// Snapshots are validated when issued, so this is a bug or
				// damaged data: list the certificate without its PDF.
				s.log.Error("certificate not rendered for export", slog.Int64("certificate_id", e.row.ID), slog.String("error", e.err.Error()))
			case e.err == nil:
				file, _ = pdfFileNames(&e.row)
				writeErr = writeStored(zw, file, modified, e.pdf.Bytes(), e.crc)
				n++
			}
			mw.Write(manifestRow(&e.row, file, now, s))
			if tick != nil {
				tick()
			}
			if writeErr != nil {
				cancel()
			}
		}
		if e.pdf != nil && e.pdf.Cap() <= 1<<20 {
			pdfBuffers.Put(e.pdf)
		}
		e.pdf = nil
	}
	wg.Wait()
	if writeErr != nil {
		return n, writeErr
	}
	if readErr != nil {
		return n, readErr
	}
	if err := ctx.Err(); err != nil {
		return n, err
	}
	if err := mw.Flush(); err != nil {
		return n, err
	}
	f, err := zw.CreateHeader(&zip.FileHeader{Name: ManifestName, Method: zip.Deflate, Modified: modified})
	if err != nil {
		return n, err
	}
	if _, err := f.Write(manifest.Bytes()); err != nil {
		return n, err
	}
	return n, zw.Close()
}

// writeStored adds a PDF uncompressed: its streams are compressed already,
// so deflating again would cost the writer's time for nothing. The size and
// CRC are known, so the entry needs no data descriptor.
func writeStored(zw *zip.Writer, name string, modified time.Time, data []byte, crc uint32) error {
	fw, err := zw.CreateRaw(&zip.FileHeader{
		Name: name, Method: zip.Store, Modified: modified, CRC32: crc,
		CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(len(data)),
	})
	if err != nil {
		return err
	}
	_, err = fw.Write(data)
	return err
}

func manifestRow(c *certificate, file string, now time.Time, s *Service) []string {
	expires := ""
	if c.ExpiresAt != nil {
		expires = dateString(*c.ExpiresAt)
	}
	return []string{file, c.Code, c.HolderName, c.CourseTitle, c.Kind, strconv.FormatFloat(c.Hours, 'f', -1, 64),
		dateString(c.CompletedOn), dateString(s.civil(c.IssuedAt)), expires, statusOf(c, now)}
}
