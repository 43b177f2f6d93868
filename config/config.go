// Package config resolves onboard's settings from defaults, a TOML file in the
// XDG config directory, ONBOARD_* environment variables and flags, in that
// order, and remembers where each value came from (`onboard config`).
// Secrets come only from the environment or a 0600 secrets file.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/adrg/xdg"

	"onboard/i18n"
	"onboard/internal/kioskpin"
)

// Source says where a value came from.
type Source string

const (
	FromDefault     Source = "default"
	FromFile        Source = "file"
	FromEnv         Source = "environment"
	FromSecretsFile Source = "secrets file"
	FromFlag        Source = "flag"
)

// Setting describes one configuration key.
type Setting struct {
	Key     string
	Default string
	Secret  bool // only from the environment or the secrets file; masked when printed
	Masked  bool // not secret, but masked when printed (the kiosk PIN's hash)
	Help    string
}

// Env is the environment variable of the setting.
func (s Setting) Env() string {
	return "ONBOARD_" + strings.ToUpper(strings.ReplaceAll(s.Key, "-", "_"))
}

// Settings lists every key onboard reads.
var Settings = []Setting{
	{Key: "provider", Default: "Sandbox Partner", Help: "provider name shown in the header"},
	{Key: "mode", Default: "customer", Help: "customer (self-service) or agent (assisted sign-up)"},
	{Key: "order_flow", Default: "pay-first", Help: "pay-first, process-immediately or manual-approval"},
	{Key: "microsoft", Default: "sandbox", Help: "sandbox (built-in fake Microsoft) or partner-center"},
	{Key: "partner_center_url", Default: "https://api.partnercenter.microsoft.com", Help: "Partner Center REST base URL"},
	{Key: "graph_url", Default: "https://graph.microsoft.com/v1.0", Help: "Microsoft Graph base URL"},
	{Key: "login_url", Default: "https://login.microsoftonline.com", Help: "Entra ID token endpoint base URL"},
	{Key: "gdap_approval_url", Default: "https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/",
		Help: "GDAP: the admin center's approval link, the relationship id appended (another cloud's, or onboard sandbox's)"},
	{Key: "partner_tenant_id", Help: "the partner's tenant id"},
	{Key: "client_id", Help: "the partner application's client id"},
	{Key: "public_client_id", Help: "public client id used to verify the administrator's password"},
	{Key: "client_secret", Secret: true, Help: "the partner application's client secret"},
	{Key: "refresh_token", Secret: true, Help: "App+User refresh token (relationship requests, trial conversions)"},
	{Key: "invitation_url", Help: "fixed invitation URL; wins over the one Partner Center gives"},
	{Key: "gdap_roles", Help: "GDAP: comma-separated role template ids asked of the customer; empty: Directory Readers, " +
		"License Administrator, User Administrator (88d8e3e3-8f55-4a1e-953a-9b9898b8876b, 4d6ac14f-3453-41d0-bef9-a3e0c569773a, " +
		"fe930be7-5e62-47db-91af-98c3a49a38b1)"},
	{Key: "gdap_duration", Default: "P730D", Help: "GDAP: how long the admin relationship lasts (ISO 8601, at most P730D)"},
	{Key: "gdap_group", Help: "GDAP: the partner's security group given the roles; off: GDAP is not requested; empty: not requested " +
		"with Microsoft, the seeded group 7c1f4e2a-5b3d-4c6e-8f9a-0b1c2d3e4f5a with the sandbox"},
	{Key: "verify_admin", Default: "true", Help: "verify the Global administrator before the invitation"},
	{Key: "admin_sign_in", Default: "auto", Help: "how the administrator signs in on Microsoft's page (MFA works): auto (browser where one opens here and not a kiosk, else device-code), browser (PKCE, loopback redirect), device-code (a code and a link for any device), or password (password grant; falls back to the page when MFA or consent is required)"},
	{Key: "payment", Default: "sandbox", Help: "payment gateway: sandbox (built-in test checkout) or stripe (Stripe Checkout)"},
	{Key: "payment_url", Help: "payment gateway base URL (empty: the built-in sandbox)"},
	{Key: "payment_api_key", Secret: true, Help: "payment gateway API key"},
	{Key: "catalog", Help: "path of the provider's catalog JSON (empty: the embedded default)"},
	{Key: "db", Help: "the database: a SQLite file path (empty: XDG data directory) or a postgres:// URL (password from PGPASSWORD or ~/.pgpass)"},
	{Key: "draft_ttl", Default: "168h", Help: "how long unfinished answers are kept"},
	{Key: "sandbox_addr", Default: "127.0.0.1:0", Help: "where the in-process sandbox listens"},
	{Key: "sandbox_faults", Help: "faults the sandbox Microsoft injects, e.g. 429:0.1,5xx:0.05,latency:200ms,retry-after:2s (empty: none)"},
	{Key: "sandbox_fault_seed", Default: "1", Help: "seed of the sandbox's fault draws: the same seed gives the same bad day"},
	{Key: "sandbox_large_tenant", Default: "100000", Help: "users of the sandbox's large demo tenant northwind.onmicrosoft.com (1 to 10000000)"},
	{Key: "agent", Help: "agent name for the audit trail (default: the OS user)"},
	{Key: "log_file", Help: "log file (empty: XDG state directory)"},
	{Key: "secrets_file", Help: "TOML file (mode 0600) holding client_secret, refresh_token, payment_api_key, stripe_secret_key, stripe_webhook_secret"},
	// The customer's language (issue 18): the provider's default, a kiosk's
	// own; the customer switches on the first screen (ctrl+l).
	{Key: "locale", Default: "en", Help: "the customer's language by default: en, de or fr (a language with a catalog in i18n/)"},
	{Key: "kiosk_locale", Help: "kiosk: this kiosk's language (empty: locale)"},
	{Key: "country", Help: "the country most customers are in, chosen first on the details (ISO 3166 code, e.g. DE; empty: none)"},
	{Key: "kiosk", Default: "false", Help: "kiosk mode: full screen, leave only with the admin PIN, idle reset"},
	{Key: "kiosk_pin_hash", Masked: true, Help: "salted hash of the admin PIN that closes the kiosk (set with `onboard kiosk set-pin`)"},
	{Key: "kiosk_name", Help: "kiosk: its name in the audit trail (default: the host name)"},
	{Key: "kiosk_idle", Default: "120s", Help: "kiosk: wipe an untouched sign-up after this long"},
	{Key: "kiosk_wait_idle", Default: "10m", Help: "kiosk: the same while the customer signs in, accepts or pays on their phone"},
	{Key: "kiosk_drafts", Default: "drop", Help: "kiosk: keep or drop the draft of a sign-up wiped for idleness"},
	{Key: "kiosk_open_browser", Default: "false", Help: "kiosk: open pages in a browser on this machine (else the link and QR code only)"},
	{Key: "accessible", Default: "false", Help: "plain line prompts for screen readers (also ACCESSIBLE=1 or TERM=dumb)"},
	// The provider's setup (issue 13, item 7): `onboard partner login`, `onboard doctor`.
	// Stripe Checkout (issue 15): docs/payments.md.
	{Key: "stripe_secret_key", Secret: true, Help: "Stripe secret key (sk_test_… for test mode, sk_live_… for real money)"},
	{Key: "stripe_webhook_secret", Secret: true, Help: "signing secret (whsec_…) of the Stripe webhook endpoint onboard serve receives at /webhooks/stripe; empty: payments are polled"},
	{Key: "stripe_return_url", Help: "public base URL of onboard serve's HTTP endpoint: Stripe sends the customer to its return pages (empty: Stripe's own confirmation)"},
	{Key: "stripe_automatic_tax", Default: "false", Help: "let Stripe Tax add the tax it computes on top of the catalog's prices (automatic_tax)"},
	{Key: "stripe_api_url", Help: "Stripe API base URL (empty: https://api.stripe.com; tests point it at stripe-mock)"},
	{Key: "allow_sandbox_payments", Default: "false", Help: "with microsoft = partner-center, allow the sandbox checkout (a test partner only: no money moves)"},
	// One service for a desk and shops (issue 14): `onboard serve`.
	{Key: "serve_ssh", Default: "127.0.0.1:2222", Help: "serve: where the SSH server for kiosks and agents listens"},
	{Key: "serve_http", Default: "127.0.0.1:8080", Help: "serve: where the pages phones and browsers open listen (the sandbox's pages in demo mode, payment webhooks)"},
	{Key: "public_url", Help: "serve: the address phones reach serve_http at, e.g. https://signup.example.com; the wizard then shows long links " +
		"(GDAP approval, invitation) as short ones, {public_url}/a/CODE, whose QR codes fit an 80x24 kiosk (empty: links as they are)"},
	{Key: "serve_keys", Help: "serve: file mapping SSH public keys to roles, one per line: kiosk|agent NAME KEY (empty: serve_keys in the data directory)"},
	{Key: "serve_allow_anonymous", Default: "false", Help: "serve: let unknown SSH keys in, for customer self-service only"},
}

