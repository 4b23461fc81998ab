package main

import (
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/config"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/platform"
)

// Settings are the deployment's choices; everything else comes from
// shared/platform.
type Settings struct {
	// AssetRoot holds <function>/bootstrap for every platform function (make build).
	AssetRoot string
	// WebDir is the static site; empty deploys no site content.
	WebDir string
	// ContestID is the contest served when a request names none.
	ContestID string
	// SiteOrigin is the deployment's site origin (scheme://host[:port]),
	// always allowed by the functions and the data bucket; empty means the
	// CloudFront URL. Contests' own origins are in their settings.
	SiteOrigin string
	// BucketOrigins are more origins the data bucket's CORS always accepts
	// (direct uploads): contests' own origins need none of this, the admin
	// function adds them when their settings change (docs/deploy.md).
	BucketOrigins []string
	// SiteDomain and SiteCertificateARN put the site on a custom domain.
	SiteDomain, SiteCertificateARN string
	// MailFrom is the SES identity that sends sign-in codes.
	MailFrom string
	// MailDomains are the deployment's verified SES domains (context
	// mailDomains, "a.gov.vn,b.gov.vn"; default MailFrom's): a contest may
	// send from an address of one (contest.Contest.MailFrom), and the
	// mailer may send only from them.
	MailDomains []string
	// GraceSeconds is how late after the deadline a submission is taken.
	GraceSeconds int
	// MailRate caps reminder e-mails a second (below the account's SES rate).
	MailRate int
	// FunctionEnv holds the functionSettings given, by environment variable.
	FunctionEnv map[string]string
	// AlarmEmail, when set, is subscribed to the alarm topic.
	AlarmEmail string
}

// functionSettings are the deployment settings one function reads from its
// environment: CDK context key, function, variable. Unset ones keep the
// function's defaults.
var functionSettings = []struct{ Key, Function, Env string }{
	{"clipMaxBytes", "clips", platform.EnvClipMaxBytes},
	{"clipQuota", "clips", platform.EnvClipQuota},
	{"clipMaxSeconds", "clips", platform.EnvClipMaxSeconds},
	{"clipUploadExpirySeconds", "clips", platform.EnvClipUploadExpiry},
	{"clipCriteria", "clips", platform.EnvClipCriteria},
	{"clipBlocks", "clips", platform.EnvClipBlocks},
}

// DefaultMailFrom is a placeholder that synthesizes but cannot send: a real
// deployment sets -c mailFrom (make deploy requires it).
const DefaultMailFrom = "no-reply@hoithi.invalid"

// SettingsFromContext reads the settings from CDK context (see the package
// documentation) and checks them.
func SettingsFromContext(node constructs.Node) (Settings, error) {
	str := func(key, def string) string {
		if v, ok := node.TryGetContext(&key).(string); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
		return def
	}
	s := Settings{
		AssetRoot:          str("assetRoot", filepath.Join(".local", "build")),
		ContestID:          str("contestId", "demo"),
		SiteOrigin:         str("siteOrigin", ""),
		SiteDomain:         str("siteDomain", ""),
		SiteCertificateARN: str("siteCertificateArn", ""),
		MailFrom:           str("mailFrom", DefaultMailFrom),
		AlarmEmail:         str("alarmEmail", ""),
		GraceSeconds:       60,
		MailRate:           config.DefaultMailRate,
	}
	if v := str("submitGraceSeconds", ""); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return s, fmt.Errorf("context submitGraceSeconds=%q: want a number of seconds", v)
		}
		s.GraceSeconds = n
	}
	for _, d := range strings.Split(str("mailDomains", ""), ",") {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" && !slices.Contains(s.MailDomains, d) {
			s.MailDomains = append(s.MailDomains, d)
		}
	}
	if len(s.MailDomains) == 0 {
		s.MailDomains = []string{s.mailDomain()}
	}
	if v := str("mailRatePerSecond", ""); v != "" {
		n, err := config.ParseMailRate(v)
		if err != nil {
			return s, fmt.Errorf("context mailRatePerSecond=%w", err)
		}
		s.MailRate = n
	}
	for _, o := range strings.Split(str("bucketOrigins", ""), ",") {
		if o = strings.TrimSpace(o); o != "" {
			s.BucketOrigins = append(s.BucketOrigins, o)
		}
	}
	for _, fs := range functionSettings {
		if v := str(fs.Key, ""); v != "" {
			if s.FunctionEnv == nil {
				s.FunctionEnv = map[string]string{}
			}
			s.FunctionEnv[fs.Env] = v
		}
	}
	s.WebDir = str("webDir", "web")
	if st, err := os.Stat(s.WebDir); err != nil || !st.IsDir() {
		s.WebDir = ""
	}
	return s, s.Check()
}

