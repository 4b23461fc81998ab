package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/shared/demo"
	"github.com/hoithi/hoithi/shared/testenv"
)

// TestLargeImportThroughS3 sends a roster of more than 6 MB (a function
// URL's request limit) the way the site does: a presigned PUT straight to
// the local S3 server, then the check and the write by the object's key.
func TestLargeImportThroughS3(t *testing.T) {
	a := newAdminAPI(t)
	ctx := context.Background()
	unit := a.firstUnit(t)
	var b strings.Builder
	b.WriteString("Email,Họ và tên,Mã đơn vị,Vai trò\n" + a.organiser + ",Ban Tổ chức,,Ban Tổ chức\n")
	for i := 0; b.Len() < 6<<20+(256<<10); i++ {
		fmt.Fprintf(&b, "lon.%05d@demo.hue.gov.vn,Người dự thi %05d %s,%s,Thí sinh\n", i, i, strings.Repeat("ễ", 70), unit.ID)
	}
	file := []byte(b.String())

	presign := func(t *testing.T, size int) testenv.Response {
		return testenv.Serve(a.routes, http.MethodPost, "/imports/roster/uploads", a.token, map[string]any{"name": "danh-sach.csv", "size": size, "contentType": csvType})
	}
	var key string
	t.Run("a file over 6 MB goes to the contest's imports/ prefix with a presigned PUT", func(t *testing.T) {
		r := presign(t, len(file))
		r.Check(t)
		u, _ := r.JSON["url"].(string)
		key, _ = r.JSON["key"].(string)
		if !strings.HasPrefix(key, "imports/"+demo.ContestID+"/roster/") || !strings.HasSuffix(key, ".csv") || r.JSON["method"] != "PUT" {
			t.Fatalf("body %s", r.Body)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, bytes.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", csvType)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("PUT %d", res.StatusCode)
		}
	})
	t.Run("its dry run reads it from the bucket", func(t *testing.T) {
		r := a.upload(t, a.token, "/imports/roster?dryRun=1&object="+url.QueryEscape(key), nil, "application/json")
		r.Check(t)
		if r.JSON["ok"] != true || r.JSON["written"] != false {
			t.Errorf("body %.500s", r.Body)
		}
	})
	t.Run("a key of another contest or kind is refused", func(t *testing.T) {
		for _, k := range []string{"imports/khac/roster/x.csv", strings.Replace(key, "/roster/", "/units/", 1), "banks/" + demo.ContestID + "/demo-staff.json"} {
			a.upload(t, a.token, "/imports/roster?dryRun=1&object="+url.QueryEscape(k), nil, "application/json").Expect(t, http.StatusBadRequest, "import_object")
		}
	})
	t.Run("a file over the cap gets no upload", func(t *testing.T) {
		presign(t, 11<<20).Expect(t, http.StatusBadRequest, "import_too_large")
	})
	t.Run("the write reads the same object, all or nothing, and deletes it", func(t *testing.T) {
		r := a.upload(t, a.token, "/imports/roster?object="+url.QueryEscape(key), nil, "application/json")
		r.Check(t)
		if r.JSON["written"] != true {
			t.Fatalf("body %.500s", r.Body)
		}
		if _, found, _ := a.env.Store.GetMember(ctx, demo.ContestID, "lon.00007@demo.hue.gov.vn"); !found {
			t.Error("the roster was not written")
		}
		if _, err := a.env.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &a.env.Bucket, Key: &key}); err == nil {
			t.Error("the uploaded file is still there")
		}
	})
	t.Run("an object gone is said, not guessed", func(t *testing.T) {
		a.upload(t, a.token, "/imports/roster?dryRun=1&object="+url.QueryEscape(key), nil, "application/json").Expect(t, http.StatusNotFound, "import_object")
	})
}
