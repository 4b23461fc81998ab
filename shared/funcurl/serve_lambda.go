//go:build lambda.norpc

package funcurl

import (
	"errors"
	"log/slog"
	"net/http"
)

// serveLocal: the Lambda build (make build's -tags lambda.norpc) has no local
// HTTP server; the local platform builds the functions without the tag.
func serveLocal(http.Handler, *slog.Logger) error {
	return errors.New("not running on Lambda: this is the Lambda build (-tags lambda.norpc); " +
		"build without the tag to serve locally on LISTEN_ADDR")
}
