package importer

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/hoithi/hoithi/shared/contest"
)

const optionLetters = "ABCDEF"

var bankColumns = func() []column {
	cols := []column{
		{"id", false, []string{"Mã câu hỏi"}},
		{"text", true, []string{"Câu hỏi", "Nội dung câu hỏi"}},
	}
	for i, l := range optionLetters {
		cols = append(cols, column{"option" + string(l), i < 2, []string{"Phương án " + string(l), "Đáp án " + string(l), string(l)}})
	}
	return append(cols,
		column{"correct", true, []string{"Đáp án đúng", "Đáp án"}},
		column{"explanation", false, []string{"Giải thích"}},
		column{"legalBasis", false, []string{"Căn cứ pháp lý", "Căn cứ"}},
		column{"topic", false, []string{"Lĩnh vực", "Chủ đề"}},
		column{"audience", false, []string{"Đối tượng"}},
	)
}()

// nearDuplicate is how alike two questions' words must be (Jaccard) to be
// reported as near-duplicates; the comparison is skipped for larger banks
// than nearDuplicateBank (it is quadratic).
const (
	nearDuplicate     = 0.85
	nearDuplicateBank = 5000
)

// parseTopic reads one of the six areas (contest.Topics) by id or in words.
func parseTopic(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	sl := slug(s)
	for _, t := range contest.Topics {
		if sl == t.ID || sl == slug(t.Name) {
			return t.ID, true
		}
	}
	for _, k := range []struct{ word, id string }{
		{"the-che", "the-che"}, {"thu-tuc", "thu-tuc"}, {"bo-may", "bo-may"}, {"cong-vu", "cong-vu"},
		{"tai-chinh", "tai-chinh"}, {"chinh-phu-dien-tu", "chinh-phu-so"}, {"chinh-phu-so", "chinh-phu-so"},
	} {
		if strings.Contains(sl, k.word) {
			return k.id, true
		}
	}
	return "", false
}

func topicList() string {
	s := make([]string, len(contest.Topics))
	for i, t := range contest.Topics {
		s[i] = fmt.Sprintf("%s (%s)", t.Name, t.ID)
	}
	return strings.Join(s, "; ")
}

