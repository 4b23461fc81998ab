package blob_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/testenv"
)

// orderedS3 is the real S3 client, recording how many uploads were running
// at most and which uploads had finished when each one started.
type orderedS3 struct {
	*s3.Client
	mu                sync.Mutex
	running, most     int
	finished          map[string]bool
	finishedAtStartOf map[string]int
}

func (c *orderedS3) PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	c.mu.Lock()
	c.running++
	c.most = max(c.most, c.running)
	c.finishedAtStartOf[*in.Key] = len(c.finished)
	c.mu.Unlock()
	out, err := c.Client.PutObject(ctx, in, opts...)
	c.mu.Lock()
	c.running--
	c.finished[*in.Key] = true
	c.mu.Unlock()
	return out, err
}

func TestPutResultsPutsTheManifestLast(t *testing.T) {
	client, bucket := testenv.Bucket(t)
	rec := &orderedS3{Client: client, finished: map[string]bool{}, finishedAtStartOf: map[string]int{}}
	var arts []blob.Object
	for i := 1; i <= 40; i++ {
		arts = append(arts, blob.Object{Name: fmt.Sprintf("ranking/%04d.json", i), ContentType: "application/json", Data: []byte(fmt.Sprintf(`{"page":%d}`, i))})
	}
	arts = append(arts, blob.Object{Name: "manifest.json", ContentType: "application/json", Data: []byte(`{"artefacts":[]}`)})
	ctx := context.Background()
	if err := blob.PutResults(ctx, rec, bucket, "demo", "2026-w48", arts); err != nil {
		t.Fatal(err)
	}
	prefix := blob.ResultsPrefix("demo", "2026-w48")
	if got := rec.finishedAtStartOf[prefix+"manifest.json"]; got != len(arts)-1 {
		t.Errorf("the manifest started when %d of the other %d files were in; want all", got, len(arts)-1)
	}
	if rec.most < 2 {
		t.Errorf("at most %d upload at a time; want them in parallel", rec.most)
	}
	for _, a := range arts {
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(prefix + a.Name)})
		if err != nil {
			t.Fatalf("%s: %v", a.Name, err)
		}
		data, _ := io.ReadAll(out.Body)
		out.Body.Close()
		if string(data) != string(a.Data) || aws.ToString(out.ContentType) != a.ContentType || !strings.Contains(aws.ToString(out.CacheControl), "max-age=60") {
			t.Errorf("%s stored as %q (%s, %s)", a.Name, data, aws.ToString(out.ContentType), aws.ToString(out.CacheControl))
		}
	}
}
