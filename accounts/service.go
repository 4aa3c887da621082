package accounts

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/prepoznaj/prepoznaj/apperr"
	"github.com/prepoznaj/prepoznaj/database"
)

// Service holds the account rules: sign-up, sign-in, sessions, profiles,
// institutions, invitations and roles.
type Service struct {
	db      *gorm.DB
	hasher  *Hasher
	signer  *tokenSigner
	now     func() time.Time
	Audit   *Auditor
	Limiter *Limiter
	// principals remembers token lookups (principal_cache.go); off until
	// EnablePrincipalCache.
	principals principalCache
	// changes tells other instances what this one forgot (nil: nobody to tell).
	changes *database.Changes
	// ipFailureLimit is MaxIPFailure; tests lower it.
	ipFailureLimit int
}

// NewService builds the service; key signs access tokens.
func NewService(db *gorm.DB, key []byte, now func() time.Time) *Service {
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	return &Service{
		db:      db,
		hasher:  NewHasher(4),
		signer:  newTokenSigner(key, now),
		now:     now,
		Audit:   NewAuditor(db, now),
		Limiter: NewLimiter(),

		principals:     newPrincipalCache(),
		ipFailureLimit: MaxIPFailure,
	}
}

// Session is what a successful sign-in or refresh hands the client.
type Session struct {
	AccessToken      string
	AccessExpiresAt  time.Time
	RefreshToken     string
	RefreshExpiresAt time.Time
	User             *Principal
}

// EmailKey is how emails are compared: case-insensitively, whole.
func EmailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func validEmail(email string) bool {
	// A leading =, +, - or @ is legal in RFC 5322 but is how spreadsheet
	// formulas start, and no real mailbox here needs it.
	if len(email) > 254 || strings.ContainsAny(email, " \t\r\n<>\"") || strings.ContainsAny(email[:min(len(email), 1)], "=+-@") {
		return false
	}
	a, err := mail.ParseAddress(email)
	return err == nil && a.Address == email && strings.Contains(email[strings.LastIndex(email, "@"):], ".")
}

func checkName(name string) error {
	n := utf8.RuneCountInString(strings.TrimSpace(name))
	if n == 0 || n > 200 || strings.ContainsFunc(name, isControl) {
		return apperr.Invalid("validation_failed", "Some fields are missing or invalid.",
			apperr.Field("full_name", "invalid", "must be 1 to 200 characters without control characters"))
	}
	return nil
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029
}

// RegisterInput is a new account.
type RegisterInput struct {
	Email, Password, FullName, Locale, Profession, InvitationCode string
}

// RegisterPerMinute and RegisterBurst limit registrations per client
// address.
const (
	RegisterPerMinute = 20
	RegisterBurst     = 60
)

// Register creates a learner account (joining an institution when an
// invitation code is given) and signs it in.
func (s *Service) Register(ctx context.Context, in RegisterInput) (*Session, error) {
	// Registering answers whether an email is taken (and hashes a password),
	// so one address may try only so many times, valid attempts or not: a
	// room of colleagues signing up together passes, a list of emails does not.
	if !s.Limiter.Allow("register:"+metaFrom(ctx).ClientIP, RegisterPerMinute, RegisterBurst) {
		return nil, apperr.TooMany("too_many_attempts", "Too many accounts were tried from your network; try again in a minute.", time.Minute)
	}
	email := strings.TrimSpace(in.Email)
	var fields []apperr.FieldError
	if !validEmail(email) {
		fields = append(fields, apperr.Field("email", "invalid_email", "must be an email address"))
	}
	if in.Locale == "" {
		in.Locale = "sr-Cyrl"
	}
	if !contains(Locales, in.Locale) {
		fields = append(fields, apperr.Field("locale", "not_allowed", "must be one of: "+strings.Join(Locales, ", ")))
	}
	if in.Profession == "" {
		in.Profession = "other"
	}
	if !contains(Professions, in.Profession) {
		fields = append(fields, apperr.Field("profession", "not_allowed", "must be one of: "+strings.Join(Professions, ", ")))
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid("validation_failed", "Some fields are missing or invalid.", fields...)
	}
	if err := checkName(in.FullName); err != nil {
		return nil, err
	}
	if err := CheckPasswordPolicy(in.Password, email, in.FullName); err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	now := s.now()
	u := user{
		Email: email, EmailKey: EmailKey(email), FullName: strings.TrimSpace(in.FullName),
		Locale: in.Locale, Profession: in.Profession, PasswordHash: hash, CreatedAt: now, UpdatedAt: now,
		SearchKey: searchKey(in.FullName, EmailKey(email)),
	}
	var sess *Session
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return apperr.Conflict("email_taken", "An account with this email already exists; sign in instead.")
			}
			return err
		}
		if in.InvitationCode != "" {
			if err := s.redeemInvitation(ctx, tx, &u, in.InvitationCode); err != nil {
				return err
			}
		}
		if err := s.Audit.Record(ctx, tx, AuditEntry{ActorID: u.ID, Action: ActRegister, TargetType: "user", TargetID: idString(u.ID), Outcome: "success"}); err != nil {
			return err
		}
		sess, err = s.startSession(ctx, tx, &u)
		return err
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return sess, nil
}

