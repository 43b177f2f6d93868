package bench

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"onboard/internal/ptyrun"
)

// firstScreenTitle is the title of the wizard's first screen.
const firstScreenTitle = "Choose licenses"

// BenchmarkTimeToFirstFrame builds onboard once, then starts it again and
// again in an 80×24 pseudo terminal on the embedded default (sandbox
// Microsoft and payments, SQLite in the XDG data directory) with an existing
// database, and measures until the first screen's title is on the screen.
// It reports the median and the 90th percentile in milliseconds.
func BenchmarkTimeToFirstFrame(b *testing.B) {
	bin := buildOnboard(b)
	env := xdgEnv(b)
	// The first start creates and migrates the database and the sandbox
	// state; every measured start then finds them existing.
	startToFirstFrame(b, bin, env)
	var samples []time.Duration
	for b.Loop() {
		samples = append(samples, startToFirstFrame(b, bin, env))
	}
	slices.Sort(samples)
	b.ReportMetric(ms(samples[len(samples)/2]), "median-ms")
	b.ReportMetric(ms(samples[len(samples)*9/10]), "p90-ms")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// buildOnboard builds the binary into a temporary directory, or uses
// $ONBOARD_BENCH_BIN to compare two builds under the same load.
func buildOnboard(tb testing.TB) string {
	tb.Helper()
	if bin := os.Getenv("ONBOARD_BENCH_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(tb.TempDir(), "onboard")
	cmd := exec.Command("go", "build", "-o", bin, "onboard")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("build onboard: %v", err)
	}
	return bin
}

// xdgEnv points every XDG directory into a temporary home, so the harness
// neither reads nor writes the user's own onboard data.
func xdgEnv(tb testing.TB) []string {
	home := tb.TempDir()
	var env []string
	for _, v := range []string{"XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"} {
		env = append(env, v+"="+filepath.Join(home, v))
	}
	return env
}

// startToFirstFrame starts bin and returns how long until the first
// screen's title shows; the program is then killed.
func startToFirstFrame(tb testing.TB, bin string, env []string) time.Duration {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	s, err := ptyrun.Start(ctx, 80, 24, env, bin)
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close()
	if _, err := s.WaitForText(ctx, firstScreenTitle); err != nil {
		tb.Fatal(err)
	}
	return time.Since(start)
}
