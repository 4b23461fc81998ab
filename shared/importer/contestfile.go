package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/mailq"
)

// parseContest reads contest.json: contest.Contest's own JSON, checked.
func parseContest(data []byte, rep *report) contest.Contest {
	var c contest.Contest
	if err := decodeStrict(data, &c); err != nil {
		jsonProblem(fileContest, data, 0, "", err, rep)
		return contest.Contest{}
	}
	return checkContest(fileContest, c, rep)
}

// ContestLimits are the bounds of a contest's settings, as the organiser
// console shows them next to its form (GET /contest) and checkContest applies.
type ContestLimits struct {
	IDPattern       string     `json:"idPattern"`
	OpenSignUp      []string   `json:"openSignUp"`
	TieBreakKeys    []string   `json:"tieBreakKeys"`
	PrizeCount      Range      `json:"prizeCount"`
	CodesPerSecond  RangeFloat `json:"codesPerSecond"`
	CodesPerReqHour Range      `json:"codesPerRequesterHour"`
	// MailPerSecond is the contest's share of the deployment's SES rate:
	// up to the deployment's rate (the admin function sets Max to it,
	// WithDeployment), 0 or none: all of it.
	MailPerSecond RangeFloat `json:"mailPerSecond"`
	// MailFromRule says, in a sentence, which senders a contest may use.
	MailFromRule string `json:"mailFromRule"`
	// MailDomains are the deployment's verified sending domains (empty: the
	// deployment's sender only).
	MailDomains     []string        `json:"mailDomains"`
	ReportThreshold RangeFloat      `json:"reportThreshold"`
	DefaultPrizes   []contest.Prize `json:"defaultPrizes"`
	// Practice lists the practice settings (off, signed-in, everyone).
	Practice []string `json:"practice"`
	// PracticeChoices are the practice settings with their labels, in the
	// order the console lists them.
	PracticeChoices []Choice `json:"practiceChoices"`
	// PublicKeysRule says, in a sentence, when keys are shown
	// (contest.KeysRule), for the publicKeysAfterClose setting.
	PublicKeysRule string `json:"publicKeysRule"`
	// Schedule bounds the contest's schedule and site origins.
	Schedule contest.ScheduleLimitSet `json:"schedule"`
}

// Choice is one value of a setting with its label.
type Choice struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Range is a whole-number bound (Max 0: none); Default applies to 0 or absent.
type Range struct {
	Min     int `json:"min"`
	Max     int `json:"max,omitempty"`
	Default int `json:"default,omitempty"`
}

// RangeFloat is a decimal bound.
type RangeFloat struct {
	Min     float64 `json:"min"`
	Max     float64 `json:"max"`
	Default float64 `json:"default,omitempty"`
}

// Limits are the contest settings' bounds.
var Limits = ContestLimits{
	IDPattern:  "^[a-z0-9][a-z0-9-]{0,62}$",
	OpenSignUp: []string{string(contest.AudienceCitizen)},
	TieBreakKeys: func() []string {
		s := make([]string, len(contest.DefaultOrder))
		for i, k := range contest.DefaultOrder {
			s[i] = string(k)
		}
		return s
	}(),
	PrizeCount:      Range{Min: 1, Max: 1000},
	CodesPerSecond:  RangeFloat{Min: 0, Max: 1000, Default: 5},
	CodesPerReqHour: Range{Min: 0, Default: 600},
	MailPerSecond:   RangeFloat{Min: 0, Max: mailq.MaxRate},
	MailFromRule:    "Địa chỉ gửi thư phải thuộc một tên miền email công vụ của hội thi và một tên miền đã được xác minh để gửi thư của hệ thống; để trống là địa chỉ gửi chung của hệ thống.",
	MailDomains:     []string{},
	ReportThreshold: RangeFloat{Min: 0, Max: 1, Default: 0.8},
	DefaultPrizes:   []contest.Prize{{Name: "Giải Nhất", Count: 1}, {Name: "Giải Nhì", Count: 2}, {Name: "Giải Ba", Count: 3}},
	Practice: func() []string {
		s := make([]string, len(contest.Practices))
		for i, p := range contest.Practices {
			s[i] = string(p)
		}
		return s
	}(),
	PracticeChoices: func() []Choice {
		s := make([]Choice, len(contest.Practices))
		for i, p := range contest.Practices {
			s[i] = Choice{Value: string(p), Label: p.Label()}
		}
		return s
	}(),
	PublicKeysRule: contest.KeysRule,
	Schedule:       contest.ScheduleLimits,
}

