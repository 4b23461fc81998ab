package blob_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/platform"
	"github.com/hoithi/hoithi/shared/testenv"
)

func TestPutBucketCORS(t *testing.T) {
	client, bucket := testenv.Bucket(t)
	ctx := context.Background()
	t.Run("the bucket's rule is set for the given origins with the stack's methods and headers", func(t *testing.T) {
		origins := []string{"https://hoithi.example.gov.vn", "https://thi.hue.gov.vn"}
		if err := blob.PutBucketCORS(ctx, client, bucket, origins); err != nil {
			t.Fatal(err)
		}
		out, err := client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(bucket)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.CORSRules) != 1 {
			t.Fatalf("%d rules, want 1", len(out.CORSRules))
		}
		r, c := out.CORSRules[0], platform.BucketCORS
		if !slices.Equal(r.AllowedOrigins, origins) || !slices.Equal(r.AllowedMethods, c.AllowMethods) ||
			!slices.Equal(r.AllowedHeaders, c.AllowHeaders) || !slices.Equal(r.ExposeHeaders, c.ExposeHeaders) ||
			aws.ToInt32(r.MaxAgeSeconds) != int32(c.MaxAge.Seconds()) {
			t.Errorf("rule %+v, want platform.BucketCORS for %v", r, origins)
		}
	})
	t.Run("setting it again replaces the origins", func(t *testing.T) {
		if err := blob.PutBucketCORS(ctx, client, bucket, []string{"https://thi.danang.gov.vn"}); err != nil {
			t.Fatal(err)
		}
		got, err := blob.BucketCORSOrigins(ctx, client, bucket)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"https://thi.danang.gov.vn"}; !slices.Equal(got, want) {
			t.Errorf("origins %v, want %v", got, want)
		}
	})
}
