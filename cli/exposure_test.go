package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestExposureWarning(t *testing.T) {
	for addr, warn := range map[string]bool{
		"127.0.0.1:8099": false, "127.1.2.3:0": false, "[::1]:8099": false, "localhost:8099": false,
		"0.0.0.0:8099": true, ":8099": true, "[::]:8099": true, "192.168.1.20:8099": true, "example.com:80": true,
	} {
		if got := exposureWarning(addr, "--addr 127.0.0.1:8099") != ""; got != warn {
			t.Errorf("exposureWarning(%q) warns = %v, want %v", addr, got, warn)
		}
	}
}

// TestSandboxCommandWarnsOffLoopback runs `onboard sandbox` with a context
// that is already cancelled: it starts, prints, and returns at once.
func TestSandboxCommandWarnsOffLoopback(t *testing.T) {
	isolate(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		addr string
		warn bool
	}{{"127.0.0.1:0", false}, {"0.0.0.0:0", true}} {
		var stdout, stderr bytes.Buffer
		code := Run(ctx, "test", []string{"sandbox", "--northwind-users", "3", "--addr", c.addr}, &stdout, &stderr)
		if code != 0 {
			t.Fatalf("sandbox --addr %s: exit %d: %s", c.addr, code, stderr.String())
		}
		if got := strings.Contains(stderr.String(), "reachable from other machines"); got != c.warn {
			t.Errorf("sandbox --addr %s: warning %v, want %v; stderr: %s", c.addr, got, c.warn, stderr.String())
		}
	}
	if !strings.Contains(newSandboxCmd(&globals{}).Flag("addr").DefValue, "127.0.0.1:8099") {
		t.Error("the sandbox does not default to loopback")
	}
}
