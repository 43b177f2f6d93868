package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/adrg/xdg"

	"onboard/config"
	"onboard/flow"
	"onboard/msapi"
	"onboard/msapi/partnercenter"
	"onboard/msapi/sandbox"
	"onboard/payment"
	paysandbox "onboard/payment/sandbox"
	"onboard/store"
)

// env is everything a command needs, wired from the configuration.
type env struct {
	cfg *config.Config
	db  *store.DB
	svc *flow.Service
	sb  *sandboxes // nil when neither Microsoft nor payments are the sandbox
	// remote: the commands run for someone else's terminal (onboard
	// serve), so no browser opens here.
	remote bool
}

// sandboxes holds the in-process fake Microsoft and payment provider, mounted
// side by side on one loopback listener.
type sandboxes struct {
	ms   *sandbox.Sandbox
	pay  *paysandbox.Server
	base string
	srv  *http.Server
	// mounts are further handlers on the sandbox's listener (`onboard
	// serve`: one HTTP address for the sandbox's pages and its own).
	mounts map[string]http.Handler
}

// sandboxDir is where the sandboxes keep their state between demo runs.
func sandboxDir() (string, error) {
	p, err := xdg.DataFile(filepath.Join("onboard", "sandbox", "x"))
	if err != nil {
		return "", fmt.Errorf("sandbox state directory: %w", err)
	}
	return filepath.Dir(p), nil
}

// newSandboxes builds both sandboxes with their state files (none when
// stateDir is empty).
func newSandboxes(stateDir string, opts sandbox.Options) (*sandboxes, error) {
	if stateDir != "" {
		opts.StatePath = filepath.Join(stateDir, "microsoft.json")
	}
	ms, err := sandbox.New(opts)
	if err != nil {
		return nil, fmt.Errorf("start sandbox Microsoft: %w", err)
	}
	popts := paysandbox.Options{}
	if stateDir != "" {
		popts.StatePath = filepath.Join(stateDir, "payments.json")
	}
	return &sandboxes{ms: ms, pay: paysandbox.NewServer(popts)}, nil
}

// handler mounts the payment sandbox under /pay and Microsoft everywhere else.
func (s *sandboxes) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/pay/", http.StripPrefix("/pay", s.pay))
	for pattern, h := range s.mounts {
		mux.Handle(pattern, h)
	}
	mux.Handle("/", s.ms)
	return mux
}

// serve listens on addr (loopback by default) and serves in the background.
func (s *sandboxes) serve(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("sandbox listen on %s: %w", addr, err)
	}
	s.base = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return nil
}

func (s *sandboxes) close() {
	if s.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = s.srv.Shutdown(ctx)
	}
}

// databaseDSN is the configured database: db, else the default file.
func databaseDSN(cfg *config.Config) (string, error) {
	if path := cfg.Get("db"); path != "" {
		return path, nil
	}
	return store.DefaultPath()
}

// openStore opens the configured database.
func openStore(ctx context.Context, cfg *config.Config) (*env, error) {
	path, err := databaseDSN(cfg)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", store.Redact(path), err)
	}
	return &env{cfg: cfg, db: db}, nil
}

// openEnv wires the configuration into a working service.
func openEnv(ctx context.Context, cfg *config.Config, cat flow.Catalog) (*env, error) {
	return openEnvMounting(ctx, cfg, cat, nil)
}

// openEnvMounting is openEnv with further handlers served beside the
// sandbox's pages, when the sandbox runs.
func openEnvMounting(ctx context.Context, cfg *config.Config, cat flow.Catalog, mounts map[string]http.Handler) (*env, error) {
	e, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	ms, gw, err := e.connect(cfg, mounts)
	if err != nil {
		e.close()
		return nil, err
	}
	e.svc = &flow.Service{
		MS:                    ms,
		Store:                 e.db,
		Pay:                   gw,
		Catalog:               cat,
		Policy:                flow.Policy(cfg.Get("order_flow")),
		Actor:                 wizardActor(cfg),
		DraftTTL:              cfg.Duration("draft_ttl"),
		InvitationURLOverride: cfg.Get("invitation_url"),
		SkipAdminVerification: !cfg.Bool("verify_admin"),
		GDAP:                  gdapSettings(cfg),
		AdminSignIn:           cfg.Get("admin_sign_in"),
		BrowserHere:           !cfg.Bool("kiosk") && browserHere(os.Getenv, runtime.GOOS),
		// Short links are made by any front end on this database and
		// followed at the onboard serve that public_url names.
		PublicURL:  cfg.Get("public_url"),
		ShortLinks: e.db,
	}
	return e, nil
}

