package main

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/hoithi/hoithi/shared/platform"
)

// cors plays the function URL's CORS layer, configured exactly as the CDK
// stack configures function URLs (platform.FunctionURLCORS, site origin only).
// Handlers add no CORS headers of their own.
func cors(next http.Handler, origin string, c platform.CORS) http.Handler {
	methods := strings.Join(c.AllowMethods, ",")
	headers := strings.Join(c.AllowHeaders, ",")
	maxAge := strconv.Itoa(int(c.MaxAge.Seconds()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get("Origin")
		allowed := got != "" && got == origin
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			if allowed && slices.Contains(c.AllowMethods, r.Header.Get("Access-Control-Request-Method")) {
				w.Header().Set("Access-Control-Allow-Origin", origin)
				w.Header().Set("Access-Control-Allow-Methods", methods)
				w.Header().Set("Access-Control-Allow-Headers", headers)
				w.Header().Set("Access-Control-Max-Age", maxAge)
				w.Header().Add("Vary", "Origin")
			}
			w.WriteHeader(http.StatusOK)
			return
		}
		if allowed {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Expose-Headers", "x-request-id")
			w.Header().Add("Vary", "Origin")
		}
		next.ServeHTTP(w, r)
	})
}