var errInvalidCredentials = apperr.Unauthorized("invalid_credentials", "The email or password is wrong.")

// Login checks a password and starts a session. Unknown emails and wrong
// passwords answer alike and cost the same hashing work; failures are counted
// in the database per account and per client IP.
func (s *Service) Login(ctx context.Context, email, password string) (*Session, error) {
	key := EmailKey(email)
	ip := metaFrom(ctx).ClientIP
	if wait, locked, err := s.lockedOut(ctx, key, ip); err != nil {
		return nil, err
	} else if locked {
		s.Audit.Record(ctx, nil, AuditEntry{Action: ActLoginLocked, TargetType: "email", TargetID: key, Outcome: "denied"})
		return nil, apperr.TooMany("too_many_attempts", "Too many failed sign-in attempts; try again later.", wait)
	}
	var u user
	err := s.db.WithContext(ctx).Where("email_key = ?", key).Take(&u).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.Internal(err)
	}
	// u.PasswordHash is empty for an unknown email: Check then hashes against
	// a dummy, so both cases cost the same.
	ok, err := s.hasher.Check(ctx, u.PasswordHash, password)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	if !ok {
		if err := s.recordFailure(ctx, key, ip); err != nil {
			return nil, err
		}
		var actor int64
		if u.ID != 0 {
			actor = u.ID
		}
		s.Audit.Record(ctx, nil, AuditEntry{ActorID: actor, Action: ActLoginFailure, TargetType: "email", TargetID: key, Outcome: "failure"})
		return nil, errInvalidCredentials
	}
	if u.DisabledAt != nil {
		s.Audit.Record(ctx, nil, AuditEntry{ActorID: u.ID, Action: ActLoginFailure, TargetType: "user", TargetID: idString(u.ID), Outcome: "denied", Detail: map[string]any{"reason": "disabled"}})
		return nil, apperr.Forbidden("account_disabled", "This account is disabled; ask an administrator.")
	}
	var sess *Session
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("email_key = ?", key).Delete(&loginFailure{}).Error; err != nil {
			return err
		}
		if err := s.Audit.Record(ctx, tx, AuditEntry{ActorID: u.ID, Action: ActLoginSuccess, TargetType: "user", TargetID: idString(u.ID), Outcome: "success"}); err != nil {
			return err
		}
		sess, err = s.startSession(ctx, tx, &u)
		return err
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return sess, nil
}

// startSession opens a new refresh-token family and issues its first tokens.
func (s *Service) startSession(ctx context.Context, tx *gorm.DB, u *user) (*Session, error) {
	now := s.now()
	raw := randomToken(32)
	rt := refreshToken{UserID: u.ID, FamilyID: randomToken(16), TokenHash: hashToken(raw), FamilyStartedAt: now, IssuedAt: now}
	if err := tx.WithContext(ctx).Create(&rt).Error; err != nil {
		return nil, err
	}
	return s.sessionFor(u, rt, raw)
}

