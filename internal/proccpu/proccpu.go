package proccpu

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of utime and stime in /proc/<pid>/stat (USER_HZ,
// 100 on every Linux build that matters).
const clockTick = 10 * time.Millisecond

// procStat returns a process's parent and the CPU time it used so far
// (user + system), from /proc/<pid>/stat; ok is false when it is gone.
func procStat(pid string) (ppid int, cpu time.Duration, ok bool) {
	b, err := os.ReadFile(filepath.Join("/proc", pid, "stat"))
	if err != nil {
		return 0, 0, false
	}
	// The command name (field 2) may hold spaces: fields are counted
	// from after its closing parenthesis.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return ppid, time.Duration(utime+stime) * clockTick, true
}

// CPUOf is the CPU time process pid used so far, 0 if unknown.
func CPUOf(pid int) time.Duration {
	_, cpu, _ := procStat(strconv.Itoa(pid))
	return cpu
}

// ServerCPU is the CPU time a PostgreSQL server used so far: the
// postmaster's and its live children's (backends, WAL writer,
// checkpointer). A backend that exited takes its time with it; the pools
// keep theirs open through a run.
func ServerCPU(postmaster int) time.Duration {
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	total := CPUOf(postmaster)
	for _, d := range dirs {
		if d.Name()[0] < '0' || d.Name()[0] > '9' {
			continue
		}
		if ppid, cpu, ok := procStat(d.Name()); ok && ppid == postmaster {
			total += cpu
		}
	}
	return total
}

// PostmasterPID reads the server's pid from its data directory, 0 if unknown.
func PostmasterPID(dataDir string) int {
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	return pid
}

// MachineBusy is the CPU time every core of the machine spent busy so far
// (all of /proc/stat's first line but idle and iowait).
func MachineBusy() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal …
	var busy int64
	for i, v := range f[1:min(len(f), 9)] {
		if i == 3 || i == 4 {
			continue
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		busy += n
	}
	return time.Duration(busy) * clockTick
}
