package accounts

import (
	"bytes"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/httpapi"
)

// --- institutions -------------------------------------------------------------------

type institutionRequest struct {
	Name    string `json:"name" binding:"required,max=200"`
	Kind    string `json:"kind" binding:"required"`
	City    string `json:"city" binding:"max=100"`
	Country string `json:"country" binding:"max=100"`
}

func (r institutionRequest) input() InstitutionInput {
	return InstitutionInput{Name: r.Name, Kind: r.Kind, City: r.City, Country: r.Country}
}

func (h *Handler) listInstitutions(c *gin.Context) {
	offset, limit, ok := Page(c)
	if !ok {
		return
	}
	items, total, err := h.svc.ListInstitutions(c.Request.Context(), FromGin(c), c.Query("q"), offset, limit)
	httpapi.Respond(c, http.StatusOK, ListResponse[Institution]{Items: items, Total: total, Offset: offset, Limit: limit}, err)
}

func (h *Handler) createInstitution(c *gin.Context) {
	var req institutionRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	inst, err := h.svc.CreateInstitution(c.Request.Context(), FromGin(c), req.input())
	httpapi.Respond(c, http.StatusCreated, inst, err)
}

func (h *Handler) getInstitution(c *gin.Context) {
	id, ok := PathID(c, "id")
	if !ok {
		return
	}
	inst, err := h.svc.GetInstitution(c.Request.Context(), FromGin(c), id)
	httpapi.Respond(c, http.StatusOK, inst, err)
}

func (h *Handler) updateInstitution(c *gin.Context) {
	id, ok := PathID(c, "id")
	if !ok {
		return
	}
	var req institutionRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	inst, err := h.svc.UpdateInstitution(c.Request.Context(), FromGin(c), id, req.input())
	httpapi.Respond(c, http.StatusOK, inst, err)
}

func (h *Handler) listMembers(c *gin.Context) {
	id, ok := PathID(c, "id")
	if !ok {
		return
	}
	offset, limit, ok := Page(c)
	if !ok {
		return
	}
	items, total, err := h.svc.ListMembers(c.Request.Context(), FromGin(c), id, c.Query("profession"), c.Query("q"), offset, limit)
	httpapi.Respond(c, http.StatusOK, ListResponse[Member]{Items: items, Total: total, Offset: offset, Limit: limit}, err)
}

