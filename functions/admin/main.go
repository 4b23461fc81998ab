// Command admin is the organiser console's API: spreadsheets of units,
// roster, question banks and rounds checked (dry run) and written all or
// nothing, their templates, and the append-only audit log. Organisers only.
// Wiring only.
package main

import (
	"context"
	"net/http"

	"github.com/hoithi/hoithi/shared/app"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/funcurl"
)

func main() {
	app.Main("admin", 0, func(_ context.Context, env *app.Env) (http.Handler, funcurl.EventHandler, error) {
		h := NewHandler(env.Store, blob.NewClient(env.AWS, env.Config.S3PathStyle), env.Config.Bucket, env.Signer, env.Now, env.Log)
		return h.Routes(), nil, nil
	})
}
