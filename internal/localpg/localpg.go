package localpg

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNotFound says the PostgreSQL server binaries are not installed.
var ErrNotFound = errors.New("PostgreSQL not found: install it (Debian/Ubuntu: apt-get install postgresql) or set DATABASE_URL to an existing database")

// Find returns the directory holding initdb and postgres: from PATH, or
// the newest /usr/lib/postgresql/*/bin.
func Find() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("postgres"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", ErrNotFound
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode()&0o111 != 0
}

// Options configure Start.
type Options struct {
	DataDir   string // created and initialised when empty
	Port      int    // 0 picks a free loopback port
	Ephemeral bool   // throwaway data: trade durability for speed
	Logger    *slog.Logger
	// Settings are more server settings, "name=value" each (say,
	// shared_preload_libraries=pg_stat_statements).
	Settings []string
}

// Server is a running private PostgreSQL.
type Server struct {
	cmd     *exec.Cmd
	port    int
	dataDir string
	logPath string
}

// Start initialises the data directory if needed and starts the server on
// 127.0.0.1. It returns once the server accepts connections and the
// database "referbot" exists.
func Start(ctx context.Context, o Options) (*Server, error) {
	bin, err := Find()
	if err != nil {
		return nil, err
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	dataDir, err := filepath.Abs(o.DataDir)
	if err != nil {
		return nil, err
	}
	cred, owner, err := runAs()
	if err != nil {
		return nil, err
	}
	if err := initDataDir(ctx, bin, dataDir, cred, owner); err != nil {
		return nil, err
	}
	if err := clearStalePID(dataDir); err != nil {
		return nil, err
	}
	port := o.Port
	if port == 0 {
		if port, err = freePort(); err != nil {
			return nil, err
		}
	}
	sockDir, err := os.MkdirTemp("", "referbot-pg-")
	if err != nil {
		return nil, err
	}
	if owner != nil {
		_ = os.Chown(sockDir, owner.uid, owner.gid)
	}
	args := []string{"-D", dataDir, "-p", strconv.Itoa(port), "-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=" + sockDir, "-c", "max_connections=200"}
	if o.Ephemeral {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	for _, kv := range o.Settings {
		args = append(args, "-c", kv)
	}
	logPath := filepath.Join(sockDir, "postgres.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Pdeathsig stops the server if we die; it fires when the creating
	// thread exits, so the start happens on a locked thread that lives on.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGTERM, Setpgid: true}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the goroutine's end, after the server
		started <- cmd.Start()
		if cmd.Process != nil {
			_, _ = cmd.Process.Wait()
		}
	}()
	if err := <-started; err != nil {
		logf.Close()
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	s := &Server{cmd: cmd, port: port, dataDir: dataDir, logPath: logPath}
	if err := s.waitReady(ctx); err != nil {
		_ = s.Stop()
		return nil, err
	}
	return s, nil
}

type ids struct{ uid, gid int }

// runAs returns the credential to run the server with: the postgres user
// when we are root, nothing otherwise.
// initDataDir creates the data directory, owned by the user the server
// runs as, and initialises a cluster there unless one exists.
func initDataDir(ctx context.Context, bin, dataDir string, cred *syscall.Credential, owner *ids) error {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	if owner != nil {
		// The postgres user must reach the data dir through its parents.
		for d := filepath.Dir(dataDir); d != "/" && d != "."; d = filepath.Dir(d) {
			if st, err := os.Stat(d); err == nil && st.Mode().Perm()&0o001 == 0 {
				_ = os.Chmod(d, st.Mode().Perm()|0o001)
			}
		}
		if err := os.Chown(dataDir, owner.uid, owner.gid); err != nil {
			return err
		}
	}
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		init := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", dataDir, "-U", "postgres",
			"--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync")
		init.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if out, err := init.CombinedOutput(); err != nil {
			return fmt.Errorf("initdb %s: %v\n%s", dataDir, err, out)
		}
	}
	return nil
}

func runAs() (*syscall.Credential, *ids, error) {
	if os.Geteuid() != 0 {
		return nil, nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, nil, fmt.Errorf("running as root needs the postgres user to run the server as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, &ids{uid, gid}, nil
}

// clearStalePID removes a postmaster.pid left by a killed run; a live
// server on the same data is an error.
func clearStalePID(dataDir string) error {
	pidFile := filepath.Join(dataDir, "postmaster.pid")
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return nil
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if pid > 0 && syscall.Kill(pid, 0) == nil {
		if cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil && strings.Contains(string(cmdline), "postgres") {
			return fmt.Errorf("another PostgreSQL (pid %d) is already using %s: stop it, or set DATABASE_URL", pid, dataDir)
		}
	}
	return os.Remove(pidFile)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(60 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		if err := ctx.Err(); err != nil {
			return err
		}
		conn, err := pgx.Connect(ctx, s.URL("postgres"))
		if err == nil {
			var exists bool
			err = conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'referbot')`).Scan(&exists)
			if err == nil && !exists {
				_, err = conn.Exec(ctx, `CREATE DATABASE referbot`)
			}
			conn.Close(ctx)
			if err == nil {
				return nil
			}
		}
		last = err
		if s.cmd.ProcessState != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("PostgreSQL did not become ready: %v\n%s", last, s.logTail())
}

func (s *Server) logTail() string {
	b, _ := os.ReadFile(s.logPath)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// Port is the server's TCP port on 127.0.0.1.
func (s *Server) Port() int { return s.port }

// URL returns a connection URL for a database on the server.
func (s *Server) URL(dbname string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, dbname)
}

// Stop shuts the server down (fast shutdown), killing it after 15 s.
func (s *Server) Stop() error {
	if s.cmd.Process == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if syscall.Kill(s.cmd.Process.Pid, 0) != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if syscall.Kill(s.cmd.Process.Pid, 0) == nil {
		_ = s.cmd.Process.Kill()
	}
	_ = os.RemoveAll(filepath.Dir(s.logPath))
	return nil
}
