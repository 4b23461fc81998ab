package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	st "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/hoithi/hoithi/infra/localenv"
	"github.com/hoithi/hoithi/shared/platform"
)

// streamMapping plays a Lambda event source mapping on the table's stream
// (platform.StreamSource, as infra/functions.go configures it on AWS): it
// polls the stream of the local DynamoDB server, keeps the records the
// mapping's filter lets through, and invokes the function's binary with
// batches of them in order. A batch whose invocation fails is halved
// (Bisect) and tried again; a partial failure (the function's
// BatchItemFailures) is tried again from the failed record; after MaxRetries
// tries, or once its records are MaxRecordAge old, a batch is given up: a
// JSON file under StateDir/dead-letters/ takes the place of the dead-letter
// queue's message. Where AWS waits between tries, this waits Backoff,
// doubling, up to 30 times it.
//
// Dynoxide's streams have one shard per table and report an ending sequence
// number on the open shard (AWS leaves it unset until the shard closes), so
// the poller never takes a shard for closed: it reads until the iterator
// ends.
type streamMapping struct {
	p   *Platform
	fn  platform.Function
	src platform.StreamSource
	// name is the mapping's (platform.MappingName): checkpoints and dead letters
	name    string
	streams *dynamodbstreams.Client
	// Backoff is the first wait after a failed try.
	Backoff time.Duration

	down        atomic.Bool
	invocations atomic.Int64
	failures    atomic.Int64
	deadLetters atomic.Int64

	mu          sync.Mutex
	checkpoints map[string]string // shard → last sequence number handled
}

// streamRecord is a stream record with what the mapping needs of it.
type streamRecord struct {
	shard    string
	seq      string
	at       time.Time
	rawImage map[string]any
}

// SetDown makes the function unavailable (true) or available again: while
// down, every invocation fails as a throttled or crashing function's does,
// and the records wait in the stream.
func (m *streamMapping) SetDown(down bool) { m.down.Store(down) }

// Stats are how many invocations, failed invocations and given-up batches
// the mapping has seen.
func (m *streamMapping) Stats() (invocations, failures, deadLetters int64) {
	return m.invocations.Load(), m.failures.Load(), m.deadLetters.Load()
}

// startStreams starts a mapping for every function fed by the stream; they
// stop with ctx.
func (p *Platform) startStreams(ctx context.Context) {
	cfg := p.awsConfig()
	client := dynamodbstreams.NewFromConfig(cfg, func(o *dynamodbstreams.Options) { o.BaseEndpoint = aws.String(p.DynamoURL) })
	for _, f := range platform.Functions {
		for _, src := range f.Streams {
			m := &streamMapping{p: p, fn: f, src: src, name: platform.MappingName(f, src), streams: client, Backoff: 500 * time.Millisecond, checkpoints: map[string]string{}}
			m.loadCheckpoints()
			p.mappings[m.name] = m
			go m.run(ctx)
		}
	}
}

// run polls until ctx ends.
func (m *streamMapping) run(ctx context.Context) {
	iterators := map[string]*string{}
	for ctx.Err() == nil {
		got, err := m.poll(ctx, iterators)
		if err != nil && ctx.Err() == nil {
			fmt.Fprintf(os.Stderr, "localdev: stream of %s: %v\n", m.name, err)
		}
		if got == 0 || err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
}

// poll reads each shard once from where it stopped, handles what it read,
// and returns how many records it read.
func (m *streamMapping) poll(ctx context.Context, iterators map[string]*string) (int, error) {
	db, _ := m.p.Clients()
	table, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(m.p.Table)})
	if err != nil {
		return 0, err
	}
	arn := table.Table.LatestStreamArn
	if arn == nil {
		return 0, errors.New("the table has no stream")
	}
	desc, err := m.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: arn})
	if err != nil {
		return 0, err
	}
	total := 0
	for _, sh := range desc.StreamDescription.Shards {
		id := aws.ToString(sh.ShardId)
		if iterators[id] == nil {
			in := &dynamodbstreams.GetShardIteratorInput{StreamArn: arn, ShardId: sh.ShardId, ShardIteratorType: st.ShardIteratorTypeTrimHorizon}
			if seq := m.checkpoint(id); seq != "" {
				in.ShardIteratorType, in.SequenceNumber = st.ShardIteratorTypeAfterSequenceNumber, aws.String(seq)
			}
			it, err := m.streams.GetShardIterator(ctx, in)
			if err != nil {
				return total, err
			}
			iterators[id] = it.ShardIterator
		}
		out, err := m.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iterators[id], Limit: aws.Int32(1000)})
		if err != nil {
			delete(iterators, id) // expired iterator: start again from the checkpoint
			return total, err
		}
		if out.NextShardIterator != nil {
			iterators[id] = out.NextShardIterator
		}
		total += len(out.Records)
		var batch []streamRecord
		for _, r := range out.Records {
			rec, ok := m.filter(id, aws.ToString(arn), r)
			if !ok {
				continue
			}
			batch = append(batch, rec)
			if len(batch) == m.src.BatchSize {
				m.deliver(ctx, batch)
				batch = nil
			}
		}
		if len(batch) > 0 {
			m.deliver(ctx, batch)
		}
		if n := len(out.Records); n > 0 {
			m.setCheckpoint(id, aws.ToString(out.Records[n-1].Dynamodb.SequenceNumber))
		}
	}
	return total, nil
}

