package accounts

import (
	_ "embed"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/httpapi"
)

// Handler serves the accounts API.
type Handler struct {
	svc *Service
}

// NewHandler wraps svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// Register adds the routes to rg (the /api/v1 group, with Authenticate).
func (h *Handler) Register(rg *gin.RouterGroup) {
	rg.POST("/auth/register", Public, h.register)
	rg.POST("/auth/login", Public, h.login)
	rg.POST("/auth/refresh", Public, h.refresh)
	rg.POST("/auth/logout", Public, h.logout)

	rg.GET("/me", Require(), h.getMe)
	rg.PATCH("/me", Require(), h.patchMe)
	rg.POST("/me/password", Require(), h.changePassword)
	rg.POST("/me/institution", Require(), h.acceptInvitation)

	rg.GET("/institutions", Require(RoleManager, RoleAdmin), h.listInstitutions)
	rg.POST("/institutions", Require(RoleAdmin), h.createInstitution)
	rg.GET("/institutions/:id", Require(), h.getInstitution)
	rg.PUT("/institutions/:id", Require(RoleAdmin), h.updateInstitution)
	rg.GET("/institutions/:id/members", Require(), h.listMembers)
	rg.DELETE("/institutions/:id/members/:user_id", Require(), h.removeMember)
	rg.GET("/institutions/:id/invitations", Require(), h.listInvitations)
	rg.POST("/institutions/:id/invitations", Require(), h.createInvitation)
	rg.DELETE("/institutions/:id/invitations/:invitation_id", Require(), h.revokeInvitation)
	rg.POST("/institutions/:id/invitations/import", Require(), httpapi.BodyLimit(1<<20), h.importStaff)

	rg.GET("/users", Require(RoleAdmin), h.searchUsers)
	rg.GET("/users/:id", Require(RoleAdmin), h.getUser)
	rg.PUT("/users/:id/roles", Require(RoleAdmin), h.setRoles)
	rg.POST("/users/:id/disable", Require(RoleAdmin), h.disable)
	rg.POST("/users/:id/enable", Require(RoleAdmin), h.enable)

	rg.GET("/trainers", Require(RoleTrainer, RoleAdmin), h.searchTrainers)

	rg.GET("/audit", Require(RoleAdmin), h.listAudit)
}

// --- sessions --------------------------------------------------------------------

type registerRequest struct {
	Email          string `json:"email" binding:"required,max=254"`
	Password       string `json:"password" binding:"required"`
	FullName       string `json:"full_name" binding:"required"`
	Locale         string `json:"locale"`
	Profession     string `json:"profession"`
	InvitationCode string `json:"invitation_code" binding:"max=40"`
}

type loginRequest struct {
	Email    string `json:"email" binding:"required,max=254"`
	Password string `json:"password" binding:"required,max=1024"`
	// Client "api" asks for the tokens in the body instead of cookies, for
	// programs that are not browsers.
	Client string `json:"client" binding:"omitempty,oneof=browser api"`
}

type sessionResponse struct {
	User             *Me       `json:"user"`
	AccessExpiresAt  time.Time `json:"access_expires_at"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at"`
	AccessToken      string    `json:"access_token,omitempty"`
	RefreshToken     string    `json:"refresh_token,omitempty"`
}

func (h *Handler) register(c *gin.Context) {
	var req registerRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	sess, err := h.svc.Register(c.Request.Context(), RegisterInput{
		Email: req.Email, Password: req.Password, FullName: req.FullName, Locale: req.Locale,
		Profession: req.Profession, InvitationCode: req.InvitationCode,
	})
	if err != nil {
		httpapi.Error(c, err)
		return
	}
	h.respondSession(c, http.StatusCreated, sess, false)
}

func (h *Handler) login(c *gin.Context) {
	var req loginRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	sess, err := h.svc.Login(c.Request.Context(), req.Email, req.Password)
	if err != nil {
		httpapi.Error(c, err)
		return
	}
	h.respondSession(c, http.StatusOK, sess, req.Client == "api")
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token" binding:"max=100"`
}

// refresh takes the refresh token from its cookie, or, for API clients, from
// a JSON body.
func (h *Handler) refresh(c *gin.Context) {
	raw, fromBody := "", false
	if c.Request.ContentLength != 0 && c.GetHeader("Content-Type") != "" {
		var req refreshRequest
		if !httpapi.BindJSON(c, &req) {
			return
		}
		raw, fromBody = req.RefreshToken, true
	}
	if raw == "" {
		raw, _ = c.Cookie(RefreshCookie)
	}
	sess, err := h.svc.Refresh(c.Request.Context(), raw)
	if err != nil {
		clearCookies(c)
		httpapi.Error(c, err)
		return
	}
	h.respondSession(c, http.StatusOK, sess, fromBody)
}

