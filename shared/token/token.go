// Package token issues and verifies HoiThi's signed session tokens (JWT, HS256).
package token

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
)

const (
	issuer   = "hoithi"
	audience = "hoithi-api"
)

// MinKeyBytes is the shortest signing key accepted.
const MinKeyBytes = 32

// Claims is what a session token says about its holder.
type Claims struct {
	jwt.RegisteredClaims
	Contest  string           `json:"cid"`
	Email    string           `json:"email"`
	Name     string           `json:"name"`
	UnitID   string           `json:"unit,omitempty"`
	Audience contest.Audience `json:"audience"`
	Roles    []contest.Role   `json:"roles"`
}

// ClaimsFor is the session of member m of a contest: who they are, their
// unit, audience and roles, and their participant id as the subject. The
// auth function issues it; tests and tools that sign tokens build it here too.
func ClaimsFor(contestID string, m contest.Member) Claims {
	c := Claims{Contest: contestID, Email: m.Email, Name: m.Name, UnitID: m.UnitID, Audience: m.Audience, Roles: m.Roles}
	c.Subject = contest.ParticipantID(contestID, m.Email)
	return c
}

// ParticipantID is the holder's id in the contest.
func (c *Claims) ParticipantID() string { return c.Subject }

// Entrant is the holder as the one who starts a paper.
func (c *Claims) Entrant() contest.Entrant {
	return contest.Entrant{ContestID: c.Contest, ParticipantID: c.ParticipantID(), Email: c.Email, Name: c.Name,
		UnitID: c.UnitID, Audience: c.Audience, Roles: c.Roles}
}

// Has reports whether the holder has role r.
func (c *Claims) Has(r contest.Role) bool {
	for _, x := range c.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Signer signs and verifies tokens with one HMAC key.
type Signer struct {
	key []byte
	ttl time.Duration
	now func() time.Time
}

// NewSigner returns a Signer; tokens live for ttl.
func NewSigner(key []byte, ttl time.Duration, now func() time.Time) (*Signer, error) {
	if len(key) < MinKeyBytes {
		return nil, fmt.Errorf("token key has %d bytes, want at least %d", len(key), MinKeyBytes)
	}
	if now == nil {
		now = time.Now
	}
	return &Signer{key: key, ttl: ttl, now: now}, nil
}

// Issue signs c for the signer's lifetime and returns the token and its expiry.
func (s *Signer) Issue(c Claims) (string, time.Time, error) {
	now := s.now()
	exp := now.Add(s.ttl)
	c.Issuer = issuer
	c.RegisteredClaims.Audience = jwt.ClaimStrings{audience}
	c.IssuedAt = jwt.NewNumericDate(now)
	c.NotBefore = jwt.NewNumericDate(now.Add(-time.Minute))
	c.ExpiresAt = jwt.NewNumericDate(exp)
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, &c).SignedString(s.key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign token: %w", err)
	}
	return tok, exp.Truncate(time.Second), nil
}

// Verify checks a token's signature, algorithm, issuer, audience and expiry.
// Errors are fault.Unauthorized with code "token_invalid" or "token_expired".
func (s *Signer) Verify(raw string) (*Claims, error) {
	var c Claims
	_, err := jwt.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return s.key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer), jwt.WithAudience(audience),
		jwt.WithExpirationRequired(), jwt.WithTimeFunc(s.now), jwt.WithLeeway(5*time.Second))
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, &fault.Error{Kind: fault.KindUnauthorized, Code: "token_expired",
				Message: "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.", Err: err}
		}
		return nil, &fault.Error{Kind: fault.KindUnauthorized, Code: "token_invalid",
			Message: "Phiên đăng nhập không hợp lệ. Vui lòng đăng nhập lại.", Err: err}
	}
	if c.Subject == "" || c.Contest == "" || c.Email == "" {
		return nil, fault.Unauthorized("token_invalid", "Phiên đăng nhập không hợp lệ. Vui lòng đăng nhập lại.")
	}
	return &c, nil
}

// FromRequest verifies the request's "Authorization: Bearer" token. A token
// works in its own contest only: every authenticated endpoint reads and
// writes the token's contest, and a request that names another one
// (?contest=) is refused with 403 other_contest, whatever the holder's roles.
func (s *Signer) FromRequest(r *http.Request) (*Claims, error) {
	h := r.Header.Get("Authorization")
	scheme, raw, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(raw) == "" {
		return nil, fault.Unauthorized("token_missing", "Bạn cần đăng nhập để thực hiện thao tác này.")
	}
	c, err := s.Verify(strings.TrimSpace(raw))
	if err != nil {
		return nil, err
	}
	if named := r.URL.Query().Get("contest"); named != "" && named != c.Contest {
		return nil, fault.Forbidden("other_contest", "Phiên đăng nhập này thuộc cuộc thi khác, không dùng được cho cuộc thi này. Vui lòng đăng nhập lại tại trang của cuộc thi.")
	}
	return c, nil
}

// Actor is the holder as the access rules see them (contest.Actor).
func (c *Claims) Actor() contest.Actor { return contest.Actor{Roles: c.Roles, UnitID: c.UnitID} }
