package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is Linux's USER_HZ, the unit of /proc/<pid>/stat's CPU times.
const clockTick = 10 * time.Millisecond

// cpuTime is the CPU time (user and system) process pid has used so far,
// from /proc (Linux); false where it cannot be read.
func cpuTime(pid int) (time.Duration, bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// pid (comm) state ppid … : utime and stime are fields 14 and 15, counted
	// after the command's closing parenthesis (comm may hold spaces).
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * clockTick, true
}

// cpuTimes is the CPU time of each process the platform started, by name,
// and of this process ("load").
func (p *Platform) cpuTimes() map[string]time.Duration {
	p.mu.Lock()
	procs := p.procs
	p.mu.Unlock()
	out := map[string]time.Duration{}
	for _, c := range procs {
		if c.exited() {
			continue
		}
		if d, ok := cpuTime(c.cmd.Process.Pid); ok {
			out[c.name] = d
		}
	}
	if d, ok := cpuTime(os.Getpid()); ok {
		out["load"] = d
	}
	return out
}
