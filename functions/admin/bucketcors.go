package main

import (
	"context"

	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/console"
	"github.com/hoithi/hoithi/shared/contest"
	"github.com/hoithi/hoithi/shared/cors"
)

// bucketCORS is what keeps the data bucket's CORS rule in step with the
// contests' origins: the deployment's site origin and bucketOrigins, and
// the bucket's client.
type bucketCORS struct {
	client blob.CORSPutter
	site   string
	deploy []string
}

// WithBucketCORS lets a settings write that changes the contest's origins
// set the data bucket's CORS rule (cors.BucketOrigins) through client, so
// that browsers on the contest's own site may upload with no redeploy.
func (h *Handler) WithBucketCORS(client blob.CORSPutter, site string, deploy []string) *Handler {
	h.cors = &bucketCORS{client: client, site: site, deploy: deploy}
	return h
}

// bucketCORSWarning is what the settings page shows when the settings were
// written but the bucket's CORS rule was not set.
const bucketCORSWarning = "Đã lưu cài đặt, nhưng chưa cập nhật được quyền tải tệp lên từ các địa chỉ trang mới của hội thi. " +
	"Hãy lưu lại cài đặt sau ít phút; nếu vẫn báo như vậy, hãy báo cho bộ phận kỹ thuật."

// syncBucketCORS sets the bucket's rule after settings old were replaced by
// next, when their origins differ: the origins of every contest's registry
// entry (one Query), the site's and the deploy's. A failure is logged and
// reported in out's warning; the settings stay written.
func (h *Handler) syncBucketCORS(ctx context.Context, old, next contest.Contest, out *console.SettingsOutcome) {
	if h.cors == nil || !out.Written || !cors.OriginsChanged(old, next) {
		return
	}
	reg, err := h.store.ListRegistry(ctx)
	if err == nil {
		err = blob.PutBucketCORS(ctx, h.cors.client, h.bucket, cors.BucketOrigins(h.cors.site, h.cors.deploy, reg))
	}
	if err != nil {
		h.log.Error("settings written but the data bucket's CORS not set", "contest", next.ID, "err", err)
		out.Warning = bucketCORSWarning
	}
}
