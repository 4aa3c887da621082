package courses

import (
	"bytes"
	_ "embed"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/httpapi"
	"github.com/prepoznaj/prepoznaj/lang"
)

// Handler serves the courses API.
type Handler struct {
	svc *Service
}

// NewHandler wraps svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// Register adds the routes to rg (the /api/v1 group, with Authenticate).
// Authoring routes need the trainer or admin role; which courses a trainer
// may touch is the service's object scope (404 for the others).
func (h *Handler) Register(rg *gin.RouterGroup) {
	author := accounts.Require(accounts.RoleTrainer, accounts.RoleAdmin)
	signedIn := accounts.Require()

	rg.GET("/courses", signedIn, h.catalogue)
	rg.POST("/courses", author, h.createCourse)
	rg.POST("/courses/import", author, httpapi.BodyLimit(MaxImportZipSize), h.importCourse)
	rg.POST("/markdown/render", author, httpapi.BodyLimit(MaxRenderSize), h.renderMarkdown)
	rg.GET("/courses/:id", signedIn, h.getCourse)
	rg.PATCH("/courses/:id", author, h.patchCourse)
	rg.GET("/courses/:id/draft", author, h.getDraft)
	rg.POST("/courses/:id/publish", author, h.publish)
	rg.POST("/courses/:id/archive", author, h.archive)
	rg.POST("/courses/:id/duplicate", author, h.duplicate)
	rg.GET("/courses/:id/export", author, h.export)
	rg.POST("/courses/:id/authors", author, h.addAuthor)
	rg.DELETE("/courses/:id/authors/:user_id", author, h.removeAuthor)
	rg.POST("/courses/:id/modules", author, h.createModule)
	rg.PUT("/courses/:id/modules/order", author, h.reorderModules)
	rg.PATCH("/modules/:id", author, h.patchModule)
	rg.DELETE("/modules/:id", author, h.deleteModule)
	rg.POST("/modules/:id/lessons", author, h.createLesson)
	rg.PUT("/modules/:id/lessons/order", author, h.reorderLessons)
	rg.GET("/lessons/:id", signedIn, h.getLesson)
	rg.GET("/lessons/:id/draft", author, h.getLessonDraft)
	rg.PATCH("/lessons/:id", author, h.patchLesson)
	rg.DELETE("/lessons/:id", author, h.deleteLesson)

	rg.POST("/courses/:id/enrolment", signedIn, h.enrol)
	rg.GET("/courses/:id/progress", signedIn, h.progress)
	rg.POST("/courses/:id/retake", signedIn, h.retake)
	rg.GET("/courses/:id/enrolments", author, h.listEnrolments)
	rg.POST("/courses/:id/enrolments", author, h.enrolUsers)
	rg.GET("/me/courses", signedIn, h.myCourses)
	rg.POST("/lessons/:id/complete", signedIn, h.completeLesson)
	rg.POST("/lessons/:id/heartbeat", signedIn, h.heartbeat)
	rg.POST("/institutions/:id/enrolments", signedIn, h.assign)
	rg.GET("/institutions/:id/progress", signedIn, h.institutionProgress)
	rg.GET("/institutions/:id/progress/summary", signedIn, h.institutionProgressSummary)

	rg.GET("/me/sessions", author, h.mySessions)
	rg.GET("/courses/:id/sessions", signedIn, h.listSessions)
	rg.POST("/courses/:id/sessions", author, h.createSession)
	rg.GET("/sessions/:id", signedIn, h.getSession)
	rg.PATCH("/sessions/:id", author, h.patchSession)
	rg.DELETE("/sessions/:id", author, h.cancelSession)
	rg.POST("/sessions/:id/registrations", signedIn, h.registerForSession)
	rg.DELETE("/sessions/:id/registrations/:user_id", signedIn, h.unregister)
	rg.GET("/sessions/:id/attendance", signedIn, h.getRegister)
	rg.PUT("/sessions/:id/attendance", author, h.recordAttendance)
	rg.POST("/sessions/:id/close", author, h.closeRegister)
}

//go:embed openapi.yaml
var openAPI []byte

// OpenAPI is this package's part of the API description.
func OpenAPI() []byte { return openAPI }

