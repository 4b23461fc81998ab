package token_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/token"
)

var (
	testKey  = []byte("token-test-key-0123456789abcdef!") // 32 bytes
	otherKey = []byte("token-test-key-0123456789abcdef?")
	issuedAt = time.Date(2025, time.March, 3, 9, 0, 0, 0, time.UTC)
)

// clock is a settable now func for a Signer.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newSigner(t *testing.T, key []byte, c *clock) *token.Signer {
	t.Helper()
	s, err := token.NewSigner(key, time.Hour, c.now)
	if err != nil {
		t.Fatalf("NewSigner: %v", err)
	}
	return s
}

func sampleClaims() token.Claims {
	c := token.Claims{
		Contest:  "hue-2025",
		Email:    "lan.nguyenthi@hue.gov.vn",
		Name:     "Nguyễn Thị Lan",
		UnitID:   "so-noi-vu",
		Audience: contest.AudienceStaff,
		Roles:    []contest.Role{contest.RoleParticipant, contest.RoleUnitAdmin},
	}
	c.Subject = contest.ParticipantID(c.Contest, c.Email)
	return c
}

func TestNewSignerKeyLength(t *testing.T) {
	tests := []struct {
		name    string
		key     []byte
		wantErr bool
	}{
		{name: "a nil key is refused", key: nil, wantErr: true},
		{name: "an empty key is refused", key: []byte{}, wantErr: true},
		{name: "a 16-byte key is refused", key: []byte(strings.Repeat("k", 16)), wantErr: true},
		{name: "a 31-byte key is refused", key: []byte(strings.Repeat("k", 31)), wantErr: true},
		{name: "a 32-byte key is accepted", key: []byte(strings.Repeat("k", 32))},
		{name: "a 64-byte key is accepted", key: []byte(strings.Repeat("k", 64))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := token.NewSigner(tt.key, time.Hour, nil)
			if got, want := err != nil, tt.wantErr; got != want {
				t.Fatalf("NewSigner(%d bytes) error = %v, want error %v", len(tt.key), err, want)
			}
			if !tt.wantErr && s == nil {
				t.Fatal("NewSigner returned a nil signer without an error")
			}
		})
	}
}

func TestIssueVerifyRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		claims func() token.Claims
	}{
		{name: "a staff member with a unit and two roles keeps every claim", claims: sampleClaims},
		{name: "a citizen without a unit keeps every claim", claims: func() token.Claims {
			c := token.Claims{Contest: "hue-2025", Email: "dan@example.com", Name: "Trần Văn Dân",
				Audience: contest.AudienceCitizen, Roles: []contest.Role{contest.RoleParticipant}}
			c.Subject = contest.ParticipantID(c.Contest, c.Email)
			return c
		}},
		{name: "an organiser keeps the organiser role", claims: func() token.Claims {
			c := sampleClaims()
			c.UnitID = ""
			c.Roles = []contest.Role{contest.RoleOrganiser}
			return c
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{t: issuedAt}
			s := newSigner(t, testKey, clk)
			in := tt.claims()
			raw, exp, err := s.Issue(in)
			if err != nil {
				t.Fatalf("Issue: %v", err)
			}
			if got, want := exp, issuedAt.Add(time.Hour); !got.Equal(want) {
				t.Errorf("Issue expiry = %v, want %v", got, want)
			}
			clk.t = issuedAt.Add(30 * time.Minute)
			got, err := s.Verify(raw)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			checks := []struct {
				field     string
				got, want any
			}{
				{"Contest", got.Contest, in.Contest},
				{"Email", got.Email, in.Email},
				{"Name", got.Name, in.Name},
				{"UnitID", got.UnitID, in.UnitID},
				{"Audience", got.Audience, in.Audience},
				{"Subject", got.Subject, in.Subject},
				{"ParticipantID()", got.ParticipantID(), in.Subject},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
				}
			}
			if !slices.Equal(got.Roles, in.Roles) {
				t.Errorf("Roles = %v, want %v", got.Roles, in.Roles)
			}
			for _, r := range in.Roles {
				if !got.Has(r) {
					t.Errorf("Has(%q) = false, want true", r)
				}
			}
			if got.ExpiresAt == nil || !got.ExpiresAt.Time.Equal(issuedAt.Add(time.Hour)) {
				t.Errorf("ExpiresAt = %v, want %v", got.ExpiresAt, issuedAt.Add(time.Hour))
			}
		})
	}
}

