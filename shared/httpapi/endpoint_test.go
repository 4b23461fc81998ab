package httpapi_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/fault"
	"github.com/hoithi/hoithi/shared/httpapi"
)

func TestServe(t *testing.T) {
	tests := []struct {
		name   string
		e      httpapi.Endpoint
		status int
		body   string
	}{
		{"an answer is written as JSON with its status",
			func(http.ResponseWriter, *http.Request) (int, any, error) {
				return http.StatusCreated, map[string]int{"n": 1}, nil
			},
			http.StatusCreated, `{"n":1}`},
		{"an error is written as WriteError does, whatever the body",
			func(http.ResponseWriter, *http.Request) (int, any, error) {
				return http.StatusOK, map[string]int{"n": 1}, fault.NotFound("round_not_found", "Không tìm thấy tuần thi.")
			},
			http.StatusNotFound, `"code":"round_not_found"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			httpapi.Serve(slog.New(slog.DiscardHandler), tt.e)(w, httptest.NewRequest("GET", "/", nil))
			if w.Code != tt.status || !strings.Contains(w.Body.String(), tt.body) {
				t.Errorf("got %d %s, want %d with %s", w.Code, w.Body, tt.status, tt.body)
			}
		})
	}
}
