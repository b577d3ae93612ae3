package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/referbot/referbot/internal/testenv"
)

// asMainEnv makes the test binary run main() instead of the tests.
const asMainEnv = "REFERBOT_TEST_AS_MAIN"

// Ctrl-C in the console ends the real program with exit status 0 and
// nothing on stderr, after saying where the data stays.
func TestMain_CtrlCLeavesTheConsoleCleanly(t *testing.T) {
	t.Parallel()
	url := testenv.URL(t)
	cmd := exec.Command(os.Args[0], "console")
	cmd.Env = append(os.Environ(), asMainEnv+"=1", "DATABASE_URL="+url)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	io.WriteString(stdin, "/as bob\n/refer profile\n")
	var seen strings.Builder
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.Contains(sc.Text(), "Profile of @bob") {
		seen.WriteString(sc.Text() + "\n")
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var rest strings.Builder
	for sc.Scan() {
		rest.WriteString(sc.Text() + "\n")
	}
	err = cmd.Wait()
	if err != nil || cmd.ProcessState.ExitCode() != 0 {
		t.Fatalf("exit after Ctrl-C: %v (status %d); stderr:\n%s", err, cmd.ProcessState.ExitCode(), stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("Ctrl-C wrote to stderr:\n%s", stderr.String())
	}
	if !strings.Contains(seen.String(), "The network's data is kept in the PostgreSQL database DATABASE_URL names.") {
		t.Errorf("the banner doesn't say where the data is:\n%s", seen.String())
	}
	if !strings.Contains(rest.String(), "Bye.") {
		t.Errorf("no goodbye after Ctrl-C:\n%s", rest.String())
	}
}

func TestDataPlace_NamesTheRealFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m := &Main{Config: Config{DataDir: dir + "/mine"}}
	if got := m.dataPlace(); !strings.HasPrefix(got, dir+"/mine/") {
		t.Errorf("local data place = %q, want under %s/mine", got, dir)
	}
	m.Config.DataDir = ".referbot"
	wd, _ := os.Getwd()
	if got := m.dataPlace(); !strings.HasPrefix(got, wd+"/.referbot/") {
		t.Errorf("default data place = %q, want the absolute ./.referbot", got)
	}
	m.Config.DatabaseURL = "postgres://u:secret@db/referbot"
	if got := m.dataPlace(); strings.Contains(got, "secret") || !strings.Contains(got, "DATABASE_URL") {
		t.Errorf("data place with DATABASE_URL = %q", got)
	}
}