func (h *Handler) logout(c *gin.Context) {
	raw, _ := c.Cookie(RefreshCookie)
	if err := h.svc.Logout(c.Request.Context(), FromGin(c), raw); err != nil {
		httpapi.Error(c, err)
		return
	}
	clearCookies(c)
	c.Status(http.StatusNoContent)
}

func (h *Handler) respondSession(c *gin.Context, status int, sess *Session, inBody bool) {
	me, err := h.svc.GetMe(c.Request.Context(), sess.User)
	if err != nil {
		httpapi.Error(c, err)
		return
	}
	resp := sessionResponse{User: me, AccessExpiresAt: sess.AccessExpiresAt.UTC(), RefreshExpiresAt: sess.RefreshExpiresAt.UTC()}
	if inBody {
		resp.AccessToken, resp.RefreshToken = sess.AccessToken, sess.RefreshToken
	} else {
		setCookie(c, AccessCookie, sess.AccessToken, AccessTTL)
		setCookie(c, RefreshCookie, sess.RefreshToken, RefreshMaxTTL)
	}
	c.JSON(status, resp)
}

func setCookie(c *gin.Context, name, value string, ttl time.Duration) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: int(ttl.Seconds()),
		HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode,
	})
}

func clearCookies(c *gin.Context) {
	for _, name := range []string{AccessCookie, RefreshCookie} {
		http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	}
}

// --- the signed-in user -------------------------------------------------------

func (h *Handler) getMe(c *gin.Context) {
	me, err := h.svc.GetMe(c.Request.Context(), FromGin(c))
	httpapi.Respond(c, http.StatusOK, me, err)
}

type patchMeRequest struct {
	FullName   *string `json:"full_name"`
	Locale     *string `json:"locale"`
	Profession *string `json:"profession"`
}

func (h *Handler) patchMe(c *gin.Context) {
	var req patchMeRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	me, err := h.svc.UpdateMe(c.Request.Context(), FromGin(c), ProfilePatch{FullName: req.FullName, Locale: req.Locale, Profession: req.Profession})
	httpapi.Respond(c, http.StatusOK, me, err)
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password" binding:"required,max=1024"`
	NewPassword     string `json:"new_password" binding:"required"`
}

func (h *Handler) changePassword(c *gin.Context) {
	var req passwordRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	if err := h.svc.ChangePassword(c.Request.Context(), FromGin(c), req.CurrentPassword, req.NewPassword); err != nil {
		if e, ok := apperr.As(err); ok && e.Code == "weak_password" {
			for i := range e.Fields {
				e.Fields[i].Field = "new_password"
			}
		}
		httpapi.Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type acceptRequest struct {
	InvitationCode string `json:"invitation_code" binding:"required,max=40"`
}

func (h *Handler) acceptInvitation(c *gin.Context) {
	var req acceptRequest
	if !httpapi.BindJSON(c, &req) {
		return
	}
	me, err := h.svc.AcceptInvitation(c.Request.Context(), FromGin(c), req.InvitationCode)
	httpapi.Respond(c, http.StatusOK, me, err)
}

// --- helpers ----------------------------------------------------------------------

// PathID parses a positive integer path parameter; anything else is a 404,
// as an id that cannot exist.
func PathID(c *gin.Context, name string) (int64, bool) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		httpapi.WriteProblem(c, http.StatusNotFound, "not_found", "There is nothing at this address.")
		return 0, false
	}
	return id, true
}

// Page reads offset and limit query parameters.
func Page(c *gin.Context) (offset, limit int, ok bool) {
	var fields []apperr.FieldError
	parse := func(name string, def, lo, hi int) int {
		v := c.Query(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			fields = append(fields, apperr.Field(name, "out_of_range", "must be an integer from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi)))
		}
		return n
	}
	offset = parse("offset", 0, 0, 1_000_000)
	limit = parse("limit", 50, 1, MaxPageSize)
	if len(fields) > 0 {
		httpapi.Error(c, apperr.Invalid("invalid_query", "Some query parameters are invalid.", fields...))
		return 0, 0, false
	}
	return offset, limit, true
}

// ListResponse is every paged list's shape.
type ListResponse[T any] struct {
	Items  []T   `json:"items"`
	Total  int64 `json:"total"`
	Offset int   `json:"offset"`
	Limit  int   `json:"limit"`
}

//go:embed openapi.yaml
var openAPI []byte

// OpenAPI is this package's part of the API description.
func OpenAPI() []byte { return openAPI }
