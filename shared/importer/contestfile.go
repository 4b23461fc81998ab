package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/hoithi/hoithi/shared/contest"
)

// parseContest reads contest.json: contest.Contest's own JSON, checked.
func parseContest(data []byte, rep *report) contest.Contest {
	var c contest.Contest
	if err := decodeStrict(data, &c); err != nil {
		jsonProblem(fileContest, data, 0, "", err, rep)
		return contest.Contest{}
	}
	c.ID, c.Title = strings.TrimSpace(c.ID), strings.TrimSpace(c.Title)
	if !contest.ValidID(c.ID) {
		rep.problem(fileContest, 0, "id", "%q is not a valid contest id: use 1 to 63 lower-case letters a–z, digits and \"-\" (e.g. hue-2026)", c.ID)
	}
	if c.Title == "" {
		rep.problem(fileContest, 0, "title", "the contest needs a title")
	}

	var domains []string
	for i, d := range c.AllowedDomains {
		d = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(d), "@")))
		if !validDomain(d) {
			rep.problem(fileContest, 0, fmt.Sprintf("allowedDomains[%d]", i), "%q is not an e-mail domain (e.g. hue.gov.vn)", c.AllowedDomains[i])
			continue
		}
		if !slices.Contains(domains, d) {
			domains = append(domains, d)
		}
	}
	c.AllowedDomains = domains

	var open []contest.Audience
	for i, a := range c.OpenSignUp {
		item := fmt.Sprintf("openSignUp[%d]", i)
		switch {
		case a == contest.AudienceStaff:
			rep.problem(fileContest, 0, item, "staff cannot sign up on their own: list their official e-mail domains in allowedDomains, or the people in %s", fileRoster)
		case !a.Valid():
			rep.problem(fileContest, 0, item, "unknown audience %q: only %q may be opened to sign-up", a, contest.AudienceCitizen)
		case !slices.Contains(open, a):
			open = append(open, a)
		}
	}
	c.OpenSignUp = open

	if len(c.TieBreak) > 0 {
		if _, err := contest.ParseOrder(c.TieBreak); err != nil {
			rep.problem(fileContest, 0, "tieBreak", "name each of %s once, in the order that ranks (or leave tieBreak out for that usual order)", keyList(contest.DefaultOrder))
		}
	}
	names := map[string]bool{}
	for i, p := range c.Prizes {
		item := fmt.Sprintf("prizes[%d]", i)
		p.Name = strings.TrimSpace(p.Name)
		c.Prizes[i] = p
		switch {
		case p.Name == "":
			rep.problem(fileContest, 0, item, "a prize needs a name (e.g. \"Giải Nhất\")")
		case names[p.Name]:
			rep.problem(fileContest, 0, item, "prize %q is listed twice", p.Name)
		}
		names[p.Name] = true
		if p.Count < 1 || p.Count > 1000 {
			rep.problem(fileContest, 0, item, "prize %q: count %d must be from 1 to 1000", p.Name, p.Count)
		}
	}
	if c.CodesPerSecond < 0 || c.CodesPerSecond > 1000 {
		rep.problem(fileContest, 0, "codesPerSecond", "%v is not a number of sign-in e-mails a second from 0 to 1000 (keep it below the SES sending rate; 0 or left out: 5)", c.CodesPerSecond)
	}
	if c.CodesPerRequesterHour < 0 {
		rep.problem(fileContest, 0, "codesPerRequesterHour", "%d is not a number of sign-in e-mails an hour (0 or left out: 600)", c.CodesPerRequesterHour)
	}
	if t := c.ReportThreshold; t < 0 || t > 1 {
		rep.problem(fileContest, 0, "reportThreshold", "%v is not a rate from 0 to 1 (write 0.8 for 80%%)", t)
	}
	return c
}

// validDomain accepts a lower-case host name with at least one dot.
func validDomain(d string) bool {
	if len(d) < 3 || len(d) > 253 || !strings.Contains(d, ".") || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") || strings.Contains(d, "..") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
				return false
			}
		}
	}
	return true
}

func keyList(keys []contest.TieBreakKey) string {
	s := make([]string, len(keys))
	for i, k := range keys {
		s[i] = fmt.Sprintf("%q", k)
	}
	return strings.Join(s, ", ")
}

// decodeStrict decodes one JSON value, refusing fields the target does not
// have (a misspelt field would otherwise be silently dropped) and trailing data.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more after the end of the JSON value")
	}
	return nil
}

// jsonProblem reports a decoding error with its line when the error knows
// where it is; data[base:] is what was decoded.
func jsonProblem(file string, data []byte, base int64, item string, err error, rep *report) {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		rep.problem(file, lineAt(data, base+syn.Offset), item, "not valid JSON: %v", syn)
	case errors.As(err, &typ):
		what := typ.Field
		if what == "" {
			what = "the value"
		}
		rep.problem(file, lineAt(data, base+typ.Offset), item, "%s should be a JSON %s, not %s", what, jsonKind(typ.Type.Kind().String()), withArticle(typ.Value))
	case errors.Is(err, io.EOF):
		rep.problem(file, 0, item, "empty: no JSON in it")
	default:
		msg := strings.TrimPrefix(err.Error(), "json: ")
		if f, ok := strings.CutPrefix(msg, "unknown field "); ok {
			msg = "unknown field " + f + " (field names are case-sensitive; see docs/import.md)"
		}
		rep.problem(file, 0, item, "%s", msg)
	}
}

func jsonKind(k string) string {
	switch k {
	case "int", "int64", "float64", "uint8":
		return "number"
	case "slice":
		return "array"
	case "struct", "map":
		return "object"
	}
	return k
}

func withArticle(s string) string {
	if strings.HasPrefix(s, "array") || strings.HasPrefix(s, "object") {
		return "an " + s
	}
	return "a " + s
}

// lineAt is the line (from 1) of a byte offset.
func lineAt(data []byte, offset int64) int {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	return 1 + bytes.Count(data[:offset], []byte("\n"))
}
