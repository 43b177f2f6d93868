package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/config"
	"onboard/flow"
)

// payment = stripe takes its keys from the environment or the 0600 secrets
// file only, refuses to start without a key, and refuses a live key with
// the sandbox Microsoft.
func TestStripeSettings(t *testing.T) {
	load := func(t *testing.T, file string, env map[string]string) (*config.Config, error) {
		t.Helper()
		return config.Load(file, func(k string) string { return env[k] }, nil)
	}
	cfg, err := load(t, "", map[string]string{"ONBOARD_PAYMENT": "stripe"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stripeGateway(cfg); !errors.Is(err, errStripeKey) {
		t.Errorf("no key: %v", err)
	}
	cfg, _ = load(t, "", map[string]string{"ONBOARD_PAYMENT": "stripe", "ONBOARD_STRIPE_SECRET_KEY": "sk_live_x"})
	if _, err := stripeGateway(cfg); !errors.Is(err, errLiveWithSandbox) {
		t.Errorf("a live key with the sandbox Microsoft: %v", err)
	}
	cfg, _ = load(t, "", map[string]string{"ONBOARD_PAYMENT": "stripe", "ONBOARD_STRIPE_SECRET_KEY": "sk_test_x"})
	if _, err := stripeGateway(cfg); err != nil {
		t.Errorf("a test key: %v", err)
	}
	if _, err := load(t, "", map[string]string{"ONBOARD_PAYMENT": "paypal"}); err == nil {
		t.Error("payment = paypal was accepted")
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(file, []byte("payment = \"stripe\"\nstripe_secret_key = \"sk_test_x\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := load(t, file, nil); err == nil || !strings.Contains(err.Error(), "ONBOARD_STRIPE_SECRET_KEY") {
		t.Errorf("a key in the config file: %v", err)
	}
	secrets := filepath.Join(dir, "secrets.toml")
	if err := os.WriteFile(secrets, []byte("stripe_secret_key = \"sk_test_x\"\nstripe_webhook_secret = \"whsec_x\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"ONBOARD_PAYMENT": "stripe", "ONBOARD_SECRETS_FILE": secrets}
	if _, err := load(t, "", env); !errors.Is(err, config.ErrInsecureSecrets) {
		t.Errorf("a secrets file readable by others: %v", err)
	}
	if err := os.Chmod(secrets, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err = load(t, "", env)
	if err != nil || cfg.Get("stripe_secret_key") != "sk_test_x" || cfg.Get("stripe_webhook_secret") != "whsec_x" {
		t.Fatalf("keys from the secrets file: %v", err)
	}
}

// onboard serve mounts the return pages always and the webhook only with its
// signing secret; the sandbox gateway mounts nothing.
func TestStripeMounts(t *testing.T) {
	env := map[string]string{"ONBOARD_PAYMENT": "stripe", "ONBOARD_STRIPE_SECRET_KEY": "sk_test_x"}
	cfg, err := config.Load("", func(k string) string { return env[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := stripeGateway(cfg)
	if err != nil {
		t.Fatal(err)
	}
	svc := &flow.Service{Pay: gw}
	if m := stripeMounts(cfg, svc, nil); len(m) != 1 || m["GET /payments/stripe/"] == nil {
		t.Errorf("without a webhook secret: %v", m)
	}
	env["ONBOARD_STRIPE_WEBHOOK_SECRET"] = "whsec_x"
	cfg, _ = config.Load("", func(k string) string { return env[k] }, nil)
	if m := stripeMounts(cfg, svc, nil); len(m) != 2 || m["POST /webhooks/stripe"] == nil {
		t.Errorf("with a webhook secret: %v", m)
	}
	if m := stripeMounts(cfg, &flow.Service{}, nil); m != nil {
		t.Errorf("not Stripe: %v", m)
	}
}
