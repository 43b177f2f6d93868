package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/charmbracelet/fang"
	"github.com/spf13/cobra"

	"onboard/config"
	"onboard/flow"
	"onboard/msapi/sandbox"
	paystripe "onboard/payment/stripe"
	"onboard/server"
	"onboard/store"
	"onboard/ui"
	"onboard/worker"
)

// served is the environment `onboard serve` shares with the commands its
// agents run over SSH: its configuration, database and service.
type served struct {
	cfg *config.Config
	env *env
}

func newServeCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the wizard to kiosks and agents over SSH, and the agents' commands",
		Long: "One service for a support desk and shops: it holds the database, the secrets and the\n" +
			"processing; terminals hold nothing. Each SSH key in the keys file is a kiosk (the kiosk\n" +
			"wizard only) or an agent (the agent wizard, and the commands: ssh desk@host orders list).\n" +
			"The pages phones and browsers open (the sandbox's in demo mode) are served on --http.",
		Example: "  onboard serve --ssh 127.0.0.1:2222 --http 127.0.0.1:8080 --keys /etc/onboard/keys\n" +
			"  ssh -p 2222 -i kiosk-key kiosk@127.0.0.1\n" +
			"  ssh -p 2222 -i agent-key desk@127.0.0.1 orders list --json",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd, g) },
	}
	if g.flagOf == nil {
		g.flagOf = map[string]string{}
	}
	for key, flag := range map[string]string{"serve_ssh": "ssh", "serve_http": "http", "serve_keys": "keys", "serve_allow_anonymous": "allow-anonymous", "public_url": "public-url"} {
		g.flagOf[key] = flag
	}
	f := cmd.Flags()
	g.flags["serve_ssh"] = f.String("ssh", "", "address the SSH server listens on (default 127.0.0.1:2222)")
	g.flags["serve_http"] = f.String("http", "", "address the HTTP server listens on, for the pages phones open (default 127.0.0.1:8080)")
	g.flags["serve_keys"] = f.String("keys", "", "keys file: one `kiosk|agent NAME PUBLIC-KEY` per line (default: serve_keys in the data directory)")
	g.flags["serve_allow_anonymous"] = f.String("allow-anonymous", "", "let unknown keys in for customer self-service")
	f.Lookup("allow-anonymous").NoOptDefVal = "true"
	g.flags["public_url"] = f.String("public-url", "", "the address phones reach --http at (https://signup.example.com): long links are shown as short ones served there")
	return cmd
}

func runServe(cmd *cobra.Command, g *globals) error {
	cfg, err := g.config(cmd)
	if err != nil {
		return err
	}
	// The sandbox's pages are reached on the service's HTTP address.
	if f := cmd.Flags().Lookup("sandbox-addr"); f != nil && !f.Changed {
		if err := cmd.Flags().Set("sandbox-addr", cfg.Get("serve_http")); err != nil {
			return err
		}
		if cfg, err = g.config(cmd); err != nil {
			return err
		}
	}
	if err := refuseSandboxPayments(cfg); err != nil {
		return err
	}
	if err := knownCountry(cfg); err != nil {
		return err
	}
	dataDir, err := dataDir()
	if err != nil {
		return err
	}
	keysPath := cfg.Get("serve_keys")
	if keysPath == "" {
		keysPath = filepath.Join(dataDir, "serve_keys")
	}
	if _, err := server.LoadKeys(keysPath); err != nil { // a typo is told at start, not at the first sign-in
		return err
	}
	cat, err := loadCatalog(cfg.Get("catalog"))
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	payments, links := &laterHandler{}, &laterHandler{}
	mounts := httpMounts(payments, links)
	e, err := openEnvMounting(ctx, cfg, cat, mounts)
	if err != nil {
		return err
	}
	defer e.close()
	e.remote = true
	dsn, err := databaseDSN(cfg)
	if err != nil {
		return err
	}
	bg := worker.New(e.svc, worker.Options{DB: dsn})
	// Stripe's return pages and webhook need the service, which exists only
	// now; an order a webhook found paid goes to the worker at once, not at
	// its next scan.
	payments.set(stripeMounts(cfg, e.svc, bg.ProcessNow))
	links.set(map[string]http.Handler{server.ShortLinkPath: server.ShortLinkHandler(e.svc, cfg.KioskLocale(), nil)})

	httpBase := ""
	if e.sb != nil {
		httpBase = e.sb.base
	} else {
		base, closeHTTP, err := serveHTTP(cfg.Get("serve_http"), mounts)
		if err != nil {
			return err
		}
		defer closeHTTP()
		httpBase = base
	}

	sv := &served{cfg: cfg, env: e}
	srv, err := server.New(server.Options{
		HostKeyPath:    filepath.Join(dataDir, "ssh_host_ed25519"),
		KeysPath:       keysPath,
		AllowAnonymous: cfg.Bool("serve_allow_anonymous"),
		Wizard:         sv.wizard,
		Command:        sv.command(g.version),
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Get("serve_ssh"))
	if err != nil {
		return fmt.Errorf("ssh listen on %s: %w", cfg.Get("serve_ssh"), err)
	}
	// The SSH port signs every key in; the sandbox's pages have no security.
	if e.sb != nil {
		if w := exposureWarning(cfg.Get("serve_http"), "--http 127.0.0.1:8080 (serve_http in the config)"); w != "" {
			fmt.Fprintln(cmd.ErrOrStderr(), w)
		}
	}
	// The background worker processes paid orders whatever became of their
	// terminal, and finishes those of a server that died: every session
	// and command names its own actor, so the service's default is the
	// worker's.
	host, _ := os.Hostname()
	e.svc.Actor = flow.Actor{Kind: flow.ActorSystem, Name: fmt.Sprintf("worker %s/%d", host, os.Getpid())}
	workerDone := make(chan error, 1)
	go func() { workerDone <- bg.Run(ctx) }()
	fmt.Fprintf(cmd.OutOrStdout(), "Serving SSH on %s and HTTP on %s (keys: %s). Press Ctrl+C to stop.\n", ln.Addr(), httpBase, keysPath)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		stop()
		<-workerDone
		return fmt.Errorf("ssh server: %w", err)
	case err := <-workerDone:
		_ = srv.Close()
		return fmt.Errorf("background worker stopped: %w", err)
	case <-ctx.Done():
	}
	// Open sessions get a moment to end; the rest are cut (the worker of
	// this or another server finishes their paid orders).
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("ssh server shutdown: %w", err)
	}
	_ = srv.Close()
	// The worker hands what it was doing back to the queue (bounded by its
	// own stop timeout) before the database closes.
	if err := <-workerDone; err != nil {
		return fmt.Errorf("background worker: %w", err)
	}
	return nil
}