// Value is a resolved value and its origin.
type Value struct {
	Value  string
	Source Source
	Where  string // the file or variable it came from
}

// Config is the resolved configuration.
type Config struct {
	values map[string]Value
	File   string // the config file read, if any
}

// ErrInsecureSecrets is returned when the secrets file is readable by others.
var ErrInsecureSecrets = errors.New("secrets file must be readable by its owner only (chmod 600)")

// DefaultFile is the config file in the XDG config directory.
func DefaultFile() string {
	return filepath.Join(xdg.ConfigHome, "onboard", "config.toml")
}

// Load resolves the configuration. file "" means DefaultFile (missing is
// fine); flags holds the values set by flags (key → value).
func Load(file string, env func(string) string, flags map[string]string) (*Config, error) {
	c := &Config{values: map[string]Value{}}
	for _, s := range Settings {
		c.values[s.Key] = Value{Value: s.Default, Source: FromDefault}
	}
	explicit := file != ""
	if !explicit {
		file = DefaultFile()
	}
	if err := c.readFile(file, explicit); err != nil {
		return nil, err
	}
	for _, s := range Settings {
		if v := env(s.Env()); v != "" {
			c.values[s.Key] = Value{Value: v, Source: FromEnv, Where: s.Env()}
		}
	}
	if sf := c.Get("secrets_file"); sf != "" {
		if err := c.readSecrets(sf); err != nil {
			return nil, err
		}
	}
	for k, v := range flags {
		if s, ok := lookup(k); ok && !s.Secret {
			c.values[k] = Value{Value: v, Source: FromFlag, Where: "--" + strings.ReplaceAll(k, "_", "-")}
		}
	}
	return c, c.validate()
}

