package lambdarie

import (
	"testing"
)

func TestParseHTTPReadsTheStreamingPrelude(t *testing.T) {
	payload := append([]byte(`{"statusCode":403,"headers":{"Content-Type":"application/json"},"cookies":["a=b"]}`), make([]byte, 8)...)
	payload = append(payload, []byte(`{"error":{"code":"not_your_paper"}}`)...)
	r, err := ParseHTTP(payload)
	if err != nil {
		t.Fatal(err)
	}
	if r.StatusCode != 403 || r.Headers["Content-Type"] != "application/json" || len(r.Cookies) != 1 || string(r.Body) != `{"error":{"code":"not_your_paper"}}` {
		t.Errorf("got %+v body %s", r, r.Body)
	}
}

func TestParseHTTPRefusesPlainResults(t *testing.T) {
	for _, payload := range []string{`{"contest":"demo","rounds":[]}`, `{"errorMessage":"boom","errorType":"errorString"}`, ""} {
		if _, err := ParseHTTP([]byte(payload)); err == nil {
			t.Errorf("ParseHTTP(%q) took a plain result for a streamed response", payload)
		}
	}
}

func TestAsFunctionError(t *testing.T) {
	cases := []struct {
		payload string
		want    bool
	}{
		{`{"errorMessage":"reject event","errorType":"errorString"}`, true},
		{`{"contest":"demo"}`, false},
		{`not json`, false},
	}
	for _, c := range cases {
		if _, got := AsFunctionError([]byte(c.payload)); got != c.want {
			t.Errorf("AsFunctionError(%s) = %v, want %v", c.payload, got, c.want)
		}
	}
}
