// Package blob is HoiThi's S3 store: question banks (private, under banks/)
// and, later, published results and clips.
package blob

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/platform"
)

// NewClient builds an S3 client; path-style addressing is needed by local S3
// servers. Only functions that use S3 import this package (and the S3 client
// package's init and size with it).
func NewClient(cfg aws.Config, pathStyle bool) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = pathStyle })
}

// MaxBankBytes bounds a bank object (a 2,000-question bank is about 1 MB).
const MaxBankBytes = contest.MaxBankBytes

// BankKey is where a contest's bank lives in the data bucket.
func BankKey(contestID, bankID string) string {
	return platform.PrefixBanks + contestID + "/" + bankID + ".json"
}

type objectGetter interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

type objectPutter interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// Banks loads question banks from S3 once per warm container: the bank with
// its answers stays in the function's memory and never reaches a client.
type Banks struct {
	s3     objectGetter
	bucket string

	mu    sync.Mutex
	cache map[string]*bankEntry
}

type bankEntry struct {
	once sync.Once
	bank *contest.Bank
	err  error
}

// NewBanks returns a bank loader on the bucket.
func NewBanks(client objectGetter, bucket string) *Banks {
	return &Banks{s3: client, bucket: bucket, cache: map[string]*bankEntry{}}
}

// Load returns the bank, from memory after the first successful load.
// Concurrent first loads share one read; a failed load is retried next time.
func (b *Banks) Load(ctx context.Context, contestID, bankID string) (*contest.Bank, error) {
	k := BankKey(contestID, bankID)
	b.mu.Lock()
	e, ok := b.cache[k]
	if !ok {
		e = &bankEntry{}
		b.cache[k] = e
	}
	b.mu.Unlock()
	e.once.Do(func() {
		// shared by every request waiting on it: one caller's cancellation
		// must not fail the others, so the load has its own deadline
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
		defer cancel()
		e.bank, e.err = b.fetch(lctx, k)
	})
	if e.err != nil {
		b.mu.Lock()
		if b.cache[k] == e {
			delete(b.cache, k)
		}
		b.mu.Unlock()
		return nil, e.err
	}
	return e.bank, nil
}

func (b *Banks) fetch(ctx context.Context, k string) (*contest.Bank, error) {
	out, err := b.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(k)})
	if err != nil {
		return nil, fmt.Errorf("get bank %s: %w", k, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, MaxBankBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read bank %s: %w", k, err)
	}
	if len(data) > MaxBankBytes {
		return nil, fmt.Errorf("bank %s is larger than %d bytes", k, MaxBankBytes)
	}
	bank, err := contest.ParseBank(data)
	if err != nil {
		return nil, fmt.Errorf("bank %s: %w", k, err)
	}
	return bank, nil
}

// BankBucket puts banks into a bucket (demo.Seed's Banks on S3).
type BankBucket struct {
	client objectPutter
	bucket string
}

// NewBankBucket returns a bank writer on the bucket.
func NewBankBucket(client objectPutter, bucket string) BankBucket {
	return BankBucket{client: client, bucket: bucket}
}

// PutBank checks and uploads a bank (PutBank).
func (b BankBucket) PutBank(ctx context.Context, contestID string, data []byte) (*contest.Bank, error) {
	return PutBank(ctx, b.client, b.bucket, contestID, data)
}

// PutBank checks and uploads a bank.
func PutBank(ctx context.Context, client objectPutter, bucket, contestID string, data []byte) (*contest.Bank, error) {
	bank, err := contest.ParseBank(data)
	if err != nil {
		return nil, err
	}
	if !contest.ValidID(bank.ID) {
		return nil, fmt.Errorf("bank id %q is not a valid id", bank.ID)
	}
	_, err = client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(BankKey(contestID, bank.ID)),
		Body: bytes.NewReader(data), ContentType: aws.String("application/json"),
	})
	if err != nil {
		return nil, fmt.Errorf("put bank %s: %w", bank.ID, err)
	}
	return bank, nil
}

type objectLister interface {
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
}

// ListBankIDs lists the ids of a contest's banks in the bucket.
func ListBankIDs(ctx context.Context, client objectLister, bucket, contestID string) ([]string, error) {
	prefix := platform.PrefixBanks + contestID + "/"
	var ids []string
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list banks of %s: %w", contestID, err)
		}
		for _, o := range out.Contents {
			name := strings.TrimPrefix(aws.ToString(o.Key), prefix)
			if id, ok := strings.CutSuffix(name, ".json"); ok && contest.ValidID(id) {
				ids = append(ids, id)
			}
		}
	}
	return ids, nil
}
