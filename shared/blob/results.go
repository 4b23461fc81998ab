package blob

import (
	"bytes"
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/hoithi/hoithi/shared/platform"
)

// ResultsPrefix is where a round's published artefacts live.
func ResultsPrefix(contestID, roundID string) string {
	return platform.PrefixResults + contestID + "/" + roundID + "/"
}

// Object is one file to publish.
type Object struct {
	Name        string
	ContentType string
	Data        []byte
}

// PutResults uploads a round's artefacts, up to putConcurrency at a time
// (a national round has hundreds of ranking pages), and the last one alone
// once the others are in: callers put the manifest last, so a reader who
// finds it finds every file it lists.
func PutResults(ctx context.Context, client objectPutter, bucket, contestID, roundID string, arts []Object) error {
	if len(arts) == 0 {
		return nil
	}
	put := func(ctx context.Context, a Object) error {
		_, err := client.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String(ResultsPrefix(contestID, roundID) + a.Name),
			Body: bytes.NewReader(a.Data), ContentType: aws.String(a.ContentType),
			CacheControl: aws.String(cacheControl),
		})
		if err != nil {
			return fmt.Errorf("publish %s of %s: %w", a.Name, roundID, err)
		}
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(putConcurrency)
	for _, a := range arts[:len(arts)-1] {
		g.Go(func() error { return put(gctx, a) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return put(ctx, arts[len(arts)-1])
}

// putConcurrency is how many artefacts PutResults uploads at once.
const putConcurrency = 16

// cacheControl is the published files' cache rule.
const cacheControl = "public, max-age=60"
