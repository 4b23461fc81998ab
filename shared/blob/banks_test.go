package blob_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/testenv"
)

// bankJSON returns a small valid bank with n questions.
func bankJSON(id, title string, n int) []byte {
	var qs []string
	for i := 1; i <= n; i++ {
		qs = append(qs, fmt.Sprintf(`{"id":"q%03d","text":"Câu hỏi %d?","options":["Một","Hai","Ba","Bốn"],"correct":%d}`, i, i, i%4))
	}
	return []byte(fmt.Sprintf(`{"id":%q,"title":%q,"questions":[%s]}`, id, title, strings.Join(qs, ",")))
}

// countingS3 is the real S3 client, counting GetObject calls.
type countingS3 struct {
	*s3.Client
	gets atomic.Int64
}

func (c *countingS3) GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	c.gets.Add(1)
	return c.Client.GetObject(ctx, in, opts...)
}

func TestBankKey(t *testing.T) {
	tests := []struct {
		name    string
		contest string
		bank    string
		want    string
	}{
		{name: "a bank lives under banks/<contest>/<bank>.json", contest: "hue-2025", bank: "demo-staff", want: "banks/hue-2025/demo-staff.json"},
		{name: "another contest's bank of the same id lives elsewhere", contest: "hue-2026", bank: "demo-staff", want: "banks/hue-2026/demo-staff.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := blob.BankKey(tt.contest, tt.bank); got != tt.want {
				t.Errorf("BankKey(%q, %q) = %q, want %q", tt.contest, tt.bank, got, tt.want)
			}
		})
	}
}

func TestPutBankThenLoad(t *testing.T) {
	client, bucket := testenv.Bucket(t)
	ctx := context.Background()
	put, err := blob.PutBank(ctx, client, bucket, "hue-2025", bankJSON("tuan-1", "Ngân hàng tuần 1", 20))
	if err != nil {
		t.Fatalf("PutBank: %v", err)
	}
	got, err := blob.NewBanks(client, bucket).Load(ctx, "hue-2025", "tuan-1")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("banks/hue-2025/tuan-1.json")})
	if err != nil {
		t.Fatalf("the bank is not at banks/hue-2025/tuan-1.json: %v", err)
	}
	q, ok := got.Question("q007")
	tests := []struct {
		name      string
		got, want any
	}{
		{name: "PutBank returns the parsed bank id", got: put.ID, want: "tuan-1"},
		{name: "the loaded bank has its id", got: got.ID, want: "tuan-1"},
		{name: "the loaded bank has its Vietnamese title", got: got.Title, want: "Ngân hàng tuần 1"},
		{name: "the loaded bank has every question", got: len(got.Questions), want: 20},
		{name: "the loaded bank is indexed by question id", got: ok, want: true},
		{name: "a loaded question keeps its correct option", got: q.Correct, want: 3},
		{name: "the object is stored as JSON", got: aws.ToString(head.ContentType), want: "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestLoadCachesPerContainer(t *testing.T) {
	client, bucket := testenv.Bucket(t)
	ctx := context.Background()
	if _, err := blob.PutBank(ctx, client, bucket, "hue-2025", bankJSON("tuan-1", "Tuần 1", 5)); err != nil {
		t.Fatal(err)
	}
	banks := blob.NewBanks(client, bucket)
	first, err := banks.Load(ctx, "hue-2025", "tuan-1")
	if err != nil {
		t.Fatalf("first Load: %v", err)
	}
	if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(blob.BankKey("hue-2025", "tuan-1"))}); err != nil {
		t.Fatal(err)
	}
	t.Run("a warm container still has the bank after the object is deleted", func(t *testing.T) {
		again, err := banks.Load(ctx, "hue-2025", "tuan-1")
		if err != nil {
			t.Fatalf("second Load: %v", err)
		}
		if again != first {
			t.Errorf("second Load returned another bank value, want the cached one")
		}
	})
	t.Run("a cold container cannot load the deleted bank", func(t *testing.T) {
		if _, err := blob.NewBanks(client, bucket).Load(ctx, "hue-2025", "tuan-1"); err == nil {
			t.Error("Load on a new loader succeeded, want an error (so the case above really used the cache)")
		}
	})
}

func TestLoadKeepsContestsApart(t *testing.T) {
	client, bucket := testenv.Bucket(t)
	ctx := context.Background()
	for _, c := range []struct{ contest, title string }{{"hue-2025", "Huế 2025"}, {"hue-2026", "Huế 2026"}} {
		if _, err := blob.PutBank(ctx, client, bucket, c.contest, bankJSON("tuan-1", c.title, 3)); err != nil {
			t.Fatal(err)
		}
	}
	banks := blob.NewBanks(client, bucket)
	tests := []struct {
		name    string
		contest string
		want    string
	}{
		{name: "the first contest gets its own bank", contest: "hue-2025", want: "Huế 2025"},
		{name: "the second contest gets its own bank of the same id", contest: "hue-2026", want: "Huế 2026"},
		{name: "the first contest still gets its own bank from the cache", contest: "hue-2025", want: "Huế 2025"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := banks.Load(ctx, tt.contest, "tuan-1")
			if err != nil {
				t.Fatal(err)
			}
			if b.Title != tt.want {
				t.Errorf("Load(%q).Title = %q, want %q", tt.contest, b.Title, tt.want)
			}
		})
	}
}