// connect builds the Microsoft client and the payment gateway, starting the
// in-process sandboxes when configured.
func (e *env) connect(cfg *config.Config, mounts map[string]http.Handler) (msapi.Microsoft, payment.Gateway, error) {
	if err := refuseSandboxPayments(cfg); err != nil {
		return nil, nil, err
	}
	mcfg := partnercenter.Config{
		PartnerCenterURL: cfg.Get("partner_center_url"),
		GraphURL:         cfg.Get("graph_url"),
		LoginURL:         cfg.Get("login_url"),
		GDAPApprovalURL:  cfg.Get("gdap_approval_url"),
		PartnerTenantID:  cfg.Get("partner_tenant_id"),
		ClientID:         cfg.Get("client_id"),
		ClientSecret:     cfg.Get("client_secret"),
		RefreshToken:     cfg.Get("refresh_token"),
		PublicClientID:   cfg.Get("public_client_id"),
	}
	payURL, payKey := cfg.Get("payment_url"), cfg.Get("payment_api_key")
	var gw payment.Gateway
	if cfg.Get("payment") == "stripe" {
		sg, err := stripeGateway(cfg)
		if err != nil {
			return nil, nil, err
		}
		gw, payURL = sg, "(stripe)" // no sandbox checkout to start
	}
	if cfg.Get("microsoft") == "sandbox" || payURL == "" {
		dir, err := sandboxDir()
		if err != nil {
			return nil, nil, err
		}
		faults, err := configFaults(cfg)
		if err != nil {
			return nil, nil, err
		}
		// The sandbox refuses directory calls without GDAP, as Microsoft
		// does, whenever the provider requests GDAP (issue 12 part 3).
		large, _ := strconv.Atoi(cfg.Get("sandbox_large_tenant")) // validated with the config
		sb, err := newSandboxes(dir, sandbox.Options{Faults: faults, EnforceGDAP: gdapSettings(cfg).Enabled(),
			NorthwindUsers: large,
			// As Microsoft documents, a new-commerce order is pending at first.
			PendingPolls: 1})
		if err != nil {
			return nil, nil, err
		}
		sb.mounts = mounts
		if err := sb.serve(cfg.Get("sandbox_addr")); err != nil {
			return nil, nil, err
		}
		e.sb = sb
		if cfg.Get("microsoft") == "sandbox" {
			u, cr := sb.ms.URLs(sb.base), sb.ms.Credentials()
			mcfg.PartnerCenterURL, mcfg.GraphURL, mcfg.LoginURL = u.PartnerCenter, u.Graph, u.Login
			mcfg.PartnerTenantID, mcfg.ClientID, mcfg.ClientSecret = cr.PartnerTenantID, cr.ClientID, cr.ClientSecret
			mcfg.RefreshToken, mcfg.PublicClientID = cr.RefreshToken, cr.PublicClientID
			mcfg.GDAPApprovalURL = u.GDAPApproval
		}
		if payURL == "" {
			payURL = sb.base + "/pay"
			if payKey == "" {
				payKey = paysandbox.DefaultAPIKey
			}
		}
	}
	client, err := partnercenter.New(mcfg)
	if err != nil {
		return nil, nil, fmt.Errorf("Microsoft client: %w", err)
	}
	if gw == nil {
		gw = paysandbox.NewClient(payURL, payKey, nil)
	}
	return client, gw, nil
}

