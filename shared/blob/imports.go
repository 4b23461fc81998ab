package blob

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// GetImport reads an import file an organiser uploaded with a presigned PUT
// (at most limit bytes); found is false once it is gone (it expires in a
// day).
func GetImport(ctx context.Context, client objectGetter, bucket, key string, limit int64) (data []byte, found bool, err error) {
	return GetInsight(ctx, client, bucket, key, limit)
}

type objectDeleter interface {
	DeleteObject(ctx context.Context, in *s3.DeleteObjectInput, opts ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
}

// DropImport deletes an import file once written (else it expires).
func DropImport(ctx context.Context, client objectDeleter, bucket, key string) error {
	if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

type bankReader interface {
	objectGetter
	objectLister
}

// BankSizes gives each of the contest's banks by id with its number of
// questions, read fresh (a bank just replaced counts as it is now); without
// count, only which banks exist (0 each). A bank that cannot be read is
// left out and told to skipped.
func BankSizes(ctx context.Context, client bankReader, bucket, contestID string, count bool, skipped func(bankID string, err error)) (map[string]int, error) {
	ids, err := ListBankIDs(ctx, client, bucket, contestID)
	if err != nil {
		return nil, err
	}
	sizes := make(map[string]int, len(ids))
	banks := NewBanks(client, bucket)
	for _, id := range ids {
		if !count {
			sizes[id] = 0
			continue
		}
		b, err := banks.Load(ctx, contestID, id)
		if err != nil {
			skipped(id, err)
			continue
		}
		sizes[id] = len(b.Questions)
	}
	return sizes, nil
}

// ImportBanks are a contest's question banks as the organiser console's
// imports read and write them (console.Banks): their sizes, read fresh, and
// a bank put whole.
type ImportBanks struct {
	S3 interface {
		bankReader
		objectPutter
	}
	Bucket string
	// Skipped is told of a bank that cannot be read (left out of the sizes).
	Skipped func(bankID string, err error)
}

// BankSizes is BankSizes of the contest's banks.
func (b ImportBanks) BankSizes(ctx context.Context, contestID string, count bool) (map[string]int, error) {
	return BankSizes(ctx, b.S3, b.Bucket, contestID, count, b.Skipped)
}

// PutBank is PutBank of one bank's JSON.
func (b ImportBanks) PutBank(ctx context.Context, contestID string, bankJSON []byte) error {
	_, err := PutBank(ctx, b.S3, b.Bucket, contestID, bankJSON)
	return err
}
