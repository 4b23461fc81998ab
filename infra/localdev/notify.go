package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoithi/hoithi/infra/localenv"
	"github.com/hoithi/hoithi/shared/blob"
	"github.com/hoithi/hoithi/shared/clip"
	"github.com/hoithi/hoithi/shared/dynamo"
	"github.com/hoithi/hoithi/shared/platform"
)

// clipsFunction is the function the bucket notifies of clip uploads.
const clipsFunction = "clips"

// s3Notifier plays the data bucket's event notification: versitygw posts
// every bucket event to it (--event-webhook-url), and it hands ObjectCreated
// events under clips/ to the clips function's binary, as the notification
// the stack configures does on AWS. versitygw leaves the key empty on POST
// (browser form) uploads; for those it looks up the uploads issued and not
// yet checked whose object now exists, and notifies each (the function's
// check is idempotent, so a notification too many changes nothing).
type s3Notifier struct {
	p      *Platform
	queue  chan []byte
	ready  atomic.Bool // the functions run: events may be handed on
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	log    io.Writer
}

// startNotifier serves the webhook on loopback and returns its URL. It must
// run before versitygw starts: versitygw exits if the webhook is unreachable.
func (p *Platform) startNotifier() (string, error) {
	if err := os.MkdirAll(p.path("logs"), 0o755); err != nil {
		return "", err
	}
	logf, err := os.Create(p.path("logs", "s3-events.log"))
	if err != nil {
		return "", err
	}
	port, err := freePort()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := &s3Notifier{p: p, queue: make(chan []byte, 256), ctx: ctx, cancel: cancel, done: make(chan struct{}), log: logf}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	if err := p.serve(addr, n); err != nil {
		cancel()
		return "", err
	}
	go n.run()
	p.notifier = n
	return "http://" + addr + "/s3-events", nil
}

func (n *s3Notifier) logf(format string, args ...any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	fmt.Fprintf(n.log, time.Now().Format(time.RFC3339)+" "+format+"\n", args...)
}

// ServeHTTP takes one webhook post and answers at once (versitygw gives a
// webhook 3 seconds); the events are handled in order by run.
func (n *s3Notifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	select {
	case n.queue <- body:
	default:
		n.logf("queue full: event dropped: %s", body)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (n *s3Notifier) run() {
	defer close(n.done)
	for {
		select {
		case <-n.ctx.Done():
			return
		case raw := <-n.queue:
			n.handle(raw)
		}
	}
}

// stop ends the worker (after the webhook server is shut down).
func (n *s3Notifier) stop() {
	n.cancel()
	<-n.done
	if c, ok := n.log.(io.Closer); ok {
		_ = c.Close()
	}
}

// versityEvent is the part of a versitygw notification used here (AWS's
// record layout, event names with an "s3:" prefix).
type versityEvent struct {
	Records []struct {
		EventName string `json:"eventName"`
		S3        struct {
			Bucket struct {
				Name string `json:"name"`
			} `json:"bucket"`
			Object struct {
				Key  string  `json:"key"`
				Size int64   `json:"size"`
				ETag *string `json:"eTag"`
			} `json:"object"`
		} `json:"s3"`
	} `json:"Records"`
}

func (n *s3Notifier) handle(raw []byte) {
	p := n.p
	if p.Bucket == "" || !n.ready.Load() {
		return // servers only (localdev exec), or the functions are not up yet
	}
	var ev versityEvent
	if err := json.Unmarshal(raw, &ev); err != nil || len(ev.Records) == 0 {
		return // versitygw's start-up test event, or nothing to do
	}
	for _, rec := range ev.Records {
		name := strings.TrimPrefix(rec.EventName, "s3:")
		if !strings.HasPrefix(name, "ObjectCreated:") || rec.S3.Bucket.Name != p.Bucket {
			continue
		}
		key := rec.S3.Object.Key
		if key != "" {
			if !strings.HasPrefix(key, platform.PrefixClips) {
				continue // the notification's prefix filter
			}
			tag := ""
			if rec.S3.Object.ETag != nil {
				tag = *rec.S3.Object.ETag
			}
			n.notify(name, key, rec.S3.Object.Size, tag)
			continue
		}
		for _, o := range n.pendingObjects() {
			n.notify(name, o.key, o.size, o.etag)
		}
	}
}

type object struct {
	key  string
	size int64
	etag string
}

// pendingObjects lists the objects of uploads issued and not yet checked.
func (n *s3Notifier) pendingObjects() []object {
	p := n.p
	db, obj := p.Clients()
	clips, err := dynamo.New(db, p.Table, nil).ListClips(n.ctx, p.Contest, "", clip.Uploading)
	if err != nil {
		n.logf("list pending uploads: %v", err)
		return nil
	}
	var out []object
	for _, c := range clips {
		head, err := obj.HeadObject(n.ctx, &s3.HeadObjectInput{Bucket: aws.String(p.Bucket), Key: aws.String(c.Key)})
		if err != nil {
			continue // not uploaded yet
		}
		out = append(out, object{key: c.Key, size: aws.ToInt64(head.ContentLength), etag: aws.ToString(head.ETag)})
	}
	return out
}

func (n *s3Notifier) notify(name, key string, size int64, etag string) {
	out, err := n.p.RunEvent(n.ctx, clipsFunction, S3ObjectCreatedEvent(n.p.Bucket, key, size, etag, name))
	if err != nil {
		n.logf("%s %s: %v", name, key, err)
		return
	}
	n.logf("%s %s: %s", name, key, strings.TrimSpace(string(out)))
}

// S3ObjectCreatedEvent is the notification S3 sends to Lambda for a new object.
func S3ObjectCreatedEvent(bucket, key string, size int64, etag, name string) []byte {
	ev := map[string]any{"Records": []any{map[string]any{
		"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": localenv.Region,
		"eventTime": time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), "eventName": name,
		"userIdentity":      map[string]string{"principalId": localenv.AccessKey},
		"requestParameters": map[string]string{"sourceIPAddress": "127.0.0.1"},
		"responseElements":  map[string]string{"x-amz-request-id": randomHex(8), "x-amz-id-2": randomHex(32)},
		"s3": map[string]any{
			"s3SchemaVersion": "1.0", "configurationId": "clip-uploads",
			"bucket": map[string]any{"name": bucket, "ownerIdentity": map[string]string{"principalId": localenv.AccessKey}, "arn": "arn:aws:s3:::" + bucket},
			"object": map[string]any{"key": key, "size": size, "eTag": strings.Trim(etag, `"`), "sequencer": strings.ToUpper(randomHex(9))},
		},
	}}}
	data, _ := json.Marshal(ev)
	return data
}

// connectClipUploads lets browsers upload from the site straight to the
// local bucket (its CORS rule, as the stack sets it) and starts handing
// notifications to the clips function. The functions must be running.
func (p *Platform) connectClipUploads(ctx context.Context) error {
	if _, ok := platform.FunctionNamed(clipsFunction); !ok || p.Bucket == "" {
		return nil
	}
	_, obj := p.Clients()
	if err := blob.PutBucketCORS(ctx, obj, p.Bucket, []string{p.SiteURL}); err != nil {
		return err
	}
	if p.notifier != nil {
		p.notifier.ready.Store(true)
	}
	return nil
}
