package bench

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"
)

// sshTarget is an SSH server whose TUI is measured: where it listens, the
// user and key to sign in with, and the text of its first screen.
type sshTarget struct {
	addr   string
	user   string
	signer gossh.Signer
	first  string
}

// BenchmarkSSHFirstFrame measures, for `onboard serve` and the anchor
// (soft-serve's SSH TUI) in the same run, the time from dialling to the
// first screen's text on an 80×24 terminal emulator: TCP connect, SSH
// handshake, public key sign-in, pty and shell requests, the program's
// start and its first frame. Reports the median and p90 in milliseconds.
func BenchmarkSSHFirstFrame(b *testing.B) {
	for _, t := range sshTargets(b) {
		b.Run(t.name, func(b *testing.B) {
			firstFrame(b, t.target) // warm: the host key, the database, the caches
			var samples []time.Duration
			for b.Loop() {
				samples = append(samples, firstFrame(b, t.target))
			}
			slices.Sort(samples)
			b.ReportMetric(ms(samples[len(samples)/2]), "median-ms")
			b.ReportMetric(ms(samples[len(samples)*9/10]), "p90-ms")
		})
	}
}

// BenchmarkSSHSessionsPerSecond opens sessions from 8 clients at once,
// each to its first frame and closed, and reports completed sessions per
// second, for onboard and the anchor in the same run.
func BenchmarkSSHSessionsPerSecond(b *testing.B) {
	const clients = 8
	for _, t := range sshTargets(b) {
		b.Run(t.name, func(b *testing.B) {
			firstFrame(b, t.target)
			var n atomic.Int64
			start := time.Now()
			for b.Loop() {
				var wg sync.WaitGroup
				for range clients {
					wg.Go(func() {
						firstFrame(b, t.target)
						n.Add(1)
					})
				}
				wg.Wait()
			}
			b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "sessions/s")
		})
	}
}

type namedTarget struct {
	name   string
	target sshTarget
}

// sshTargets starts onboard serve and, when it can be built, soft-serve.
func sshTargets(b *testing.B) []namedTarget {
	b.Helper()
	key := newSigner(b)
	targets := []namedTarget{{"onboard", startOnboardServe(b, key)}}
	if soft, err := startSoftServe(b, key); err != nil {
		b.Logf("anchor skipped: soft-serve: %v", err)
	} else {
		targets = append(targets, namedTarget{"soft-serve", soft})
	}
	return targets
}

func newSigner(tb testing.TB) gossh.Signer {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func authorizedKey(s gossh.Signer) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey())))
}

var servingRE = regexp.MustCompile(`Serving SSH on (\S+) and HTTP`)

// startOnboardServe runs the built binary's serve on the embedded default
// (sandbox, SQLite) with key as a kiosk: the kiosk wizard is measured.
func startOnboardServe(b *testing.B, key gossh.Signer) sshTarget {
	bin := buildOnboard(b)
	dir := b.TempDir()
	keys := filepath.Join(dir, "keys")
	if err := os.WriteFile(keys, []byte("kiosk bench "+authorizedKey(key)+"\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--ssh", "127.0.0.1:0", "--http", "127.0.0.1:0", "--keys", keys)
	cmd.Env = append(append(os.Environ(), xdgEnv(b)...), "NO_COLOR=1")
	line := startServer(b, cmd, servingRE)
	return sshTarget{addr: line[1], user: "kiosk", signer: key, first: firstScreenTitle}
}

// startServer starts cmd and returns the submatches of the first output
// line (stdout or stderr) that matches re; the server is killed at cleanup.
func startServer(tb testing.TB, cmd *exec.Cmd, re *regexp.Regexp) []string {
	tb.Helper()
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); pw.Close(); close(exited) }()
	tb.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGKILL); <-exited })
	found := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		var seen []string
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil && found != nil {
				found <- m
				found = nil
			}
			seen = append(seen, sc.Text())
		}
		if found != nil {
			found <- append([]string{""}, strings.Join(seen, "\n"))
		}
	}()
	select {
	case m := <-found:
		if m[0] == "" {
			tb.Fatalf("%s ended before it listened:\n%s", cmd.Path, m[1])
		}
		return m
	case <-time.After(time.Minute): // a bound on a start that never comes
		tb.Fatalf("%s did not start within a minute", cmd.Path)
	}
	return nil
}

