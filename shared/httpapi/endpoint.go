package httpapi

import (
	"log/slog"
	"net/http"
)

// Endpoint answers a request with a status and a body to encode as JSON, or
// with an error (WriteError maps it): a handler's decode → domain → store →
// encode without the writing.
type Endpoint func(w http.ResponseWriter, r *http.Request) (status int, body any, err error)

// Serve writes what e answers: the error through WriteError, else the body
// as JSON with the status.
func Serve(log *slog.Logger, e Endpoint) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status, body, err := e(w, r)
		if err != nil {
			WriteError(w, r, log, err)
			return
		}
		WriteJSON(w, status, body)
	}
}
