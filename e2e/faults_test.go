package e2e

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestAgentProcessImmediatelyOnABadDay: the embedded sandbox's fault
// setting (sandbox_faults, here from the environment) throttles a share of
// Microsoft's answers; the built binary rides it out and the order completes
// with everything imported.
func TestAgentProcessImmediatelyOnABadDay(t *testing.T) {
	s := newSite(t, "process-immediately")
	s.more = []string{"ONBOARD_SANDBOX_FAULTS=429:0.1,retry-after:0s", "ONBOARD_SANDBOX_FAULT_SEED=7"}
	agent := s.start("--mode", "agent", "--agent", "alice")
	link := agent.agentToInvitation()
	agent.press("w")
	agent.see("Waiting for the customer to accept")
	acceptHTTP(t, link, fabrikamAdmin, fabrikamPass)
	agent.approveGDAP(fabrikamAdmin, fabrikamPass, false)
	agent.orderNumber()
	agent.see("Nothing to do or pay", "completed")
	agent.press("enter")
	agent.exit()

	db := s.openStore()
	o := onlyOrder(t, db)
	checkAgentTrail(t, db, o)
	checkImported(t, db, o, 12, 2)
}

// A fault setting that does not parse stops `onboard sandbox` with the reason.
func TestSandboxRefusesABadFaultSetting(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := newSite(t, "")
	cmd := exec.CommandContext(ctx, binary, "sandbox", "--addr", "127.0.0.1:0", "--faults", "429:2")
	cmd.Env = append(cmd.Environ(), s.env()...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !asExit(err, &exit) || !strings.Contains(string(out), "the rate must be between 0 and 1") {
		t.Fatalf("onboard sandbox --faults 429:2: %v\n%s", err, out)
	}
}

func asExit(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*target = e
	}
	return ok
}
