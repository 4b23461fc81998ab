// Command units serves a unit's participation page (who of the unit's roster
// has taken part in a round so far): its own function, with its own reserved
// concurrency, so unit admins following their units at the peak never wait
// behind an organiser's tally, nor the tally behind them (docs/scale.md).
// Wiring only; the API is in handler.go.
package main

import (
	"context"
	"net/http"

	"github.com/hoithi/hoithi/shared/app"
	"github.com/hoithi/hoithi/shared/funcurl"
)

func main() {
	app.Main("units", 0, func(_ context.Context, env *app.Env) (http.Handler, funcurl.EventHandler, error) {
		return NewHandler(env.Store, env.Signer, env.Config.Grace, env.Now, env.Log).Routes(), nil, nil
	})
}