func TestConcurrentFirstLoads(t *testing.T) {
	client, bucket := testenv.Bucket(t)
	ctx := context.Background()
	if _, err := blob.PutBank(ctx, client, bucket, "hue-2025", bankJSON("tuan-1", "Tuần 1", 200)); err != nil {
		t.Fatal(err)
	}
	counting := &countingS3{Client: client}
	banks := blob.NewBanks(counting, bucket)
	const n = 20
	var wg sync.WaitGroup
	got := make(chan any, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := banks.Load(ctx, "hue-2025", "tuan-1")
			if err != nil {
				got <- err
				return
			}
			got <- b
		}()
	}
	wg.Wait()
	close(got)
	var first any
	for v := range got {
		if err, ok := v.(error); ok {
			t.Errorf("concurrent Load: %v", err)
			continue
		}
		if first == nil {
			first = v
		} else if v != first {
			t.Errorf("concurrent loads returned different bank values")
		}
	}
	if got, want := counting.gets.Load(), int64(1); got != want {
		t.Errorf("20 concurrent first loads read S3 %d times, want %d", got, want)
	}
}

func TestLoadDoesNotCacheErrors(t *testing.T) {
	client, bucket := testenv.Bucket(t)
	ctx := context.Background()
	banks := blob.NewBanks(client, bucket)
	steps := []struct {
		name    string
		put     []byte
		wantErr bool
	}{
		{name: "an unknown bank is an error", wantErr: true},
		{name: "the unknown bank is still an error when asked again", wantErr: true},
		{name: "once uploaded the bank loads on the same loader", put: bankJSON("tuan-2", "Tuần 2", 4)},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.put != nil {
				if _, err := blob.PutBank(ctx, client, bucket, "hue-2025", s.put); err != nil {
					t.Fatal(err)
				}
			}
			b, err := banks.Load(ctx, "hue-2025", "tuan-2")
			if got := err != nil; got != s.wantErr {
				t.Fatalf("Load error = %v, want error %v", err, s.wantErr)
			}
			if !s.wantErr && (b == nil || b.ID != "tuan-2") {
				t.Errorf("Load = %+v, want bank tuan-2", b)
			}
		})
	}
}

func TestLoadRefusesABrokenObject(t *testing.T) {
	client, bucket := testenv.Bucket(t)
	ctx := context.Background()
	// Written behind PutBank's back, as a broken manual upload would be.
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(blob.BankKey("hue-2025", "broken")),
		Body: strings.NewReader(`{"id":"broken","questions":[`)}); err != nil {
		t.Fatal(err)
	}
	if b, err := blob.NewBanks(client, bucket).Load(ctx, "hue-2025", "broken"); err == nil {
		t.Fatalf("Load of a truncated object = %+v, want an error", b)
	}
}

func TestPutBankRefusesInvalidBanks(t *testing.T) {
	client, bucket := testenv.Bucket(t)
	ctx := context.Background()
	dup := `{"id":"dup-bank","title":"T","questions":[` +
		`{"id":"q1","text":"A?","options":["x","y"],"correct":0},` +
		`{"id":"q1","text":"B?","options":["x","y"],"correct":1}]}`
	tests := []struct {
		name   string
		data   string
		bankID string // where the bank would land if its id was readable
	}{
		{name: "malformed JSON is refused", data: `{"id":"bad-json","questions":[`, bankID: "bad-json"},
		{name: "not JSON at all is refused", data: `id: yaml-bank`, bankID: "yaml-bank"},
		{name: "duplicate question ids are refused", data: dup, bankID: "dup-bank"},
		{name: "a bank without questions is refused", data: `{"id":"empty-bank","title":"T","questions":[]}`, bankID: "empty-bank"},
		{name: "a correct option out of range is refused", data: `{"id":"range-bank","questions":[{"id":"q1","text":"A?","options":["x","y"],"correct":2}]}`, bankID: "range-bank"},
		{name: "a bank id with capitals and spaces is refused", data: string(bankJSON("Tuần 1", "T", 2)), bankID: "Tuần 1"},
		{name: "a bank id with a slash is refused", data: string(bankJSON("../other/x", "T", 2)), bankID: "../other/x"},
		{name: "a bank without an id is refused", data: string(bankJSON("", "T", 2)), bankID: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := blob.PutBank(ctx, client, bucket, "hue-2025", []byte(tt.data))
			if err == nil {
				t.Fatalf("PutBank = %+v, want an error", b)
			}
			if _, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(blob.BankKey("hue-2025", tt.bankID))}); err == nil {
				t.Errorf("a refused bank was uploaded to %s", blob.BankKey("hue-2025", tt.bankID))
			}
		})
	}
}
