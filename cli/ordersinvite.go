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
// With public_url each has a short link too, the one the QR code holds.
type invitationLinks struct {
	Order           string           `json:"order"`
	Status          flow.OrderStatus `json:"status"`
	Invitation      string           `json:"invitation_url"`
	InvitationShort string           `json:"invitation_short_url,omitempty"`
	GDAP            string           `json:"gdap_approval_url,omitempty"`
	GDAPShort       string           `json:"gdap_approval_short_url,omitempty"`
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
				// A customer who accepted since gets the approval link
				// now, not after another terminal noticed the acceptance.
				if o, err = e.svc.RefreshConsent(ctx, o.ID); err != nil {
					return err
				}
				links := invitationLinks{Order: o.Number, Status: o.Status}
				inv, err := e.svc.InvitationLink(ctx)
				if err != nil {
					return err
				}
				links.Invitation, links.InvitationShort = inv.URL, inv.Short
				// The approval link exists once the tenant is known (the
				// invitation was accepted) and until it is approved.
				if e.svc.GDAP.Enabled() && o.TenantID != "" {
					gd, err := e.svc.GDAPStatus(ctx, o.ID)
					if err != nil {
						return fmt.Errorf("admin relationship of order %s: %w", o.Number, err)
					}
					if !gd.Ready() {
						links.GDAP, links.GDAPShort = gd.URL, gd.Short
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
	// The short link, when there is one, is the one to hand over and
	// scan; the link itself follows for whoever cannot reach public_url.
	link := func(title string, fl flow.Link) {
		shown := safetext.CleanN(fl.Shown(), 2000)
		fmt.Fprintf(w, "%s\n%s\n", title, shown)
		if qr, err := ui.QR(shown); withQR && err == nil {
			fmt.Fprintln(w, qr)
		}
		if fl.Short != "" {
			fmt.Fprintf(w, "(it leads to %s)\n", safetext.CleanN(fl.URL, 2000))
		}
		fmt.Fprintln(w)
	}
	link("The customer's Global administrator accepts the partner invitation:", flow.Link{URL: l.Invitation, Short: l.InvitationShort})
	if l.GDAP != "" {
		link("Then approves the admin relationship (GDAP):", flow.Link{URL: l.GDAP, Short: l.GDAPShort})
	}
	return nil
}
