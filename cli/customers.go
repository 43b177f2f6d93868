package cli

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"onboard/flow"
	"onboard/internal/safetext"
)

func newCustomersCmd(g *globals) *cobra.Command {
	customers := &cobra.Command{Use: "customers", Short: "List and show customers"}
	customers.AddCommand(newCustomersList(g), newCustomersShow(g))
	return customers
}

// customerRow is a customer as the commands print it.
type customerRow struct {
	ID        string       `json:"id"`
	Company   string       `json:"company"`
	FirstName string       `json:"first_name"`
	LastName  string       `json:"last_name"`
	Email     string       `json:"email"`
	Phone     string       `json:"phone"`
	Address   flow.Address `json:"address"`
	Tenant    string       `json:"tenant,omitempty"`
	TenantID  string       `json:"tenant_id,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
}

func toCustomerRow(c flow.Customer) customerRow {
	return customerRow{ID: c.ID, Company: c.CompanyName, FirstName: c.FirstName, LastName: c.LastName,
		Email: c.Email, Phone: c.Phone, Address: c.Address, Tenant: c.Domain, TenantID: c.TenantID, CreatedAt: c.CreatedAt.UTC()}
}

func newCustomersList(g *globals) *cobra.Command {
	var since string
	var asJSON bool
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List customers, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var from time.Time
			if since != "" {
				t, err := parseSince(since, time.Now())
				if err != nil {
					return usageError{err}
				}
				from = t
			}
			return g.withStore(cmd, func(e *env) error {
				list, err := e.db.ListCustomers(cmd.Context(), from, limit)
				if err != nil {
					return err
				}
				rows := make([]customerRow, 0, len(list))
				for _, c := range list {
					rows = append(rows, toCustomerRow(c))
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), rows)
				}
				if len(rows) == 0 {
					_, err := fmt.Fprintln(cmd.OutOrStdout(), "No customers.")
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "CUSTOMER\tCONTACT\tE-MAIL\tTENANT\tCREATED")
				for _, r := range rows {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", clip(r.Company, 28), clip(r.FirstName+" "+r.LastName, 24),
						clip(r.Email, 32), orDash(r.Tenant), r.CreatedAt.Format("2006-01-02 15:04"))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&since, "since", "", "only customers created since a duration ago (24h, 7d) or a date")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most this many")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newCustomersShow(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show CUSTOMER-ID",
		Short: "Show a customer and their orders",
		Args:  exactArgs(1, "the customer id (see onboard customers list --json)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.withStore(cmd, func(e *env) error {
				ctx := cmd.Context()
				c, err := e.db.GetCustomer(ctx, args[0])
				if err != nil {
					return fmt.Errorf("customer %s: %w", args[0], err)
				}
				orders, err := e.db.ListOrders(ctx, flow.OrderFilter{CustomerID: c.ID})
				if err != nil {
					return err
				}
				rows := make([]orderRow, 0, len(orders))
				for _, o := range orders {
					rows = append(rows, e.orderRow(ctx, o))
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), struct {
						customerRow
						Orders []orderRow `json:"orders"`
					}{toCustomerRow(c), rows})
				}
				r := toCustomerRow(c)
				w := cmd.OutOrStdout()
				tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "Customer\t%s\n", safetext.Clean(r.Company))
				fmt.Fprintf(tw, "Contact\t%s %s\n", safetext.Clean(r.FirstName), safetext.Clean(r.LastName))
				fmt.Fprintf(tw, "E-mail\t%s\n", safetext.Clean(r.Email))
				fmt.Fprintf(tw, "Phone\t%s\n", safetext.Clean(r.Phone))
				a := r.Address
				fmt.Fprintf(tw, "Address\t%s\n", safetext.Clean(fmt.Sprintf("%s, %s %s, %s", a.Line1, a.PostalCode, a.City, a.Country)))
				fmt.Fprintf(tw, "Tenant\t%s\n\n", orDash(r.Tenant))
				if err := tw.Flush(); err != nil {
					return err
				}
				return writeOrderTable(w, rows)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