// filter applies the mapping's filter criteria (event name, partition and
// sort key prefixes) and makes the Lambda event record.
func (m *streamMapping) filter(shard, arn string, r st.Record) (streamRecord, bool) {
	if r.Dynamodb == nil || string(r.EventName) != m.src.EventName {
		return streamRecord{}, false
	}
	pk, _ := r.Dynamodb.Keys[platform.AttrPK].(*st.AttributeValueMemberS)
	if pk == nil || !strings.HasPrefix(pk.Value, m.src.KeyPrefix) {
		return streamRecord{}, false
	}
	if m.src.SortKeyPrefix != "" {
		if sk, _ := r.Dynamodb.Keys[platform.AttrSK].(*st.AttributeValueMemberS); sk == nil || !strings.HasPrefix(sk.Value, m.src.SortKeyPrefix) {
			return streamRecord{}, false
		}
	}
	ev := map[string]any{
		"eventID": aws.ToString(r.EventID), "eventName": string(r.EventName), "eventVersion": "1.1", "eventSource": "aws:dynamodb",
		"awsRegion": localenv.Region, "eventSourceARN": arn,
		"dynamodb": map[string]any{
			"Keys": lambdaImage(r.Dynamodb.Keys), "NewImage": lambdaImage(r.Dynamodb.NewImage),
			"SequenceNumber": aws.ToString(r.Dynamodb.SequenceNumber), "SizeBytes": aws.ToInt64(r.Dynamodb.SizeBytes),
			"StreamViewType": string(r.Dynamodb.StreamViewType),
		},
	}
	at := time.Now()
	if t := r.Dynamodb.ApproximateCreationDateTime; t != nil {
		at = *t
		ev["dynamodb"].(map[string]any)["ApproximateCreationDateTime"] = t.Unix()
	}
	return streamRecord{shard: shard, seq: aws.ToString(r.Dynamodb.SequenceNumber), at: at, rawImage: ev}, true
}

