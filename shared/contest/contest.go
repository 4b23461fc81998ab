// Package contest holds HoiThi's own types and rules: rounds, question banks,
// papers and grading. It has no AWS imports; adapters in shared/ store and
// serve what it defines.
package contest

import (
	"net/mail"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/hoithi/hoithi/shared/fault"
)

// ICT is the contests' time zone (Asia/Ho_Chi_Minh, UTC+7, no DST). A fixed
// zone is used so binaries need no tzdata.
var ICT = time.FixedZone("ICT", 7*60*60)

// Audience is who a round is for: civil servants or citizens, each with its own bank.
type Audience string

const (
	AudienceStaff   Audience = "staff"
	AudienceCitizen Audience = "citizen"
)

// Valid reports whether a is a known audience.
func (a Audience) Valid() bool { return a == AudienceStaff || a == AudienceCitizen }

// Role is what a signed-in person may do.
type Role string

const (
	RoleParticipant Role = "participant"
	RoleUnitAdmin   Role = "unitAdmin"
	RoleOrganiser   Role = "organiser"
	RoleJury        Role = "jury"
)

// Block groups units for collective prizes.
type Block string

const (
	BlockAgency  Block = "co-quan-hanh-chinh" // administrative agencies
	BlockService Block = "don-vi-su-nghiep"   // public-service units
	BlockCommune Block = "xa-phuong"          // wards and communes
)

// Contest is one contest (a province's or city's, one year): its settings.
type Contest struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// AllowedDomains lists the official e-mail domains (and their
	// sub-domains): their addresses are staff identities. Only those on the
	// roster may sign in, unless AllowUnlisted.
	AllowedDomains []string `json:"allowedDomains"`
	// AllowUnlisted lets holders of an official address who are not on the
	// roster sign in as staff participants. Default false: the roster is the
	// list of who may take part (RosterOnly).
	AllowUnlisted bool `json:"allowUnlisted,omitempty"`
	// KeepPlusTags makes "an+tag@" of an official domain a person of its own.
	// Default false: it is the same person as "an@" (shared/signin.Canonical).
	KeepPlusTags bool `json:"keepPlusTags,omitempty"`
	// CodesPerSecond is how many sign-in e-mails the whole contest may send a
	// second (0: shared/signin's default, below SES's usual 14 a second).
	CodesPerSecond float64 `json:"codesPerSecond,omitempty"`
	// CodesPerRequesterHour is how many sign-in e-mails one network address
	// (an IPv4 address, an IPv6 /64) may cause an hour (0: signin's default).
	CodesPerRequesterHour int `json:"codesPerRequesterHour,omitempty"`
	// MailFrom is the address the contest's e-mails (codes, reminders) are
	// sent from: one of its official domains, verified in SES by the
	// deployment ("" : the deployment's sender).
	MailFrom string `json:"mailFrom,omitempty"`
	// MailPerSecond is the contest's share of the deployment's SES rate, for
	// its codes and reminders together (0: the deployment's whole rate;
	// shared/mailq.ContestRate).
	MailPerSecond float64 `json:"mailPerSecond,omitempty"`
	// OpenSignUp lists audiences anyone may join by declaring name and ward.
	OpenSignUp []Audience `json:"openSignUp"`
	// TieBreak is the ranking order (empty: the usual one, see shared/tally).
	TieBreak []string `json:"tieBreak,omitempty"`
	// Prizes per audience and week (empty: 1 first, 2 second, 3 third).
	Prizes []Prize `json:"prizes,omitempty"`
	// ReportThreshold is the participation rate under which the home-affairs
	// report highlights a unit (0: 0.8).
	ReportThreshold float64 `json:"reportThreshold,omitempty"`
	// MinSecondsPerQuestion is the integrity review's speed floor (0: 2 s a
	// question, see SpeedFloor).
	MinSecondsPerQuestion float64 `json:"minSecondsPerQuestion,omitempty"`
	// PublicKeysAfterClose shows the keys of a closed round's bank (review,
	// practice) even while an open or future round can still draw from the
	// same bank: the organisers' choice, off by default (KeysPublic).
	PublicKeysAfterClose bool `json:"publicKeysAfterClose,omitempty"`
	// Practice is who may practise on questions whose keys are public
	// ("" or "off": nobody; "signed-in"; "everyone").
	Practice Practice `json:"practice,omitempty"`
	// Schedule is when the contest's tally and reminders run (nil: the
	// default schedule, ScheduleLimits.Default).
	Schedule *Schedule `json:"schedule,omitempty"`
	// Origins are the contest's own site origins (scheme://host), allowed by
	// the functions' CORS answers besides the deployment's site.
	Origins []string `json:"origins,omitempty"`
}

// Prize is a prize level and how many are given.
type Prize struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// RosterOnly reports whether only the roster's people may sign in as staff
// (the default), rather than anyone with an official address.
func (c Contest) RosterOnly() bool { return !c.AllowUnlisted }

// AllowsOpenSignUp reports whether anyone may sign up for audience a.
func (c Contest) AllowsOpenSignUp(a Audience) bool { return slices.Contains(c.OpenSignUp, a) }

// InAllowedDomain reports whether email's domain is an official domain of the contest.
func (c Contest) InAllowedDomain(email string) bool {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return false
	}
	domain := strings.ToLower(email[at+1:])
	for _, d := range c.AllowedDomains {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" || domain == "" {
			continue
		}
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// Unit is an agency, public-service unit or ward/commune on the roster.
type Unit struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Block     Block  `json:"block"`
	Headcount int    `json:"headcount"`
}

// Member is a person known to the contest: a roster entry, or a citizen who signed up.
type Member struct {
	Email    string   `json:"email"`
	Name     string   `json:"name"`
	UnitID   string   `json:"unitId,omitempty"`
	Ward     string   `json:"ward,omitempty"`
	Audience Audience `json:"audience"`
	Roles    []Role   `json:"roles"`
}

// Has reports whether m holds role r.
func (m Member) Has(r Role) bool { return slices.Contains(m.Roles, r) }

// MayCompete reports whether m may take papers: organisers and their support
// staff may not.
func MayCompete(roles []Role) bool {
	return slices.Contains(roles, RoleParticipant) && !slices.Contains(roles, RoleOrganiser)
}

// ValidID reports whether s is usable as a contest, round, unit or bank id:
// 1 to 63 of a-z, 0-9 and '-', not starting with '-'. (A loop, not a regular
// expression: the {0,62} repetition costs every function's cold start a
// millisecond to compile.)
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// NormalizeEmail trims, lower-cases and composes (Unicode NFC) an e-mail
// address and checks it: "Nguyễn" typed with combining marks and with
// precomposed letters is one address. Identity in a contest also depends on
// its settings: see shared/signin.Canonical.
func NormalizeEmail(s string) (string, error) {
	s = norm.NFC.String(strings.ToLower(norm.NFC.String(strings.TrimSpace(s))))
	if len(s) > 254 || s == "" {
		return "", fault.Invalid("invalid_email", "Địa chỉ email không hợp lệ.")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") {
		return "", fault.Invalid("invalid_email", "Địa chỉ email không hợp lệ.")
	}
	return s, nil
}
