package quiz

import (
	_ "embed"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/httpapi"
)

// Handler serves the quiz API.
type Handler struct {
	svc *Service
}

// NewHandler wraps svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

const importLimit = 2 << 20

// Register adds the routes to rg (the /api/v1 group, with Authenticate).
func (h *Handler) Register(rg *gin.RouterGroup) {
	authors := accounts.Require(accounts.RoleTrainer, accounts.RoleAdmin)
	analysts := accounts.Require(accounts.RoleTrainer, accounts.RoleManager, accounts.RoleAdmin)
	signedIn := accounts.Require()

	rg.GET("/indicators", accounts.Public, h.getCatalogue)
	rg.PUT("/indicators", accounts.Require(accounts.RoleAdmin), httpapi.BodyLimit(importLimit), h.putCatalogue)
	rg.GET("/indicators/versions", accounts.Public, h.listCatalogueVersions)
	rg.POST("/indicators/assess", accounts.Public, h.assess)

	rg.POST("/gift/preview", authors, httpapi.BodyLimit(importLimit), h.giftPreview)
	rg.POST("/question-imports", authors, httpapi.BodyLimit(importLimit), h.giftImport)

	rg.GET("/question-categories", authors, h.listCategories)
	rg.POST("/question-categories", authors, h.createCategory)

	rg.GET("/scenarios", authors, h.listScenarios)
	rg.POST("/scenarios", authors, httpapi.BodyLimit(importLimit), h.createScenario)
	rg.GET("/scenarios/:id", authors, h.getScenario)
	rg.PUT("/scenarios/:id", authors, httpapi.BodyLimit(importLimit), h.updateScenario)

	rg.GET("/questions", authors, h.listQuestions)
	rg.POST("/questions", authors, httpapi.BodyLimit(importLimit), h.createQuestion)
	rg.GET("/questions/:id", authors, h.getQuestion)
	rg.PUT("/questions/:id", authors, httpapi.BodyLimit(importLimit), h.updateQuestion)

	rg.GET("/quizzes", signedIn, h.listQuizzes)
	rg.POST("/quizzes", authors, h.createQuiz)
	rg.GET("/quizzes/:id", signedIn, h.getQuiz)
	rg.PUT("/quizzes/:id", authors, h.updateQuiz)
	rg.POST("/quizzes/:id/publish", authors, h.publishQuiz)
	rg.POST("/quizzes/:id/attempts", signedIn, h.startAttempt)
	rg.GET("/quizzes/:id/attempts", signedIn, h.listAttempts)
	rg.GET("/quizzes/:id/analytics", analysts, h.quizAnalytics)
	rg.GET("/quizzes/:id/analytics/export", analysts, h.quizAnalyticsExport)
	rg.GET("/quiz-analytics", analysts, h.courseAnalytics)
	rg.GET("/quiz-analytics/export", analysts, h.courseAnalyticsExport)

	rg.GET("/attempts/:id", signedIn, h.getAttempt)
	rg.PUT("/attempts/:id/answers/:position", signedIn, h.saveAnswer)
	rg.POST("/attempts/:id/submit", signedIn, h.submitAttempt)
}

// queryID reads a required positive id from the query string.
func queryID(c *gin.Context, name string) (int64, bool) {
	id, err := strconv.ParseInt(c.Query(name), 10, 64)
	if err != nil || id <= 0 {
		httpapi.Error(c, apperr.Invalid("invalid_query", "Some query parameters are invalid.", apperr.Field(name, "required", "must be a positive integer id")))
		return 0, false
	}
	return id, true
}

// queryInt reads an optional non-negative integer; def when absent.
func queryInt(c *gin.Context, name string, def int) (int, bool) {
	v := c.Query(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		httpapi.Error(c, apperr.Invalid("invalid_query", "Some query parameters are invalid.", apperr.Field(name, "invalid", "must be a non-negative integer")))
		return 0, false
	}
	return n, true
}

func queryBool(c *gin.Context, name string) (bool, bool) {
	switch c.Query(name) {
	case "", "false", "0":
		return false, true
	case "true", "1":
		return true, true
	}
	httpapi.Error(c, apperr.Invalid("invalid_query", "Some query parameters are invalid.", apperr.Field(name, "invalid", "must be true or false")))
	return false, false
}