// deliver invokes the function with batch until it is handled or given up.
func (m *streamMapping) deliver(ctx context.Context, batch []streamRecord) {
	pending := [][]streamRecord{batch}
	tries := 0
	for len(pending) > 0 && ctx.Err() == nil {
		b := pending[0]
		if time.Since(b[0].at) > m.src.MaxRecordAge {
			m.giveUp(b, "RecordAgeExceeded", tries)
			pending, tries = pending[1:], 0
			continue
		}
		failedAt, err := m.invoke(ctx, b)
		if err == nil && failedAt < 0 {
			pending, tries = pending[1:], 0
			continue
		}
		m.failures.Add(1)
		if err == nil {
			b = b[failedAt:] // partial failure: again from the failed record
		}
		tries++
		if tries > m.src.MaxRetries {
			m.giveUp(b, "RetryAttemptsExhausted", tries)
			pending, tries = pending[1:], 0
			continue
		}
		if err != nil && m.src.Bisect && len(b) > 1 {
			half := len(b) / 2
			pending = append([][]streamRecord{b[:half], b[half:]}, pending[1:]...)
		} else {
			pending[0] = b
		}
		wait := min(m.Backoff<<min(tries-1, 5), 30*m.Backoff)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

// invoke runs the function once with b; it returns the index in b of the
// first record the function reported failed (-1: none), or the
// invocation's error. An unknown item identifier fails the whole batch, as
// on AWS.
func (m *streamMapping) invoke(ctx context.Context, b []streamRecord) (int, error) {
	m.invocations.Add(1)
	if m.down.Load() {
		return 0, errors.New("function unavailable")
	}
	recs := make([]any, len(b))
	for i, r := range b {
		recs[i] = r.rawImage
	}
	event, err := json.Marshal(map[string]any{"Records": recs})
	if err != nil {
		return 0, err
	}
	ictx, cancel := context.WithTimeout(ctx, m.fn.Timeout)
	defer cancel()
	out, err := m.p.RunEvent(ictx, m.fn.Name, event)
	// The function logs to stdout (as on Lambda) and prints its result last.
	out = bytes.TrimRight(out, "\n")
	logs, result := []byte(nil), out
	if i := bytes.LastIndexByte(out, '\n'); i >= 0 {
		logs, result = out[:i+1], out[i+1:]
	}
	m.log(logs)
	if err != nil {
		return 0, err
	}
	var resp events.DynamoDBEventResponse
	if err := json.Unmarshal(result, &resp); err != nil {
		return 0, fmt.Errorf("%s answered %q: %w", m.fn.Name, out, err)
	}
	first := -1
	for _, f := range resp.BatchItemFailures {
		i := indexOfSeq(b, f.ItemIdentifier)
		if i < 0 {
			return 0, fmt.Errorf("%s reported an unknown record %q", m.fn.Name, f.ItemIdentifier)
		}
		if first < 0 || i < first {
			first = i
		}
	}
	return first, nil
}

// log appends an invocation's log lines to StateDir/logs/<function>.log.
func (m *streamMapping) log(lines []byte) {
	if len(lines) == 0 {
		return
	}
	if f, err := os.OpenFile(m.p.path("logs", m.fn.Name+".log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
		_, _ = f.Write(lines)
		f.Close()
	}
}

func indexOfSeq(b []streamRecord, seq string) int {
	for i, r := range b {
		if r.seq == seq {
			return i
		}
	}
	return -1
}

// giveUp writes what the on-failure destination receives on AWS: where the
// given-up records are in the stream (not the records).
func (m *streamMapping) giveUp(b []streamRecord, why string, tries int) {
	m.deadLetters.Add(1)
	msg := map[string]any{
		"version": "1.0", "timestamp": time.Now().UTC().Format(time.RFC3339Nano),
		"requestContext": map[string]any{"condition": why, "approximateInvokeCount": tries, "functionArn": "local:" + m.fn.Name},
		"DDBStreamBatchInfo": map[string]any{
			"shardId": b[0].shard, "startSequenceNumber": b[0].seq, "endSequenceNumber": b[len(b)-1].seq,
			"approximateArrivalOfFirstRecord": b[0].at.UTC().Format(time.RFC3339), "approximateArrivalOfLastRecord": b[len(b)-1].at.UTC().Format(time.RFC3339),
			"batchSize": len(b),
		},
	}
	data, _ := json.MarshalIndent(msg, "", "  ")
	dir := m.p.path("dead-letters")
	if err := os.MkdirAll(dir, 0o755); err == nil {
		_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.json", m.name, time.Now().UnixNano())), data, 0o644)
	}
	fmt.Fprintf(os.Stderr, "localdev: %s: gave up %d stream records (%s), see %s\n", m.name, len(b), why, dir)
}

func (m *streamMapping) checkpointFile() string {
	return m.p.path("streams", m.p.Table+"-"+m.name+".json")
}

func (m *streamMapping) loadCheckpoints() {
	data, err := os.ReadFile(m.checkpointFile())
	if err == nil {
		_ = json.Unmarshal(data, &m.checkpoints)
	}
}

func (m *streamMapping) checkpoint(shard string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.checkpoints[shard]
}

// setCheckpoint records where a shard was read to (kept across restarts of
// make dev, as the mapping's position is on AWS).
func (m *streamMapping) setCheckpoint(shard, seq string) {
	m.mu.Lock()
	m.checkpoints[shard] = seq
	data, _ := json.Marshal(m.checkpoints)
	m.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(m.checkpointFile()), 0o755); err == nil {
		_ = os.WriteFile(m.checkpointFile(), data, 0o644)
	}
}

// lambdaImage is an item image in the Lambda event's DynamoDB JSON.
func lambdaImage(item map[string]st.AttributeValue) map[string]any {
	if item == nil {
		return nil
	}
	out := make(map[string]any, len(item))
	for k, v := range item {
		out[k] = lambdaValue(v)
	}
	return out
}

func lambdaValue(v st.AttributeValue) map[string]any {
	switch v := v.(type) {
	case *st.AttributeValueMemberS:
		return map[string]any{"S": v.Value}
	case *st.AttributeValueMemberN:
		return map[string]any{"N": v.Value}
	case *st.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": v.Value}
	case *st.AttributeValueMemberNULL:
		return map[string]any{"NULL": true}
	case *st.AttributeValueMemberB:
		return map[string]any{"B": base64.StdEncoding.EncodeToString(v.Value)}
	case *st.AttributeValueMemberSS:
		return map[string]any{"SS": v.Value}
	case *st.AttributeValueMemberNS:
		return map[string]any{"NS": v.Value}
	case *st.AttributeValueMemberL:
		l := make([]any, len(v.Value))
		for i, e := range v.Value {
			l[i] = lambdaValue(e)
		}
		return map[string]any{"L": l}
	case *st.AttributeValueMemberM:
		return map[string]any{"M": lambdaImage(v.Value)}
	default:
		return map[string]any{"NULL": true}
	}
}
