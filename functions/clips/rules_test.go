package main

import (
	"net/http"
	"testing"

	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/testenv"
)

// TestWhoMayDoWhatWithAnyStore runs the access rules through the routes on
// testenv.SeededDemo (in memory under plain go test) and an in-memory bucket.
func TestWhoMayDoWhatWithAnyStore(t *testing.T) {
	a := newMemoryClipsAPI(t, nil)
	routes := a.routes
	tok := func(email string) string { return a.demo.TokenFor(t, email) }
	adminA, adminB := tok(rosterOf(unitA)[0].Email), tok(rosterOf(unitB)[0].Email)
	participant, organiser := tok(rosterOf(unitA)[1].Email), tok("btc@"+demo.Domain)
	juror := tok("giamkhao1@" + demo.Domain)

	r := testenv.Call(t, routes, "POST", "/uploads", adminA, map[string]any{"title": "Phóng sự", "genre": "phong-su", "size": 1000, "contentType": "video/mp4"})
	r.Expect(t, http.StatusCreated, "")
	var u struct {
		Clip clip.View `json:"clip"`
	}
	r.Decode(t, &u)
	if u.Clip.UnitID != unitA || u.Clip.Status != clip.Uploading {
		t.Fatalf("upload opened %+v", u.Clip)
	}
	id := u.Clip.ID
	upload := map[string]any{"title": "x", "genre": "khac", "size": 10, "contentType": "video/mp4"}
	scores := map[string]any{"scores": map[string]int{"noi-dung": 9}}
	tests := []struct {
		name, token, method, path string
		body                      any
		status                    int
		code                      string
	}{
		{"a request without a token is refused", "", "POST", "/uploads", upload, http.StatusUnauthorized, "token_missing"},
		{"a participant requests no upload", participant, "POST", "/uploads", upload, http.StatusForbidden, "unit_admin_only"},
		{"an organiser requests no upload", organiser, "POST", "/uploads", upload, http.StatusForbidden, "unit_admin_only"},
		{"another unit's admin cannot confirm the clip", adminB, "POST", "/clips/" + id + "/confirm", nil, http.StatusForbidden, "not_your_unit"},
		{"another unit's admin cannot complete the clip", adminB, "POST", "/clips/" + id + "/complete", map[string]any{"parts": []any{}}, http.StatusForbidden, "not_your_unit"},
		{"another unit's admin cannot abort the upload", adminB, "DELETE", "/clips/" + id + "/upload", nil, http.StatusForbidden, "not_your_unit"},
		{"an id naming no clip is not found", organiser, "POST", "/clips/not-a-clip/confirm", nil, http.StatusNotFound, "clip_not_found"},
		{"a clip uploaded by POST gets no part URLs", adminA, "POST", "/clips/" + id + "/parts", map[string]any{"partNumbers": []int{1}}, http.StatusConflict, "not_multipart"},
		{"a participant lists no clips", participant, "GET", "/clips", nil, http.StatusForbidden, "not_allowed"},
		{"a unit admin lists no other unit's clips", adminB, "GET", "/clips?unit=" + unitA, nil, http.StatusForbidden, "not_your_unit"},
		{"an organiser's unknown status filter is refused", organiser, "GET", "/clips?status=pending", nil, http.StatusBadRequest, "invalid_filter"},
		{"a unit admin lists the unit's clips", adminA, "GET", "/clips", nil, http.StatusOK, ""},
		{"a juror lists the accepted clips", juror, "GET", "/clips", nil, http.StatusOK, ""},
		{"a participant scores nothing", participant, "PUT", "/clips/" + id + "/scores", scores, http.StatusForbidden, "jury_only"},
		{"a unit admin scores nothing", adminA, "PUT", "/clips/" + id + "/scores", scores, http.StatusForbidden, "jury_only"},
		{"a juror does not score a clip still uploading", juror, "PUT", "/clips/" + id + "/scores", scores, http.StatusConflict, "clip_not_accepted"},
		{"a participant sees no ranking", participant, "GET", "/ranking", nil, http.StatusForbidden, "not_allowed"},
		{"a juror sees the ranking", juror, "GET", "/ranking", nil, http.StatusOK, ""},
		{"a juror publishes no ranking", juror, "POST", "/ranking/publish", nil, http.StatusForbidden, "organiser_only"},
		{"a juror does not follow the jury", juror, "GET", "/jury/progress", nil, http.StatusForbidden, "organiser_only"},
		{"anyone sees the gallery without a token", "", "GET", "/gallery", nil, http.StatusOK, ""},
		{"a gallery of a malformed contest is not found", "", "GET", "/gallery?contest=H%E1%BB%99i", nil, http.StatusNotFound, "contest_not_found"},
		{"an organiser follows the jury", organiser, "GET", "/jury/progress", nil, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testenv.Call(t, routes, tt.method, tt.path, tt.token, tt.body).Expect(t, tt.status, tt.code)
		})
	}
}