func principal(c *gin.Context) *accounts.Principal { return accounts.FromGin(c) }

// locale is ?locale=, else the reader's own.
func locale(c *gin.Context) (lang.Locale, bool) {
	if v := c.Query("locale"); v != "" {
		l, err := lang.ParseLocale(v)
		if err != nil {
			httpapi.Error(c, apperr.Invalid("invalid_query", "Unknown locale.", apperr.Field("locale", "not_allowed", "must be sr-Cyrl, sr-Latn or en")))
			return "", false
		}
		return l, true
	}
	if p := principal(c); p != nil {
		if l, err := lang.ParseLocale(p.Locale); err == nil {
			return l, true
		}
	}
	return lang.SerbianCyrillic, true
}

// wantsCSV: ?format=csv, or an Accept header that prefers text/csv.
func wantsCSV(c *gin.Context) (bool, bool) {
	switch c.Query("format") {
	case "csv":
		return true, true
	case "json":
		return false, true
	case "":
	default:
		httpapi.Error(c, apperr.Invalid("invalid_query", "Unknown format.", apperr.Field("format", "not_allowed", "must be json or csv")))
		return false, false
	}
	for _, part := range strings.Split(c.GetHeader("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && mt == "text/csv" {
			return true, true
		}
		if err == nil && (mt == "application/json" || mt == "*/*") {
			return false, true
		}
	}
	return false, true
}

