// Command remind runs reminder e-mails on its schedules: a schedule's run
// splits the slot's work into one job per unit (mid-week each unit admin
// gets the list of who has not taken part yet; on the last day, everyone
// still missing gets a reminder too), and each job, from the table's
// stream, counts its unit and queues its e-mails for the mailer. It has no
// function URL and no token key. Wiring only; the work is in handler.go and
// remind.go.
package main

import (
	"context"
	"os"

	"github.com/hoithi/hoithi/shared/app"
	"github.com/hoithi/hoithi/shared/funcurl"
	"github.com/hoithi/hoithi/shared/platform"
)

func main() {
	app.MainEvents("remind", func(_ context.Context, env *app.Env) (funcurl.EventHandler, error) {
		h := NewHandler(env.Store, env.Config.MailRate, os.Getenv(platform.EnvSiteURL), env.Config.Grace, env.Now, env.Log)
		return h.HandleEvent, nil
	})
}
