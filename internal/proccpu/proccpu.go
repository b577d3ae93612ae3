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
	ppid, cpu, _, ok = procTimes(pid)
	return ppid, cpu, ok
}

// procTimes is procStat with the CPU time of the process's children that
// exited and were waited for (cutime + cstime).
func procTimes(pid string) (ppid int, cpu, reaped time.Duration, ok bool) {
	b, err := os.ReadFile(filepath.Join("/proc", pid, "stat"))
	if err != nil {
		return 0, 0, 0, false
	}
	// The command name (field 2) may hold spaces: fields are counted
	// from after its closing parenthesis.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 15 {
		return 0, 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	var t [4]int64 // utime, stime, cutime, cstime
	for i := range t {
		t[i], _ = strconv.ParseInt(f[11+i], 10, 64)
	}
	return ppid, time.Duration(t[0]+t[1]) * clockTick, time.Duration(t[2]+t[3]) * clockTick, true
}

// CPUOf is the CPU time process pid used so far, 0 if unknown.
func CPUOf(pid int) time.Duration {
	_, cpu, _ := procStat(strconv.Itoa(pid))
	return cpu
}

// ServerCPU is the CPU time a PostgreSQL server used so far: the
// postmaster's, its live children's (backends, WAL writer, checkpointer)
// and that of the children it reaped (a backend that exited between two
// readings would otherwise take its time with it).
func ServerCPU(postmaster int) time.Duration {
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	_, total, reaped, _ := procTimes(strconv.Itoa(postmaster))
	total += reaped
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
