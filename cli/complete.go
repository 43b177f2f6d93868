package cli

import (
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"onboard/flow"
	"onboard/internal/safetext"
)

// Shell completion: order numbers, states, customers and tenants come from
// the database the command would use (--db, --config), newest first; a
// database that cannot be opened completes nothing rather than failing.

const completeLimit = 200

// completeOrders completes order numbers, with the state and company as
// the description; only orders in one of states when given.
func (g *globals) completeOrders(states []flow.OrderStatus) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		_ = g.withStore(cmd, func(e *env) error {
			list, err := e.db.ListOrders(cmd.Context(), flow.OrderFilter{Limit: completeLimit})
			if err != nil {
				return err
			}
			for _, o := range list {
				if len(states) > 0 && !slices.Contains(states, o.Status) {
					continue
				}
				if !strings.HasPrefix(o.Number, strings.ToUpper(toComplete)) {
					continue
				}
				desc := string(o.Status)
				if c, err := e.db.GetCustomer(cmd.Context(), o.CustomerID); err == nil {
					desc += " " + safetext.CleanN(c.CompanyName, 40)
				}
				out = append(out, cobra.CompletionWithDesc(o.Number, desc))
			}
			return nil
		})
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeStatuses completes --status, after any states already given
// with commas (--status failed,awa<TAB>).
func completeStatuses(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	done, last := "", toComplete
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		done, last = toComplete[:i+1], toComplete[i+1:]
	}
	var out []cobra.Completion
	for _, s := range flow.StatusNames() {
		if strings.HasPrefix(s, last) && !strings.Contains(","+done, ","+s+",") {
			out = append(out, done+s)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// completeCustomers completes a customer by tenant domain, else company.
func (g *globals) completeCustomers(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if cmd.Name() == "show" && len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	_ = g.withStore(cmd, func(e *env) error {
		list, err := e.db.ListCustomers(cmd.Context(), time.Time{}, completeLimit)
		if err != nil {
			return err
		}
		for _, c := range list {
			ref := c.Domain
			if ref == "" {
				ref = safetext.CleanN(c.CompanyName, 60)
			}
			if strings.HasPrefix(strings.ToLower(ref), strings.ToLower(toComplete)) {
				out = append(out, cobra.CompletionWithDesc(ref, safetext.CleanN(c.CompanyName, 40)))
			}
		}
		return nil
	})
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeTenants completes --tenant with the linked tenants' domains.
func (g *globals) completeTenants(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var out []cobra.Completion
	_ = g.withStore(cmd, func(e *env) error {
		list, err := e.db.ListCustomers(cmd.Context(), time.Time{}, completeLimit)
		if err != nil {
			return err
		}
		for _, c := range list {
			if c.Domain != "" && strings.HasPrefix(strings.ToLower(c.Domain), strings.ToLower(toComplete)) {
				out = append(out, cobra.CompletionWithDesc(c.Domain, safetext.CleanN(c.CompanyName, 40)))
			}
		}
		return nil
	})
	return out, cobra.ShellCompDirectiveNoFileComp
}