func (s *Service) sessionFor(u *user, rt refreshToken, raw string) (*Session, error) {
	access, exp, err := s.signer.issue(u.ID, rt.FamilyID)
	if err != nil {
		return nil, err
	}
	refreshExp := rt.IssuedAt.Add(RefreshIdleTTL)
	if abs := rt.FamilyStartedAt.Add(RefreshMaxTTL); abs.Before(refreshExp) {
		refreshExp = abs
	}
	return &Session{AccessToken: access, AccessExpiresAt: exp, RefreshToken: raw, RefreshExpiresAt: refreshExp, User: principalOf(u, rt.FamilyID)}, nil
}

func principalOf(u *user, sid string) *Principal {
	p := &Principal{UserID: u.ID, SessionID: sid, Email: u.Email, FullName: u.FullName, Locale: u.Locale,
		Profession: u.Profession, Trainer: u.IsTrainer, Manager: u.IsManager, Admin: u.IsAdmin}
	if u.InstitutionID != nil {
		p.InstitutionID = *u.InstitutionID
	}
	return p
}

var errSessionEnded = apperr.Unauthorized("session_expired", "Your session has ended; sign in again.")

// Refresh rotates a refresh token: the presented one is spent and a new one
// issued in the same family. Presenting a spent token again means it was
// copied, so the whole family is revoked.
func (s *Service) Refresh(ctx context.Context, raw string) (*Session, error) {
	if raw == "" || len(raw) > 100 {
		return nil, errSessionEnded
	}
	now := s.now()
	var sess *Session
	var reused *refreshToken
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rt refreshToken
		if err := tx.Where("token_hash = ?", hashToken(raw)).Take(&rt).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return errSessionEnded
			}
			return err
		}
		if rt.RevokedAt != nil {
			return errSessionEnded
		}
		if rt.RotatedAt != nil {
			reused = &rt
			return nil
		}
		if now.After(rt.IssuedAt.Add(RefreshIdleTTL)) || now.After(rt.FamilyStartedAt.Add(RefreshMaxTTL)) {
			return errSessionEnded
		}
		// Spend the token; the condition makes two concurrent refreshes with
		// the same token race for one row, and the loser counts as reuse.
		res := tx.Model(&refreshToken{}).Where("id = ? AND rotated_at IS NULL AND revoked_at IS NULL", rt.ID).Update("rotated_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			reused = &rt
			return nil
		}
		var u user
		if err := tx.Where("id = ?", rt.UserID).Take(&u).Error; err != nil {
			return err
		}
		if u.DisabledAt != nil {
			return errSessionEnded
		}
		next := refreshToken{UserID: u.ID, FamilyID: rt.FamilyID, TokenHash: "", FamilyStartedAt: rt.FamilyStartedAt, IssuedAt: now}
		nextRaw := randomToken(32)
		next.TokenHash = hashToken(nextRaw)
		if err := tx.Create(&next).Error; err != nil {
			return err
		}
		var err error
		sess, err = s.sessionFor(&u, next, nextRaw)
		return err
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	if reused != nil {
		if err := s.revokeFamily(ctx, reused.FamilyID); err != nil {
			return nil, err
		}
		s.Audit.Record(ctx, nil, AuditEntry{ActorID: reused.UserID, Action: ActRefreshReuse, TargetType: "session", TargetID: reused.FamilyID, Outcome: "denied"})
		return nil, errSessionEnded
	}
	return sess, nil
}

func (s *Service) revokeFamily(ctx context.Context, family string) error {
	err := s.db.WithContext(ctx).Model(&refreshToken{}).Where("family_id = ? AND revoked_at IS NULL", family).Update("revoked_at", s.now()).Error
	s.forgetSession(family)
	return apperr.Wrap(err)
}

// Logout ends the session the access token or refresh token belongs to.
func (s *Service) Logout(ctx context.Context, p *Principal, refreshRaw string) error {
	family := ""
	actor := int64(0)
	if p != nil {
		family, actor = p.SessionID, p.UserID
	} else if refreshRaw != "" && len(refreshRaw) <= 100 {
		var rt refreshToken
		if err := s.db.WithContext(ctx).Where("token_hash = ?", hashToken(refreshRaw)).Take(&rt).Error; err == nil {
			family, actor = rt.FamilyID, rt.UserID
		}
	}
	if family == "" {
		return nil
	}
	if err := s.revokeFamily(ctx, family); err != nil {
		return err
	}
	return s.Audit.Record(ctx, nil, AuditEntry{ActorID: actor, Action: ActLogout, TargetType: "session", TargetID: family, Outcome: "success"})
}

