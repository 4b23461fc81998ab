// Command auth is the sign-in function: one-time codes by e-mail and session
// tokens. Wiring only; the API is in handler.go.
package main

import (
	"context"
	"net/http"

	"github.com/hoithi/hoithi/shared/app"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/mail"
)

func main() {
	app.Main("auth", SessionTTL, func(_ context.Context, env *app.Env) (http.Handler, funcurl.EventHandler, error) {
		sender := mail.New(env.AWS, env.Config.MailFrom, env.Config.Outbox)
		return NewHandler(env.Store, sender, env.Signer, env.TokenKey, env.Config.Contest, env.Now, env.Log).Routes(), nil, nil
	})
}
