// Command withpg runs a command with a throwaway PostgreSQL: it starts one
// server in a temporary directory, exports its URL as
// REFERBOT_TEST_DATABASE_URL, runs the command, then stops the server and
// removes the directory. `make test` uses it so a whole `go test ./...`
// run shares one server (each test still gets its own cloned database).
//
//	go run ./internal/tools/withpg -- go test ./...
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/referbot/referbot/internal/localpg"
	"github.com/referbot/referbot/internal/pgtest"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: withpg -- COMMAND [ARGS...]")
		os.Exit(2)
	}
	os.Exit(run(args))
}

func run(args []string) int {
	env := os.Environ()
	if os.Getenv(pgtest.EnvURL) == "" {
		dir, err := os.MkdirTemp("", "referbot-withpg-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "withpg:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		srv, err := localpg.Start(context.Background(), localpg.Options{DataDir: filepath.Join(dir, "data"), Ephemeral: true,
			Settings: pgtest.ServerSettings})
		if err != nil {
			fmt.Fprintln(os.Stderr, "withpg:", err)
			return 1
		}
		defer srv.Stop()
		env = append(env, pgtest.EnvURL+"="+srv.URL("postgres"))
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr, cmd.Env = os.Stdin, os.Stdout, os.Stderr, env
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "withpg:", err)
		return 1
	}
	// Pass interrupts on, and still clean up after the command ends.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "withpg:", err)
		return 1
	}
	return 0
}
