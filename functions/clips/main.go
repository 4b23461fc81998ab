// Command clips runs the clip contest: unit admins get presigned uploads
// (POST or multipart) of their clips straight to S3; each upload is checked
// (MP4, at most five minutes) on the bucket's ObjectCreated notification or
// when the unit confirms; the jury scores accepted clips. Wiring only.
package main

import (
	"context"
	"net/http"
	"os"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/app"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/funcurl"
)

func main() {
	app.Main("clips", 0, func(_ context.Context, env *app.Env) (http.Handler, funcurl.EventHandler, error) {
		settings, err := clip.FromEnv(env.Config.Bucket, os.Getenv)
		if err != nil {
			return nil, nil, err
		}
		client := blob.NewClient(env.AWS, env.Config.S3PathStyle)
		objects := blob.NewClipObjects(client, s3.NewPresignClient(client), settings.Bucket)
		h := NewHandler(env.Store, objects, env.Signer, settings, env.Config.Contest, env.Now, env.Log)
		return h.Routes(), h.HandleEvent, nil
	})
}