// parseBankSheet reads a question bank, one question a row, into the bank
// the data bucket stores. Its id and title come from opt.
func parseBankSheet(name string, data []byte, cur Current, opt Options, rep *report) (*contest.Bank, []byte) {
	id := strings.TrimSpace(opt.BankID)
	title := strings.TrimSpace(opt.BankTitle)
	ok := true
	if !contest.ValidID(id) {
		rep.problem(name, 0, "", "mã bộ câu hỏi %q không hợp lệ: dùng 1 đến 63 chữ thường a–z không dấu, chữ số và \"-\" (ví dụ hue-2026-can-bo)", id)
		ok = false
	}
	if title == "" {
		title = id
	}
	for _, r := range cur.Rounds {
		if r.BankID == id && !cur.Now.Before(r.OpensAt) {
			rep.problem(name, 0, "", "bộ câu hỏi %q đang dùng cho tuần thi %q đã mở: đề đã phát phải giữ nguyên bộ câu hỏi; hãy nhập với mã mới (ví dụ %s-v2) rồi đặt mã đó cho các tuần chưa mở", id, r.ID, id)
			ok = false
			break
		}
	}
	rows, state := readTable(name, data, bankColumns, rep)
	if state != fileRead {
		return nil, nil
	}
	b := contest.Bank{ID: id, Title: title}
	idLine := map[string]int{}
	textLine := map[string]int{}
	type placed struct {
		line  int
		words map[string]bool
	}
	var seen []placed
	for _, row := range rows {
		if row.stray {
			ok = false
			continue
		}
		c := row.cells
		bad := func(col, format string, args ...any) {
			rep.problemAt(name, row.line, row.label(col), "", format, args...)
			ok = false
		}
		q := contest.Question{ID: c["id"], Text: c["text"], Explanation: c["explanation"], LegalBasis: c["legalBasis"]}
		if q.ID == "" {
			q.ID = fmt.Sprintf("c%04d", len(b.Questions)+1)
		}
		if len(q.ID) > 32 {
			bad("id", "mã câu hỏi dài quá 32 ký tự")
		} else if prev, dup := idLine[q.ID]; dup {
			bad("id", "mã câu hỏi %q trùng với dòng %d", q.ID, prev)
		}
		idLine[q.ID] = row.line
		if q.Text == "" {
			bad("text", "thiếu nội dung câu hỏi")
		}
		gap := ""
		for _, l := range optionLetters {
			o := c["option"+string(l)]
			if o == "" {
				if gap == "" {
					gap = string(l)
				}
				continue
			}
			if gap != "" {
				bad("option"+string(l), "phương án %c có nội dung nhưng phương án %s để trống: các phương án phải liền nhau từ A", l, gap)
				gap = "x"
			}
			for k, prev := range q.Options {
				if strings.EqualFold(prev, o) {
					bad("option"+string(l), "phương án %c trùng với phương án %c", l, optionLetters[k])
				}
			}
			q.Options = append(q.Options, o)
		}
		if len(q.Options) < 2 {
			bad("optionB", "mỗi câu hỏi cần từ 2 đến %d phương án (A–F)", contest.MaxOptions)
		}
		switch a := strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(c["correct"]), "phương án"), "đáp án"))); {
		case a == "":
			bad("correct", "thiếu đáp án đúng: ghi chữ cái của phương án đúng (A, B, C…)")
		case len(strings.TrimRight(a, ".)")) != 1 || !strings.Contains(optionLetters, strings.TrimRight(a, ".)")):
			bad("correct", "đáp án đúng %q: ghi một chữ cái từ A đến F", c["correct"])
		default:
			q.Correct = strings.Index(optionLetters, strings.TrimRight(a, ".)"))
			if q.Correct >= len(q.Options) {
				bad("correct", "đáp án đúng là %s nhưng phương án %s để trống", a, a)
			}
		}
		topic, tok := parseTopic(c["topic"])
		if !tok {
			bad("topic", "lĩnh vực %q không rõ: ghi một trong sáu lĩnh vực của Nghị quyết 76/NQ-CP: %s", c["topic"], topicList())
		}
		q.Topic = topic
		if a := c["audience"]; a != "" && slug(a) != "ca-hai" && slug(a) != "tat-ca" {
			aud, aok := parseAudience(a)
			if !aok {
				bad("audience", "đối tượng %q không rõ: ghi cán bộ, người dân, hoặc để trống (cả hai)", a)
			}
			q.Audience = aud
		}
		if q.Text != "" {
			key := questionKey(q.Text)
			if prev, dup := textLine[key]; dup {
				bad("text", "câu hỏi trùng với dòng %d", prev)
			} else {
				textLine[key] = row.line
				words := wordSet(q.Text)
				if len(rows) <= nearDuplicateBank {
					for _, p := range seen {
						if j := jaccard(words, p.words); j >= nearDuplicate {
							rep.warnAt(name, row.line, row.label("text"), "", "câu hỏi gần trùng với dòng %d (giống %.0f%% số từ): kiểm tra lại", p.line, j*100)
							break
						}
					}
				}
				seen = append(seen, placed{row.line, words})
			}
		}
		b.Questions = append(b.Questions, q)
	}
	if len(b.Questions) == 0 && ok {
		rep.problem(name, 0, "", "tệp không có câu hỏi nào")
		ok = false
	}
	if !ok {
		return nil, nil
	}
	data, err := json.Marshal(b)
	if err != nil {
		rep.problem(name, 0, "", "%v", err)
		return nil, nil
	}
	if len(data) > contest.MaxBankBytes {
		rep.problem(name, 0, "", "bộ câu hỏi %d MB, quá giới hạn %d MB: hãy chia thành nhiều bộ", len(data)>>20, contest.MaxBankBytes>>20)
		return nil, nil
	}
	// the system's own check has the last word (it should find nothing more)
	parsed, err := contest.ParseBank(data)
	if err != nil {
		rep.problem(name, 0, "", "%v", err)
		return nil, nil
	}
	return parsed, data
}

// questionKey is a question's text as compared for duplicates: any case, any
// spacing, without its final punctuation.
func questionKey(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(norm.NFC.String(strings.TrimRight(s, " ?.:…")))), " ")
}

// wordSet is the words of a text (letters and digits, lower case, marks kept).
func wordSet(s string) map[string]bool {
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(norm.NFC.String(s)), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		words[w] = true
	}
	return words
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	small, large := a, b
	if len(small) > len(large) {
		small, large = large, small
	}
	if float64(len(small))/float64(len(large)) < nearDuplicate {
		return 0
	}
	both := 0
	for w := range small {
		if large[w] {
			both++
		}
	}
	return float64(both) / float64(len(a)+len(b)-both)
}