func TestVerifyTime(t *testing.T) {
	tests := []struct {
		name     string
		at       time.Time
		wantCode string
	}{
		{name: "a token is valid right after issue", at: issuedAt},
		{name: "a token is valid a minute before expiry", at: issuedAt.Add(59 * time.Minute)},
		{name: "a token ten seconds past expiry is expired", at: issuedAt.Add(time.Hour + 10*time.Second), wantCode: "token_expired"},
		{name: "a token a day past expiry is expired", at: issuedAt.Add(25 * time.Hour), wantCode: "token_expired"},
		{name: "a token used two minutes before its issue is invalid", at: issuedAt.Add(-2 * time.Minute), wantCode: "token_invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{t: issuedAt}
			s := newSigner(t, testKey, clk)
			raw, _, err := s.Issue(sampleClaims())
			if err != nil {
				t.Fatal(err)
			}
			clk.t = tt.at
			_, err = s.Verify(raw)
			checkFault(t, err, tt.wantCode)
		})
	}
}

// segments splits a JWT.
func segments(t *testing.T, raw string) (header, payload, sig string) {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d parts, want 3", raw, len(parts))
	}
	return parts[0], parts[1], parts[2]
}

func b64(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(data)
}

func hs256(key []byte, signingInput string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(signingInput))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// registered returns claims as Issue would set them, signed by hand in tests.
func registered(c token.Claims, iss, aud string) token.Claims {
	c.Issuer = iss
	c.RegisteredClaims.Audience = jwt.ClaimStrings{aud}
	c.IssuedAt = jwt.NewNumericDate(issuedAt)
	c.NotBefore = jwt.NewNumericDate(issuedAt.Add(-time.Minute))
	c.ExpiresAt = jwt.NewNumericDate(issuedAt.Add(time.Hour))
	return c
}

