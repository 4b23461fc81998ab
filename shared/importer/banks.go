package importer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/hoithi/hoithi/shared/contest"
)

// BankFile is a question bank of the folder: the file as it is uploaded and
// the bank it holds.
type BankFile struct {
	File string // "banks/staff.json"
	Data []byte
	Bank *contest.Bank
}

// strictQuestion is a question as its file must spell it: contest.Question's
// fields and no others, "correct" present (an absent or misspelt "correct"
// would silently make option A the right answer).
type strictQuestion struct {
	ID      string   `json:"id"`
	Topic   string   `json:"topic"`
	Text    string   `json:"text"`
	Options []string `json:"options"`
	Correct *int     `json:"correct"`
	Source  string   `json:"source"`

	Explanation string `json:"explanation"`
	LegalBasis  string `json:"legalBasis"`
	Audience    string `json:"audience"`
}

type strictBank struct {
	ID        string           `json:"id"`
	Title     string           `json:"title"`
	Demo      bool             `json:"demo"`
	Note      string           `json:"note"`
	Questions []strictQuestion `json:"questions"`
}

// loadBanks reads banks/*.json in name order; present is false without banks/.
func loadBanks(dir string, rep *report) (banks []BankFile, present bool) {
	entries, err := os.ReadDir(filepath.Join(dir, dirBanks))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false
	}
	if err != nil {
		rep.problem(dirBanks+"/", 0, "", "không đọc được: %v", err)
		return nil, true
	}
	fileOf := map[string]string{}
	for _, e := range entries {
		name := path.Join(dirBanks, e.Name())
		if ignorable(e.Name()) {
			continue
		}
		if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".json") {
			rep.warn(name, 0, "", "bỏ qua: bộ câu hỏi là các tệp .json")
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, dirBanks, e.Name()))
		if err != nil {
			rep.problem(name, 0, "", "không đọc được: %v", err)
			continue
		}
		b, ok := parseBankFile(name, nfc(data), rep)
		if !ok {
			continue
		}
		if prev, dup := fileOf[b.ID]; dup {
			rep.problem(name, 0, fmt.Sprintf("bộ câu hỏi %q", b.ID), "mã bộ câu hỏi này đã có ở %s", prev)
			continue
		}
		fileOf[b.ID] = name
		banks = append(banks, BankFile{File: name, Data: data, Bank: b})
	}
	return banks, true
}

// parseBankFile checks a bank as contest.ParseBank and blob.PutBank do, and
// more strictly: no unknown fields, every question with its "correct".
func parseBankFile(name string, data []byte, rep *report) (*contest.Bank, bool) {
	if len(data) > contest.MaxBankBytes {
		rep.problem(name, 0, "", "%d byte: mỗi bộ câu hỏi tối đa %d MB; hãy chia thành nhiều bộ", len(data), contest.MaxBankBytes>>20)
		return nil, false
	}
	var sb strictBank
	if err := decodeStrict(data, &sb); err != nil {
		jsonProblem(name, data, 0, "", err, rep)
		return nil, false
	}
	ok := true
	for i, q := range sb.Questions {
		if q.Correct == nil {
			rep.problem(name, 0, fmt.Sprintf("câu %d (mã %q)", i+1, q.ID), "thiếu \"correct\": số thứ tự của phương án đúng, 0 là phương án đầu (A)")
			ok = false
		}
	}
	b, err := contest.ParseBank(data)
	if err != nil {
		rep.problem(name, 0, "", "%v", err)
		return nil, false
	}
	if !contest.ValidID(b.ID) {
		rep.problem(name, 0, "id", "%q không phải mã bộ câu hỏi hợp lệ: dùng 1 đến 63 chữ thường a–z không dấu, chữ số và \"-\" (ví dụ hue-2026-can-bo)", b.ID)
		ok = false
	}
	if !ok {
		return nil, false
	}
	// "correct" counts from 0; a large bank where no question has the first
	// option right was most likely counted from 1
	first := false
	for _, q := range b.Questions {
		first = first || q.Correct == 0
	}
	if len(b.Questions) >= 20 && !first {
		rep.warn(name, 0, fmt.Sprintf("bộ câu hỏi %q", b.ID), "không câu nào có \"correct\": 0 (phương án A): \"correct\" đếm từ 0, có phải tệp đã đếm từ 1?")
	}
	return b, true
}