// CheckContest checks a contest's settings (the console's form, contest.json)
// and returns them tidied: trimmed, domains lower-cased and once each.
// Problems name the field in Column.
func CheckContest(c contest.Contest) (contest.Contest, []Problem) {
	return CheckContestFor(c, Limits)
}

// Deployment is what a deployment sets of a contest's mail settings'
// limits: its SES rate (mailRatePerSecond) and its verified sending
// domains (mailDomains).
type Deployment struct {
	MailRate    float64
	MailDomains []string
}

// WithDeployment is l with the deployment's bounds: a contest's mail share
// up to the deployment's rate, senders of its verified domains only.
func (l ContestLimits) WithDeployment(d Deployment) ContestLimits {
	if d.MailRate > 0 && d.MailRate < l.MailPerSecond.Max {
		l.MailPerSecond.Max = d.MailRate
	}
	l.MailDomains = append([]string{}, d.MailDomains...)
	return l
}

// CheckContestFor is CheckContest within limits l (WithDeployment).
func CheckContestFor(c contest.Contest, l ContestLimits) (contest.Contest, []Problem) {
	var rep report
	c = checkContest("contest", c, &rep)
	c = checkMail("contest", c, l, &rep)
	return c, rep.problems
}

// checkMail checks the contest's sender and mail share against limits l:
// the sender a bare address of one of the contest's official domains that
// the deployment may send from (a domain of l.MailDomains or a sub-domain).
func checkMail(file string, c contest.Contest, l ContestLimits, rep *report) contest.Contest {
	bad := func(field, format string, args ...any) { rep.problemAt(file, 0, field, "", format, args...) }
	c.MailFrom = strings.ToLower(strings.TrimSpace(c.MailFrom))
	if from := c.MailFrom; from != "" {
		domain := from[strings.LastIndexByte(from, '@')+1:]
		verified := slices.ContainsFunc(l.MailDomains, func(d string) bool { return domain == d || strings.HasSuffix(domain, "."+d) })
		switch {
		case !mailq.BareAddress(from):
			bad("mailFrom", "%q không phải một địa chỉ email (ví dụ hoithi@hue.gov.vn)", c.MailFrom)
		case !c.InAllowedDomain(from):
			bad("mailFrom", "%q không thuộc tên miền email công vụ nào của hội thi", c.MailFrom)
		case !verified:
			bad("mailFrom", "tên miền của %q chưa được xác minh để gửi thư trên hệ thống này (đã xác minh: %s); liên hệ đơn vị vận hành", c.MailFrom, domainList(l.MailDomains))
		}
	}
	if r := c.MailPerSecond; r < l.MailPerSecond.Min || r > l.MailPerSecond.Max || r != r {
		bad("mailPerSecond", "%v không phải số email mỗi giây từ 0 đến %v (tốc độ gửi của hệ thống; 0 hoặc bỏ trống: dùng chung toàn bộ)", r, l.MailPerSecond.Max)
	}
	return c
}

func domainList(ds []string) string {
	if len(ds) == 0 {
		return "chưa có"
	}
	return strings.Join(ds, ", ")
}

