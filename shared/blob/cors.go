package blob

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoithi/hoithi/shared/platform"
)

// CORSPutter sets a bucket's CORS configuration.
type CORSPutter interface {
	PutBucketCors(ctx context.Context, in *s3.PutBucketCorsInput, opts ...func(*s3.Options)) (*s3.PutBucketCorsOutput, error)
}

// CORSGetter reads a bucket's CORS configuration.
type CORSGetter interface {
	GetBucketCors(ctx context.Context, in *s3.GetBucketCorsInput, opts ...func(*s3.Options)) (*s3.GetBucketCorsOutput, error)
}

// PutBucketCORS replaces the bucket's CORS configuration with one rule:
// platform.BucketCORS for the given origins (cors.BucketOrigins), the rule
// the stack sets at deploy.
func PutBucketCORS(ctx context.Context, client CORSPutter, bucket string, origins []string) error {
	c := platform.BucketCORS
	_, err := client.PutBucketCors(ctx, &s3.PutBucketCorsInput{
		Bucket: aws.String(bucket),
		CORSConfiguration: &s3types.CORSConfiguration{CORSRules: []s3types.CORSRule{{
			AllowedOrigins: origins,
			AllowedMethods: c.AllowMethods,
			AllowedHeaders: c.AllowHeaders,
			ExposeHeaders:  c.ExposeHeaders,
			MaxAgeSeconds:  aws.Int32(int32(c.MaxAge.Seconds())),
		}}},
	})
	if err != nil {
		return fmt.Errorf("bucket CORS of %s: %w", bucket, err)
	}
	return nil
}

// BucketCORSOrigins reads back the origins of the bucket's CORS rules.
func BucketCORSOrigins(ctx context.Context, client CORSGetter, bucket string) ([]string, error) {
	out, err := client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(bucket)})
	if err != nil {
		return nil, fmt.Errorf("bucket CORS of %s: %w", bucket, err)
	}
	var origins []string
	for _, r := range out.CORSRules {
		origins = append(origins, r.AllowedOrigins...)
	}
	return origins, nil
}
