package certs

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/httpapi"
)

// Handler serves the certificates API.
type Handler struct {
	svc     *Service
	limiter *accounts.Limiter
}

// NewHandler wraps svc; limiter throttles the public verification per client.
func NewHandler(svc *Service, limiter *accounts.Limiter) *Handler {
	if limiter == nil {
		limiter = accounts.NewLimiter()
	}
	return &Handler{svc: svc, limiter: limiter}
}

// Verification throttle per client IP: a person checking certificates by
// hand never comes near it; a script walking codes does at once.
const (
	VerifyPerMinute = 30
	VerifyBurst     = 10
)

// Register adds the routes to rg (the /api/v1 group, with Authenticate).
func (h *Handler) Register(rg *gin.RouterGroup) {
	rg.GET("/me/certificates", accounts.Require(), h.mine)
	rg.PATCH("/me/certificates/:id", accounts.Require(), h.patchMine)
	rg.GET("/certificates/:id/pdf", accounts.Require(), h.pdf)
	rg.POST("/certificates/:id/revoke", accounts.Require(), h.revoke)
	rg.GET("/verify/:code", accounts.Public, h.verify)
	rg.POST("/courses/:id/attendance-certificates", accounts.Require(accounts.RoleTrainer, accounts.RoleManager, accounts.RoleAdmin), h.issueAttendance)
	rg.GET("/institutions/:id/certificates", accounts.Require(), h.listInstitution)
	rg.GET("/institutions/:id/certificates/zip", accounts.Require(), h.zipInstitution)
	rg.POST("/institutions/:id/certificate-exports", accounts.Require(), h.createExport)
	rg.GET("/certificate-exports/:id", accounts.Require(), h.getExport)
	rg.GET("/certificate-exports/:id/zip", accounts.Require(), h.downloadExport)
	rg.GET("/sessions/:id/attendance-report", accounts.Require(), h.sessionReport)
	rg.GET("/institutions/:id/attendance-report", accounts.Require(), h.institutionReport)
}

func (h *Handler) mine(c *gin.Context) {
	offset, limit, ok := accounts.Page(c)
	if !ok {
		return
	}
	items, total, err := h.svc.Mine(c.Request.Context(), accounts.FromGin(c), offset, limit)
	httpapi.Respond(c, http.StatusOK, accounts.ListResponse[Certificate]{Items: items, Total: total, Offset: offset, Limit: limit}, err)
}

type patchMineRequest struct {
	ShowResult *bool `json:"show_result" binding:"required"`
}

func (h *Handler) patchMine(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req patchMineRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	cert, err := h.svc.SetShowResult(c.Request.Context(), accounts.FromGin(c), id, *req.ShowResult)
	httpapi.Respond(c, http.StatusOK, cert, err)
}

// etagOf names the bytes: the PDF is deterministic, so it never changes.
func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

func (h *Handler) pdf(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	pdf, cert, err := h.svc.PDF(c.Request.Context(), accounts.FromGin(c), id)
	if err != nil {
		httpapi.Error(c, err)
		return
	}
	etag := etagOf(pdf)
	hdr := c.Writer.Header()
	hdr.Set("ETag", etag)
	// private: never in a shared cache; no-cache: revalidate, so a reader
	// who lost access stops getting it from their own cache too.
	hdr.Set("Cache-Control", "private, no-cache")
	if inm := c.GetHeader("If-None-Match"); inm != "" && etagMatches(inm, etag) {
		c.Status(http.StatusNotModified)
		return
	}
	ascii := asciiName(cert.HolderName, 60) + "_" + cert.Code + ".pdf"
	hdr.Set("Content-Disposition", contentDisposition(ascii, unicodeName(cert.HolderName, 100)+" "+cert.Code+".pdf"))
	c.Data(http.StatusOK, "application/pdf", pdf)
}

type revokeRequest struct {
	Reason string `json:"reason" binding:"required,max=2000"`
}

