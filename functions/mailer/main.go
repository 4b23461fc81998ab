// Command mailer sends the outbox's e-mails (sign-in codes, reminders) at
// the SES rate: the table's stream hands it each queued request, in order,
// codes and reminders through two mappings of their own. It has no
// function URL and no token key. Wiring only; the work is in handler.go.
package main

import (
	"context"

	"github.com/hoithi/hoithi/shared/app"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/mail"
)

func main() {
	app.MainEvents("mailer", func(_ context.Context, env *app.Env) (funcurl.EventHandler, error) {
		sender := mail.New(env.AWS, env.Config.MailFrom, env.Config.Outbox)
		return NewHandler(env.Store, sender, float64(env.Config.MailRate), env.Now, env.Log).HandleEvent, nil
	})
}