// softServeBin is soft-serve's binary: $ONBOARD_BENCH_SOFT, else built with
// `go install github.com/charmbracelet/soft-serve/cmd/soft@latest` into a
// temporary GOBIN. (Where the module proxy refuses soft-serve, build it
// from its source and point $ONBOARD_BENCH_SOFT at it: docs/performance.md.)
func softServeBin(tb testing.TB) (string, error) {
	if bin := os.Getenv("ONBOARD_BENCH_SOFT"); bin != "" {
		return bin, nil
	}
	gobin := tb.TempDir()
	cmd := exec.Command("go", "install", "github.com/charmbracelet/soft-serve/cmd/soft@latest")
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=-mod=mod")
	cmd.Dir = gobin
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return filepath.Join(gobin, "soft"), nil
}

// startSoftServe runs `soft serve` with key as its admin; its repository
// list is the first screen.
func startSoftServe(b *testing.B, key gossh.Signer) (sshTarget, error) {
	bin, err := softServeBin(b)
	if err != nil {
		return sshTarget{}, err
	}
	addr := freeAddr(b)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"SOFT_SERVE_DATA_PATH="+b.TempDir(),
		"SOFT_SERVE_INITIAL_ADMIN_KEYS="+authorizedKey(key),
		"SOFT_SERVE_SSH_LISTEN_ADDR="+addr,
		"SOFT_SERVE_HTTP_LISTEN_ADDR="+freeAddr(b),
		"SOFT_SERVE_GIT_LISTEN_ADDR="+freeAddr(b),
		"SOFT_SERVE_STATS_LISTEN_ADDR="+freeAddr(b),
		"SOFT_SERVE_DAEMON_LISTEN_ADDR="+freeAddr(b),
		"NO_COLOR=1",
	)
	startServer(b, cmd, regexp.MustCompile(`Starting SSH server`))
	// The log line comes just before the listener: wait for the listener.
	if err := waitListening(addr); err != nil {
		return sshTarget{}, err
	}
	return sshTarget{addr: addr, user: "admin", signer: key, first: "Soft Serve"}, nil
}

// waitListening dials until addr accepts, bounded in tries.
func waitListening(addr string) error {
	var err error
	for range 500 {
		var c net.Conn
		if c, err = net.DialTimeout("tcp", addr, time.Second); err == nil {
			return c.Close()
		}
		time.Sleep(10 * time.Millisecond) // soft-serve prints nothing once it listens: retry the dial
	}
	return fmt.Errorf("%s never accepted: %w", addr, err)
}

func freeAddr(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// firstFrame dials t, opens an 80×24 terminal session and returns how long
// until t.first is on the emulated screen.
func firstFrame(tb testing.TB, t sshTarget) time.Duration {
	tb.Helper()
	start := time.Now()
	d, err := sshFirstFrame(t, start)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func sshFirstFrame(t sshTarget, start time.Time) (time.Duration, error) {
	conn, err := gossh.Dial("tcp", t.addr, &gossh.ClientConfig{
		User:            t.user,
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(t.signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), // loopback, a server started by this benchmark
		Timeout:         10 * time.Second,
	})
	if err != nil {
		return 0, fmt.Errorf("dial %s: %w", t.addr, err)
	}
	defer conn.Close()
	sess, err := conn.NewSession()
	if err != nil {
		return 0, fmt.Errorf("session: %w", err)
	}
	defer sess.Close()
	if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		return 0, fmt.Errorf("pty: %w", err)
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		return 0, err
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := sess.Shell(); err != nil {
		return 0, fmt.Errorf("shell: %w", err)
	}
	emu := vt.NewEmulator(80, 24)
	defer emu.Close()
	go func() { _, _ = io.Copy(stdin, emu) }() // the terminal's answers to queries
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go func() { <-ctx.Done(); conn.Close() }()
	buf := make([]byte, 32*1024)
	for {
		n, err := stdout.Read(buf)
		if n > 0 {
			_, _ = emu.Write(buf[:n])
			if strings.Contains(emu.String(), t.first) {
				return time.Since(start), nil
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) || ctx.Err() != nil {
				return 0, fmt.Errorf("%q never showed; the screen:\n%s", t.first, emu.String())
			}
			return 0, err
		}
	}
}