// dataDir is the directory of the database's default file: the host key
// and the keys file live there.
func dataDir() (string, error) {
	p, err := store.DefaultPath()
	if err != nil {
		return "", err
	}
	return filepath.Dir(p), nil
}

// httpMounts are the service's own pages beside the sandbox's: a health
// check, and the payment provider's pages and webhook and the short links
// (set later: they need the service).
func httpMounts(payments, links http.Handler) map[string]http.Handler {
	return map[string]http.Handler{
		"GET /healthz": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "ok\n")
		}),
		"/payments/stripe/":             payments,
		"POST " + paystripe.WebhookPath: payments,
		server.ShortLinkPath:            links,
	}
}

// laterHandler serves with handlers set after the listener started; 404
// until then, and for a gateway that has no pages.
type laterHandler struct{ mux atomic.Pointer[http.ServeMux] }

func (l *laterHandler) set(mounts map[string]http.Handler) {
	mux := http.NewServeMux()
	for pattern, h := range mounts {
		mux.Handle(pattern, h)
	}
	l.mux.Store(mux)
}

func (l *laterHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if mux := l.mux.Load(); mux != nil {
		mux.ServeHTTP(w, r)
		return
	}
	http.NotFound(w, r)
}

// serveHTTP serves mounts on addr when no sandbox does; it returns the base
// URL and a closer.
func serveHTTP(addr string, mounts map[string]http.Handler) (string, func(), error) {
	mux := http.NewServeMux()
	for pattern, h := range mounts {
		mux.Handle(pattern, h)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("http listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// wizard runs the identity's wizard on a session's terminal: the kiosk
// (with its idle reset and PIN), the agent's, or customer self-service.
func (s *served) wizard(ctx context.Context, id server.Identity, t server.Terminal) error {
	opts := ui.Options{
		Backend:  s.env.svc,
		Catalog:  s.env.svc.Catalog,
		Provider: s.cfg.Get("provider"),
		Terminal: t.Name,
		Input:    t.Input,
		Output:   t.Output,
		Remote:   t.Remote,
		// The server has no screen to open a browser on: the link and
		// its QR code are on the terminal.
		Browser:         noBrowser{},
		SandboxPayments: s.cfg.Get("payment") == "sandbox",
		Locale:          s.cfg.Get("locale"),
		Country:         s.cfg.Get("country"),
	}
	if s.cfg.Get("microsoft") == "sandbox" {
		opts.Sandbox = true
		for _, a := range sandbox.DemoAccounts() {
			opts.DemoAccounts = append(opts.DemoAccounts, ui.DemoAccount(a))
		}
	}
	switch id.Role {
	case server.RoleKiosk:
		return ui.RunKiosk(ctx, kioskOptions(s.cfg, opts))
	case server.RoleAgent:
		opts.Mode, opts.Agent = flow.ModeAgent, id.Name
		opts.Locale = agentLocale(sessionEnv(t))
	}
	return ui.Run(ctx, opts)
}

// errNoBrowserHere: the wizard runs on the server, whose browser nobody sees.
var errNoBrowserHere = errors.New("served over SSH: open the link on the phone or another device")

// openURL opens a link in this machine's browser, unless the command runs
// for a remote terminal: then the link printed is all there is.
func (e *env) openURL(u string) error {
	if e.remote {
		return errNoBrowserHere
	}
	return openURL(u)
}

type noBrowser struct{}

func (noBrowser) Open(string) error { return errNoBrowserHere }

// command runs an agent's command line over SSH on the served environment.
// Only the commands that read and act on orders and customers are served;
// those that run a terminal UI, a server or change the service's setup are
// for the provider's own shell.
func (s *served) command(version string) func(context.Context, server.Identity, []string, io.Reader, io.Writer, io.Writer) int {
	return func(ctx context.Context, _ server.Identity, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
		g := &globals{flags: map[string]*string{}, version: version, served: s}
		root := &cobra.Command{
			Use:           "onboard",
			Short:         "onboard's commands for agents, served over SSH",
			SilenceUsage:  true,
			SilenceErrors: true,
			Args:          noSubcommandArgs,
		}
		root.SetFlagErrorFunc(flagError)
		root.AddCommand(newOrdersCmd(g), newCustomersCmd(g))
		root.CompletionOptions.DisableDefaultCmd = true
		strictGroups(root)
		if len(args) == 0 {
			args = []string{"--help"}
		}
		root.SetArgs(args)
		root.SetIn(stdin)
		root.SetOut(stdout)
		root.SetErr(stderr)
		err := fang.Execute(ctx, root, fang.WithVersion(version), fang.WithoutManpage(), fang.WithErrorHandler(reportError))
		return ExitCode(err)
	}
}
