// Package stripemock starts Stripe's API mock (github.com/stripe/stripe-mock)
// for tests: it checks every request against Stripe's OpenAPI spec and
// answers with fixtures, so a request it accepts has Stripe's shape.
package stripemock

import (
	"bufio"
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// Install is the command that installs it (.ci/run runs it).
const Install = "go install github.com/stripe/stripe-mock@v0.203.0"

// Path finds the stripe-mock binary: $STRIPE_MOCK, then $PATH, then $GOBIN
// and $GOPATH/bin where go install puts it.
func Path() (string, bool) {
	if p := os.Getenv("STRIPE_MOCK"); p != "" {
		return p, true
	}
	if p, err := exec.LookPath("stripe-mock"); err == nil {
		return p, true
	}
	for _, dir := range []string{os.Getenv("GOBIN"), filepath.Join(build.Default.GOPATH, "bin")} {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, "stripe-mock")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, true
		}
	}
	return "", false
}

var listening = regexp.MustCompile(`Listening for HTTP at address: (\S+)`)

// Start runs stripe-mock on a loopback port the system picks and returns
// its base URL; it stops with the test. Without the binary the test is
// skipped, except under CI (CI=true), where .ci/run installs it.
func Start(t testing.TB) string {
	t.Helper()
	bin, ok := Path()
	if !ok {
		if os.Getenv("CI") == "true" {
			t.Fatalf("stripe-mock is not installed; .ci/run installs it with %q", Install)
		}
		t.Skipf("stripe-mock is not installed (%s, or set STRIPE_MOCK): skipping the Stripe request-shape tests", Install)
	}
	// Both listeners on ports the system picks: without -https-addr it
	// takes the fixed :12112, which a second run would find taken.
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:", "-https-addr", "127.0.0.1:")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	// It says where it listens once the listener is open: read until then,
	// and drain the rest so it never blocks on a full pipe.
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := listening.FindStringSubmatch(sc.Text()); m != nil {
			go func() {
				for sc.Scan() {
				}
			}()
			return "http://" + m[1]
		}
	}
	t.Fatalf("stripe-mock exited without listening: %v", sc.Err())
	return ""
}
