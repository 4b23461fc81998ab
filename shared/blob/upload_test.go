package blob_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/testenv"
)

func TestAnUploadPublishesWhatWasWritten(t *testing.T) {
	client, bucket := testenv.Bucket(t)
	ctx := context.Background()
	tests := []struct {
		name   string
		size   int
		writes int // the data is written in this many pieces
	}{
		{"an empty file is one small object", 0, 1},
		{"a small file written in pieces is one object", 1000, 7},
		{"a file of exactly one part", blob.PartSize, 3},
		{"a file of several parts and a short last one", 2*blob.PartSize + 12345, 41},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := bytes.Repeat([]byte("Kết quả; "), tt.size/len("Kết quả; ")+1)[:tt.size]
			name := strings.ReplaceAll(tt.name, " ", "-") + ".csv"
			u := blob.NewResultUpload(ctx, client, bucket, "c1", "tuan-1", name, "text/csv; charset=utf-8")
			step := max(1, len(data)/tt.writes)
			for i := 0; i < len(data); i += step {
				if _, err := u.Write(data[i:min(len(data), i+step)]); err != nil {
					t.Fatal(err)
				}
			}
			if err := u.Close(); err != nil {
				t.Fatal(err)
			}
			out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(blob.ResultsPrefix("c1", "tuan-1") + name)})
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(out.Body)
			out.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) || aws.ToString(out.ContentType) != "text/csv; charset=utf-8" || !strings.Contains(aws.ToString(out.CacheControl), "max-age=60") {
				t.Errorf("got %d bytes (equal %v), type %q, cache %q", len(got), bytes.Equal(got, data), aws.ToString(out.ContentType), aws.ToString(out.CacheControl))
			}
		})
	}
}
