package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onboard/internal/kioskpin"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func write(t *testing.T, name, body string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPrecedenceAndSources(t *testing.T) {
	file := write(t, "config.toml", "provider = \"Acme Cloud\"\nmode = \"agent\"\norder_flow = \"manual-approval\"\n", 0o644)
	env := envOf(map[string]string{"ONBOARD_MODE": "customer", "ONBOARD_CLIENT_SECRET": "s3cret"})
	cfg, err := Load(file, env, map[string]string{"order_flow": "process-immediately"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		key, value string
		src        Source
	}{
		{"provider", "Acme Cloud", FromFile},
		{"mode", "customer", FromEnv},
		{"order_flow", "process-immediately", FromFlag},
		{"verify_admin", "true", FromDefault},
		{"client_secret", "s3cret", FromEnv},
	}
	for _, c := range cases {
		v := cfg.Lookup(c.key)
		if v.Value != c.value || v.Source != c.src {
			t.Errorf("%s = %q from %s, want %q from %s", c.key, v.Value, v.Source, c.value, c.src)
		}
	}
	for _, e := range cfg.Entries() {
		if strings.Contains(e.Value, "s3cret") {
			t.Fatalf("secret shown in entries: %+v", e)
		}
	}
}

func TestSecretsOnlyFromEnvOrPrivateFile(t *testing.T) {
	file := write(t, "config.toml", "client_secret = \"x\"\n", 0o644)
	if _, err := Load(file, envOf(nil), nil); err == nil || !strings.Contains(err.Error(), "ONBOARD_CLIENT_SECRET") {
		t.Fatalf("secret in config file: err = %v", err)
	}
	open := write(t, "secrets.toml", "client_secret = \"x\"\n", 0o644)
	_, err := Load(write(t, "c.toml", "secrets_file = \""+open+"\"\n", 0o644), envOf(nil), nil)
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable secrets file: err = %v", err)
	}
	private := write(t, "private.toml", "client_secret = \"from-file\"\n", 0o600)
	cfg, err := Load(write(t, "c2.toml", "secrets_file = \""+private+"\"\n", 0o644), envOf(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := cfg.Lookup("client_secret"); v.Value != "from-file" || v.Source != FromSecretsFile {
		t.Fatalf("client_secret = %+v", v)
	}
}

func TestValidation(t *testing.T) {
	bad := map[string]string{
		"ONBOARD_MODE":           "robot",
		"ONBOARD_ORDER_FLOW":     "pay-never",
		"ONBOARD_VERIFY_ADMIN":   "perhaps",
		"ONBOARD_DRAFT_TTL":      "-1h",
		"ONBOARD_KIOSK":          "sometimes",
		"ONBOARD_ACCESSIBLE":     "loud",
		"ONBOARD_KIOSK_IDLE":     "1s",
		"ONBOARD_KIOSK_DRAFTS":   "shred",
		"ONBOARD_KIOSK_PIN_HASH": "2468",
	}
	for k, v := range bad {
		if _, err := Load(write(t, "c.toml", "", 0o644), envOf(map[string]string{k: v}), nil); err == nil {
			t.Errorf("%s=%s accepted", k, v)
		}
	}
	// public_url is where phones open the short links: a base address only.
	for _, v := range []string{"signup.example.com", "ftp://signup.example.com", "https://", "https://x.example/?a=1", "https://x.example/#top"} {
		if _, err := Load(write(t, "c.toml", "", 0o644), envOf(map[string]string{"ONBOARD_PUBLIC_URL": v}), nil); err == nil {
			t.Errorf("public_url %q accepted", v)
		}
	}
	if c, err := Load(write(t, "c.toml", "", 0o644), envOf(map[string]string{"ONBOARD_PUBLIC_URL": "https://signup.example.com/shop"}), nil); err != nil || c.Get("public_url") == "" {
		t.Errorf("a base URL with a path refused: %v", err)
	}
	if _, err := Load(write(t, "c.toml", "colour = \"red\"\n", 0o644), envOf(nil), nil); err == nil {
		t.Error("unknown key accepted")
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.toml"), envOf(nil), nil); err == nil {
		t.Error("explicit missing file accepted")
	}
}

func TestKioskSettings(t *testing.T) {
	hash, err := kioskpin.HashWithIterations("2468", 1000)
	if err != nil {
		t.Fatal(err)
	}
	file := write(t, "c.toml", "kiosk = true\nkiosk_pin_hash = \""+hash+"\"\nkiosk_idle = \"90s\"\n", 0o600)
	c, err := Load(file, envOf(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Bool("kiosk") || c.Duration("kiosk_idle") != 90*time.Second || c.Get("kiosk_drafts") != "drop" || c.Get("kiosk_pin_hash") != hash {
		t.Fatalf("kiosk %v idle %v drafts %q", c.Bool("kiosk"), c.Duration("kiosk_idle"), c.Get("kiosk_drafts"))
	}
	for _, e := range c.Entries() {
		if e.Key == "kiosk_pin_hash" && e.Value != "****" {
			t.Fatalf("the PIN hash is printed: %q", e.Value)
		}
	}
}

// A database URL with a password is accepted from the environment only,
// and printed without the password.
func TestDatabasePasswordOnlyFromEnv(t *testing.T) {
	const withPassword = "postgres://onboard:s3cret@db.example/onboard"
	file := write(t, "c.toml", "db = \""+withPassword+"\"\n", 0o644)
	if _, err := Load(file, envOf(nil), nil); err == nil || !strings.Contains(err.Error(), "PGPASSWORD") {
		t.Fatalf("password in the config file: %v", err)
	}
	empty := write(t, "e.toml", "", 0o644)
	if _, err := Load(empty, envOf(nil), map[string]string{"db": withPassword}); err == nil {
		t.Fatal("password on the command line accepted")
	}
	if _, err := Load(empty, envOf(nil), map[string]string{"db": "postgres://onboard@db.example/onboard?password=x"}); err == nil {
		t.Fatal("password parameter on the command line accepted")
	}
	cfg, err := Load(empty, envOf(map[string]string{"ONBOARD_DB": withPassword}), nil)
	if err != nil || cfg.Get("db") != withPassword {
		t.Fatalf("from the environment: %v", err)
	}
	for _, e := range cfg.Entries() {
		if e.Key == "db" && strings.Contains(e.Value, "s3cret") {
			t.Errorf("printed: %s", e.Value)
		}
	}
	if _, err := Load(empty, envOf(nil), map[string]string{"db": "postgres://onboard@db.example/onboard"}); err != nil {
		t.Errorf("URL without a password: %v", err)
	}
}

// The provider sets the customer's language; a kiosk its own; a language
// without a catalog is refused with the ones there are.
func TestLocale(t *testing.T) {
	c, err := Load(write(t, "c.toml", "locale = \"de\"\n", 0o600), envOf(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Locale() != "de" {
		t.Errorf("locale: %q", c.Locale())
	}
	c, err = Load(write(t, "c.toml", "locale = \"de\"\nkiosk_locale = \"fr\"\n", 0o600), envOf(nil), map[string]string{"kiosk": "true"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Locale() != "fr" {
		t.Errorf("a kiosk's own language: %q", c.Locale())
	}
	c, err = Load(write(t, "c.toml", "kiosk_locale = \"fr\"\n", 0o600), envOf(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Locale() != "en" {
		t.Errorf("kiosk_locale off a kiosk: %q", c.Locale())
	}
	if c, err := Load(write(t, "c.toml", "", 0o600), envOf(map[string]string{"ONBOARD_LOCALE": "fr_FR.UTF-8"}), nil); err != nil || c.Locale() != "fr" {
		t.Errorf("from the environment: %v %v", err, c)
	}
	_, err = Load(write(t, "c.toml", "locale = \"tlh\"\n", 0o600), envOf(nil), nil)
	if err == nil || !strings.Contains(err.Error(), "en, de, fr") {
		t.Errorf("unknown language: %v", err)
	}
}