func TestVerifyRejectsForgedTokens(t *testing.T) {
	clk := &clock{t: issuedAt}
	s := newSigner(t, testKey, clk)
	valid, _, err := s.Issue(sampleClaims())
	if err != nil {
		t.Fatal(err)
	}
	header, payload, sig := segments(t, valid)

	withOtherKey, _, err := newSigner(t, otherKey, clk).Issue(sampleClaims())
	if err != nil {
		t.Fatal(err)
	}

	// Payload claiming the organiser role, with the original signature.
	promoted := sampleClaims()
	promoted.Roles = []contest.Role{contest.RoleOrganiser}
	tampered := header + "." + b64(registered(promoted, "hoithi", "hoithi-api")) + "." + sig

	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, registered(sampleClaims(), "hoithi", "hoithi-api")).
		SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	noneHeader := b64(map[string]string{"alg": "none", "typ": "JWT"}) + "." + payload + "."
	noneUpper := b64(map[string]string{"alg": "NONE", "typ": "JWT"}) + "." + payload + "."

	hs512, err := jwt.NewWithClaims(jwt.SigningMethodHS512, registered(sampleClaims(), "hoithi", "hoithi-api")).SignedString(testKey)
	if err != nil {
		t.Fatal(err)
	}
	// RS256 in the header but an HMAC over the token made with the signing key
	// (the algorithm-confusion attack).
	rsHead := b64(map[string]string{"alg": "RS256", "typ": "JWT"})
	rs256 := rsHead + "." + payload + "." + hs256(testKey, rsHead+"."+payload)

	signHS256 := func(c token.Claims) string {
		raw, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(testKey)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	noSubject := sampleClaims()
	noSubject.Subject = ""
	noContest := sampleClaims()
	noContest.Contest = ""
	noEmail := sampleClaims()
	noEmail.Email = ""
	noExpiry := registered(sampleClaims(), "hoithi", "hoithi-api")
	noExpiry.ExpiresAt = nil

	tests := []struct {
		name string
		raw  string
	}{
		{name: "a token signed with another key is invalid", raw: withOtherKey},
		{name: "a token whose payload was changed is invalid", raw: tampered},
		{name: "a token whose signature was dropped is invalid", raw: header + "." + payload + "."},
		{name: "a token with alg none built by the library is invalid", raw: none},
		{name: "a token with alg none and the real payload is invalid", raw: noneHeader},
		{name: "a token with alg NONE in capitals is invalid", raw: noneUpper},
		{name: "a token signed with HS512 and the right key is invalid", raw: hs512},
		{name: "a token with an RS256 header and an HMAC signature is invalid", raw: rs256},
		{name: "a token without a subject is invalid", raw: signHS256(registered(noSubject, "hoithi", "hoithi-api"))},
		{name: "a token without a contest is invalid", raw: signHS256(registered(noContest, "hoithi", "hoithi-api"))},
		{name: "a token without an e-mail is invalid", raw: signHS256(registered(noEmail, "hoithi", "hoithi-api"))},
		{name: "a token without an expiry is invalid", raw: signHS256(noExpiry)},
		{name: "a token from another issuer is invalid", raw: signHS256(registered(sampleClaims(), "someone-else", "hoithi-api"))},
		{name: "a token for another audience is invalid", raw: signHS256(registered(sampleClaims(), "hoithi", "other-api"))},
		{name: "an empty string is invalid", raw: ""},
		{name: "garbage is invalid", raw: "not.a.token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Verify(tt.raw)
			if got != nil {
				t.Errorf("Verify returned claims %+v, want nil", got)
			}
			checkFault(t, err, "token_invalid")
		})
	}

	t.Run("the hand-signed control token is accepted", func(t *testing.T) {
		// Guards the cases above: a token built the same way but correct passes,
		// so each rejection is due to the one thing changed.
		if _, err := s.Verify(signHS256(registered(sampleClaims(), "hoithi", "hoithi-api"))); err != nil {
			t.Fatalf("Verify(control) = %v, want nil", err)
		}
	})
}

func TestIssueWithoutSubjectCannotBeVerified(t *testing.T) {
	tests := []struct {
		name  string
		alter func(*token.Claims)
	}{
		{name: "a token issued without a subject is refused", alter: func(c *token.Claims) { c.Subject = "" }},
		{name: "a token issued without a contest is refused", alter: func(c *token.Claims) { c.Contest = "" }},
		{name: "a token issued without an e-mail is refused", alter: func(c *token.Claims) { c.Email = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSigner(t, testKey, &clock{t: issuedAt})
			c := sampleClaims()
			tt.alter(&c)
			raw, _, err := s.Issue(c)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Verify(raw)
			checkFault(t, err, "token_invalid")
		})
	}
}

