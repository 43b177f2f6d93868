package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/iotest"

	"onboard/flow"
	"onboard/ui"
)

// The line prompts run the flow of the configured mode: an agent gets the
// agent's questions, through the lazy backend the wizard uses.
func TestAccessibleFrontEndRunsTheAgentFlow(t *testing.T) {
	e := openTestEnv(t, isolate(t))
	t.Cleanup(e.close)
	backend := connectInBackground(func() (*flow.Service, error) { return e.svc, nil })
	var out bytes.Buffer
	opts := ui.Options{Backend: backend, Catalog: e.svc.Catalog, Provider: "Acme", Mode: flow.ModeAgent, Agent: "Sam",
		Input: iotest.OneByteReader(strings.NewReader("3\n10\n\nn\nnosuchaccount\n")), Output: &out}
	err := runAccessible(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "accessible agent sign-up") {
		t.Fatalf("runAccessible = %v, want the end of the answers in agent mode", err)
	}
	for _, want := range []string{"Acme: Microsoft 365 sign-up on a customer's behalf (agent: Sam).",
		"Step 2 of 8: Customer's Microsoft account", "No such account"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
