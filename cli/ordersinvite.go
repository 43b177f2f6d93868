package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"onboard/flow"
	"onboard/internal/safetext"
	"onboard/ui"
)

// invitationLinks are the links an order's customer opens: the partner
// invitation, and the admin relationship's approval when GDAP is asked.
type invitationLinks struct {
	Order      string           `json:"order"`
	Status     flow.OrderStatus `json:"status"`
	Invitation string           `json:"invitation_url"`
	GDAP       string           `json:"gdap_approval_url,omitempty"`
}

// newOrdersInvite prints an order's links again: they live as long as the
// order, not as long as the terminal that created it (issue 14).
func newOrdersInvite(g *globals) *cobra.Command {
	var asJSON, noQR bool
	cmd := &cobra.Command{
		Use:     "invite ORDER",
		Short:   "Print an order's invitation link (and approval link) with its QR code again",
		Example: "  onboard orders invite ORD-000001\n  ssh -p 2222 desk@onboard.example orders invite ORD-000001 --json",
		Args:    exactArgs(1, "the order number, e.g. ORD-000001"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.withEnv(cmd, func(e *env) error {
				ctx := cmd.Context()
				o, err := e.findOrder(ctx, args[0])
				if err != nil {
					return err
				}
				if o.Status.Final() {
					// A completed or cancelled order has nothing left to
					// accept or approve: a link would only mislead.
					return unchangedError{fmt.Errorf("order %s is %s: it has no invitation or approval left to do", o.Number, o.Status)}
				}
				links := invitationLinks{Order: o.Number, Status: o.Status}
				if links.Invitation, err = e.svc.InvitationURL(ctx); err != nil {
					return err
				}
				// The approval link exists once the tenant is known (the
				// invitation was accepted) and until it is approved.
				if e.svc.GDAP.Enabled() && o.TenantID != "" {
					gd, err := e.svc.GDAPStatus(ctx, o.ID)
					if err != nil {
						return fmt.Errorf("admin relationship of order %s: %w", o.Number, err)
					}
					if !gd.Ready() {
						links.GDAP = gd.URL
					}
				}
				if e.sb != nil && e.sb.ms != nil && g.served == nil {
					// The built-in sandbox serves these pages only while
					// this command runs.
					fmt.Fprintln(cmd.ErrOrStderr(), "Note: these links are served by this command's built-in sandbox and stop working when it ends; "+
						"run `onboard sandbox` (or `onboard serve`) for links that last.")
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), links)
				}
				return links.write(cmd.OutOrStdout(), !noQR)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&noQR, "no-qr", false, "the links only, without QR codes")
	return cmd
}

func (l invitationLinks) write(w io.Writer, withQR bool) error {
	fmt.Fprintf(w, "Order %s (%s)\n\n", l.Order, l.Status)
	link := func(title, url string) {
		url = safetext.CleanN(url, 2000)
		fmt.Fprintf(w, "%s\n%s\n", title, url)
		if qr, err := ui.QR(url); withQR && err == nil {
			fmt.Fprintln(w, qr)
		}
		fmt.Fprintln(w)
	}
	link("The customer's Global administrator accepts the partner invitation:", l.Invitation)
	if l.GDAP != "" {
		link("Then approves the admin relationship (GDAP):", l.GDAP)
	}
	return nil
}
