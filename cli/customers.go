package cli

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"onboard/flow"
	"onboard/internal/safetext"
	"onboard/msapi"
)

func newCustomersCmd(g *globals) *cobra.Command {
	customers := &cobra.Command{Use: "customers", Short: "List customers; show one by tenant domain, company, order or id"}
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
				out := newOutput(cmd.OutOrStdout(), cmd.ErrOrStderr(), true)
				defer out.close()
				if len(rows) == 0 {
					return out.none("No customers.", true)
				}
				// Narrow, the contact and e-mail give way (customers show has
				// them) so the company and the tenant stay readable.
				narrow := out.narrow()
				t := out.table(true)
				header := []string{"ID", "CUSTOMER", "CONTACT", "E-MAIL", "TENANT", "CREATED"}
				if narrow {
					header = slices.Delete(header, 2, 4)
				}
				t.AddHeader(header, fit)
				for _, r := range rows {
					t.AddField(out.id(r.ID), whole)
					t.AddField(safetext.Clean(r.Company), fit)
					if !narrow {
						t.AddField(safetext.Clean(r.FirstName+" "+r.LastName), fit)
						t.AddField(safetext.Clean(r.Email), fit)
					}
					t.AddField(orDash(r.Tenant), fit)
					t.AddField(r.CreatedAt.Format("2006-01-02 15:04"), whole)
					t.EndRow()
				}
				return t.Render()
			})
		},
	}
	cmd.Flags().StringVar(&since, "since", "", "only customers created since a duration ago (24h, 7d) or a date")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most this many")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// shortID is how much of a customer id a terminal's table shows; it is
// enough to find the customer again.
const shortID = 8

var shortIDRE = regexp.MustCompile(`^[0-9a-fA-F-]+$`)

// errAmbiguousCustomer is a company name that matches several customers.
var errAmbiguousCustomer = errors.New("several customers match")

// findCustomer finds a customer by what an agent has at hand: the
// customer's id, an order number, the tenant's id, one of its domains
// (fabrikam.onmicrosoft.com, fabrikam.com once imported) or the company's
// name (exact, else a unique part of it; case does not matter).
func (e *env) findCustomer(ctx context.Context, ref string) (flow.Customer, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return flow.Customer{}, usageError{errors.New("name the customer: a tenant domain, company, order number or id")}
	}
	c, err := e.db.GetCustomer(ctx, ref)
	if !errors.Is(err, flow.ErrNotFound) {
		return c, err
	}
	all, err := e.db.ListCustomers(ctx, time.Time{}, 0)
	if err != nil {
		return flow.Customer{}, err
	}
	// The short id a terminal's `customers list` shows (as git's short hashes).
	if len(ref) >= shortID && shortIDRE.MatchString(ref) {
		var found []flow.Customer
		for _, c := range all {
			if strings.HasPrefix(c.ID, strings.ToLower(ref)) {
				found = append(found, c)
			}
		}
		if len(found) == 1 {
			return found[0], nil
		}
	}
	if strings.HasPrefix(strings.ToUpper(ref), "ORD-") {
		o, err := e.findOrder(ctx, ref)
		if err != nil {
			return flow.Customer{}, err
		}
		return e.db.GetCustomer(ctx, o.CustomerID)
	}
	if _, err := uuid.Parse(ref); err == nil {
		c, err := e.db.CustomerByTenant(ctx, strings.ToLower(ref))
		if !errors.Is(err, flow.ErrNotFound) {
			return c, err
		}
	}
	if strings.Contains(ref, ".") {
		for _, c := range all {
			if strings.EqualFold(c.Domain, ref) {
				return c, nil
			}
		}
		tenant, err := e.db.TenantOfDomain(ctx, ref)
		if err == nil {
			return e.db.CustomerByTenant(ctx, tenant)
		}
		if !errors.Is(err, flow.ErrNotFound) {
			return flow.Customer{}, err
		}
	}
	var exact, partial []flow.Customer
	for _, c := range all {
		switch name := strings.ToLower(c.CompanyName); {
		case name == strings.ToLower(ref):
			exact = append(exact, c)
		case strings.Contains(name, strings.ToLower(ref)):
			partial = append(partial, c)
		}
	}
	for _, found := range [][]flow.Customer{exact, partial} {
		switch len(found) {
		case 0:
			continue
		case 1:
			return found[0], nil
		}
		var b strings.Builder
		for _, c := range found {
			fmt.Fprintf(&b, "\n  %s  %s  %s", c.ID, safetext.Clean(c.CompanyName), orDash(c.Domain))
		}
		return flow.Customer{}, usageError{fmt.Errorf("%w %q; name one by id or tenant domain:%s", errAmbiguousCustomer, ref, b.String())}
	}
	return flow.Customer{}, fmt.Errorf("no customer has the id, tenant, domain, company or order %q: %w", ref, flow.ErrNotFound)
}

