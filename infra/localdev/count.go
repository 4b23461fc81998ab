package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// requestCounter is a reverse proxy in front of the DynamoDB-compatible
// server that counts the requests going through it by kind (X-Amz-Target),
// so the load can say how many write and read requests a paper costs. Each
// function gets its own (countingProxies), so the counts are by function.
type requestCounter struct {
	writes, reads, other atomic.Int64
	conns                atomic.Int64 // connections opened to it
	proxy                *httputil.ReverseProxy
}

// DynamoDB operations counted as writes and as reads; the rest (DescribeTable…)
// are counted apart.
var (
	dynamoWrites = map[string]bool{"PutItem": true, "UpdateItem": true, "DeleteItem": true, "TransactWriteItems": true, "BatchWriteItem": true}
	dynamoReads  = map[string]bool{"GetItem": true, "Query": true, "BatchGetItem": true, "TransactGetItems": true, "Scan": true}
)

func newRequestCounter(target *url.URL) *requestCounter {
	return &requestCounter{proxy: localProxy(target)}
}

func (c *requestCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// X-Amz-Target: DynamoDB_20120810.PutItem
	op := r.Header.Get("X-Amz-Target")
	op = op[strings.LastIndexByte(op, '.')+1:]
	switch {
	case dynamoWrites[op]:
		c.writes.Add(1)
	case dynamoReads[op]:
		c.reads.Add(1)
	default:
		c.other.Add(1)
	}
	c.proxy.ServeHTTP(w, r)
}

// requestCount is what a counter has seen.
type requestCount struct{ Writes, Reads, Other, Conns int64 }

func (c *requestCounter) count() requestCount {
	return requestCount{c.writes.Load(), c.reads.Load(), c.other.Load(), c.conns.Load()}
}

func (a requestCount) minus(b requestCount) requestCount {
	return requestCount{a.Writes - b.Writes, a.Reads - b.Reads, a.Other - b.Other, a.Conns - b.Conns}
}

// countingProxies puts a counter in front of the datastore for each named
// function and returns the counters and the address each function is to use
// (its AWS_ENDPOINT_URL_DYNAMODB). The servers end with the platform.
func (p *Platform) countingProxies(functions []string) (map[string]*requestCounter, error) {
	target, err := url.Parse(p.DynamoURL)
	if err != nil {
		return nil, err
	}
	counters := map[string]*requestCounter{}
	if p.FunctionEnv == nil {
		p.FunctionEnv = map[string][]string{}
	}
	for _, fn := range functions {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		c := newRequestCounter(target)
		srv := &http.Server{Handler: c, ReadHeaderTimeout: 5 * time.Second, ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				c.conns.Add(1)
			}
		}}
		p.servers = append(p.servers, srv)
		go func() { _ = srv.Serve(l) }()
		counters[fn] = c
		p.FunctionEnv[fn] = append(p.FunctionEnv[fn], fmt.Sprintf("AWS_ENDPOINT_URL_DYNAMODB=http://%s", l.Addr()))
	}
	return counters, nil
}
