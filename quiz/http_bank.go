package quiz

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/httpapi"
)

// --- categories and scenarios -----------------------------------------------------------

func (h *Handler) listCategories(c *gin.Context) {
	courseID, ok := queryID(c, "course_id")
	if !ok {
		return
	}
	cats, err := h.svc.ListCategories(c.Request.Context(), accounts.FromGin(c), courseID)
	httpapi.Respond(c, http.StatusOK, accounts.ListResponse[Category]{Items: cats, Total: int64(len(cats)), Limit: len(cats)}, err)
}

type categoryRequest struct {
	CourseID int64  `json:"course_id" binding:"required"`
	Name     string `json:"name" binding:"required,max=200"`
}

func (h *Handler) createCategory(c *gin.Context) {
	var req categoryRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	cat, created, err := h.svc.CreateCategory(c.Request.Context(), accounts.FromGin(c), req.CourseID, req.Name)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	httpapi.Respond(c, status, cat, err)
}

type scenarioRequest struct {
	CourseID       int64              `json:"course_id"`
	Version        int                `json:"version"`
	Title          Text               `json:"title"`
	AgeGroup       AgeGroup           `json:"age_group"`
	Exploitation   string             `json:"exploitation"`
	Professions    []string           `json:"professions"`
	ContentWarning Text               `json:"content_warning"`
	Narrative      Text               `json:"narrative"`
	Present        []string           `json:"present"`
	Evidence       EvidenceByLanguage `json:"evidence"`
	NextStep       Text               `json:"next_step"`
}

func (r scenarioRequest) input() ScenarioInput {
	return ScenarioInput{CourseID: r.CourseID, Title: r.Title, AgeGroup: r.AgeGroup, Exploitation: r.Exploitation, Professions: r.Professions,
		ContentWarning: r.ContentWarning, Narrative: r.Narrative, Present: r.Present, Evidence: r.Evidence, NextStep: r.NextStep}
}

func (h *Handler) listScenarios(c *gin.Context) {
	courseID, ok := queryID(c, "course_id")
	if !ok {
		return
	}
	offset, limit, ok := accounts.Page(c)
	if !ok {
		return
	}
	items, total, err := h.svc.ListScenarios(c.Request.Context(), accounts.FromGin(c), courseID, offset, limit)
	httpapi.Respond(c, http.StatusOK, accounts.ListResponse[Scenario]{Items: items, Total: total, Offset: offset, Limit: limit}, err)
}

func (h *Handler) createScenario(c *gin.Context) {
	var req scenarioRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	if req.Version != 0 {
		httpapi.Error(c, invalid(apperr.Field("version", "not_allowed", "a new scenario has no version yet")))
		return
	}
	sc, err := h.svc.CreateScenario(c.Request.Context(), accounts.FromGin(c), req.input())
	httpapi.Respond(c, http.StatusCreated, sc, err)
}

func (h *Handler) getScenario(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	sc, err := h.svc.GetScenario(c.Request.Context(), accounts.FromGin(c), id)
	httpapi.Respond(c, http.StatusOK, sc, err)
}

func (h *Handler) updateScenario(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req scenarioRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	if req.Version <= 0 {
		httpapi.Error(c, invalid(apperr.Field("version", "required", "send the version you edited")))
		return
	}
	sc, err := h.svc.UpdateScenario(c.Request.Context(), accounts.FromGin(c), id, req.Version, req.input())
	httpapi.Respond(c, http.StatusOK, sc, err)
}

// --- questions ----------------------------------------------------------------------------

type questionRequest struct {
	CourseID   int64           `json:"course_id"`
	Version    int             `json:"version"`
	CategoryID *int64          `json:"category_id"`
	Tags       []string        `json:"tags"`
	ExternalID string          `json:"external_id"`
	Content    QuestionContent `json:"content"`
}

func (r questionRequest) input() QuestionInput {
	return QuestionInput{CourseID: r.CourseID, CategoryID: r.CategoryID, Tags: r.Tags, ExternalID: r.ExternalID, Content: r.Content}
}

func (h *Handler) listQuestions(c *gin.Context) {
	courseID, ok := queryID(c, "course_id")
	if !ok {
		return
	}
	category, ok := queryInt(c, "category_id", 0)
	if !ok {
		return
	}
	offset, limit, ok := accounts.Page(c)
	if !ok {
		return
	}
	f := QuestionFilter{CourseID: courseID, CategoryID: int64(category), Tag: c.Query("tag"), Type: QuestionType(c.Query("type")), Offset: offset, Limit: limit}
	items, total, err := h.svc.ListQuestions(c.Request.Context(), accounts.FromGin(c), f)
	httpapi.Respond(c, http.StatusOK, accounts.ListResponse[Question]{Items: items, Total: total, Offset: offset, Limit: limit}, err)
}

func (h *Handler) createQuestion(c *gin.Context) {
	var req questionRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	if req.Version != 0 {
		httpapi.Error(c, invalid(apperr.Field("version", "not_allowed", "a new question has no version yet")))
		return
	}
	q, err := h.svc.CreateQuestion(c.Request.Context(), accounts.FromGin(c), req.input())
	httpapi.Respond(c, http.StatusCreated, q, err)
}

func (h *Handler) getQuestion(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	version, ok := queryInt(c, "version", 0)
	if !ok {
		return
	}
	q, err := h.svc.GetQuestion(c.Request.Context(), accounts.FromGin(c), id, version)
	httpapi.Respond(c, http.StatusOK, q, err)
}

func (h *Handler) updateQuestion(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req questionRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	if req.Version <= 0 {
		httpapi.Error(c, invalid(apperr.Field("version", "required", "send the version you edited")))
		return
	}
	q, err := h.svc.UpdateQuestion(c.Request.Context(), accounts.FromGin(c), id, req.Version, req.input())
	httpapi.Respond(c, http.StatusOK, q, err)
}
