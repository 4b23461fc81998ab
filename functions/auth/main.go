// Command auth is the sign-in function: one-time codes by e-mail (queued in
// the outbox, sent by the mailer) and session tokens. Wiring only; the API is in handler.go.
package main

import (
	"context"
	"net/http"

	"github.com/hoithi/hoithi/shared/app"
	"github.com/hoithi/hoithi/shared/funcurl"
)

func main() {
	app.Main("auth", SessionTTL, func(_ context.Context, env *app.Env) (http.Handler, funcurl.EventHandler, error) {
		return NewHandler(env.Store, env.Signer, env.TokenKey, env.Config.Contest, env.Now, env.Log).Routes(), nil, nil
	})
}