// configFaults reads sandbox_faults and sandbox_fault_seed: the faults the
// embedded sandbox Microsoft injects.
func configFaults(cfg *config.Config) (sandbox.Faults, error) {
	seed, err := strconv.ParseInt(cfg.Get("sandbox_fault_seed"), 10, 64)
	if err != nil {
		return sandbox.Faults{}, fmt.Errorf("sandbox_fault_seed = %q: use a whole number", cfg.Get("sandbox_fault_seed"))
	}
	f, err := sandbox.ParseFaults(cfg.Get("sandbox_faults"), seed)
	if err != nil {
		return sandbox.Faults{}, fmt.Errorf("sandbox_faults: %w", err)
	}
	return f, nil
}

func (e *env) close() {
	if e.sb != nil {
		e.sb.close()
	}
	if e.db != nil {
		_ = e.db.Close()
	}
}

func loadCatalog(path string) (flow.Catalog, error) {
	if path == "" {
		return flow.DefaultCatalog(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return flow.Catalog{}, fmt.Errorf("catalog: %w", err)
	}
	defer f.Close()
	cat, err := flow.LoadCatalog(f)
	if err != nil {
		return flow.Catalog{}, fmt.Errorf("catalog %s: %w", path, err)
	}
	return cat, nil
}

// wizardActor is who the audit trail names for what the wizard does: the
// kiosk by its name, the agent signing a customer up, or the customer at
// their own terminal.
func wizardActor(cfg *config.Config) flow.Actor {
	switch {
	case cfg.Bool("kiosk"):
		name := cfg.Get("kiosk_name")
		if name == "" {
			name, _ = os.Hostname()
		}
		return flow.Actor{Kind: flow.ActorKiosk, Name: cmp.Or(name, "kiosk")}
	case cfg.Get("mode") == string(flow.ModeAgent):
		return agentActor(cfg)
	}
	return flow.Actor{Kind: flow.ActorCustomer, Name: "self-service"}
}

// agentActor is the agent running the wizard in agent mode or a command on
// orders: --agent, else the OS user. Commands are an agent's tools whatever
// mode the configuration sets for the wizard.
func agentActor(cfg *config.Config) flow.Actor {
	name := cfg.Get("agent")
	if name == "" {
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
	}
	return flow.Actor{Kind: flow.ActorAgent, Name: cmp.Or(name, "unknown agent")}
}

var errNoSandbox = errors.New("this command needs the built-in sandbox (microsoft = sandbox)")

// openAll loads the configured catalog and wires the whole environment.
func openAll(ctx context.Context, cfg *config.Config) (*env, error) {
	cat, err := loadCatalog(cfg.Get("catalog"))
	if err != nil {
		return nil, err
	}
	return openEnv(ctx, cfg, cat)
}

// gdapSettings are the provider's GDAP settings (issue 12 part 3).
func gdapSettings(cfg *config.Config) flow.GDAPSettings {
	var roles []string
	for _, r := range strings.Split(cfg.Get("gdap_roles"), ",") {
		if r = strings.TrimSpace(r); r != "" {
			roles = append(roles, strings.ToLower(r))
		}
	}
	group := strings.TrimSpace(cfg.Get("gdap_group"))
	switch {
	case strings.EqualFold(group, "off"):
		group = ""
	case group == "" && cfg.Get("microsoft") == "sandbox":
		// The embedded demo behaves as production must: the import needs
		// an approved admin relationship for the sandbox's seeded group.
		group = sandbox.PartnerGDAPGroupID
	}
	return flow.GDAPSettings{Roles: roles, Duration: cfg.Get("gdap_duration"), Group: group}
}

// browserHere guesses whether a browser can be opened where onboard runs,
// for admin_sign_in = auto: not over SSH; $BROWSER when set ("false" or
// "none": no); a desktop session on Linux and the BSDs; always on macOS and
// Windows.
func browserHere(getenv func(string) string, goos string) bool {
	if getenv("SSH_CONNECTION") != "" || getenv("SSH_TTY") != "" {
		return false
	}
	if b := strings.TrimSpace(getenv("BROWSER")); b != "" {
		return b != "false" && b != "none"
	}
	switch goos {
	case "darwin", "windows":
		return true
	}
	return getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
}
