package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"onboard/flow"
	"onboard/internal/safetext"
)

// withStore opens the database only, for commands that just read it.
func (g *globals) withStore(cmd *cobra.Command, fn func(e *env) error) error {
	if g.served != nil {
		return fn(g.served.env)
	}
	cfg, err := g.config(cmd)
	if err != nil {
		return err
	}
	e, err := openStore(cmd.Context(), cfg)
	if err != nil {
		return err
	}
	defer e.close()
	return fn(e)
}

// withEnv opens the whole environment: database, Microsoft and payments.
// What a command changes is the agent's doing: the audit trail names them.
func (g *globals) withEnv(cmd *cobra.Command, fn func(e *env) error) error {
	if g.served != nil { // the session's context names the agent (flow.WithActor)
		return fn(g.served.env)
	}
	cfg, err := g.config(cmd)
	if err != nil {
		return err
	}
	warnInProcessExposure(cmd.ErrOrStderr(), cfg)
	e, err := openAll(cmd.Context(), cfg)
	if err != nil {
		return err
	}
	defer e.close()
	e.svc.Actor = agentActor(cfg)
	return fn(e)
}

func newOrdersCmd(g *globals) *cobra.Command {
	orders := &cobra.Command{Use: "orders", Short: "List, show, pay, approve, cancel and retry orders"}
	orders.AddCommand(newOrdersList(g), newOrdersShow(g), newOrdersPay(g), newOrdersApprove(g),
		newOrdersCancel(g), newOrdersRetry(g))
	orders.AddCommand(newOrdersInvite(g))
	return orders
}

func newOrdersList(g *globals) *cobra.Command {
	var statuses []string
	var since, customer, tenant string
	var asJSON bool
	var limit int
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List orders, newest first",
		Example: "  onboard orders list --status awaiting_payment,failed\n  onboard orders list --customer Fabrikam\n  onboard orders list --since 24h --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			want, err := parseStatuses(statuses)
			if err != nil {
				return err
			}
			var from time.Time
			if since != "" {
				if from, err = parseSince(since, time.Now()); err != nil {
					return usageError{err}
				}
			}
			return g.withStore(cmd, func(e *env) error {
				ctx := cmd.Context()
				f := flow.OrderFilter{Since: from}
				if customer != "" {
					c, err := e.findCustomer(ctx, customer)
					if err != nil {
						return err
					}
					f.CustomerID = c.ID
				}
				match := func(flow.Order) bool { return true }
				if tenant != "" {
					match = e.tenantMatcher(ctx, tenant)
				}
				// One state and no tenant: the database filters and limits.
				if len(want) == 1 && tenant == "" {
					f.Status, f.Limit = want[0], limit
				}
				list, err := e.db.ListOrders(ctx, f)
				if err != nil {
					return err
				}
				rows := []orderRow{}
				for _, o := range list {
					if limit > 0 && len(rows) == limit {
						break
					}
					if (len(want) == 0 || slices.Contains(want, o.Status)) && match(o) {
						rows = append(rows, e.orderRow(ctx, o))
					}
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), rows)
				}
				out := newOutput(cmd.OutOrStdout(), cmd.ErrOrStderr(), true)
				defer out.close()
				return writeOrderTable(out, rows, true)
			})
		},
	}
	cmd.Flags().StringSliceVar(&statuses, "status", nil, "only orders in these states (repeat it, or separate them with commas)")
	cmd.Flags().StringVar(&customer, "customer", "", "only the orders of this customer: tenant domain, company or id")
	cmd.Flags().StringVar(&tenant, "tenant", "", "only the orders for this tenant: domain or tenant id")
	cmd.Flags().StringVar(&since, "since", "", "only orders created since a duration ago (24h) or a date (2026-11-01)")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most this many (0: all)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	_ = cmd.RegisterFlagCompletionFunc("status", completeStatuses)
	_ = cmd.RegisterFlagCompletionFunc("customer", g.completeCustomers)
	_ = cmd.RegisterFlagCompletionFunc("tenant", g.completeTenants)
	return cmd
}