// customerDetail is a customer as `customers show` prints it.
type customerDetail struct {
	customerRow
	Relationship  string            `json:"relationship"`
	GDAP          *gdapRow          `json:"gdap,omitempty"`
	Subscriptions []subscriptionRow `json:"subscriptions"`
	UsersTotal    int               `json:"users_total"`
	Users         []userRow         `json:"users"`
	DomainsTotal  int               `json:"domains_total"`
	Domains       []domainRow       `json:"domains"`
	Orders        []orderRow        `json:"orders"`
}

type gdapRow struct {
	RelationshipID string    `json:"relationship_id"`
	Status         string    `json:"status"`
	RolesAssigned  bool      `json:"roles_assigned"`
	EndAt          time.Time `json:"end_at,omitzero"`
}

type subscriptionRow struct {
	SubscriptionID string `json:"subscription_id"`
	Offer          string `json:"offer"`
	Seats          int    `json:"seats"`
	Order          string `json:"order"`
	Converted      bool   `json:"converted_trial"`
}

type userRow struct {
	UPN      string   `json:"upn"`
	Name     string   `json:"name"`
	Active   bool     `json:"active"`
	Licenses []string `json:"sku_ids"`
}

type domainRow struct {
	Name     string `json:"name"`
	Initial  bool   `json:"initial"`
	Default  bool   `json:"default"`
	Verified bool   `json:"verified"`
}

// customerDetail gathers what `customers show` prints: at most users and
// domains of the tenant's imported ones (0: all).
func (e *env) customerDetail(ctx context.Context, c flow.Customer, users, domains int) (customerDetail, error) {
	d := customerDetail{customerRow: toCustomerRow(c), Subscriptions: []subscriptionRow{}, Users: []userRow{},
		Domains: []domainRow{}, Orders: []orderRow{}, Relationship: "none: the invitation is not accepted yet"}
	orders, err := e.db.ListOrders(ctx, flow.OrderFilter{CustomerID: c.ID})
	if err != nil {
		return d, err
	}
	for _, o := range orders {
		d.Orders = append(d.Orders, e.orderRow(ctx, o))
		for _, l := range o.Lines {
			if l.SubscriptionID != "" {
				d.Subscriptions = append(d.Subscriptions, subscriptionRow{SubscriptionID: l.SubscriptionID, Offer: l.Name,
					Seats: l.Quantity, Order: o.Number, Converted: l.Converted})
			}
		}
	}
	if c.TenantID == "" {
		return d, nil
	}
	d.Relationship = "reseller: the invitation was accepted"
	switch g, err := e.db.GDAPForTenant(ctx, c.TenantID); {
	case err == nil:
		d.GDAP = &gdapRow{RelationshipID: g.RelationshipID, Status: g.Status, RolesAssigned: g.Assigned, EndAt: g.EndAt.UTC()}
	case !errors.Is(err, flow.ErrNotFound):
		return d, err
	}
	// Counted, and only the users shown read: a tenant may have a million.
	if d.UsersTotal, err = e.db.CountMatchingUsers(ctx, c.TenantID, ""); err != nil {
		return d, err
	}
	us, err := e.db.FirstUsers(ctx, c.TenantID, users)
	if err != nil {
		return d, err
	}
	for _, u := range us {
		d.Users = append(d.Users, userRow{UPN: u.UPN, Name: u.DisplayName, Active: u.Active, Licenses: append([]string{}, u.SkuIDs...)})
	}
	ds, err := e.db.ListDomains(ctx, c.TenantID)
	if err != nil {
		return d, err
	}
	d.DomainsTotal = len(ds)
	for i, x := range ds {
		if domains > 0 && i == domains {
			break
		}
		d.Domains = append(d.Domains, domainRow{Name: x.Name, Initial: x.IsInitial, Default: x.IsDefault, Verified: x.IsVerified})
	}
	return d, nil
}

// gdapText is the admin relationship in words.
func (d customerDetail) gdapText() string {
	if d.TenantID == "" {
		return "-"
	}
	g := d.GDAP
	if g == nil {
		return "not requested"
	}
	s := gdapStatusWords(g.Status)
	switch {
	case g.RolesAssigned:
		s += ", roles assigned"
	case g.Status == msapi.GDAPActive:
		s += ", roles not assigned yet"
	case g.Status == msapi.GDAPApprovalPending || g.Status == msapi.GDAPCreated:
		s += " (by the customer's Global administrator)" // short: the line fits 80 columns
	}
	if !g.EndAt.IsZero() {
		s += ", ends " + g.EndAt.Format("2006-01-02")
	}
	return s
}

