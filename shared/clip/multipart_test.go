package clip

import (
	"slices"
	"testing"
	"time"

	"github.com/hoithi/hoithi/shared/fault"
)

func TestPartsOfAMultipartUpload(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name       string
		declared   int64
		partSize   int64
		wantCount  int32
		wantFirst  int
		wantLength map[int32]int64 // part number → length; -1 for invalid
	}{
		{name: "a file of whole parts has parts of one size", declared: 20 * mib, partSize: 10 * mib, wantCount: 2, wantFirst: 2,
			wantLength: map[int32]int64{1: 10 * mib, 2: 10 * mib, 0: -1, 3: -1}},
		{name: "the last part holds the rest", declared: 20 * mib, partSize: 8 * mib, wantCount: 3, wantFirst: 3,
			wantLength: map[int32]int64{1: 8 * mib, 3: 4 * mib, 4: -1}},
		{name: "a file smaller than a part is one part", declared: 1000, partSize: 8 * mib, wantCount: 1, wantFirst: 1,
			wantLength: map[int32]int64{1: 1000, 2: -1}},
		{name: "only the first 200 part URLs come with the upload", declared: 300 * 5 * mib, partSize: 5 * mib, wantCount: 300, wantFirst: InitialPartURLs,
			wantLength: map[int32]int64{300: 5 * mib, 301: -1}},
		{name: "a clip uploaded by POST has no parts", declared: 1000, wantCount: 0, wantFirst: 0,
			wantLength: map[int32]int64{1: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Clip{Method: MethodMultipart, DeclaredSize: tt.declared, PartSize: tt.partSize}
			if got := c.PartCount(); got != tt.wantCount {
				t.Errorf("PartCount = %d, want %d", got, tt.wantCount)
			}
			first := c.FirstParts()
			if len(first) != tt.wantFirst || (len(first) > 0 && (first[0] != 1 || first[len(first)-1] != int32(len(first)))) {
				t.Errorf("FirstParts = %d numbers (%v…), want 1 to %d", len(first), first[:min(len(first), 3)], tt.wantFirst)
			}
			for n, want := range tt.wantLength {
				got, err := c.PartLength(n)
				if want < 0 {
					if fault.CodeOf(err) != "invalid_part_number" {
						t.Errorf("PartLength(%d) = %d, %v; want invalid_part_number", n, got, err)
					}
					continue
				}
				if err != nil || got != want {
					t.Errorf("PartLength(%d) = %d, %v; want %d", n, got, err, want)
				}
			}
		})
	}
}

func TestWhenPartURLsExpire(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s := Settings{UploadExpiry: 15 * time.Minute}
	tests := []struct {
		name     string
		deadline time.Time
		want     time.Time
	}{
		{"far from the deadline, after the upload expiry", now.Add(24 * time.Hour), now.Add(15 * time.Minute)},
		{"near the deadline, at the deadline", now.Add(5 * time.Minute), now.Add(5 * time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Clip{UploadDeadline: tt.deadline}).PartURLsExpire(now, s); !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWhenFreshPartURLsAreHandedOut(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	open := Clip{Method: MethodMultipart, Status: Uploading, UploadDeadline: now.Add(time.Hour)}
	with := func(f func(*Clip)) Clip { c := open; f(&c); return c }
	tests := []struct {
		name  string
		clip  Clip
		count int
		want  string
	}{
		{"an open upload gets up to 1000 URLs", open, 1000, ""},
		{"a clip uploaded by POST gets none", with(func(c *Clip) { c.Method = MethodPost }), 1, "not_multipart"},
		{"a checked clip gets none", with(func(c *Clip) { c.Status = Accepted }), 1, "clip_already_checked"},
		{"an upload past its deadline gets none", with(func(c *Clip) { c.UploadDeadline = now }), 1, "upload_expired"},
		{"asking for no part is refused", open, 0, "invalid_part_number"},
		{"asking for more than 1000 parts is refused", open, 1001, "invalid_part_number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fault.CodeOf(tt.clip.MayRefreshParts(now, tt.count)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOnlyAnUploadInProgressMayBeGivenUp(t *testing.T) {
	for _, tt := range []struct {
		status, want string
	}{{Uploading, ""}, {Accepted, "clip_already_checked"}, {Rejected, "clip_already_checked"}} {
		t.Run("a clip "+tt.status+" answers "+tt.want, func(t *testing.T) {
			if got := fault.CodeOf((Clip{Status: tt.status}).MayAbort()); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAssemblingTheParts(t *testing.T) {
	held := map[int32]Part{
		1: {Number: 1, ETag: `"a"`, Size: 10},
		2: {Number: 2, ETag: `"b"`, Size: 10},
		3: {Number: 3, ETag: `"c"`, Size: 5},
	}
	tests := []struct {
		name       string
		declared   int64
		named      []Part
		wantErr    string
		wantSize   int64
		wantReason string
		wantOrder  []int32
	}{
		{name: "every part named with its ETag assembles in order", declared: 25,
			named: []Part{{Number: 3, ETag: "c"}, {Number: 1, ETag: `"a"`}, {Number: 2, ETag: "b"}}, wantSize: 25, wantOrder: []int32{1, 2, 3}},
		{name: "the first parts alone assemble", declared: 25,
			named: []Part{{Number: 1, ETag: "a"}, {Number: 2, ETag: "b"}}, wantSize: 20, wantOrder: []int32{1, 2}},
		{name: "parts adding up to more than declared reject the clip", declared: 24,
			named: []Part{{Number: 1, ETag: "a"}, {Number: 2, ETag: "b"}, {Number: 3, ETag: "c"}}, wantSize: 25,
			wantReason: ReasonLargerThanDeclared, wantOrder: []int32{1, 2, 3}},
		{name: "a part with another ETag must be sent again", declared: 25,
			named: []Part{{Number: 1, ETag: "a"}, {Number: 2, ETag: "x"}}, wantErr: "part_mismatch"},
		{name: "a part S3 does not hold must be sent again", declared: 25,
			named: []Part{{Number: 1, ETag: "a"}, {Number: 2, ETag: "b"}, {Number: 3, ETag: "c"}, {Number: 4, ETag: "d"}}, wantErr: "part_mismatch"},
		{name: "a gap in the numbers is refused", declared: 25,
			named: []Part{{Number: 1, ETag: "a"}, {Number: 3, ETag: "c"}}, wantErr: "part_mismatch"},
		{name: "naming no part is refused", declared: 25, wantErr: "invalid_parts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := (Clip{DeclaredSize: tt.declared}).Assemble(tt.named, held)
			if code := fault.CodeOf(err); code != tt.wantErr {
				t.Fatalf("error %v, want code %q", err, tt.wantErr)
			}
			var order []int32
			for _, p := range got.Parts {
				order = append(order, p.Number)
			}
			if got.Size != tt.wantSize || got.Reason != tt.wantReason || !slices.Equal(order, tt.wantOrder) {
				t.Errorf("got size %d, reason %q, parts %v; want %d, %q, %v", got.Size, got.Reason, order, tt.wantSize, tt.wantReason, tt.wantOrder)
			}
		})
	}
}