func checkContest(file string, c contest.Contest, rep *report) contest.Contest {
	bad := func(field, format string, args ...any) { rep.problemAt(file, 0, field, "", format, args...) }
	c.ID, c.Title = strings.TrimSpace(c.ID), strings.TrimSpace(c.Title)
	if !contest.ValidID(c.ID) {
		bad("id", "%q không phải mã cuộc thi hợp lệ: dùng 1 đến 63 chữ thường a–z không dấu, chữ số và \"-\" (ví dụ hue-2026)", c.ID)
	}
	if c.Title == "" {
		bad("title", "cuộc thi cần có tên")
	}

	var domains []string
	for i, d := range c.AllowedDomains {
		d = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(d), "@")))
		if !validDomain(d) {
			bad(fmt.Sprintf("allowedDomains[%d]", i), "%q không phải tên miền email (ví dụ hue.gov.vn)", c.AllowedDomains[i])
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
			bad(item, "cán bộ không tự đăng ký được: ghi tên miền email công vụ ở allowedDomains, hoặc đưa họ vào danh sách dự thi")
		case !a.Valid():
			bad(item, "đối tượng %q không rõ: chỉ %q được mở đăng ký", a, contest.AudienceCitizen)
		case !slices.Contains(open, a):
			open = append(open, a)
		}
	}
	c.OpenSignUp = open

	if len(c.TieBreak) > 0 {
		if _, err := contest.ParseOrder(c.TieBreak); err != nil {
			bad("tieBreak", "ghi mỗi tiêu chí %s đúng một lần, theo thứ tự xếp hạng (hoặc bỏ trống để dùng thứ tự thường lệ)", keyList(contest.DefaultOrder))
		}
	}
	names := map[string]bool{}
	for i, p := range c.Prizes {
		item := fmt.Sprintf("prizes[%d]", i)
		p.Name = strings.TrimSpace(p.Name)
		c.Prizes[i] = p
		switch {
		case p.Name == "":
			bad(item, "giải cần có tên (ví dụ \"Giải Nhất\")")
		case names[p.Name]:
			bad(item, "giải %q có hai lần", p.Name)
		}
		names[p.Name] = true
		if p.Count < Limits.PrizeCount.Min || p.Count > Limits.PrizeCount.Max {
			bad(item, "giải %q: số lượng %d phải từ %d đến %d", p.Name, p.Count, Limits.PrizeCount.Min, Limits.PrizeCount.Max)
		}
	}
	if c.CodesPerSecond < Limits.CodesPerSecond.Min || c.CodesPerSecond > Limits.CodesPerSecond.Max {
		bad("codesPerSecond", "%v không phải số email đăng nhập mỗi giây từ 0 đến 1000 (giữ dưới tốc độ gửi của SES; 0 hoặc bỏ trống: 5)", c.CodesPerSecond)
	}
	if c.CodesPerRequesterHour < Limits.CodesPerReqHour.Min {
		bad("codesPerRequesterHour", "%d không phải số email đăng nhập mỗi giờ (0 hoặc bỏ trống: 600)", c.CodesPerRequesterHour)
	}
	if t := c.ReportThreshold; t < Limits.ReportThreshold.Min || t > Limits.ReportThreshold.Max {
		bad("reportThreshold", "%v không phải tỷ lệ từ 0 đến 1 (ghi 0.8 cho 80%%)", t)
	}
	c.Practice = contest.Practice(strings.ToLower(strings.TrimSpace(string(c.Practice))))
	if !c.Practice.Valid() {
		bad("practice", "%q không rõ: ghi %q (không mở ôn tập), %q (người đã đăng nhập) hoặc %q (mọi người)", c.Practice, contest.PracticeOff, contest.PracticeSignedIn, contest.PracticeEveryone)
	}
	var scheduleProblems, originProblems map[string]string
	c.Schedule, scheduleProblems = contest.CheckSchedule(c.Schedule)
	c.Origins, originProblems = contest.CheckOrigins(c.Origins)
	for _, ps := range []map[string]string{scheduleProblems, originProblems} {
		for _, field := range slices.Sorted(maps.Keys(ps)) {
			bad(field, "%s", ps[field])
		}
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
		return errors.New("còn nội dung sau khi giá trị JSON kết thúc")
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
		rep.problem(file, lineAt(data, base+syn.Offset), item, "không phải JSON hợp lệ: %v", syn)
	case errors.As(err, &typ):
		what := typ.Field
		if what == "" {
			what = "giá trị"
		}
		rep.problem(file, lineAt(data, base+typ.Offset), item, "%s phải là %s JSON, không phải %s", what, jsonKind(typ.Type.Kind().String()), jsonValueWord(typ.Value))
	case errors.Is(err, io.EOF):
		rep.problem(file, 0, item, "trống: không có JSON")
	default:
		msg := strings.TrimPrefix(err.Error(), "json: ")
		if f, ok := strings.CutPrefix(msg, "unknown field "); ok {
			msg = "trường " + f + " không rõ (tên trường phân biệt chữ hoa, chữ thường; xem docs/import.md)"
		}
		rep.problem(file, 0, item, "%s", msg)
	}
}

func jsonKind(k string) string {
	switch k {
	case "int", "int64", "float64", "uint8":
		return "số"
	case "slice":
		return "mảng"
	case "struct", "map":
		return "đối tượng"
	case "string":
		return "chuỗi"
	case "bool":
		return "giá trị đúng/sai"
	}
	return k
}

// jsonValueWord names the kind of JSON value a file holds ("array",
// "number 5" as encoding/json says it).
func jsonValueWord(s string) string {
	for en, vi := range map[string]string{"array": "mảng", "object": "đối tượng", "string": "chuỗi", "number": "số", "bool": "giá trị đúng/sai"} {
		if rest, ok := strings.CutPrefix(s, en); ok {
			return vi + rest
		}
	}
	return s
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