func sendCSV(c *gin.Context, filename string, write func(w *bytes.Buffer) error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		httpapi.Error(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+filename+`"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// optionalBody binds a JSON body when there is one.
func optionalBody(c *gin.Context, dst any) bool {
	if c.Request.ContentLength == 0 && c.GetHeader("Content-Type") == "" {
		return true
	}
	return httpapi.BindJSON(c, dst)
}

// --- catalogue and authoring ---------------------------------------------------

func (h *Handler) catalogue(c *gin.Context) {
	offset, limit, ok := accounts.Page(c)
	if !ok {
		return
	}
	loc, ok := locale(c)
	if !ok {
		return
	}
	f := CatalogueFilter{Query: c.Query("q"), Profession: c.Query("profession"), Language: c.Query("language"), Level: c.Query("level"),
		Status: c.Query("status"), Sort: c.Query("sort"), Locale: loc, Offset: offset, Limit: limit}
	p := principal(c)
	if !readsSnapshot(p) {
		items, total, err := h.svc.Catalogue(c.Request.Context(), p, f)
		httpapi.Respond(c, http.StatusOK, accounts.ListResponse[CourseSummary]{Items: items, Total: total, Offset: offset, Limit: limit}, err)
		return
	}
	// Learners, most of the catalogue's traffic, get items encoded once per
	// snapshot (catalogue_json.go).
	items, total, err := h.svc.catalogueJSON(c.Request.Context(), p, f)
	if err != nil {
		httpapi.Error(c, err)
		return
	}
	writeListJSON(c, items, total, offset, limit)
}

type completionRequest struct {
	MinAttendedHours float64              `json:"min_attended_hours"`
	Quizzes          []quizRequirementReq `json:"quizzes" binding:"max=50,dive"`
}

type quizRequirementReq struct {
	QuizID   int64   `json:"quiz_id" binding:"required"`
	MinScore float64 `json:"min_score"`
}

func (r *completionRequest) input() RuleInput {
	in := RuleInput{MinAttendedHours: r.MinAttendedHours, Quizzes: []QuizRequirement{}}
	for _, q := range r.Quizzes {
		in.Quizzes = append(in.Quizzes, QuizRequirement{QuizID: q.QuizID, MinScore: q.MinScore})
	}
	return in
}

type createCourseRequest struct {
	Slug           string             `json:"slug" binding:"required,max=80"`
	Title          LocalText          `json:"title"`
	Summary        LocalText          `json:"summary"`
	Professions    []string           `json:"professions" binding:"required,max=8"`
	Level          string             `json:"level" binding:"required"`
	Hours          float64            `json:"hours"`
	ValidityMonths int                `json:"validity_months"`
	ContentWarning bool               `json:"content_warning"`
	SelfEnrol      *bool              `json:"self_enrol"`
	Completion     *completionRequest `json:"completion"`
}

func (h *Handler) createCourse(c *gin.Context) {
	var req createCourseRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	f := CourseFields{Slug: req.Slug, Title: req.Title, Summary: req.Summary, Professions: req.Professions, Level: req.Level,
		Hours: req.Hours, ValidityMonths: req.ValidityMonths, ContentWarning: req.ContentWarning, SelfEnrol: req.SelfEnrol == nil || *req.SelfEnrol}
	if req.Completion != nil {
		f.Rule = req.Completion.input()
	}
	d, err := h.svc.CreateCourse(c.Request.Context(), principal(c), f)
	httpapi.Respond(c, http.StatusCreated, d, err)
}

// MaxRenderSize bounds a preview request (the markup package also limits the source itself).
const MaxRenderSize = 256 << 10

type renderRequest struct {
	Markdown string `json:"markdown"`
}

// renderMarkdown shows an author what unsaved Markdown will look like: the same renderer and
// sanitiser as a saved lesson, case or question, with nothing stored.
func (h *Handler) renderMarkdown(c *gin.Context) {
	var req renderRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	html, problem := renderField("markdown", req.Markdown)
	switch {
	case problem == nil:
		c.JSON(http.StatusOK, gin.H{"html": html})
	case problem.Code == "unrenderable":
		httpapi.Error(c, apperr.Unprocessable("unrenderable", "The text cannot be shown: "+problem.Message, *problem))
	default:
		httpapi.Error(c, apperr.Invalid("validation_failed", "The text cannot be shown.", *problem))
	}
}

type patchCourseRequest struct {
	Version        int                `json:"version" binding:"required"`
	Slug           *string            `json:"slug"`
	Title          *LocalText         `json:"title"`
	Summary        *LocalText         `json:"summary"`
	Professions    *[]string          `json:"professions" binding:"omitempty,max=8"`
	Level          *string            `json:"level"`
	Hours          *float64           `json:"hours"`
	ValidityMonths *int               `json:"validity_months"`
	ContentWarning *bool              `json:"content_warning"`
	SelfEnrol      *bool              `json:"self_enrol"`
	Completion     *completionRequest `json:"completion"`
}

func (h *Handler) patchCourse(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req patchCourseRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	patch := CoursePatch{Version: req.Version, Slug: req.Slug, Title: req.Title, Summary: req.Summary, Professions: req.Professions,
		Level: req.Level, Hours: req.Hours, ValidityMonths: req.ValidityMonths, ContentWarning: req.ContentWarning, SelfEnrol: req.SelfEnrol}
	if req.Completion != nil {
		r := req.Completion.input()
		patch.Rule = &r
	}
	d, err := h.svc.UpdateCourse(c.Request.Context(), principal(c), id, patch)
	httpapi.Respond(c, http.StatusOK, d, err)
}

func (h *Handler) getCourse(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	loc, ok := locale(c)
	if !ok {
		return
	}
	v, err := h.svc.GetCourse(c.Request.Context(), principal(c), id, loc)
	httpapi.Respond(c, http.StatusOK, v, err)
}

func (h *Handler) getDraft(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	d, err := h.svc.GetDraft(c.Request.Context(), principal(c), id)
	httpapi.Respond(c, http.StatusOK, d, err)
}

func (h *Handler) publish(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	d, err := h.svc.Publish(c.Request.Context(), principal(c), id)
	httpapi.Respond(c, http.StatusOK, d, err)
}

func (h *Handler) archive(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	d, err := h.svc.Archive(c.Request.Context(), principal(c), id)
	httpapi.Respond(c, http.StatusOK, d, err)
}

type duplicateRequest struct {
	Slug string `json:"slug" binding:"max=80"`
}

func (h *Handler) duplicate(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req duplicateRequest
	if !optionalBody(c, &req) {
		return
	}
	d, err := h.svc.Duplicate(c.Request.Context(), principal(c), id, req.Slug)
	httpapi.Respond(c, http.StatusCreated, d, err)
}

func (h *Handler) export(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var buf bytes.Buffer
	name, err := h.svc.ExportCourse(c.Request.Context(), principal(c), id, &buf)
	if err != nil {
		httpapi.Error(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/zip", buf.Bytes())
}

// importProblem is the 422 answer to a course file with problems: a
// problem document listing each one with its file and line.
type importProblem struct {
	httpapi.Problem
	Problems []ImportProblem `json:"problems"`
}

func (h *Handler) importCourse(c *gin.Context) {
	if !httpapi.RequireContentType(c, "application/zip") {
		return
	}
	update := false
	switch c.Query("update") {
	case "", "false":
	case "true":
		update = true
	default:
		httpapi.Error(c, apperr.Invalid("invalid_query", "update must be true or false.", apperr.Field("update", "invalid", "must be true or false")))
		return
	}
	body, ok := httpapi.ReadBody(c)
	if !ok {
		return
	}
	files, problems := ReadZip(body)
	var d *CourseDraft
	var created bool
	var err error
	if len(problems) > 0 {
		err = &ImportError{Problems: problems}
	} else {
		d, created, err = h.svc.ImportCourse(c.Request.Context(), principal(c), files, update)
	}
	var ie *ImportError
	if errors.As(err, &ie) {
		c.Header("Content-Type", httpapi.ProblemContentType)
		c.Header("Cache-Control", "no-store")
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, importProblem{
			Problem: httpapi.Problem{Type: httpapi.ProblemType("import_failed"), Title: http.StatusText(http.StatusUnprocessableEntity),
				Status: http.StatusUnprocessableEntity, Code: "import_failed", RequestID: httpapi.RequestID(c),
				Detail: "The course files have problems; nothing was imported."},
			Problems: ie.Problems,
		})
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	httpapi.Respond(c, status, d, err)
}

type authorRequest struct {
	UserID int64 `json:"user_id" binding:"required"`
}

func (h *Handler) addAuthor(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req authorRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	d, err := h.svc.AddAuthor(c.Request.Context(), principal(c), id, req.UserID)
	httpapi.Respond(c, http.StatusOK, d, err)
}

func (h *Handler) removeAuthor(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	uid, ok := accounts.PathID(c, "user_id")
	if !ok {
		return
	}
	if err := h.svc.RemoveAuthor(c.Request.Context(), principal(c), id, uid); err != nil {
		httpapi.Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type moduleRequest struct {
	Title LocalText `json:"title"`
}

func (h *Handler) createModule(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req moduleRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	m, err := h.svc.CreateModule(c.Request.Context(), principal(c), id, req.Title)
	httpapi.Respond(c, http.StatusCreated, m, err)
}

type patchModuleRequest struct {
	Version int       `json:"version" binding:"required"`
	Title   LocalText `json:"title"`
}

func (h *Handler) patchModule(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req patchModuleRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	m, err := h.svc.UpdateModule(c.Request.Context(), principal(c), id, req.Version, req.Title)
	httpapi.Respond(c, http.StatusOK, m, err)
}

func (h *Handler) deleteModule(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	if err := h.svc.DeleteModule(c.Request.Context(), principal(c), id); err != nil {
		httpapi.Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type moduleOrderRequest struct {
	Version   int     `json:"version" binding:"required"`
	ModuleIDs []int64 `json:"module_ids" binding:"max=50"`
}

func (h *Handler) reorderModules(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req moduleOrderRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	d, err := h.svc.ReorderModules(c.Request.Context(), principal(c), id, req.Version, req.ModuleIDs)
	httpapi.Respond(c, http.StatusOK, d, err)
}

type lessonOrderRequest struct {
	Version   int     `json:"version" binding:"required"`
	LessonIDs []int64 `json:"lesson_ids" binding:"max=500"`
}

func (h *Handler) reorderLessons(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req lessonOrderRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	m, err := h.svc.ReorderLessons(c.Request.Context(), principal(c), id, req.Version, req.LessonIDs)
	httpapi.Respond(c, http.StatusOK, m, err)
}

type lessonRequest struct {
	Key            string    `json:"key" binding:"max=80"`
	Title          LocalText `json:"title"`
	Body           LocalText `json:"body"`
	ReadingMinutes int       `json:"reading_minutes"`
	ContentWarning bool      `json:"content_warning"`
	Required       *bool     `json:"required"`
}

func (h *Handler) createLesson(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req lessonRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	l, err := h.svc.CreateLesson(c.Request.Context(), principal(c), id, LessonFields{Key: req.Key, Title: req.Title, Body: req.Body,
		ReadingMinutes: req.ReadingMinutes, ContentWarning: req.ContentWarning, Required: req.Required == nil || *req.Required})
	httpapi.Respond(c, http.StatusCreated, l, err)
}

func (h *Handler) getLesson(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	loc, ok := locale(c)
	if !ok {
		return
	}
	l, err := h.svc.GetLesson(c.Request.Context(), principal(c), id, loc)
	httpapi.Respond(c, http.StatusOK, l, err)
}

func (h *Handler) getLessonDraft(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	l, err := h.svc.GetLessonDraft(c.Request.Context(), principal(c), id)
	httpapi.Respond(c, http.StatusOK, l, err)
}

type patchLessonRequest struct {
	Version        int        `json:"version" binding:"required"`
	Key            *string    `json:"key" binding:"omitempty,max=80"`
	Title          *LocalText `json:"title"`
	Body           *LocalText `json:"body"`
	ReadingMinutes *int       `json:"reading_minutes"`
	ContentWarning *bool      `json:"content_warning"`
	Required       *bool      `json:"required"`
}

func (h *Handler) patchLesson(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req patchLessonRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	l, err := h.svc.UpdateLesson(c.Request.Context(), principal(c), id, LessonPatch{Version: req.Version, Key: req.Key, Title: req.Title,
		Body: req.Body, ReadingMinutes: req.ReadingMinutes, ContentWarning: req.ContentWarning, Required: req.Required})
	httpapi.Respond(c, http.StatusOK, l, err)
}

func (h *Handler) deleteLesson(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	if err := h.svc.DeleteLesson(c.Request.Context(), principal(c), id); err != nil {
		httpapi.Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// --- learning ------------------------------------------------------------------

func (h *Handler) enrol(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	e, created, err := h.svc.Enrol(c.Request.Context(), principal(c), id)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	httpapi.Respond(c, status, e, err)
}

func (h *Handler) progress(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	p, err := h.svc.Progress(c.Request.Context(), principal(c), id)
	httpapi.Respond(c, http.StatusOK, p, err)
}

func (h *Handler) retake(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	p, err := h.svc.Retake(c.Request.Context(), principal(c), id)
	httpapi.Respond(c, http.StatusOK, p, err)
}

func (h *Handler) listEnrolments(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	offset, limit, ok := accounts.Page(c)
	if !ok {
		return
	}
	items, total, err := h.svc.CourseEnrolments(c.Request.Context(), principal(c), id, offset, limit)
	httpapi.Respond(c, http.StatusOK, accounts.ListResponse[CourseProgress]{Items: items, Total: total, Offset: offset, Limit: limit}, err)
}

type enrolUsersRequest struct {
	UserIDs []int64    `json:"user_ids" binding:"required,min=1,max=500"`
	DueAt   *time.Time `json:"due_at"`
}

func (h *Handler) enrolUsers(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req enrolUsersRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	rep, err := h.svc.EnrolUsers(c.Request.Context(), principal(c), id, req.UserIDs, req.DueAt)
	httpapi.Respond(c, http.StatusOK, rep, err)
}

func (h *Handler) myCourses(c *gin.Context) {
	offset, limit, ok := accounts.Page(c)
	if !ok {
		return
	}
	loc, ok := locale(c)
	if !ok {
		return
	}
	items, total, err := h.svc.MyCourses(c.Request.Context(), principal(c), loc, offset, limit)
	httpapi.Respond(c, http.StatusOK, accounts.ListResponse[MyCourse]{Items: items, Total: total, Offset: offset, Limit: limit}, err)
}

func (h *Handler) completeLesson(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	p, err := h.svc.CompleteLesson(c.Request.Context(), principal(c), id)
	httpapi.Respond(c, http.StatusOK, p, err)
}

type heartbeatRequest struct {
	Active *bool `json:"active" binding:"required"`
}

func (h *Handler) heartbeat(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req heartbeatRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	t, err := h.svc.Heartbeat(c.Request.Context(), principal(c), id, *req.Active)
	httpapi.Respond(c, http.StatusOK, t, err)
}

type assignRequest struct {
	CourseID   int64      `json:"course_id" binding:"required"`
	UserIDs    []int64    `json:"user_ids" binding:"max=500"`
	Profession string     `json:"profession" binding:"max=40"`
	DueAt      *time.Time `json:"due_at"`
}

func (h *Handler) assign(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	// Authorise before reading the body.
	if !principal(c).ManagesInstitution(id) {
		httpapi.Error(c, errInstitutionMissing)
		return
	}
	var req assignRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	rep, err := h.svc.AssignMembers(c.Request.Context(), principal(c), id, AssignInput{CourseID: req.CourseID, UserIDs: req.UserIDs, Profession: req.Profession, DueAt: req.DueAt})
	httpapi.Respond(c, http.StatusOK, rep, err)
}

// progressFilter reads the progress report's filters (and ?locale=).
func progressFilter(c *gin.Context) (ProgressFilter, bool) {
	f := ProgressFilter{Profession: c.Query("profession"), Status: c.Query("status"), Query: c.Query("q")}
	if v := c.Query("course_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			httpapi.Error(c, apperr.Invalid("invalid_query", "course_id must be a positive integer.", apperr.Field("course_id", "invalid", "must be a positive integer")))
			return f, false
		}
		f.CourseID = n
	}
	loc, ok := locale(c)
	f.Locale = loc
	return f, ok
}

func (h *Handler) institutionProgress(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	if !principal(c).ManagesInstitution(id) {
		httpapi.Error(c, errInstitutionMissing)
		return
	}
	csv, ok := wantsCSV(c)
	if !ok {
		return
	}
	f, ok := progressFilter(c)
	if !ok {
		return
	}
	if csv {
		sendCSV(c, "progress-"+strconv.FormatInt(id, 10)+".csv", func(w *bytes.Buffer) error {
			return h.svc.WriteInstitutionProgressCSV(c.Request.Context(), principal(c), id, f, w)
		})
		return
	}
	offset, limit, ok := accounts.Page(c)
	if !ok {
		return
	}
	f.Offset, f.Limit = offset, limit
	items, total, err := h.svc.InstitutionProgress(c.Request.Context(), principal(c), id, f)
	httpapi.Respond(c, http.StatusOK, accounts.ListResponse[MemberProgress]{Items: items, Total: total, Offset: offset, Limit: limit}, err)
}

func (h *Handler) institutionProgressSummary(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	if !principal(c).ManagesInstitution(id) {
		httpapi.Error(c, errInstitutionMissing)
		return
	}
	f, ok := progressFilter(c)
	if !ok {
		return
	}
	items, err := h.svc.InstitutionProgressSummary(c.Request.Context(), principal(c), id, f)
	httpapi.Respond(c, http.StatusOK, gin.H{"items": items}, err)
}

// --- live sessions ---------------------------------------------------------------

type sessionRequest struct {
	Kind            string    `json:"kind" binding:"required"`
	Title           LocalText `json:"title"`
	Place           string    `json:"place" binding:"max=300"`
	Link            string    `json:"link" binding:"max=500"`
	StartsAt        time.Time `json:"starts_at" binding:"required"`
	DurationMinutes int       `json:"duration_minutes" binding:"required"`
	Capacity        int       `json:"capacity" binding:"required"`
	TrainerID       int64     `json:"trainer_id"`
}

func (h *Handler) mySessions(c *gin.Context) {
	loc, ok := locale(c)
	if !ok {
		return
	}
	offset, limit, ok := accounts.Page(c)
	if !ok {
		return
	}
	items, total, err := h.svc.MySessions(c.Request.Context(), principal(c), loc, offset, limit)
	httpapi.Respond(c, http.StatusOK, accounts.ListResponse[TrainerSession]{Items: items, Total: total, Offset: offset, Limit: limit}, err)
}

func (h *Handler) listSessions(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	items, err := h.svc.ListSessions(c.Request.Context(), principal(c), id)
	httpapi.Respond(c, http.StatusOK, gin.H{"items": items}, err)
}

func (h *Handler) createSession(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req sessionRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	v, err := h.svc.CreateSession(c.Request.Context(), principal(c), id, SessionFields{Kind: req.Kind, Title: req.Title, Place: req.Place,
		Link: req.Link, StartsAt: req.StartsAt, DurationMinutes: req.DurationMinutes, Capacity: req.Capacity, TrainerID: req.TrainerID})
	httpapi.Respond(c, http.StatusCreated, v, err)
}

func (h *Handler) getSession(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	v, err := h.svc.GetSession(c.Request.Context(), principal(c), id)
	httpapi.Respond(c, http.StatusOK, v, err)
}

type patchSessionRequest struct {
	Version         int        `json:"version" binding:"required"`
	Kind            *string    `json:"kind"`
	Title           *LocalText `json:"title"`
	Place           *string    `json:"place" binding:"omitempty,max=300"`
	Link            *string    `json:"link" binding:"omitempty,max=500"`
	StartsAt        *time.Time `json:"starts_at"`
	DurationMinutes *int       `json:"duration_minutes"`
	Capacity        *int       `json:"capacity"`
	TrainerID       *int64     `json:"trainer_id"`
}

func (h *Handler) patchSession(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req patchSessionRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	v, err := h.svc.UpdateSession(c.Request.Context(), principal(c), id, SessionPatch{Version: req.Version, Kind: req.Kind, Title: req.Title,
		Place: req.Place, Link: req.Link, StartsAt: req.StartsAt, DurationMinutes: req.DurationMinutes, Capacity: req.Capacity, TrainerID: req.TrainerID})
	httpapi.Respond(c, http.StatusOK, v, err)
}

func (h *Handler) cancelSession(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	if err := h.svc.CancelSession(c.Request.Context(), principal(c), id); err != nil {
		httpapi.Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type registrationRequest struct {
	UserIDs []int64 `json:"user_ids" binding:"max=500"`
}

func (h *Handler) registerForSession(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req registrationRequest
	if !optionalBody(c, &req) {
		return
	}
	rep, err := h.svc.RegisterForSession(c.Request.Context(), principal(c), id, req.UserIDs)
	httpapi.Respond(c, http.StatusOK, rep, err)
}

func (h *Handler) unregister(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	uid, ok := accounts.PathID(c, "user_id")
	if !ok {
		return
	}
	if err := h.svc.Unregister(c.Request.Context(), principal(c), id, uid); err != nil {
		httpapi.Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) getRegister(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	csv, ok := wantsCSV(c)
	if !ok {
		return
	}
	if csv {
		sendCSV(c, "register-"+strconv.FormatInt(id, 10)+".csv", func(w *bytes.Buffer) error {
			return h.svc.WriteRegisterCSV(c.Request.Context(), principal(c), id, w)
		})
		return
	}
	r, err := h.svc.GetRegister(c.Request.Context(), principal(c), id)
	httpapi.Respond(c, http.StatusOK, r, err)
}

type attendanceRequest struct {
	Entries []attendanceEntryRequest `json:"entries" binding:"required,min=1,max=500,dive"`
}

type attendanceEntryRequest struct {
	UserID  int64  `json:"user_id" binding:"required"`
	Status  string `json:"status" binding:"required,oneof=present late excused absent"`
	Minutes *int   `json:"minutes"`
	Reason  string `json:"reason" binding:"max=500"`
}

func (h *Handler) recordAttendance(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req attendanceRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	entries := make([]AttendanceEntry, len(req.Entries))
	for i, e := range req.Entries {
		entries[i] = AttendanceEntry{UserID: e.UserID, Status: e.Status, Minutes: e.Minutes, Reason: e.Reason}
	}
	r, err := h.svc.RecordAttendance(c.Request.Context(), principal(c), id, entries)
	httpapi.Respond(c, http.StatusOK, r, err)
}

func (h *Handler) closeRegister(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	r, err := h.svc.CloseRegister(c.Request.Context(), principal(c), id)
	httpapi.Respond(c, http.StatusOK, r, err)
}
