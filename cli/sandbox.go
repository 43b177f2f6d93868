package cli

import (
	"errors"
	"fmt"
	"io"
	"os/signal"
	"strconv"
	"syscall"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"onboard/config"
	"onboard/msapi/sandbox"
	paysandbox "onboard/payment/sandbox"
)

func newSandboxCmd(g *globals) *cobra.Command {
	var addr string
	var users int
	var persist, enforceGDAP bool
	var faults string
	var seed int64
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the sandbox Microsoft and sandbox payments over HTTP",
		Long: "Serves a fake Microsoft (Partner Center, Entra ID token endpoint, Graph and the\n" +
			"invitation page) and the sandbox hosted checkout, with the demo tenants.",
		Example: "  onboard sandbox --addr 127.0.0.1:8099\n" +
			"  onboard sandbox --faults 429:0.1,5xx:0.05,latency:200ms --fault-seed 7\n" +
			"  curl -s -d grant_type=client_credentials ... http://127.0.0.1:8099/login/<partner>/oauth2/v2.0/token",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir := ""
			if persist {
				d, err := sandboxDir()
				if err != nil {
					return err
				}
				dir = d
			}
			f, err := sandbox.ParseFaults(faults, seed)
			if err != nil {
				return fmt.Errorf("--faults: %w", err)
			}
			if !cmd.Flags().Changed("large-tenant-users") && !cmd.Flags().Changed("northwind-users") {
				if cfg, err := g.config(cmd); err == nil {
					users, _ = strconv.Atoi(cfg.Get("sandbox_large_tenant"))
				}
			}
			if users < 1 || users > config.MaxLargeTenantUsers {
				return fmt.Errorf("--large-tenant-users %d: use a whole number from 1 to %d", users, config.MaxLargeTenantUsers)
			}
			sb, err := newSandboxes(dir, sandbox.Options{NorthwindUsers: users, Faults: f, EnforceGDAP: enforceGDAP})
			if err != nil {
				return err
			}
			if err := sb.serve(addr); err != nil {
				return err
			}
			defer sb.close()
			if w := exposureWarning(addr, "--addr 127.0.0.1:8099"); w != "" {
				fmt.Fprintln(cmd.ErrOrStderr(), w)
			}
			printSandbox(cmd.OutOrStdout(), sb)
			if faults != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "Injecting faults: %s (seed %d).\n", faults, seed)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			<-ctx.Done()
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8099", "listen address (loopback by default; the sandbox has no real security)")
	cmd.Flags().IntVar(&users, "large-tenant-users", 100000, "users of the large demo tenant northwind.onmicrosoft.com (default: the sandbox_large_tenant setting)")
	cmd.Flags().IntVar(&users, "northwind-users", 100000, "the same as --large-tenant-users")
	_ = cmd.Flags().MarkDeprecated("northwind-users", "use --large-tenant-users")
	cmd.Flags().StringVar(&faults, "faults", "", "inject faults into API requests, e.g. 429:0.1,5xx:0.05,latency:200ms,retry-after:2s")
	cmd.Flags().Int64Var(&seed, "fault-seed", 1, "seed of the fault draws: the same seed gives the same sequence")
	cmd.Flags().BoolVar(&enforceGDAP, "gdap", true, "refuse directory calls that no approved admin relationship (GDAP) covers, as Microsoft does "+
		"(--gdap=false for a client configured with gdap_group = off)")
	cmd.Flags().BoolVar(&persist, "persist", false, "keep state in the data directory (shared with the wizard's embedded sandbox)")
	return cmd
}

func printSandbox(w io.Writer, sb *sandboxes) {
	u, cr := sb.ms.URLs(sb.base), sb.ms.Credentials()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Sandbox Microsoft and payments on %s\n\n", sb.base)
	fmt.Fprintf(tw, "partner_center_url\t%s\n", u.PartnerCenter)
	fmt.Fprintf(tw, "graph_url\t%s\n", u.Graph)
	fmt.Fprintf(tw, "login_url\t%s\n", u.Login)
	fmt.Fprintf(tw, "gdap_approval_url\t%s\n", u.GDAPApproval)
	fmt.Fprintf(tw, "payment_url\t%s/pay\n", sb.base)
	fmt.Fprintf(tw, "partner_tenant_id\t%s\n", cr.PartnerTenantID)
	fmt.Fprintf(tw, "client_id\t%s\n", cr.ClientID)
	fmt.Fprintf(tw, "client_secret\t%s\n", cr.ClientSecret)
	fmt.Fprintf(tw, "refresh_token\t%s\n", cr.RefreshToken)
	fmt.Fprintf(tw, "public_client_id\t%s\n", cr.PublicClientID)
	fmt.Fprintf(tw, "payment_api_key\t%s\n\n", paysandbox.DefaultAPIKey)
	fmt.Fprintf(tw, "TENANT\tLOGIN\tPASSWORD\tROLE\n")
	for _, a := range sandbox.DemoAccounts() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Tenant, a.Login, a.Password, a.Role)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nPress Ctrl+C to stop.")
}

func newDemoCmd(g *globals) *cobra.Command {
	demo := &cobra.Command{Use: "demo", Short: "Demo helpers for the built-in sandbox"}
	demo.AddCommand(&cobra.Command{
		Use:   "reset",
		Short: "Return the sandbox Microsoft, sandbox payments and the database to the seeded state",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.config(cmd)
			if err != nil {
				return err
			}
			if cfg.Get("microsoft") != "sandbox" {
				return errNoSandbox
			}
			e, err := openAll(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer e.close()
			err = errors.Join(e.sb.ms.Reset(), e.sb.pay.Reset(), e.db.Reset(cmd.Context()))
			if err != nil {
				return fmt.Errorf("demo reset: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Demo reset: sandbox Microsoft, sandbox payments and %s are back to the seeded state.\n", e.db.Path())
			return nil
		},
	})
	return demo
}