func TestFromRequest(t *testing.T) {
	s := newSigner(t, testKey, &clock{t: issuedAt})
	valid, _, err := s.Issue(sampleClaims())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		header   []string // nil: no Authorization header
		wantCode string
	}{
		{name: "a request without Authorization is missing a token", header: nil, wantCode: "token_missing"},
		{name: "an empty Authorization is missing a token", header: []string{""}, wantCode: "token_missing"},
		{name: "Basic credentials are missing a token", header: []string{"Basic x"}, wantCode: "token_missing"},
		{name: "Bearer without a token is missing a token", header: []string{"Bearer "}, wantCode: "token_missing"},
		{name: "Bearer with only spaces is missing a token", header: []string{"Bearer    "}, wantCode: "token_missing"},
		{name: "a bare token without the scheme is missing a token", header: []string{valid}, wantCode: "token_missing"},
		{name: "Bearer with a forged token is invalid", header: []string{"Bearer " + valid + "x"}, wantCode: "token_invalid"},
		{name: "Bearer with a valid token is accepted", header: []string{"Bearer " + valid}},
		{name: "Bearer with a valid token and surrounding spaces is accepted", header: []string{"Bearer   " + valid + "  "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/rounds", nil)
			for _, h := range tt.header {
				r.Header.Set("Authorization", h)
			}
			got, err := s.FromRequest(r)
			checkFault(t, err, tt.wantCode)
			if tt.wantCode == "" {
				if got == nil || got.Email != sampleClaims().Email {
					t.Errorf("FromRequest claims = %+v, want the issued ones", got)
				}
			}
		})
	}
}

func TestFromRequestKeepsATokenInItsContest(t *testing.T) {
	s := newSigner(t, testKey, &clock{t: issuedAt})
	claims := sampleClaims()
	claims.Roles = []contest.Role{contest.RoleOrganiser, contest.RoleUnitAdmin, contest.RoleJury}
	tok, _, err := s.Issue(claims)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, target, code string }{
		{"a request naming no contest is the token's contest", "/rounds/tuan-1/tally", ""},
		{"a request naming the token's contest is accepted", "/clips?contest=" + claims.Contest, ""},
		{"an organiser, admin and juror naming another contest is refused", "/rounds/tuan-1/tally?contest=other-contest", "other_contest"},
		{"another contest named among other parameters is refused", "/clips?status=accepted&contest=other-contest", "other_contest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", tt.target, nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			_, err := s.FromRequest(r)
			if got := fault.CodeOf(err); got != tt.code {
				t.Fatalf("FromRequest error = %v, want code %q", err, tt.code)
			}
			if fe, ok := fault.As(err); ok && fe.Kind != fault.KindForbidden {
				t.Errorf("kind = %v, want forbidden (403)", fe.Kind)
			}
		})
	}
}

// checkFault checks that err is an Unauthorized fault with wantCode, or nil
// when wantCode is "".
func checkFault(t *testing.T, err error, wantCode string) {
	t.Helper()
	if wantCode == "" {
		if err != nil {
			t.Fatalf("error = %v, want nil", err)
		}
		return
	}
	fe, ok := fault.As(err)
	if !ok {
		t.Fatalf("error = %v, want a fault with code %q", err, wantCode)
	}
	if got := fe.Code; got != wantCode {
		t.Errorf("code = %q, want %q (error %v)", got, wantCode, err)
	}
	if got, want := fe.Kind, fault.KindUnauthorized; got != want {
		t.Errorf("kind = %v, want %v (KindUnauthorized)", got, want)
	}
	if fe.Message == "" {
		t.Error("message is empty, want a Vietnamese message")
	}
}

func TestWhoASessionStartsAPaperAs(t *testing.T) {
	staff := contest.Member{Email: "a@demo.vn", Name: "Nguyễn Văn A", UnitID: "so-noi-vu", Audience: contest.AudienceStaff,
		Roles: []contest.Role{contest.RoleParticipant}}
	citizen := contest.Member{Email: "b@gmail.com", Name: "Trần Thị B", Audience: contest.AudienceCitizen}
	tests := []struct {
		name string
		m    contest.Member
	}{
		{"a civil servant starts as themself in their unit", staff},
		{"a citizen starts with no unit", citizen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := token.ClaimsFor("demo", tt.m)
			got := c.Entrant()
			want := contest.Entrant{ContestID: "demo", ParticipantID: contest.ParticipantID("demo", tt.m.Email), Email: tt.m.Email,
				Name: tt.m.Name, UnitID: tt.m.UnitID, Audience: tt.m.Audience, Roles: tt.m.Roles}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}
