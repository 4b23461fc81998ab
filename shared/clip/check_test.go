package clip

import "testing"

func TestWhatANotificationDoesAboutACheckedClipsObject(t *testing.T) {
	accepted := Clip{Status: Accepted, ETag: `"checked"`}
	rejected := Clip{Status: Rejected}
	tests := []struct {
		name    string
		clip    Clip
		present bool
		etag    string
		want    ObjectAction
	}{
		{"an accepted clip's checked object is kept", accepted, true, `"checked"`, KeepObject},
		{"an accepted clip whose object was replaced is revoked", accepted, true, `"other"`, RevokeClip},
		{"an accepted clip whose object is gone is left as it is", accepted, false, "", KeepObject},
		{"an object under a rejected clip's key is removed", rejected, true, `"new"`, RemoveObject},
		{"a rejected clip with no object is left as it is", rejected, false, "", KeepObject},
		{"a clip still uploading is judged, not acted on", Clip{Status: Uploading}, true, `"x"`, KeepObject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.clip.OnObject(tt.present, tt.etag); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWhichS3RecordsAreClipUploads(t *testing.T) {
	const data = "data-bucket"
	tests := []struct {
		name                       string
		source, event, bucket, key string
		want                       string
	}{
		{"an object created under clips/ of the data bucket is checked", "aws:s3", "ObjectCreated:Post", data, "clips/demo/u/x.mp4", ""},
		{"the event name may carry the s3: prefix", "aws:s3", "s3:ObjectCreated:CompleteMultipartUpload", data, "clips/demo/u/x.mp4", ""},
		{"a record from elsewhere is ignored", "aws:sqs", "ObjectCreated:Put", data, "clips/demo/u/x.mp4", NoteNotS3},
		{"a removal is ignored", "aws:s3", "ObjectRemoved:Delete", data, "clips/demo/u/x.mp4", NoteNotCreated},
		{"another bucket's object is ignored", "aws:s3", "ObjectCreated:Put", "other", "clips/demo/u/x.mp4", NoteOtherBucket},
		{"an object outside clips/ is ignored", "aws:s3", "ObjectCreated:Put", data, "results/demo/r1/results.json", NoteNotUnderClips},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RecordNote(tt.source, tt.event, tt.bucket, tt.key, data); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
