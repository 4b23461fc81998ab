// Command grade takes autosaves and submissions and grades papers on the
// server's clock. Wiring only; the API is in handler.go.
package main

import (
	"context"
	"net/http"

	"github.com/hoithi/hoithi/shared/app"
	"github.com/hoithi/hoithi/shared/funcurl"
)

func main() {
	app.Main("grade", 0, func(_ context.Context, env *app.Env) (http.Handler, funcurl.EventHandler, error) {
		return NewHandler(env.Store, env.Signer, env.Config.Grace, env.Now, env.Log).Routes(), nil, nil
	})
}
