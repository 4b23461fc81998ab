// Command quiz serves rounds and papers: it draws each participant's paper
// from the round's bank, which it loads once per warm container and never
// sends. Wiring only; the API is in handler.go.
package main

import (
	"context"
	"net/http"

	"github.com/hoithi/hoithi/shared/app"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/funcurl"
)

func main() {
	app.Main("quiz", 0, func(_ context.Context, env *app.Env) (http.Handler, funcurl.EventHandler, error) {
		banks := blob.NewBanks(blob.NewClient(env.AWS, env.Config.S3PathStyle), env.Config.Bucket)
		return NewHandler(env.Store, banks, env.Signer, env.Config.Contest, env.Config.Grace, env.Now, env.Log).WithTokenKey(env.TokenKey).Routes(), nil, nil
	})
}
