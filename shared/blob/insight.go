package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoithi/hoithi/shared/platform"
)

// InsightKey is where a round's organiser-only file lives (never under
// results/, which is public).
func InsightKey(contestID, roundID, name string) string {
	return platform.PrefixInsight + contestID + "/" + roundID + "/" + name
}

// PutInsight stores an organiser-only JSON file, not cacheable.
func PutInsight(ctx context.Context, client objectPutter, bucket, key string, data []byte) error {
	_, err := client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(data),
		ContentType: aws.String("application/json"), CacheControl: aws.String("private, no-store"),
	})
	if err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	return nil
}

// GetInsight reads an organiser-only file; found is false if there is none.
func GetInsight(ctx context.Context, client objectGetter, bucket, key string, limit int64) (data []byte, found bool, err error) {
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		var nsk *s3types.NoSuchKey
		if errors.As(err, &nsk) || strings.Contains(err.Error(), "NoSuchKey") || strings.Contains(err.Error(), "StatusCode: 404") {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("read %s: %w", key, err)
	}
	defer out.Body.Close()
	data, err = io.ReadAll(io.LimitReader(out.Body, limit))
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", key, err)
	}
	return data, true, nil
}
