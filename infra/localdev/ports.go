package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/hoithi/hoithi/shared/platform"
)

// Ports chooses fixed ports (make dev) or free ones (0, tests).
type Ports struct {
	Dynamo, S3, Site int
	Functions        map[string]int
}

// devPorts lays out make dev's ports: the function URLs take consecutive
// ports from firstFunction, in the order of platform.Functions.
func devPorts(site, firstFunction, dynamo, s3 int) Ports {
	ports := Ports{Dynamo: dynamo, S3: s3, Site: site, Functions: map[string]int{}}
	for _, f := range platform.Functions {
		if f.HasURL { // event-only functions get no port
			ports.Functions[f.Name] = firstFunction + len(ports.Functions)
		}
	}
	return ports
}

// portUse is one fixed port the platform listens on: what for, and the flag
// (and make variable) that changes it.
type portUse struct {
	port    int
	what    string // "the static site"
	flag    string // "-site-port"
	makeVar string // "SITE_PORT"
	note    string // more on the flag, if any
}

// uses lists the fixed ports in the order make dev opens them (free ports,
// 0, are left out: they are chosen when needed).
func (ports Ports) uses() []portUse {
	var out []portUse
	add := func(u portUse) {
		if u.port != 0 {
			out = append(out, u)
		}
	}
	add(portUse{port: ports.Site, what: "the static site", flag: "-site-port", makeVar: "SITE_PORT"})
	fnPorts := slices.Sorted(mapValues(ports.Functions))
	for _, f := range platform.Functions {
		if port, ok := ports.Functions[f.Name]; ok {
			u := portUse{port: port, what: "the function URL of " + f.Name, flag: "-function-port", makeVar: "FUNCTION_PORT"}
			if len(fnPorts) > 1 {
				u.note = fmt.Sprintf(", the first of the %d function URL ports, now %d–%d", len(fnPorts), fnPorts[0], fnPorts[len(fnPorts)-1])
			}
			add(u)
		}
	}
	add(portUse{port: ports.Dynamo, what: "the local DynamoDB server", flag: "-dynamodb-port", makeVar: "DYNAMODB_PORT"})
	add(portUse{port: ports.S3, what: "the local S3 server", flag: "-s3-port", makeVar: "S3_PORT"})
	return out
}

// listenError explains a failure to listen on a fixed port as checkPorts
// does (a port taken between the check and the start).
func (ports Ports) listenError(port int, err error) error {
	for _, u := range ports.uses() {
		if u.port == port {
			return u.clash(inUse(port, err))
		}
	}
	return err
}

func mapValues(m map[string]int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}

// clash is the error for a port that cannot be had: which port, what for,
// who holds it if that can be seen, and how to choose another.
func (u portUse) clash(cause string) error {
	stop := "stop what listens there or "
	if strings.HasPrefix(cause, "is also given") {
		stop = ""
	}
	return fmt.Errorf("port %d, for %s, %s: %schoose another port with %s (make dev %s=…)%s",
		u.port, u.what, cause, stop, u.flag, u.makeVar, u.note)
}

// checkPorts makes sure every fixed port is free and given once, before
// anything is started, seeded or built. It fails with one line per port.
func checkPorts(ports Ports) error {
	var errs []error
	first := map[int]portUse{}
	for _, u := range ports.uses() {
		if other, dup := first[u.port]; dup {
			errs = append(errs, u.clash("is also given to "+other.what))
			continue
		}
		first[u.port] = u
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(u.port)))
		if err != nil {
			errs = append(errs, u.clash(inUse(u.port, err)))
			continue
		}
		l.Close()
	}
	return errors.Join(errs...)
}

// inUse says why a port could not be listened on, naming the process that
// listens there when this user may see it.
func inUse(port int, err error) string {
	if !errors.Is(err, syscall.EADDRINUSE) {
		return "cannot be listened on (" + err.Error() + ")"
	}
	if pid, cmdline := listenerProcess(port); pid != 0 {
		return fmt.Sprintf("is already in use by process %d (%s)", pid, cmdline)
	}
	return "is already in use"
}

// listenInodes returns the socket inodes listening on a TCP port (any local
// address, IPv4 or IPv6), read from /proc; ok is false where /proc cannot
// tell (not Linux, or hidden).
func listenInodes(port int) (inodes map[string]bool, ok bool) {
	inodes = map[string]bool{}
	hexPort := fmt.Sprintf(":%04X", port)
	for _, name := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		ok = true
		for _, line := range strings.Split(string(data), "\n")[1:] {
			f := strings.Fields(line)
			// sl local_address rem_address st ... uid timeout inode
			if len(f) > 9 && strings.HasSuffix(f[1], hexPort) && f[3] == "0A" {
				inodes[f[9]] = true
			}
		}
	}
	return inodes, ok
}

// holdsSocket reports whether the process pid has one of the sockets open.
func holdsSocket(pid int, inodes map[string]bool) bool {
	dir := filepath.Join("/proc", strconv.Itoa(pid), "fd")
	fds, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, fd := range fds {
		link, err := os.Readlink(filepath.Join(dir, fd.Name()))
		if err == nil && strings.HasPrefix(link, "socket:[") && inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] {
			return true
		}
	}
	return false
}

// listenerProcess finds the process listening on a port and its command
// line, or 0 if it cannot be seen (another user's, or no /proc).
func listenerProcess(port int) (int, string) {
	inodes, ok := listenInodes(port)
	if !ok || len(inodes) == 0 {
		return 0, ""
	}
	procs, _ := os.ReadDir("/proc")
	for _, d := range procs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil || pid == os.Getpid() || !holdsSocket(pid, inodes) {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", d.Name(), "cmdline"))
		s := strings.TrimSpace(strings.ReplaceAll(string(cmdline), "\x00", " "))
		if len(s) > 120 {
			s = s[:120] + "…"
		}
		return pid, s
	}
	return 0, ""
}
