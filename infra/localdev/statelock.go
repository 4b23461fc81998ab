package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// stateLock is a `dev` run's hold on its state directory: two runs on one
// directory would share one table's files, one bucket's and one
// endpoints.json, each overwriting what the other wrote.
type stateLock struct{ f *os.File }

// lockState takes dir's lock (dir/dev.lock), or says which run holds it and
// how to start a second copy beside it. The kernel drops the lock when the
// process ends, however it ends: no stale lock is left behind.
func lockState(dir string) (*stateLock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "dev.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		who := "another `make dev`"
		if pid, err := strconv.Atoi(strings.TrimSpace(string(holder))); err == nil && pid > 0 {
			who = fmt.Sprintf("another `make dev` (process %d)", pid)
		}
		return nil, fmt.Errorf("%s is using the state in %s: stop it first (Ctrl+C in its terminal), "+
			"or run this copy with its own state and ports, e.g. make dev STATE=.local/second SITE_PORT=8081 FUNCTION_PORT=9101 DYNAMODB_PORT=8001 S3_PORT=9100", who, dir)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &stateLock{f: f}, nil
}

// release lets another run use the state.
func (l *stateLock) release() {
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
}