func lookup(key string) (Setting, bool) {
	for _, s := range Settings {
		if s.Key == key {
			return s, true
		}
	}
	return Setting{}, false
}

func (c *Config) readFile(file string, mustExist bool) error {
	raw := map[string]any{}
	md, err := toml.DecodeFile(file, &raw)
	if errors.Is(err, os.ErrNotExist) && !mustExist {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read config %s: %w", file, err)
	}
	c.File = file
	for _, k := range md.Keys() {
		key := k.String()
		s, ok := lookup(key)
		if !ok {
			return fmt.Errorf("config %s: unknown key %q (see `onboard config`)", file, key)
		}
		if s.Secret {
			return fmt.Errorf("config %s: %s is a secret: set %s or put it in secrets_file", file, key, s.Env())
		}
		c.values[key] = Value{Value: fmt.Sprint(raw[key]), Source: FromFile, Where: file}
	}
	return nil
}

func (c *Config) readSecrets(file string) error {
	fi, err := os.Stat(file)
	if err != nil {
		return fmt.Errorf("secrets file: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s has mode %v: %w", file, fi.Mode().Perm(), ErrInsecureSecrets)
	}
	raw := map[string]string{}
	if _, err := toml.DecodeFile(file, &raw); err != nil {
		return fmt.Errorf("read secrets file %s: %w", file, err)
	}
	for k, v := range raw {
		s, ok := lookup(k)
		if !ok || !s.Secret {
			return fmt.Errorf("secrets file %s: %q is not a secret setting", file, k)
		}
		if c.values[k].Source == FromEnv {
			continue // the environment wins over the file
		}
		c.values[k] = Value{Value: v, Source: FromSecretsFile, Where: file}
	}
	return nil
}