// gdapStatusWords is Microsoft's relationship status as a person says it
// ("approvalPending": "approval pending"); --json keeps Microsoft's value.
func gdapStatusWords(status string) string {
	switch status {
	case msapi.GDAPCreated:
		return "requested"
	case msapi.GDAPApprovalPending:
		return "approval pending"
	case msapi.GDAPTerminationRequested:
		return "ending requested"
	case msapi.GDAPTerminating:
		return "ending"
	case msapi.GDAPTerminated:
		return "ended"
	}
	// approved, activating, active, expiring, expired are words already;
	// an unknown camelCase value is split into words.
	var b strings.Builder
	for _, r := range status {
		if unicode.IsUpper(r) {
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func (d customerDetail) write(out *output) error {
	w := out.w
	t := out.table(false)
	field := func(k, v string) {
		t.AddField(k, whole)
		t.AddField(v, fit)
		t.EndRow()
	}
	field("Customer", safetext.Clean(d.Company))
	field("ID", d.ID)
	field("Contact", safetext.Clean(d.FirstName+" "+d.LastName)+" <"+safetext.Clean(d.Email)+">")
	field("Phone", orDash(safetext.Clean(d.Phone)))
	a := d.Address
	field("Address", safetext.Clean(fmt.Sprintf("%s, %s %s, %s", a.Line1, a.PostalCode, a.City, a.Country)))
	tenant := orDash(d.Tenant)
	if d.TenantID != "" {
		tenant += " (" + d.TenantID + ")"
	}
	field("Tenant", tenant)
	field("Relationship", d.Relationship)
	field("Admin access", "GDAP "+d.gdapText())
	if err := t.Render(); err != nil {
		return err
	}

	fmt.Fprintf(w, "\nSUBSCRIPTIONS (%d)\n", len(d.Subscriptions))
	if len(d.Subscriptions) > 0 {
		t = out.table(false)
		t.AddHeader([]string{"OFFER", "SEATS", "SUBSCRIPTION", "ORDER"}, fit)
		for _, s := range d.Subscriptions {
			t.AddField(safetext.Clean(s.Offer), fit)
			t.AddField(strconv.Itoa(s.Seats), whole)
			id := s.SubscriptionID
			if s.Converted {
				id += " (trial converted)"
			}
			t.AddField(id, fit)
			t.AddField(s.Order, whole)
			t.EndRow()
		}
		if err := t.Render(); err != nil {
			return err
		}
	}

	fmt.Fprintf(w, "\nUSERS (%s)\n", shownOf(len(d.Users), d.UsersTotal, "--users"))
	if len(d.Users) > 0 {
		t = out.table(false)
		t.AddHeader([]string{"USER", "NAME", "LICENSES", "ACTIVE"}, fit)
		for _, u := range d.Users {
			t.AddField(safetext.Clean(u.UPN), fit)
			t.AddField(safetext.Clean(u.Name), fit)
			t.AddField(strconv.Itoa(len(u.Licenses)), whole)
			t.AddField(yesNo(u.Active), whole)
			t.EndRow()
		}
		if err := t.Render(); err != nil {
			return err
		}
	}

	fmt.Fprintf(w, "\nDOMAINS (%s)\n", shownOf(len(d.Domains), d.DomainsTotal, "--domains"))
	if len(d.Domains) > 0 {
		t = out.table(false)
		t.AddHeader([]string{"DOMAIN", "VERIFIED", "NOTE"}, fit)
		for _, x := range d.Domains {
			var notes []string
			if x.Initial {
				notes = append(notes, "initial")
			}
			if x.Default {
				notes = append(notes, "default")
			}
			t.AddField(safetext.Clean(x.Name), fit)
			t.AddField(yesNo(x.Verified), whole)
			t.AddField(orDash(strings.Join(notes, ", ")), whole)
			t.EndRow()
		}
		if err := t.Render(); err != nil {
			return err
		}
	}

	fmt.Fprintf(w, "\nORDERS (%d)\n", len(d.Orders))
	if len(d.Orders) == 0 {
		return nil
	}
	return writeOrderTable(out, d.Orders, false)
}

// shownOf says how many of how many a section shows, and the flag for more.
func shownOf(shown, total int, flag string) string {
	if shown >= total {
		return strconv.Itoa(total)
	}
	return fmt.Sprintf("%d of %d; %s 0 shows all", shown, total, flag)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func newCustomersShow(g *globals) *cobra.Command {
	var asJSON bool
	var users, domains int
	cmd := &cobra.Command{
		Use:   "show CUSTOMER",
		Short: "Show a customer: tenant, relationship, admin access, subscriptions, users, domains and orders",
		Long: "CUSTOMER is a tenant domain (fabrikam.onmicrosoft.com, or any domain imported from the tenant),\n" +
			"the company's name or a unique part of it, an order number, the tenant id or the customer id.",
		Args:              exactArgs(1, "the customer: a tenant domain, company, order number or id"),
		ValidArgsFunction: g.completeCustomers,
		RunE: func(cmd *cobra.Command, args []string) error {
			if users < 0 || domains < 0 {
				return usageError{errors.New("--users and --domains take 0 (all) or more")}
			}
			return g.withStore(cmd, func(e *env) error {
				ctx := cmd.Context()
				c, err := e.findCustomer(ctx, args[0])
				if err != nil {
					return err
				}
				d, err := e.customerDetail(ctx, c, users, domains)
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
	cmd.Flags().IntVar(&users, "users", 20, "show at most this many imported users (0: all)")
	cmd.Flags().IntVar(&domains, "domains", 20, "show at most this many domains (0: all)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
