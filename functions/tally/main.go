// Command tally publishes weekly results: on its 5-minute tick it tallies
// each round its contest's schedule says is due (and, on a direct scheduled
// event for one contest, every closed, unpublished round); through its function URL organisers run it
// on demand and unit admins follow their unit's participation (reminders are
// functions/remind's). Wiring only.
package main

import (
	"context"
	"net/http"

	"github.com/hoithi/hoithi/shared/app"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/funcurl"
)

func main() {
	app.Main("tally", 0, func(_ context.Context, env *app.Env) (http.Handler, funcurl.EventHandler, error) {
		h := NewHandler(env.Store, blob.NewClient(env.AWS, env.Config.S3PathStyle), env.Config.Bucket, env.Signer, env.Config.Grace, env.Now, env.Log)
		return h.Routes(), h.HandleEvent, nil
	})
}