func (h *Handler) removeMember(c *gin.Context) {
	id, ok := PathID(c, "id")
	if !ok {
		return
	}
	uid, ok := PathID(c, "user_id")
	if !ok {
		return
	}
	if err := h.svc.RemoveMember(c.Request.Context(), FromGin(c), id, uid); err != nil {
		httpapi.Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// --- invitations ------------------------------------------------------------------

type invitationRequest struct {
	MaxUses       int `json:"max_uses" binding:"required"`
	ExpiresInDays int `json:"expires_in_days" binding:"required"`
}

func (h *Handler) createInvitation(c *gin.Context) {
	id, ok := PathID(c, "id")
	if !ok {
		return
	}
	var req invitationRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	inv, err := h.svc.CreateInvitation(c.Request.Context(), FromGin(c), id, InvitationInput{MaxUses: req.MaxUses, ExpiresIn: time.Duration(req.ExpiresInDays) * 24 * time.Hour})
	httpapi.Respond(c, http.StatusCreated, inv, err)
}

func (h *Handler) listInvitations(c *gin.Context) {
	id, ok := PathID(c, "id")
	if !ok {
		return
	}
	offset, limit, ok := Page(c)
	if !ok {
		return
	}
	items, total, err := h.svc.ListInvitations(c.Request.Context(), FromGin(c), id, offset, limit)
	httpapi.Respond(c, http.StatusOK, ListResponse[Invitation]{Items: items, Total: total, Offset: offset, Limit: limit}, err)
}

func (h *Handler) revokeInvitation(c *gin.Context) {
	id, ok := PathID(c, "id")
	if !ok {
		return
	}
	inv, ok := PathID(c, "invitation_id")
	if !ok {
		return
	}
	if err := h.svc.RevokeInvitation(c.Request.Context(), FromGin(c), id, inv); err != nil {
		httpapi.Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// importStaff takes the CSV itself as the body (text/csv).
func (h *Handler) importStaff(c *gin.Context) {
	id, ok := PathID(c, "id")
	if !ok {
		return
	}
	// Authorise before reading an upload.
	if !FromGin(c).ManagesInstitution(id) {
		httpapi.Error(c, errInstitutionNotFound)
		return
	}
	if !httpapi.RequireContentType(c, "text/csv") {
		return
	}
	body, ok := httpapi.ReadBody(c)
	if !ok {
		return
	}
	days := 30
	if v := c.Query("expires_in_days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 90 {
			httpapi.Error(c, apperr.Invalid("invalid_query", "expires_in_days must be from 1 to 90.", apperr.Field("expires_in_days", "out_of_range", "must be from 1 to 90")))
			return
		}
		days = n
	}
	report, err := h.svc.ImportStaff(c.Request.Context(), FromGin(c), id, bytesReader(body), time.Duration(days)*24*time.Hour)
	httpapi.Respond(c, http.StatusOK, report, err)
}

// --- users (admins) -------------------------------------------------------------

func (h *Handler) searchUsers(c *gin.Context) {
	offset, limit, ok := Page(c)
	if !ok {
		return
	}
	var inst int64
	if v := c.Query("institution_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			httpapi.Error(c, apperr.Invalid("invalid_query", "institution_id must be a positive integer.", apperr.Field("institution_id", "invalid", "must be a positive integer")))
			return
		}
		inst = n
	}
	items, total, err := h.svc.SearchUsers(c.Request.Context(), UserFilter{Query: c.Query("q"), Role: c.Query("role"), Profession: c.Query("profession"), InstitutionID: inst, Offset: offset, Limit: limit})
	httpapi.Respond(c, http.StatusOK, ListResponse[UserView]{Items: items, Total: total, Offset: offset, Limit: limit}, err)
}

func (h *Handler) searchTrainers(c *gin.Context) {
	offset, limit, ok := Page(c)
	if !ok {
		return
	}
	q := c.Query("q")
	if utf8.RuneCountInString(q) > 100 {
		httpapi.Error(c, apperr.Invalid("invalid_query", "q is at most 100 characters.", apperr.Field("q", "too_long", "must be at most 100 characters")))
		return
	}
	items, total, err := h.svc.SearchTrainers(c.Request.Context(), q, offset, limit)
	httpapi.Respond(c, http.StatusOK, ListResponse[Trainer]{Items: items, Total: total, Offset: offset, Limit: limit}, err)
}

func (h *Handler) getUser(c *gin.Context) {
	id, ok := PathID(c, "id")
	if !ok {
		return
	}
	u, err := h.svc.GetUser(c.Request.Context(), id)
	httpapi.Respond(c, http.StatusOK, u, err)
}

type rolesRequest struct {
	Trainer       bool   `json:"trainer"`
	Manager       bool   `json:"manager"`
	Admin         bool   `json:"admin"`
	InstitutionID *int64 `json:"institution_id"`
}

func (h *Handler) setRoles(c *gin.Context) {
	id, ok := PathID(c, "id")
	if !ok {
		return
	}
	var req rolesRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	u, err := h.svc.SetRoles(c.Request.Context(), FromGin(c), id, RolesInput{Trainer: req.Trainer, Manager: req.Manager, Admin: req.Admin, InstitutionID: req.InstitutionID})
	httpapi.Respond(c, http.StatusOK, u, err)
}

func (h *Handler) disable(c *gin.Context) { h.setDisabled(c, true) }
func (h *Handler) enable(c *gin.Context)  { h.setDisabled(c, false) }

func (h *Handler) setDisabled(c *gin.Context, disabled bool) {
	id, ok := PathID(c, "id")
	if !ok {
		return
	}
	u, err := h.svc.SetDisabled(c.Request.Context(), FromGin(c), id, disabled)
	httpapi.Respond(c, http.StatusOK, u, err)
}

// --- audit ---------------------------------------------------------------------------

func (h *Handler) listAudit(c *gin.Context) {
	f := AuditFilter{Action: c.Query("action"), TargetID: c.Query("target_id"), Outcome: c.Query("outcome")}
	var fields []apperr.FieldError
	parseInt := func(name string) int64 {
		v := c.Query(name)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			fields = append(fields, apperr.Field(name, "invalid", "must be a non-negative integer"))
		}
		return n
	}
	parseTime := func(name string) time.Time {
		v := c.Query(name)
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			fields = append(fields, apperr.Field(name, "invalid", "must be an RFC 3339 time"))
		}
		return t
	}
	f.ActorID = parseInt("actor_id")
	f.BeforeID = parseInt("before_id")
	f.Limit = int(parseInt("limit"))
	f.Since = parseTime("since")
	f.Until = parseTime("until")
	if f.Limit > MaxPageSize {
		fields = append(fields, apperr.Field("limit", "out_of_range", "must be at most 100"))
	}
	if len(fields) > 0 {
		httpapi.Error(c, apperr.Invalid("invalid_query", "Some query parameters are invalid.", fields...))
		return
	}
	events, err := h.svc.Audit.List(c.Request.Context(), f)
	if err != nil {
		httpapi.Error(c, err)
		return
	}
	next := int64(0)
	if len(events) == clampLimit(f.Limit) {
		next = events[len(events)-1].ID
	}
	c.JSON(http.StatusOK, gin.H{"items": events, "next_before_id": next})
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