// principalQuery is written for database/sql directly: $n placeholders are
// Postgres's and, as numbered parameters, SQLite's too.
const principalQuery = "SELECT id, email, full_name, locale, profession, institution_id, is_trainer, is_manager, is_admin FROM users " +
	"WHERE id = $1 AND disabled_at IS NULL AND EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = $2 AND user_id = users.id AND revoked_at IS NULL)"

// AuthenticateToken turns an access token into the current principal, checking the
// account is enabled and the session not ended, so logout, disabling and role
// changes take effect on the next request.
func (s *Service) AuthenticateToken(ctx context.Context, raw string) (*Principal, error) {
	uid, sid, err := s.signer.verify(raw)
	if err != nil {
		return nil, apperr.Unauthorized("invalid_token", "The access token is not valid.")
	}
	// One query on the hot path: the user, enabled, with this session alive. It is
	// the one query every signed-in request pays, so it goes straight to
	// database/sql with only the columns a principal needs: through GORM, and
	// with every column, it cost as much again.
	var u user
	if p, ok := s.principals.get(uid, sid); ok {
		return p, nil
	}
	gen := s.principals.Gen()
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, apperr.Internal(err)
	}
	err = sqlDB.QueryRowContext(ctx, principalQuery, uid, sid).Scan(
		&u.ID, &u.Email, &u.FullName, &u.Locale, &u.Profession, &u.InstitutionID, &u.IsTrainer, &u.IsManager, &u.IsAdmin)
	if err == nil {
		p := principalOf(&u, sid)
		s.principals.put(gen, p)
		return p, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Internal(err)
	}
	// Refused: say whether the account or the session is the reason.
	var enabled int64
	if err := s.db.WithContext(ctx).Model(&user{}).Where("id = ? AND disabled_at IS NULL", uid).Count(&enabled).Error; err != nil {
		return nil, apperr.Internal(err)
	}
	if enabled == 0 {
		return nil, apperr.Unauthorized("invalid_token", "The access token is not valid.")
	}
	return nil, apperr.Unauthorized("session_expired", "Your session has ended; sign in again.")
}

// ChangePassword sets a new password after checking the current one, and ends
// every other session of the user.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, current, next string) error {
	defer s.forgetUser(p.UserID) // other sessions end; this one is looked up afresh
	var u user
	if err := s.db.WithContext(ctx).Where("id = ?", p.UserID).Take(&u).Error; err != nil {
		return apperr.Wrap(err)
	}
	if wait, locked, err := s.lockedOut(ctx, u.EmailKey, metaFrom(ctx).ClientIP); err != nil {
		return err
	} else if locked {
		return apperr.TooMany("too_many_attempts", "Too many failed attempts; try again later.", wait)
	}
	ok, err := s.hasher.Check(ctx, u.PasswordHash, current)
	if err != nil {
		return apperr.Wrap(err)
	}
	if !ok {
		if err := s.recordFailure(ctx, u.EmailKey, metaFrom(ctx).ClientIP); err != nil {
			return err
		}
		s.Audit.Record(ctx, nil, AuditEntry{ActorID: u.ID, Action: ActPasswordChange, TargetType: "user", TargetID: idString(u.ID), Outcome: "failure"})
		return apperr.Invalid("wrong_password", "The current password is wrong.", apperr.Field("current_password", "wrong_password", "is wrong"))
	}
	if err := CheckPasswordPolicy(next, u.Email, u.FullName); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	now := s.now()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&user{}).Where("id = ?", u.ID).Updates(map[string]any{"password_hash": hash, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&refreshToken{}).Where("user_id = ? AND family_id <> ? AND revoked_at IS NULL", u.ID, p.SessionID).Update("revoked_at", now).Error; err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, AuditEntry{ActorID: u.ID, Action: ActPasswordChange, TargetType: "user", TargetID: idString(u.ID), Outcome: "success"})
	})
	return apperr.Wrap(err)
}
