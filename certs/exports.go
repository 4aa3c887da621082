package certs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
)

// Export job statuses.
const (
	ExportQueued  = "queued"
	ExportRunning = "running"
	ExportReady   = "ready"
	ExportFailed  = "failed"
)

// ZipDownload is a bulk download that has passed every check: nothing is
// written until the caller has set its headers and calls Write.
type ZipDownload struct {
	FileName string // ASCII, for Content-Disposition
	Count    int
	s        *Service
	pages    pageFunc
	audit    accounts.AuditEntry
}

// Write records the download in the audit log and streams the ZIP to w;
// tick is called after each certificate.
func (z *ZipDownload) Write(ctx context.Context, w io.Writer, tick func()) (int, error) {
	if err := z.s.acc.Audit.Record(ctx, nil, z.audit); err != nil {
		return 0, apperr.Internal(err)
	}
	return z.s.writeZip(ctx, w, z.pages, tick)
}

func zipFileName(instID int64, at time.Time) string {
	return fmt.Sprintf("certificates-%d-%s.zip", instID, at.UTC().Format("20060102-150405"))
}

// InstitutionZip prepares the ZIP of an institution's certificates matching
// f, for its managers and admins. Up to Options.DirectLimit certificates
// stream on request; more need an export job (CreateExport).
func (s *Service) InstitutionZip(ctx context.Context, p *accounts.Principal, instID int64, f Filter) (*ZipDownload, error) {
	if !p.ManagesInstitution(instID) {
		return nil, errInstitutionNotFound
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var ids []int64
	q := f.apply(s.db.WithContext(ctx).Model(&certificate{}).Where("institution_id = ?", instID), s.now())
	if err := q.Order("id").Limit(s.o.DirectLimit+1).Pluck("id", &ids).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	if len(ids) > s.o.DirectLimit {
		return nil, apperr.Unprocessable("export_too_large", fmt.Sprintf(
			"More than %d certificates match: start an export job (POST /api/v1/institutions/%d/certificate-exports) and download it when it is ready.", s.o.DirectLimit, instID))
	}
	// The ids are fixed now, so the audit log names exactly what was sent.
	return &ZipDownload{
		FileName: zipFileName(instID, s.now()), Count: len(ids), s: s, pages: s.idPages(ids),
		audit: accounts.AuditEntry{ActorID: p.UserID, Action: ActCertificateExport, TargetType: "institution", TargetID: strconv.FormatInt(instID, 10),
			Outcome: "success", Detail: map[string]any{"count": len(ids), "certificate_ids": ids}},
	}, nil
}

func (s *Service) idPages(ids []int64) pageFunc {
	return func(ctx context.Context, after int64, limit int) ([]certificate, error) {
		i := 0
		for i < len(ids) && ids[i] <= after {
			i++
		}
		chunk := ids[i:min(len(ids), i+limit)]
		if len(chunk) == 0 {
			return nil, nil
		}
		var rows []certificate
		err := s.db.WithContext(ctx).Where("id IN ?", chunk).Order("id").Find(&rows).Error
		return rows, err
	}
}

// ExportFilter is a Filter as an export job keeps and shows it.
type ExportFilter struct {
	CourseID int64  `json:"course_id,omitempty"`
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`
	Kind     string `json:"kind,omitempty"`
	Status   string `json:"status,omitempty"`
}

func exportFilterOf(f Filter) ExportFilter {
	e := ExportFilter{CourseID: f.CourseID, Kind: f.Kind, Status: f.Status}
	if !f.From.IsZero() {
		e.From = dateString(f.From)
	}
	if !f.To.IsZero() {
		e.To = dateString(f.To)
	}
	return e
}

func (e ExportFilter) filter() (Filter, error) {
	f := Filter{CourseID: e.CourseID, Kind: e.Kind, Status: e.Status}
	var err error
	if e.From != "" {
		if f.From, err = time.Parse(time.DateOnly, e.From); err != nil {
			return f, err
		}
	}
	if e.To != "" {
		if f.To, err = time.Parse(time.DateOnly, e.To); err != nil {
			return f, err
		}
	}
	return f, nil
}

// Export is a bulk export job and its progress.
type Export struct {
	ID            int64        `json:"id"`
	InstitutionID int64        `json:"institution_id"`
	Status        string       `json:"status"`
	Total         int          `json:"total"`
	Done          int          `json:"done"`
	Filter        ExportFilter `json:"filter"`
	CreatedAt     time.Time    `json:"created_at"`
	FinishedAt    *time.Time   `json:"finished_at"`
	Error         string       `json:"error,omitempty"`
}

func exportView(j *exportJob) *Export {
	v := &Export{ID: j.ID, InstitutionID: j.InstitutionID, Status: j.Status, Total: j.Total, Done: j.Done,
		CreatedAt: j.CreatedAt.UTC(), FinishedAt: utcPtr(j.FinishedAt), Error: j.Error}
	_ = json.Unmarshal([]byte(j.Filter), &v.Filter)
	return v
}

var errExportNotFound = apperr.NotFound("export_not_found", "No such export.")

// CreateExport starts a background job that checks and lists an
// institution's certificates matching f; once ready, DownloadExport streams
// them. Any size is accepted.
func (s *Service) CreateExport(ctx context.Context, p *accounts.Principal, instID int64, f Filter) (*Export, error) {
	if !p.ManagesInstitution(instID) {
		return nil, errInstitutionNotFound
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(exportFilterOf(f))
	if err != nil {
		return nil, apperr.Internal(err)
	}
	job := exportJob{InstitutionID: instID, RequestedBy: &p.UserID, Filter: string(raw), Status: ExportQueued, CreatedAt: s.now().UTC()}
	if err := s.db.WithContext(ctx).Create(&job).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	s.startExport(job.ID)
	return exportView(&job), nil
}

// GetExport shows a job to the managers of its institution and admins.
func (s *Service) GetExport(ctx context.Context, p *accounts.Principal, id int64) (*Export, error) {
	j, err := s.loadExport(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return exportView(j), nil
}

func (s *Service) loadExport(ctx context.Context, p *accounts.Principal, id int64) (*exportJob, error) {
	var j exportJob
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&j).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, errExportNotFound
		}
		return nil, apperr.Internal(err)
	}
	if !p.ManagesInstitution(j.InstitutionID) {
		return nil, errExportNotFound
	}
	return &j, nil
}

// DownloadExport prepares the ZIP of a ready job: the certificates it
// listed, regenerated now (their status in the manifest is today's).
func (s *Service) DownloadExport(ctx context.Context, p *accounts.Principal, id int64) (*ZipDownload, error) {
	j, err := s.loadExport(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if j.Status != ExportReady {
		return nil, apperr.Conflict("export_not_ready", "The export is not ready yet; check its status and try again when it says ready.")
	}
	var n int64
	if err := s.db.WithContext(ctx).Model(&exportItem{}).Where("export_id = ?", id).Count(&n).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	pages := func(ctx context.Context, after int64, limit int) ([]certificate, error) {
		var rows []certificate
		err := s.db.WithContext(ctx).Model(&certificate{}).
			Joins("JOIN certificate_export_items i ON i.certificate_id = certificates.id").
			Where("i.export_id = ? AND certificates.id > ?", id, after).
			Order("certificates.id").Limit(limit).Find(&rows).Error
		return rows, err
	}
	return &ZipDownload{
		FileName: zipFileName(j.InstitutionID, j.CreatedAt), Count: int(n), s: s, pages: pages,
		audit: accounts.AuditEntry{ActorID: p.UserID, Action: ActCertificateExport, TargetType: "institution", TargetID: strconv.FormatInt(j.InstitutionID, 10),
			Outcome: "success", Detail: map[string]any{"count": n, "export_id": id}},
	}, nil
}

// exportStale is how long a running job may go without a heartbeat before
// another process takes it over (its process died).
const exportStale = 2 * time.Minute

func (s *Service) startExport(id int64) {
	s.mu.Lock()
	if s.started[id] {
		s.mu.Unlock()
		return // already waiting for its turn in this process
	}
	s.started[id] = true
	s.mu.Unlock()
	s.jobs.Add(1)
	go func() {
		defer s.jobs.Done()
		defer func() {
			s.mu.Lock()
			delete(s.started, id)
			s.mu.Unlock()
		}()
		// The request that created the job has ended; the job outlives it.
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		s.jobSlot <- struct{}{}
		defer func() { <-s.jobSlot }()
		if err := s.runExport(ctx, id); err != nil {
			s.log.Error("certificate export failed", slog.Int64("export_id", id), slog.String("error", err.Error()))
			s.db.WithContext(ctx).Model(&exportJob{}).Where("id = ?", id).
				Updates(map[string]any{"status": ExportFailed, "error": "The export failed; start it again.", "finished_at": s.now().UTC()})
		}
	}()
}

// Wait blocks until the export jobs this process runs have finished (tests
// and a graceful shutdown).
func (s *Service) Wait() { s.jobs.Wait() }

// ResumeExports starts the jobs nobody runs: queued ones, and running ones
// whose process stopped sending heartbeats. It returns how many it started.
func (s *Service) ResumeExports(ctx context.Context) (int, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&exportJob{}).
		Where("status = ? OR (status = ? AND heartbeat_at < ?)", ExportQueued, ExportRunning, s.now().UTC().Add(-exportStale)).
		Order("id").Limit(100).Pluck("id", &ids).Error
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		s.startExport(id)
	}
	return len(ids), nil
}

// RunSweeper resumes orphaned export jobs every interval until ctx ends.
func (s *Service) RunSweeper(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.ResumeExports(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("resume certificate exports", slog.String("error", err.Error()))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// exportBatch is how many certificates a job checks between heartbeats.
const exportBatch = 200

// runExport claims the job, then checks every matching certificate renders
// and lists it. Rendering is left to the download: the PDFs are
// deterministic, so nothing needs to be stored.
func (s *Service) runExport(ctx context.Context, id int64) error {
	now := s.now().UTC()
	res := s.db.WithContext(ctx).Model(&exportJob{}).
		Where("id = ? AND (status = ? OR (status = ? AND heartbeat_at < ?))", id, ExportQueued, ExportRunning, now.Add(-exportStale)).
		Updates(map[string]any{"status": ExportRunning, "started_at": now, "heartbeat_at": now, "done": 0, "total": 0, "error": ""})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return nil // another process has it, or it is finished
	}
	var j exportJob
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&j).Error; err != nil {
		return err
	}
	var ef ExportFilter
	if err := json.Unmarshal([]byte(j.Filter), &ef); err != nil {
		return err
	}
	f, err := ef.filter()
	if err != nil {
		return err
	}
	if err := s.db.WithContext(ctx).Where("export_id = ?", id).Delete(&exportItem{}).Error; err != nil {
		return err
	}
	asOf := s.now()
	base := func() *gorm.DB {
		return f.apply(s.db.WithContext(ctx).Model(&certificate{}).Where("institution_id = ?", j.InstitutionID), asOf)
	}
	var total int64
	if err := base().Count(&total).Error; err != nil {
		return err
	}
	if err := s.db.WithContext(ctx).Model(&exportJob{}).Where("id = ?", id).Update("total", total).Error; err != nil {
		return err
	}
	var after int64
	done, skipped := 0, 0
	for {
		var rows []certificate
		if err := base().Where("id > ?", after).Order("id").Limit(exportBatch).Find(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			break
		}
		items := make([]exportItem, 0, len(rows))
		for i := range rows {
			snap, err := decodeSnapshot(rows[i].Snapshot)
			if err == nil {
				err = ValidateSnapshot(snap)
			}
			if err != nil {
				skipped++
				s.log.Error("certificate left out of an export", slog.Int64("certificate_id", rows[i].ID), slog.String("error", err.Error()))
				continue
			}
			items = append(items, exportItem{ExportID: id, CertificateID: rows[i].ID})
		}
		done += len(rows)
		after = rows[len(rows)-1].ID
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if len(items) > 0 {
				if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&items).Error; err != nil {
					return err
				}
			}
			return tx.Model(&exportJob{}).Where("id = ?", id).Updates(map[string]any{"done": done, "heartbeat_at": s.now().UTC()}).Error
		})
		if err != nil {
			return err
		}
	}
	msg := ""
	if skipped > 0 {
		msg = fmt.Sprintf("%d certificates could not be rendered and are left out.", skipped)
	}
	return s.db.WithContext(ctx).Model(&exportJob{}).Where("id = ?", id).
		Updates(map[string]any{"status": ExportReady, "done": done, "total": max(int(total), done), "error": msg, "finished_at": s.now().UTC()}).Error
}
