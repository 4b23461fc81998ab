// Command admin is the organiser console's API: spreadsheets of units,
// roster, question banks and rounds checked (dry run) and written all or
// nothing (large files through a presigned PUT), their templates, the
// settings, roles and rounds, and the append-only audit log. Organisers
// only. Wiring only.
package main

import (
	"context"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/app"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/importer"
)

func main() {
	app.Main("admin", 0, func(_ context.Context, env *app.Env) (http.Handler, funcurl.EventHandler, error) {
		objects := blob.NewClient(env.AWS, env.Config.S3PathStyle)
		h := NewHandler(env.Store, objects, s3.NewPresignClient(objects), env.Config.Bucket, env.Signer, env.Now, env.Log).
			WithDeployment(importer.Deployment{MailRate: float64(env.Config.MailRate), MailDomains: env.Config.MailDomains}).
			WithBucketCORS(objects, env.Config.SiteURL, env.Config.BucketOrigins)
		return h.Routes(), nil, nil
	})
}