func (c *Config) validate() error {
	oneOf := map[string][]string{
		"mode":          {"customer", "agent"},
		"order_flow":    {"pay-first", "process-immediately", "manual-approval"},
		"microsoft":     {"sandbox", "partner-center"},
		"payment":       {"sandbox", "stripe"},
		"kiosk_drafts":  {"keep", "drop"},
		"admin_sign_in": {"auto", "browser", "device-code", "password"},
	}
	for k, allowed := range oneOf {
		v := c.Get(k)
		ok := false
		for _, a := range allowed {
			ok = ok || v == a
		}
		if !ok {
			return fmt.Errorf("%s = %q (from %s): use one of %s", k, v, c.values[k].Source, strings.Join(allowed, ", "))
		}
	}
	for _, k := range []string{"locale", "kiosk_locale"} {
		if v := c.Get(k); v != "" && i18n.Supported(v) == "" {
			var tags []string
			for _, l := range i18n.Languages() {
				tags = append(tags, l.Tag)
			}
			return fmt.Errorf("%s = %q (from %s): use one of %s", k, v, c.values[k].Source, strings.Join(tags, ", "))
		}
	}
	if v := c.Get("country"); v != "" && !isCountryCode(v) {
		return fmt.Errorf("country = %q (from %s): use a two-letter ISO 3166 code such as DE", v, c.values["country"].Source)
	}
	if _, err := strconv.ParseBool(c.Get("verify_admin")); err != nil {
		return fmt.Errorf("verify_admin = %q: use true or false", c.Get("verify_admin"))
	}
	for _, k := range []string{"kiosk", "accessible", "allow_sandbox_payments", "kiosk_open_browser", "stripe_automatic_tax"} {
		if _, err := strconv.ParseBool(c.Get(k)); err != nil {
			return fmt.Errorf("%s = %q: use true or false", k, c.Get(k))
		}
	}
	// A database password is a secret: from the environment (ONBOARD_DB,
	// PGPASSWORD) or ~/.pgpass, never the config file or the command line.
	if v := c.values["db"]; dbPassword(v.Value) && (v.Source == FromFile || v.Source == FromFlag) {
		return fmt.Errorf("db (from %s) holds a password: leave it out of the URL and set PGPASSWORD "+
			"or a ~/.pgpass line (mode 0600), or pass the whole URL as ONBOARD_DB", v.Source)
	}
	if h := c.Get("kiosk_pin_hash"); h != "" {
		if err := kioskpin.Parse(h); err != nil {
			return fmt.Errorf("kiosk_pin_hash: %w: set it with `onboard kiosk set-pin`", err)
		}
	}
	if d, err := time.ParseDuration(c.Get("kiosk_idle")); err != nil || d < 10*time.Second {
		return fmt.Errorf("kiosk_idle = %q: use a duration of at least 10s, such as 120s", c.Get("kiosk_idle"))
	}
	if d, err := time.ParseDuration(c.Get("kiosk_wait_idle")); err != nil || d < 10*time.Second {
		return fmt.Errorf("kiosk_wait_idle = %q: use a duration of at least 10s, such as 10m", c.Get("kiosk_wait_idle"))
	}
	if d, err := time.ParseDuration(c.Get("draft_ttl")); err != nil || d <= 0 {
		return fmt.Errorf("draft_ttl = %q: use a positive duration such as 168h", c.Get("draft_ttl"))
	}
	if n, err := strconv.Atoi(c.Get("sandbox_large_tenant")); err != nil || n < 1 || n > MaxLargeTenantUsers {
		return fmt.Errorf("sandbox_large_tenant = %q: use a whole number from 1 to %d", c.Get("sandbox_large_tenant"), MaxLargeTenantUsers)
	}
	if err := checkPublicURL(c.Get("public_url")); err != nil {
		return fmt.Errorf("public_url = %q (from %s): %w", c.Get("public_url"), c.values["public_url"].Source, err)
	}
	if _, err := strconv.ParseInt(c.Get("sandbox_fault_seed"), 10, 64); err != nil {
		return fmt.Errorf("sandbox_fault_seed = %q: use a whole number such as 1", c.Get("sandbox_fault_seed"))
	}
	return nil
}