func (h *Handler) revoke(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req revokeRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	cert, err := h.svc.Revoke(c.Request.Context(), accounts.FromGin(c), id, req.Reason)
	httpapi.Respond(c, http.StatusOK, cert, err)
}

func (h *Handler) verify(c *gin.Context) {
	if !h.limiter.Allow("verify:"+c.ClientIP(), VerifyPerMinute, VerifyBurst) {
		httpapi.Error(c, apperr.TooMany("rate_limited", "Too many verifications from your address; wait a moment and try again.",
			time.Minute/VerifyPerMinute))
		return
	}
	v, err := h.svc.Verify(c.Request.Context(), c.Param("code"))
	c.Header("Cache-Control", "no-store")
	httpapi.Respond(c, http.StatusOK, v, err)
}

type issueAttendanceRequest struct {
	UserID int64 `json:"user_id" binding:"required,min=1"`
}

func (h *Handler) issueAttendance(c *gin.Context) {
	courseID, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req issueAttendanceRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	cert, created, err := h.svc.IssueAttendance(c.Request.Context(), accounts.FromGin(c), courseID, req.UserID)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	httpapi.Respond(c, status, cert, err)
}

// filterQuery reads the list filters: course_id, from and to (YYYY-MM-DD,
// both included), kind and status.
func filterQuery(c *gin.Context) (Filter, bool) {
	var f Filter
	var fields []apperr.FieldError
	if v := c.Query("course_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			fields = append(fields, apperr.Field("course_id", "invalid", "must be a positive integer"))
		}
		f.CourseID = id
	}
	date := func(name string) time.Time {
		v := c.Query(name)
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			fields = append(fields, apperr.Field(name, "invalid", "must be a date, YYYY-MM-DD"))
		}
		return t
	}
	f.From, f.To = date("from"), date("to")
	f.Kind, f.Status = c.Query("kind"), c.Query("status")
	if len(fields) > 0 {
		httpapi.Error(c, apperr.Invalid("invalid_query", "Some query parameters are invalid.", fields...))
		return f, false
	}
	if err := f.Validate(); err != nil {
		httpapi.Error(c, err)
		return f, false
	}
	return f, true
}

func (h *Handler) listInstitution(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	// Scope first: another institution is not found, whatever the query.
	p := accounts.FromGin(c)
	if !p.ManagesInstitution(id) {
		httpapi.Error(c, errInstitutionNotFound)
		return
	}
	f, ok := filterQuery(c)
	if !ok {
		return
	}
	offset, limit, ok := accounts.Page(c)
	if !ok {
		return
	}
	items, total, err := h.svc.ListInstitution(c.Request.Context(), p, id, f, offset, limit)
	httpapi.Respond(c, http.StatusOK, institutionCertificatePage{ListResponse: accounts.ListResponse[Certificate]{Items: items, Total: total, Offset: offset, Limit: limit},
		ZipLimit: h.svc.o.DirectLimit}, err)
}

// institutionCertificatePage is a page of an institution's certificates and
// the most of them GET .../certificates/zip streams on request (more need an
// export job), so that clients need not hard-code it.
type institutionCertificatePage struct {
	accounts.ListResponse[Certificate]
	ZipLimit int `json:"zip_limit"`
}

func (h *Handler) zipInstitution(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	p := accounts.FromGin(c)
	if !p.ManagesInstitution(id) {
		httpapi.Error(c, errInstitutionNotFound)
		return
	}
	f, ok := filterQuery(c)
	if !ok {
		return
	}
	z, err := h.svc.InstitutionZip(c.Request.Context(), p, id, f)
	if err != nil {
		httpapi.Error(c, err)
		return
	}
	streamZip(c, z)
}

