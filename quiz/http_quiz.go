package quiz

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/httpapi"
)

// --- quizzes ------------------------------------------------------------------------------

type quizRequest struct {
	ModuleID int64    `json:"module_id"`
	Version  int      `json:"version"`
	Settings Settings `json:"settings"`
	Slots    []Slot   `json:"slots"`
}

func (h *Handler) listQuizzes(c *gin.Context) {
	courseID, ok := queryID(c, "course_id")
	if !ok {
		return
	}
	items, err := h.svc.ListQuizzes(c.Request.Context(), accounts.FromGin(c), courseID)
	httpapi.Respond(c, http.StatusOK, accounts.ListResponse[QuizView]{Items: items, Total: int64(len(items)), Limit: len(items)}, err)
}

func (h *Handler) createQuiz(c *gin.Context) {
	var req quizRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	if req.Version != 0 {
		httpapi.Error(c, invalid(apperr.Field("version", "not_allowed", "a new quiz has no version yet")))
		return
	}
	q, err := h.svc.CreateQuiz(c.Request.Context(), accounts.FromGin(c), QuizInput{ModuleID: req.ModuleID, Settings: req.Settings, Slots: req.Slots})
	httpapi.Respond(c, http.StatusCreated, q, err)
}

func (h *Handler) getQuiz(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	q, err := h.svc.GetQuiz(c.Request.Context(), accounts.FromGin(c), id)
	httpapi.Respond(c, http.StatusOK, q, err)
}

func (h *Handler) updateQuiz(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	var req quizRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	if req.Version <= 0 {
		httpapi.Error(c, invalid(apperr.Field("version", "required", "send the version you edited")))
		return
	}
	q, err := h.svc.UpdateQuiz(c.Request.Context(), accounts.FromGin(c), id, req.Version, QuizInput{ModuleID: req.ModuleID, Settings: req.Settings, Slots: req.Slots})
	httpapi.Respond(c, http.StatusOK, q, err)
}

func (h *Handler) publishQuiz(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	q, err := h.svc.PublishQuiz(c.Request.Context(), accounts.FromGin(c), id)
	httpapi.Respond(c, http.StatusOK, q, err)
}

// --- attempts -------------------------------------------------------------------------------

func (h *Handler) startAttempt(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	if !emptyBody(c) {
		return
	}
	a, started, err := h.svc.StartAttempt(c.Request.Context(), accounts.FromGin(c), id)
	status := http.StatusOK
	if started {
		status = http.StatusCreated
	}
	httpapi.Respond(c, status, a, err)
}

func (h *Handler) listAttempts(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	all, ok := queryBool(c, "all")
	if !ok {
		return
	}
	offset, limit, ok := accounts.Page(c)
	if !ok {
		return
	}
	items, total, err := h.svc.ListAttempts(c.Request.Context(), accounts.FromGin(c), id, all, offset, limit)
	httpapi.Respond(c, http.StatusOK, accounts.ListResponse[AttemptSummary]{Items: items, Total: total, Offset: offset, Limit: limit}, err)
}

func (h *Handler) getAttempt(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	a, err := h.svc.GetAttempt(c.Request.Context(), accounts.FromGin(c), id)
	httpapi.Respond(c, http.StatusOK, a, err)
}

func (h *Handler) saveAnswer(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	pos, ok := accounts.PathID(c, "position")
	if !ok {
		return
	}
	var req Response
	if !httpapi.BindJSON(c, &req) {
		return
	}
	q, err := h.svc.SaveAnswer(c.Request.Context(), accounts.FromGin(c), id, int(min(pos, 1<<20)), req)
	httpapi.Respond(c, http.StatusOK, q, err)
}

func (h *Handler) submitAttempt(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	if !emptyBody(c) {
		return
	}
	a, err := h.svc.SubmitAttempt(c.Request.Context(), accounts.FromGin(c), id)
	httpapi.Respond(c, http.StatusOK, a, err)
}

// emptyBody accepts no body or an empty JSON object: starting and submitting take no input, and
// anything a client sends (a score, say) is an unknown field, refused.
func emptyBody(c *gin.Context) bool {
	if c.Request.ContentLength == 0 && c.GetHeader("Content-Type") == "" {
		return true
	}
	var none struct{}
	return httpapi.BindJSON(c, &none)
}

// --- analytics -----------------------------------------------------------------------------

func (h *Handler) quizAnalytics(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	a, err := h.svc.QuizAnalytics(c.Request.Context(), accounts.FromGin(c), id)
	httpapi.Respond(c, http.StatusOK, a, err)
}

func (h *Handler) courseAnalytics(c *gin.Context) {
	courseID, ok := queryID(c, "course_id")
	if !ok {
		return
	}
	a, err := h.svc.CourseAnalytics(c.Request.Context(), accounts.FromGin(c), courseID)
	httpapi.Respond(c, http.StatusOK, a, err)
}

func (h *Handler) quizAnalyticsExport(c *gin.Context) {
	id, ok := accounts.PathID(c, "id")
	if !ok {
		return
	}
	table, ok := exportTable(c)
	if !ok {
		return
	}
	a, err := h.svc.QuizAnalytics(c.Request.Context(), accounts.FromGin(c), id)
	writeCSV(c, a, err, table, "quiz-"+strconv.FormatInt(id, 10))
}

func (h *Handler) courseAnalyticsExport(c *gin.Context) {
	courseID, ok := queryID(c, "course_id")
	if !ok {
		return
	}
	table, ok := exportTable(c)
	if !ok {
		return
	}
	a, err := h.svc.CourseAnalytics(c.Request.Context(), accounts.FromGin(c), courseID)
	writeCSV(c, a, err, table, "course-"+strconv.FormatInt(courseID, 10))
}

func exportTable(c *gin.Context) (string, bool) {
	switch t := c.DefaultQuery("table", TableQuestions); t {
	case TableQuestions, TableIndicators:
		return t, true
	}
	httpapi.Error(c, apperr.Invalid("invalid_query", "Some query parameters are invalid.", apperr.Field("table", "not_allowed", "must be one of: questions, indicators")))
	return "", false
}

func writeCSV(c *gin.Context, a *Analytics, err error, table, name string) {
	if err != nil {
		httpapi.Error(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="`+name+"-"+table+`.csv"`)
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	if err := a.WriteCSV(c.Writer, table); err != nil {
		httpapi.Logger(c).Warn("analytics export interrupted")
	}
}