// Locale is the customer's language this terminal starts in: the kiosk's
// own (kiosk_locale) at a kiosk, else the provider's (locale); an i18n tag.
func (c *Config) Locale() string {
	if c.Bool("kiosk") {
		return c.KioskLocale()
	}
	return c.providerLocale()
}

// KioskLocale is a kiosk's language: kiosk_locale, else locale.
func (c *Config) KioskLocale() string {
	if l := i18n.Supported(c.Get("kiosk_locale")); l != "" {
		return l
	}
	return c.providerLocale()
}

func (c *Config) providerLocale() string {
	if l := i18n.Supported(c.Get("locale")); l != "" {
		return l
	}
	return i18n.Default
}

// Get returns a setting's value.
func (c *Config) Get(key string) string { return c.values[key].Value }

// Bool returns a boolean setting (validated by Load).
func (c *Config) Bool(key string) bool { b, _ := strconv.ParseBool(c.Get(key)); return b }

// Duration returns a duration setting (validated by Load).
func (c *Config) Duration(key string) time.Duration { d, _ := time.ParseDuration(c.Get(key)); return d }

// Lookup returns the value with its origin.
func (c *Config) Lookup(key string) Value { return c.values[key] }

// Entry is one line of `onboard config`.
type Entry struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source Source `json:"source"`
	Where  string `json:"where,omitempty"`
}

// checkPublicURL accepts "" or an http(s) base URL: a phone must be able to
// open {public_url}/a/CODE, so a query or fragment would break it.
func checkPublicURL(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return errors.New("use the http(s) address phones open onboard serve's pages at, such as https://signup.example.com")
	}
	return nil
}

// dbPassword reports whether a db setting is a URL that carries a
// password (postgres://user:password@… or ?password=…).
func dbPassword(v string) bool {
	if !strings.Contains(v, "://") {
		return false
	}
	u, err := url.Parse(v)
	if err != nil {
		return false
	}
	_, set := u.User.Password()
	return set || u.Query().Has("password")
}

// Entries lists every setting, secrets masked, sorted by key.
func (c *Config) Entries() []Entry {
	out := make([]Entry, 0, len(Settings))
	for _, s := range Settings {
		v := c.values[s.Key]
		shown := v.Value
		if (s.Secret || s.Masked) && shown != "" {
			shown = "****"
		}
		if s.Key == "db" && dbPassword(shown) {
			if u, err := url.Parse(shown); err == nil {
				shown = u.Redacted()
			}
		}
		out = append(out, Entry{Key: s.Key, Value: shown, Source: v.Source, Where: v.Where})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// MaxLargeTenantUsers bounds sandbox_large_tenant, the users of the large demo tenant: the sandbox
// computes its users on demand; the bound keeps a demo's import in minutes.
const MaxLargeTenantUsers = 10_000_000

// isCountryCode: two letters A to Z (which ones exist, flow knows: the
// wizard refuses one it has no country for).
func isCountryCode(v string) bool {
	return len(v) == 2 && strings.ToUpper(v) == v && v[0] >= 'A' && v[0] <= 'Z' && v[1] >= 'A' && v[1] <= 'Z'
}
