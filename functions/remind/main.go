// Command remind e-mails reminders on its schedules: mid-week each unit
// admin gets the list of who has not taken part yet; on the last day,
// everyone still missing gets a reminder too. It has no function URL and
// no token key. Wiring only; the work is in handler.go and remind.go.
package main

import (
	"context"
	"os"

	"github.com/hoithi/hoithi/shared/app"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/mail"
	"github.com/hoithi/hoithi/shared/platform"
)

func main() {
	app.MainEvents("remind", func(_ context.Context, env *app.Env) (funcurl.EventHandler, error) {
		sender := mail.New(env.AWS, env.Config.MailFrom, env.Config.Outbox)
		h := NewHandler(env.Store, sender, env.Config.MailRate, os.Getenv(platform.EnvSiteURL), env.Config.Grace, env.Now, env.Log)
		return h.HandleEvent, nil
	})
}
