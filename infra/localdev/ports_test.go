package main

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hoithi/hoithi/shared/platform"
)

// freeDevPorts lays make dev's ports out from a base where all are free now.
func freeDevPorts(t *testing.T) Ports {
	t.Helper()
	for range 50 {
		base := 20000 + rand.IntN(10000) // below Linux's ephemeral range
		ports := devPorts(base, base+1, base+10, base+11)
		if checkPorts(ports) == nil {
			return ports
		}
	}
	t.Fatal("no free run of ports found")
	return Ports{}
}

func devArgs(p Ports) []string {
	first := 0
	for _, port := range p.Functions {
		if first == 0 || port < first {
			first = port
		}
	}
	return []string{"-site-port", strconv.Itoa(p.Site), "-function-port", strconv.Itoa(first),
		"-dynamodb-port", strconv.Itoa(p.Dynamo), "-s3-port", strconv.Itoa(p.S3)}
}

// emptyCheckout is a repository root with nothing in it but go.mod: make dev
// would write .local/ there first, and could start nothing.
func emptyCheckout(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module github.com/hoithi/hoithi\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	return root
}

func TestDevStopsBeforeAnythingWhenAPortIsTaken(t *testing.T) {
	ports := freeDevPorts(t)
	type taken struct {
		name, what, flag, makeVar string
		port                      int
	}
	cases := []taken{{"the static site's port", "the static site", "-site-port", "SITE_PORT", ports.Site}}
	for _, f := range platform.Functions {
		if f.HasURL {
			cases = append(cases, taken{"the function URL port of " + f.Name, "the function URL of " + f.Name, "-function-port", "FUNCTION_PORT", ports.Functions[f.Name]})
		}
	}
	cases = append(cases,
		taken{"the DynamoDB server's port", "the local DynamoDB server", "-dynamodb-port", "DYNAMODB_PORT", ports.Dynamo},
		taken{"the S3 server's port", "the local S3 server", "-s3-port", "S3_PORT", ports.S3},
	)
	for _, c := range cases {
		t.Run("when "+c.name+" is taken, make dev names it and its flag, having done nothing", func(t *testing.T) {
			// GIVEN a checkout and something listening on one of make dev's ports
			root := emptyCheckout(t)
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(c.port))
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			// WHEN make dev starts
			err = dev(devArgs(ports))
			// THEN it fails naming the port, what it is for and how to move it
			if err == nil {
				t.Fatal("make dev started")
			}
			for _, want := range []string{"port " + strconv.Itoa(c.port) + ",", "for " + c.what + ",", "already in use", c.flag, c.makeVar + "="} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
			// AND it did so before writing any state (key, database) or starting a server
			if _, err := os.Stat(filepath.Join(root, ".local")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf(".local was written before the port check: %v", err)
			}
		})
	}
}

func TestDevRefusesAPortGivenTwice(t *testing.T) {
	free := freeDevPorts(t)
	cases := []struct {
		name       string
		ports      Ports
		want, flag string
	}{
		{"the site on the first function URL's port", devPorts(free.Functions["auth"], free.Functions["auth"], free.Dynamo, free.S3),
			"port " + strconv.Itoa(free.Functions["auth"]) + ", for the function URL of auth, is also given to the static site", "-function-port"},
		{"the S3 server on the DynamoDB server's port", devPorts(free.Site, free.Functions["auth"], free.Dynamo, free.Dynamo),
			"port " + strconv.Itoa(free.Dynamo) + ", for the local S3 server, is also given to the local DynamoDB server", "-s3-port"},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused before anything starts", func(t *testing.T) {
			// GIVEN a checkout
			root := emptyCheckout(t)
			// WHEN make dev is given one port for two things
			err := dev(devArgs(c.ports))
			// THEN it says which, and the flag that moves one of them
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.flag) {
				t.Fatalf("got %v, want %q and %s", err, c.want, c.flag)
			}
			if _, err := os.Stat(filepath.Join(root, ".local")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf(".local was written before the port check: %v", err)
			}
		})
	}
}
