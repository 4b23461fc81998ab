package clip

import (
	"fmt"
	"time"
)

// Rejection reasons (stable codes; docs/clips.md).
const (
	ReasonTooLong    = "too_long"
	ReasonNotMP4     = "not_mp4"
	ReasonTruncated  = "truncated"
	ReasonCorrupt    = "corrupt"
	ReasonNoDuration = "no_duration"
	// ReasonInconsistentDuration: the durations the file states (movie
	// header, each track's header, media header and sample table) disagree
	// (shared/mp4.ErrInconsistentDuration).
	ReasonInconsistentDuration = "inconsistent_duration"
	ReasonLargerThanDeclared   = "larger_than_declared"
	ReasonTooLarge             = "too_large"
	ReasonNotUploaded          = "not_uploaded"
	ReasonAborted              = "aborted"
	ReasonReplaced             = "replaced"
	// ReasonUnknownKey is an event's verdict on an object under clips/ that
	// no issued upload names; it has no clip.
	ReasonUnknownKey = "unknown_key"
)

// reasonMessages are what the unit is told of each reason.
var reasonMessages = map[string]string{
	ReasonTooLong:    "Video dài hơn thời lượng tối đa cho phép.",
	ReasonNotMP4:     "Tệp không phải video MP4.",
	ReasonTruncated:  "Tệp MP4 chưa được tải lên đầy đủ (bị cắt ngang). Vui lòng tải lên lại.",
	ReasonCorrupt:    "Tệp MP4 bị hỏng, không đọc được cấu trúc.",
	ReasonNoDuration: "Không đọc được thời lượng của video.",
	ReasonInconsistentDuration: "Các thông tin về thời lượng ghi trong tệp MP4 không khớp nhau (tệp có thể đã bị chỉnh sửa). " +
		"Vui lòng xuất lại video từ phần mềm dựng phim rồi tải lên lại.",
	ReasonLargerThanDeclared: "Tệp lớn hơn dung lượng đã khai báo khi yêu cầu tải lên.",
	ReasonTooLarge:           "Tệp vượt quá dung lượng tối đa cho phép.",
	ReasonNotUploaded:        "Không nhận được tệp trước khi hết hạn tải lên.",
	ReasonAborted:            "Đơn vị đã huỷ lần tải lên này.",
	ReasonReplaced:           "Tệp đã bị thay thế sau khi được kiểm tra; vui lòng tải lên lại.",
}

// Message is what the unit is told of a rejected clip ("" for a clip with no
// reason): the reason's message, with the durations where they matter.
func Message(c Clip, maxDuration time.Duration) string {
	switch {
	case c.Reason == ReasonTooLong:
		return fmt.Sprintf("Video dài %s, vượt quá thời lượng tối đa %s.", Clock(c.DurationMs), Clock(maxDuration.Milliseconds()))
	case c.Reason == ReasonInconsistentDuration && c.DurationMs > 0:
		return fmt.Sprintf("Các thông tin về thời lượng ghi trong tệp MP4 không khớp nhau (phần hình, tiếng dài tới %s; tệp có thể đã bị chỉnh sửa). "+
			"Vui lòng xuất lại video từ phần mềm dựng phim rồi tải lên lại.", Clock(c.DurationMs))
	}
	return reasonMessages[c.Reason]
}

// Clock formats milliseconds as m:ss, with tenths (rounded up, Vietnamese
// decimal comma) when there is a fraction: 300501 ms is "5:00,6", longer
// than the limit "5:00" as it should read.
func Clock(ms int64) string {
	tenths := (ms + 99) / 100
	s, d := tenths/10, tenths%10
	if d == 0 {
		return fmt.Sprintf("%d:%02d", s/60, s%60)
	}
	return fmt.Sprintf("%d:%02d,%d", s/60, s%60, d)
}