// readText reads a text/plain body in UTF-8.
func readText(c *gin.Context) (string, bool) {
	mt, params, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "text/plain" || (params["charset"] != "" && !strings.EqualFold(params["charset"], "utf-8")) {
		httpapi.WriteProblem(c, http.StatusUnsupportedMediaType, "unsupported_media_type", "Send the GIFT text as text/plain; charset=utf-8.")
		return "", false
	}
	body, ok := httpapi.ReadBody(c)
	return string(body), ok
}

// --- catalogue ------------------------------------------------------------------------

type catalogueResponse struct {
	*Catalogue
	Version int `json:"version"`
}

func (h *Handler) getCatalogue(c *gin.Context) {
	version, ok := queryInt(c, "version", 0)
	if !ok {
		return
	}
	cat, v, err := h.svc.Catalogue(c.Request.Context(), version)
	if err != nil {
		httpapi.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, catalogueResponse{Catalogue: cat, Version: v})
}

type catalogueVersionResponse struct {
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy *int64    `json:"created_by"`
}

func (h *Handler) listCatalogueVersions(c *gin.Context) {
	vs, err := h.svc.CatalogueVersions(c.Request.Context())
	if err != nil {
		httpapi.Error(c, err)
		return
	}
	out := make([]catalogueVersionResponse, len(vs))
	for i, v := range vs {
		out[i] = catalogueVersionResponse{Version: v.Version, CreatedAt: v.CreatedAt, CreatedBy: v.CreatedBy}
	}
	c.JSON(http.StatusOK, accounts.ListResponse[catalogueVersionResponse]{Items: out, Total: int64(len(out)), Limit: len(out)})
}

// putCatalogue replaces the catalogue with the body, YAML (as content/catalogue/indicators.yaml)
// or JSON (as GET /indicators answers, without the version), creating a new version.
func (h *Handler) putCatalogue(c *gin.Context) {
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	format := ""
	switch mt {
	case "application/yaml", "application/x-yaml", "text/yaml":
		format = FormatYAML
	case "application/json":
		format = FormatJSON
	default:
		httpapi.WriteProblem(c, http.StatusUnsupportedMediaType, "unsupported_media_type", "Send the catalogue as application/yaml or application/json.")
		return
	}
	base := 0
	if raw := c.Query("base_version"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			httpapi.Error(c, apperr.Invalid("invalid_query", "Some query parameters are invalid.", apperr.Field("base_version", "invalid", "must be a version number")))
			return
		}
		base = n
	}
	body, ok := httpapi.ReadBody(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	v, err := h.svc.UpdateCatalogueFrom(ctx, accounts.FromGin(c), format, body, base)
	if err != nil {
		httpapi.Error(c, err)
		return
	}
	cat, _, err := h.svc.Catalogue(ctx, v)
	if err != nil {
		httpapi.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, catalogueResponse{Catalogue: cat, Version: v})
}

type assessRequest struct {
	List    List     `json:"list" binding:"required"`
	Present []string `json:"present" binding:"max=300"`
}

type assessResponse struct {
	Assessment
	CatalogueVersion int `json:"catalogue_version"`
}

func (h *Handler) assess(c *gin.Context) {
	var req assessRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	if req.Present == nil {
		req.Present = []string{}
	}
	a, v, err := h.svc.AssessCodes(c.Request.Context(), req.List, req.Present)
	if err != nil {
		httpapi.Error(c, err)
		return
	}
	c.JSON(http.StatusOK, assessResponse{Assessment: a, CatalogueVersion: v})
}

// --- GIFT ---------------------------------------------------------------------------------

func (h *Handler) giftPreview(c *gin.Context) {
	text, ok := readText(c)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, ParseGIFT(text))
}

func (h *Handler) giftImport(c *gin.Context) {
	courseID, ok := queryID(c, "course_id")
	if !ok {
		return
	}
	preview, ok := queryBool(c, "preview")
	if !ok {
		return
	}
	text, ok := readText(c)
	if !ok {
		return
	}
	rep, err := h.svc.ImportGIFT(c.Request.Context(), accounts.FromGin(c), GIFTImportInput{CourseID: courseID, Text: text, Lang: c.Query("lang"), Preview: preview})
	status := http.StatusCreated
	if preview {
		status = http.StatusOK
	}
	httpapi.Respond(c, status, rep, err)
}

//go:embed openapi.yaml
var openAPI []byte

// OpenAPI is this package's part of the API description.
func OpenAPI() []byte { return openAPI }
