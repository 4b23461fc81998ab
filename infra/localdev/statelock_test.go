package main

import (
	"strings"
	"testing"
)

func TestOneDevRunPerStateDirectory(t *testing.T) {
	dir := t.TempDir()
	first, err := lockState(dir)
	if err != nil {
		t.Fatalf("the first run could not take the state: %v", err)
	}
	t.Run("a second run on the same state is refused, naming the holder and how to run beside it", func(t *testing.T) {
		_, err := lockState(dir)
		if err == nil {
			t.Fatal("two runs hold one state directory")
		}
		for _, want := range []string{"another `make dev` (process", dir, "STATE=", "SITE_PORT="} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("the refusal %q does not say %q", err, want)
			}
		}
	})
	t.Run("a run on another state directory starts", func(t *testing.T) {
		other, err := lockState(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		other.release()
	})
	t.Run("once the first run ends, the state is free again", func(t *testing.T) {
		first.release()
		again, err := lockState(dir)
		if err != nil {
			t.Fatal(err)
		}
		again.release()
	})
}
