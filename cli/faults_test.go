package cli

import (
	"testing"
	"time"

	"onboard/config"
	"onboard/msapi/sandbox"
)

// The embedded sandbox's faults come from sandbox_faults and
// sandbox_fault_seed; a bad setting stops the start with the reason.
func TestConfigFaults(t *testing.T) {
	env := map[string]string{"ONBOARD_SANDBOX_FAULTS": "429:0.1,5xx:0.05,latency:200ms", "ONBOARD_SANDBOX_FAULT_SEED": "7"}
	cfg, err := config.Load("", func(k string) string { return env[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := configFaults(cfg)
	want := sandbox.Faults{ThrottleRate: 0.1, ErrorRate: 0.05, Latency: 200 * time.Millisecond, RetryAfter: time.Second, Seed: 7}
	if err != nil || f != want {
		t.Fatalf("faults = %+v %v, want %+v", f, err, want)
	}
	env["ONBOARD_SANDBOX_FAULTS"] = "teapot:1"
	cfg, err = config.Load("", func(k string) string { return env[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := configFaults(cfg); err == nil {
		t.Error("a bad sandbox_faults was accepted")
	}
	env["ONBOARD_SANDBOX_FAULT_SEED"] = "seven"
	if _, err := config.Load("", func(k string) string { return env[k] }, nil); err == nil {
		t.Error("a bad sandbox_fault_seed was accepted")
	}
}