// parseStatuses checks --status values: known states, each once.
func parseStatuses(values []string) ([]flow.OrderStatus, error) {
	var out []flow.OrderStatus
	for _, v := range values {
		s := flow.OrderStatus(strings.TrimSpace(v))
		if !s.Known() {
			return nil, usageError{fmt.Errorf("--status %q: use one of %s", v, strings.Join(flow.StatusNames(), ", "))}
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// tenantMatcher matches the orders for a tenant named by domain or id: the
// orders of the customer it belongs to, and orders that name it before it
// is linked to a customer (awaiting the invitation's acceptance).
func (e *env) tenantMatcher(ctx context.Context, tenant string) func(flow.Order) bool {
	var owner string
	if c, err := e.findCustomer(ctx, tenant); err == nil && (strings.EqualFold(c.TenantID, tenant) || strings.Contains(tenant, ".")) {
		owner = c.ID
	}
	return func(o flow.Order) bool {
		return (owner != "" && o.CustomerID == owner) || strings.EqualFold(o.TenantDomain, tenant) || strings.EqualFold(o.TenantID, tenant)
	}
}

// parseSince accepts a duration ("24h", "7d") or a date / RFC 3339 time.
func parseSince(s string, now time.Time) (time.Time, error) {
	if strings.HasSuffix(s, "d") {
		var n int
		if _, err := fmt.Sscanf(s, "%dd", &n); err == nil && n >= 0 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--since %q: use a duration such as 24h or 7d, or a date such as 2026-11-01", s)
}

// orderRow is an order as the list and show commands print it.
type orderRow struct {
	Number     string           `json:"number"`
	ID         string           `json:"id"`
	Status     flow.OrderStatus `json:"status"`
	Customer   string           `json:"customer"`
	Email      string           `json:"email"`
	Tenant     string           `json:"tenant,omitempty"`
	Total      int64            `json:"total_minor"`
	Currency   string           `json:"currency"`
	Policy     flow.Policy      `json:"order_flow"`
	Approved   bool             `json:"approved"`
	FailReason string           `json:"fail_reason,omitempty"`
	CreatedAt  time.Time        `json:"created_at"`
	CreatedBy  string           `json:"created_by"`
	// SignedUpBy is who signed the order up, where not the customer's
	// contact (a later order for the same tenant).
	SignedUpBy string    `json:"signed_up_by,omitempty"`
	Lines      []lineRow `json:"lines"`
}

type lineRow struct {
	Offer          string `json:"offer"`
	OfferID        string `json:"offer_id"`
	Seats          int    `json:"seats"`
	UnitPrice      int64  `json:"unit_price_minor"`
	SubscriptionID string `json:"subscription_id,omitempty"`
	Converted      bool   `json:"converted_trial"`
}

func (e *env) orderRow(ctx context.Context, o flow.Order) orderRow {
	r := orderRow{Number: o.Number, ID: o.ID, Status: o.Status, Tenant: o.TenantDomain, Total: o.Total(),
		Currency: o.Currency, Policy: o.Policy, Approved: o.Approved, FailReason: o.FailReason, CreatedAt: o.CreatedAt.UTC(),
		CreatedBy: string(o.CreatedBy.Kind) + ":" + o.CreatedBy.Name}
	if c, err := e.db.GetCustomer(ctx, o.CustomerID); err == nil {
		r.Customer, r.Email = c.CompanyName, c.Email
		if p := o.Contact; p.Email != "" && !strings.EqualFold(p.Email, c.Email) {
			r.SignedUpBy = strings.TrimSpace(p.FirstName+" "+p.LastName) + " <" + p.Email + ">"
		}
	}
	for _, l := range o.Lines {
		r.Lines = append(r.Lines, lineRow{Offer: l.Name, OfferID: l.OfferID, Seats: l.Quantity, UnitPrice: l.UnitPrice,
			SubscriptionID: l.SubscriptionID, Converted: l.Converted})
	}
	return r
}

// writeOrderTable writes orders as a table fitted to the terminal; list
// says it is a command's whole result (tab-separated when piped).
func writeOrderTable(out *output, rows []orderRow, list bool) error {
	if len(rows) == 0 {
		return out.none("No orders.", list)
	}
	// Narrow, the tenant names the customer well enough, and the day is
	// enough of the date: the tenant then fits whole.
	narrow := out.narrow()
	created := "2006-01-02 15:04"
	if narrow {
		created = "2006-01-02"
	}
	t := out.table(list)
	header := []string{"ORDER", "STATUS", "CUSTOMER", "TENANT", "TOTAL", "CREATED"}
	if narrow {
		header = slices.Delete(header, 2, 3)
	}
	t.AddHeader(header, fit)
	for _, r := range rows {
		t.AddField(r.Number, whole)
		t.AddField(string(r.Status), whole)
		if !narrow {
			t.AddField(safetext.Clean(r.Customer), fit)
		}
		t.AddField(orDash(r.Tenant), fit)
		t.AddField(flow.FormatMoney(r.Total, r.Currency), whole)
		t.AddField(r.CreatedAt.Format(created), whole)
		t.EndRow()
	}
	return t.Render()
}

func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeTerminalRunes(buf.Bytes()))
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// findOrder accepts an order number (ORD-000001, or as short as 1) or an
// internal id.
func (e *env) findOrder(ctx context.Context, ref string) (flow.Order, error) {
	o, err := flow.Order{}, flow.ErrNotFound
	if number, ok := flow.NormalizeOrderNumber(ref); ok {
		o, err = e.db.GetOrderByNumber(ctx, number)
	}
	if errors.Is(err, flow.ErrNotFound) {
		o, err = e.db.GetOrder(ctx, ref)
	}
	if errors.Is(err, flow.ErrNotFound) {
		return o, fmt.Errorf("order %s: %w", ref, flow.ErrNotFound)
	}
	return o, err
}

func newOrdersShow(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:               "show ORDER",
		Short:             "Show an order: lines, payments and its audit trail",
		Args:              exactArgs(1, "the order number, e.g. ORD-000001"),
		ValidArgsFunction: g.completeOrders(nil),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.withStore(cmd, func(e *env) error {
				ctx := cmd.Context()
				o, err := e.findOrder(ctx, args[0])
				if err != nil {
					return err
				}
				d, err := e.orderDetail(ctx, o)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), d)
				}
				out := newOutput(cmd.OutOrStdout(), cmd.ErrOrStderr(), true)
				defer out.close()
				return d.write(out)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

type orderDetail struct {
	orderRow
	Payments []flow.Payment    `json:"payments"`
	Audit    []flow.AuditEvent `json:"audit"`
}

// orderDetail is the order as `orders show` prints it.
func (e *env) orderDetail(ctx context.Context, o flow.Order) (orderDetail, error) {
	pays, err := e.db.Payments(ctx, o.ID)
	if err != nil {
		return orderDetail{}, err
	}
	trail, err := e.db.AuditTrail(ctx, o.ID)
	if err != nil {
		return orderDetail{}, err
	}
	return orderDetail{orderRow: e.orderRow(ctx, o), Payments: pays, Audit: trail}, nil
}

func (d orderDetail) write(out *output) error {
	w := out.w
	t := out.table(false)
	field := func(k, v string) {
		t.AddField(k, whole)
		t.AddField(v, fit)
		t.EndRow()
	}
	field("Order", d.Number)
	field("Status", string(d.Status))
	if d.FailReason != "" {
		field("Reason", safetext.Clean(d.FailReason))
	}
	field("Customer", safetext.Clean(d.Customer)+" <"+safetext.Clean(d.Email)+">")
	if d.SignedUpBy != "" {
		field("Signed up by", safetext.Clean(d.SignedUpBy))
	}
	field("Tenant", orDash(d.Tenant))
	field("Order flow", string(d.Policy))
	field("Created", d.CreatedAt.Format(time.RFC3339)+" by "+safetext.Clean(d.CreatedBy))
	field("Total", flow.FormatPrice(d.Total, d.Currency, flow.PeriodMonth))
	if err := t.Render(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	t = out.table(false)
	t.AddHeader([]string{"OFFER", "SEATS", "UNIT", "SUBSCRIPTION"}, fit)
	for _, l := range d.Lines {
		sub := orDash(l.SubscriptionID)
		if l.Converted {
			sub += " (trial converted)"
		}
		t.AddField(safetext.Clean(l.Offer), fit)
		t.AddField(strconv.Itoa(l.Seats), whole)
		t.AddField(flow.FormatPrice(l.UnitPrice, d.Currency, flow.PeriodMonth), whole)
		t.AddField(sub, fit)
		t.EndRow()
	}
	if err := t.Render(); err != nil {
		return err
	}
	if len(d.Payments) > 0 {
		fmt.Fprintln(w)
		t = out.table(false)
		t.AddHeader([]string{"CHECKOUT", "STATE", "AMOUNT", "UPDATED"}, fit)
		for _, p := range d.Payments {
			t.AddField(p.CheckoutID, fit)
			t.AddField(string(p.State), whole)
			amount := flow.FormatMoney(p.Amount, p.Currency)
			if p.Tax > 0 { // the tax Stripe computed on top
				amount += " + tax " + flow.FormatMoney(p.Tax, p.Currency) + " = " + flow.FormatMoney(p.Amount+p.Tax, p.Currency)
			}
			t.AddField(amount, whole)
			t.AddField(p.UpdatedAt.UTC().Format(time.RFC3339), whole)
			t.EndRow()
		}
		if err := t.Render(); err != nil {
			return err
		}
	}
	// The audit trail: one line per event, its detail wrapped under it, so
	// the line fits the terminal and the detail is never cut.
	fmt.Fprintln(w, "\nAUDIT")
	for _, a := range d.Audit {
		head := a.At.UTC().Format(time.RFC3339) + "  " + safetext.Clean(string(a.Actor.Kind)+":"+a.Actor.Name) + "  " + a.Action
		var move string // the state it moved from and to: never cut
		if a.From != "" || a.To != "" {
			move = a.From + "→" + a.To
		}
		line, below := strings.TrimSpace(head+" "+move), ""
		if out.width > 0 && ansi.StringWidth(line) > out.width {
			// Too long for the terminal: the move goes on a line of its
			// own under it, where the new state is read whole.
			line, below = cut(out.width, head), move
		}
		fmt.Fprintln(w, line)
		out.wrapDetail(4, below)
		out.wrapDetail(4, safetext.Clean(a.Detail))
	}
	return nil
}

func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{fmt.Errorf("%s needs %s", cmd.CommandPath(), what)}
		}
		return nil
	}
}

func newOrdersPay(g *globals) *cobra.Command {
	var noBrowser bool
	cmd := orderCommand(g, "pay", "Pay an order on the hosted checkout page, then process it",
		func(cmd *cobra.Command, e *env, o flow.Order, out io.Writer) error {
			ctx := cmd.Context()
			o, err := e.consentBeforePay(ctx, o)
			if err != nil {
				return err
			}
			if !o.ReadyToProcess() { // process-immediately: the acceptance was all it waited for
				if err := e.payOrder(ctx, cmd.ErrOrStderr(), o, !noBrowser); err != nil {
					return err
				}
			}
			return e.processIfReady(ctx, out, cmd.ErrOrStderr(), o.ID)
		})
	cmd.Long = "Starts a checkout for the order's total, opens the hosted checkout page (or prints its\n" +
		"URL), waits until it is paid or declined, and processes the order when the order flow allows."
	cmd.Flags().BoolVar(&noBrowser, "no-browser", false, "print the checkout URL instead of opening a browser")
	return cmd
}

// consentBeforePay moves an order that waits for the invitation on when
// the customer has accepted it since; one still waiting cannot be paid yet.
func (e *env) consentBeforePay(ctx context.Context, o flow.Order) (flow.Order, error) {
	if o.Status != flow.StatusAwaitingConsent {
		return o, nil
	}
	o, err := e.svc.RefreshConsent(ctx, o.ID)
	if err != nil {
		return flow.Order{}, err
	}
	if o.Status == flow.StatusAwaitingConsent {
		return flow.Order{}, fmt.Errorf("order %s waits for a Global administrator of %s to accept the invitation: %w",
			o.Number, o.TenantDomain, flow.ErrConsentPending)
	}
	return o, nil
}

// payOrder runs one checkout for the order and waits for its outcome.
func (e *env) payOrder(ctx context.Context, w io.Writer, o flow.Order, openBrowser bool) error {
	if o.Status != flow.StatusAwaitingPayment {
		return fmt.Errorf("order %s is %s, not awaiting payment: %w", o.Number, o.Status, flow.ErrIllegalTransition)
	}
	sess, err := e.svc.StartPayment(ctx, o.ID)
	if err != nil {
		return err
	}
	amount := flow.FormatPrice(o.Total(), o.Currency, flow.PeriodMonth)
	if due := o.DueNow(); due != o.Total() { // lines billed annually are paid for the year
		amount = flow.FormatMoney(due, o.Currency) + " now"
	}
	fmt.Fprintf(w, "Pay %s for order %s at:\n  %s\n", amount, o.Number, sess.URL)
	if openBrowser {
		if err := e.openURL(sess.URL); err != nil {
			fmt.Fprintf(w, "Could not open a browser (%v): open the address above by hand.\n", err)
		}
	}
	fmt.Fprintln(w, "Waiting for the payment… (Ctrl+C stops waiting; the order keeps waiting for payment)")
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		state, _, err := e.svc.CheckPayment(ctx, o.ID, sess.ID)
		if err != nil {
			return err
		}
		switch state {
		case flow.PaymentPaid:
			fmt.Fprintf(w, "Paid: order %s.\n", o.Number)
			return nil
		case flow.PaymentDeclined, flow.PaymentExpired:
			return fmt.Errorf("order %s: %s Run `onboard orders pay %s` to pay", o.Number, state.Explain(), o.Number)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// processIfReady runs the pipeline when the order flow lets the order go on.
func (e *env) processIfReady(ctx context.Context, out, log io.Writer, orderID string) error {
	o, err := e.db.GetOrder(ctx, orderID)
	if err != nil {
		return err
	}
	if !o.ReadyToProcess() {
		if o.Status == flow.StatusPaid && o.Policy == flow.PolicyManualApproval {
			fmt.Fprintf(out, "Order %s is paid and waits for approval: onboard orders approve %s\n", o.Number, o.Number)
			return nil
		}
		fmt.Fprintf(out, "Order %s is %s.\n", o.Number, statusText(o.Status))
		return nil
	}
	last := ""
	res, err := e.svc.Process(ctx, orderID, func(p flow.Progress) {
		if label := p.AgentLabel(); label != last {
			fmt.Fprintf(log, "%s…\n", label)
			last = label
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Order %s completed. %s\n", res.Order.Number, res.AgentSummary())
	return nil
}

// completeStates are the states of the orders each command completes:
// the ones it can act on.
var completeStates = map[string][]flow.OrderStatus{
	"pay":     {flow.StatusAwaitingConsent, flow.StatusAwaitingPayment},
	"approve": {flow.StatusAwaitingConsent, flow.StatusAwaitingPayment, flow.StatusPaid},
	"cancel":  {flow.StatusDraft, flow.StatusAwaitingConsent, flow.StatusAwaitingPayment, flow.StatusPaid, flow.StatusFailed},
	"retry":   {flow.StatusFailed},
}

// orderCommand is a command on one order: it opens the environment, finds
// the order by number or id, and runs act on it. act writes its result to
// out: stdout, or with --json stderr, and stdout then gets the order as
// `orders show --json` prints it once act succeeded.
func orderCommand(g *globals, name, short string, act func(cmd *cobra.Command, e *env, o flow.Order, out io.Writer) error) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:               name + " ORDER",
		Short:             short,
		Args:              exactArgs(1, "the order number, e.g. ORD-000001"),
		ValidArgsFunction: g.completeOrders(completeStates[name]),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.withEnv(cmd, func(e *env) error {
				ctx := cmd.Context()
				o, err := e.findOrder(ctx, args[0])
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if asJSON {
					out = cmd.ErrOrStderr()
				}
				if err := act(cmd, e, o, out); err != nil {
					return err
				}
				if !asJSON {
					return nil
				}
				if o, err = e.db.GetOrder(ctx, o.ID); err != nil {
					return err
				}
				d, err := e.orderDetail(ctx, o)
				if err != nil {
					return err
				}
				return writeJSON(cmd.OutOrStdout(), d)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the order as JSON, as `orders show --json` does (messages go to stderr)")
	return cmd
}

func newOrdersApprove(g *globals) *cobra.Command {
	return orderCommand(g, "approve", "Approve an order (manual-approval order flow), then process it when paid",
		func(cmd *cobra.Command, e *env, o flow.Order, out io.Writer) error {
			// flow.Approve returns an approved order unchanged: say so, and
			// that nothing was done. An order of another order flow needs no
			// approval; flow would record one that changes nothing.
			if o.Approved {
				return unchangedError{fmt.Errorf("order %s is already approved; it is %s", o.Number, statusText(o.Status))}
			}
			if o.Policy != flow.PolicyManualApproval && !o.Status.Final() {
				return unchangedError{fmt.Errorf("order %s uses the %s order flow and needs no approval; it is %s",
					o.Number, o.Policy, statusText(o.Status))}
			}
			a, err := e.svc.Approve(cmd.Context(), o.ID)
			if err != nil {
				return err
			}
			if !a.ReadyToProcess() {
				// Approved ahead of the payment: processed as soon as it is paid.
				fmt.Fprintf(cmd.ErrOrStderr(), "Approved %s. It is %s; it is processed once paid.\n", o.Number, statusText(a.Status))
				return nil
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Approved %s.\n", o.Number)
			return e.processIfReady(cmd.Context(), out, cmd.ErrOrStderr(), o.ID)
		})
}

func newOrdersCancel(g *globals) *cobra.Command {
	var reason string
	cmd := orderCommand(g, "cancel", "Cancel an order that is not completed",
		func(cmd *cobra.Command, e *env, o flow.Order, out io.Writer) error {
			ctx := cmd.Context()
			// flow.Cancel returns a cancelled order as it is, after finishing
			// a refund an earlier cancel could not: only that refund is news.
			var before []flow.Payment
			if o.Status == flow.StatusCancelled {
				ps, err := e.db.Payments(ctx, o.ID)
				if err != nil {
					return err
				}
				before = ps
			}
			if _, err := e.svc.Cancel(ctx, o.ID, reason); err != nil {
				return err
			}
			if o.Status != flow.StatusCancelled {
				fmt.Fprintf(out, "Order %s cancelled.\n", o.Number)
				return nil
			}
			after, err := e.db.Payments(ctx, o.ID)
			if err != nil {
				return err
			}
			if samePayments(before, after) {
				return unchangedError{fmt.Errorf("order %s is already cancelled", o.Number)}
			}
			fmt.Fprintf(out, "Order %s was already cancelled; its refund is now complete.\n", o.Number)
			return nil
		})
	cmd.Flags().StringVar(&reason, "reason", "cancelled by an agent", "why (kept in the audit trail)")
	return cmd
}

// samePayments reports whether no payment of an order changed state.
func samePayments(a, b []flow.Payment) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].CheckoutID != b[i].CheckoutID || a[i].State != b[i].State {
			return false
		}
	}
	return true
}

// statusText is an order's state in words: awaiting_payment → awaiting payment.
func statusText(s flow.OrderStatus) string {
	return strings.ReplaceAll(string(s), "_", " ")
}

func newOrdersRetry(g *globals) *cobra.Command {
	return orderCommand(g, "retry", "Retry a failed order from where it stopped",
		func(cmd *cobra.Command, e *env, o flow.Order, out io.Writer) error {
			if _, err := e.svc.Retry(cmd.Context(), o.ID); err != nil {
				return err
			}
			return e.processIfReady(cmd.Context(), out, cmd.ErrOrStderr(), o.ID)
		})
}