// streamZip sends a ZIP while it is generated. The server's write timeout
// would cut a long export, so the deadline moves forward as entries go out.
func streamZip(c *gin.Context, z *ZipDownload) {
	hdr := c.Writer.Header()
	hdr.Set("Content-Type", "application/zip")
	hdr.Set("Content-Disposition", contentDisposition(z.FileName, z.FileName))
	hdr.Set("Cache-Control", "private, no-store")
	rc := http.NewResponseController(c.Writer)
	extend := func() { _ = rc.SetWriteDeadline(time.Now().Add(time.Minute)) }
	extend()
	last := time.Now()
	c.Status(http.StatusOK)
	n, err := z.Write(c.Request.Context(), c.Writer, func() {
		if time.Since(last) > 5*time.Second {
			extend()
			last = time.Now()
		}
	})
	if err != nil {
		httpapi.Logger(c).Warn("certificate ZIP stopped", slog.Int("written", n), slog.String("error", err.Error()))
		if c.Writer.Written() {
			// A 200 is on its way: only a broken connection tells the
			// client the archive is incomplete.
			panic(http.ErrAbortHandler)
		}
		hdr.Del("Content-Disposition")
		httpapi.Error(c, err)
	}
}

type exportRequest struct {
	CourseID int64  `json:"course_id" binding:"omitempty,min=1"`
	From     string `json:"from" binding:"omitempty,datetime=2006-01-02"`
	To       string `json:"to" binding:"omitempty,datetime=2006-01-02"`
	Kind     string `json:"kind"`
	Status   string `json:"status"`
}

func (h *Handler) createExport(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	p := accounts.FromGin(c)
	if !p.ManagesInstitution(id) {
		httpapi.Error(c, errInstitutionNotFound)
		return
	}
	var req exportRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	f, err := ExportFilter{CourseID: req.CourseID, From: req.From, To: req.To, Kind: req.Kind, Status: req.Status}.filter()
	if err != nil {
		httpapi.Error(c, apperr.Invalid("validation_failed", "Dates are YYYY-MM-DD."))
		return
	}
	job, err := h.svc.CreateExport(c.Request.Context(), p, id, f)
	if err != nil {
		httpapi.Error(c, err)
		return
	}
	c.Header("Location", "/api/v1/certificate-exports/"+strconv.FormatInt(job.ID, 10))
	c.JSON(http.StatusAccepted, job)
}

func (h *Handler) getExport(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	job, err := h.svc.GetExport(c.Request.Context(), accounts.FromGin(c), id)
	httpapi.Respond(c, http.StatusOK, job, err)
}

func (h *Handler) downloadExport(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	z, err := h.svc.DownloadExport(c.Request.Context(), accounts.FromGin(c), id)
	if err != nil {
		httpapi.Error(c, err)
		return
	}
	streamZip(c, z)
}

func sendReport(c *gin.Context, r *Report, err error) {
	if err != nil {
		httpapi.Error(c, err)
		return
	}
	c.Header("Content-Disposition", contentDisposition(r.FileName, r.FileName))
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", r.PDF)
}

func (h *Handler) sessionReport(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	r, err := h.svc.SessionReport(c.Request.Context(), accounts.FromGin(c), id)
	sendReport(c, r, err)
}

func (h *Handler) institutionReport(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	p := accounts.FromGin(c)
	if !p.ManagesInstitution(id) {
		httpapi.Error(c, errInstitutionNotFound)
		return
	}
	var fields []apperr.FieldError
	date := func(name string) time.Time {
		t, err := time.Parse(time.DateOnly, c.Query(name))
		if err != nil {
			fields = append(fields, apperr.Field(name, "invalid", "is required, a date YYYY-MM-DD"))
		}
		return t
	}
	from, to := date("from"), date("to")
	if len(fields) > 0 {
		httpapi.Error(c, apperr.Invalid("invalid_query", "Some query parameters are invalid.", fields...))
		return
	}
	r, err := h.svc.InstitutionAttendanceReport(c.Request.Context(), p, id, from, to)
	sendReport(c, r, err)
}

//go:embed openapi.yaml
var openAPI []byte

// OpenAPI is this package's part of the API description.
func OpenAPI() []byte { return openAPI }
