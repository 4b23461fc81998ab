// Command tally publishes weekly results: on the weekly schedule it tallies
// every closed, unpublished round; through its function URL organisers run it
// on demand and unit admins follow their unit's participation; reminder
// schedules e-mail those who have not taken part. Wiring only.
package main

import (
	"context"
	"net/http"
	"os"

	"github.com/hoithi/hoithi/shared/app"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/mail"
	"github.com/hoithi/hoithi/shared/platform"
)

func main() {
	app.Main("tally", 0, func(_ context.Context, env *app.Env) (http.Handler, funcurl.EventHandler, error) {
		sender := mail.New(env.AWS, env.Config.MailFrom, env.Config.Outbox)
		h := NewHandler(env.Store, blob.NewClient(env.AWS, env.Config.S3PathStyle), env.Config.Bucket, env.Signer, nil, env.Log).WithMail(sender, env.Config.MailRate, os.Getenv(platform.EnvSiteURL))
		return h.Routes(), h.HandleEvent, nil
	})
}