// Check validates the settings before anything is built from them.
func (s Settings) Check() error {
	for _, f := range platform.Functions {
		p := filepath.Join(s.AssetRoot, f.Name, "bootstrap")
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			return fmt.Errorf("function %s: no %s: run `make build` first (or set -c assetRoot)", f.Name, p)
		}
	}
	if s.ContestID == "" || strings.ContainsAny(s.ContestID, "# /") {
		return fmt.Errorf("contestId %q: want a plain identifier", s.ContestID)
	}
	if s.SiteOrigin != "" {
		u, err := url.Parse(s.SiteOrigin)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return fmt.Errorf("siteOrigin %q: want an origin such as https://hoithi.example.gov.vn (scheme and host, no path)", s.SiteOrigin)
		}
	}
	for _, o := range s.BucketOrigins {
		if norm, ok := contest.NormalizeOrigin(o); !ok || norm != o {
			return fmt.Errorf("bucketOrigins %q: want origins such as https://thi.hue.gov.vn (https, lower case, no path), comma-separated", o)
		}
	}
	if (s.SiteDomain == "") != (s.SiteCertificateARN == "") {
		return fmt.Errorf("siteDomain and siteCertificateArn go together (the certificate must be in us-east-1)")
	}
	if a, err := mail.ParseAddress(s.MailFrom); err != nil || a.Address != s.MailFrom {
		return fmt.Errorf("mailFrom %q: want a bare e-mail address such as no-reply@example.gov.vn", s.MailFrom)
	}
	for _, d := range s.MailDomains {
		if _, err := mail.ParseAddress("a@" + d); err != nil || strings.ContainsAny(d, "*@ ") || !strings.Contains(d, ".") {
			return fmt.Errorf("mailDomains %q: want domains such as hue.gov.vn,danang.gov.vn", d)
		}
	}
	if s.GraceSeconds < 0 || s.GraceSeconds > 3600 {
		return fmt.Errorf("submitGraceSeconds %d: want 0 to 3600 (as the functions accept)", s.GraceSeconds)
	}
	if _, err := config.ParseMailRate(strconv.Itoa(s.MailRate)); err != nil {
		return fmt.Errorf("mailRatePerSecond %w", err)
	}
	// the clips function's own rules, so that a bad value fails here rather
	// than at the function's first start
	if _, err := clip.FromEnv("bucket", func(name string) string { return s.FunctionEnv[name] }); err != nil {
		return fmt.Errorf("clip settings (-c clipMaxBytes, clipQuota, clipMaxSeconds, clipUploadExpirySeconds, clipCriteria, clipBlocks): %w", err)
	}
	return nil
}

// siteOrigin is the origin the function URLs accept, once the distribution's
// domain is known (a deploy-time token when the site has no custom domain).
func (s Settings) siteOrigin(distributionDomain string) string {
	switch {
	case s.SiteOrigin != "":
		return strings.TrimSuffix(s.SiteOrigin, "/")
	case s.SiteDomain != "":
		return "https://" + s.SiteDomain
	default:
		return "https://" + distributionDomain
	}
}

// sendingDomains are MailDomains, or MailFrom's domain when none are set.
func (s Settings) sendingDomains() []string {
	if len(s.MailDomains) == 0 {
		return []string{s.mailDomain()}
	}
	return s.MailDomains
}

// mailDomain is the domain part of MailFrom (SES may verify either).
func (s Settings) mailDomain() string {
	return s.MailFrom[strings.LastIndexByte(s.MailFrom, '@')+1:]
}
