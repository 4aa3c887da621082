package accounts

import (
	"context"

	"github.com/gin-gonic/gin"
)

// Principal is who is calling: read from the database on every request, so a
// removed role or a disabled account takes effect at once.
type Principal struct {
	UserID        int64
	SessionID     string
	Email         string
	FullName      string
	Locale        string
	Profession    string
	InstitutionID int64 // 0 when the user belongs to none
	Trainer       bool
	Manager       bool // manager of InstitutionID
	Admin         bool
}

// Role names used by Require and the authorization matrix.
const (
	RoleLearner = "learner"
	RoleTrainer = "trainer"
	RoleManager = "manager"
	RoleAdmin   = "admin"
)

// Has reports whether p holds role. Everyone signed in is a learner.
func (p *Principal) Has(role string) bool {
	switch role {
	case RoleLearner:
		return true
	case RoleTrainer:
		return p.Trainer
	case RoleManager:
		return p.Manager && p.InstitutionID != 0
	case RoleAdmin:
		return p.Admin
	}
	return false
}

// ManagesInstitution reports whether p may act for institution id: its
// manager, or an admin.
func (p *Principal) ManagesInstitution(id int64) bool {
	return p.Admin || (p.Manager && p.InstitutionID != 0 && p.InstitutionID == id)
}

// Roles lists p's roles.
func (p *Principal) Roles() []string {
	roles := []string{RoleLearner}
	for _, r := range []string{RoleTrainer, RoleManager, RoleAdmin} {
		if p.Has(r) {
			roles = append(roles, r)
		}
	}
	return roles
}

const principalKey = "prepoznaj.principal"

type ctxKey struct{}

// FromGin returns the request's principal, or nil for an anonymous request.
func FromGin(c *gin.Context) *Principal {
	if v, ok := c.Get(principalKey); ok {
		return v.(*Principal)
	}
	return nil
}

// FromContext returns the principal a service call runs for, or nil.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}
