package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"onboard/i18n"
	"onboard/msapi"
)

// ErrNotNewAccount: the order is for an existing Microsoft account.
var ErrNotNewAccount = errors.New("the order is not for a new Microsoft account")

// Steps of the new-account path recorded with Store.MarkStepDone.
const (
	stepNewAccount     = "account:new"     // the order is for a new account (recorded at creation)
	stepAccountPlanned = "account:create"  // about to ask Microsoft for the tenant
	stepAccountCreated = "account:created" // the tenant exists and is on the order
)

// MaxSuggestions is how many available alternatives CheckSubdomain offers.
const MaxSuggestions = 3

// subdomainSuffixes make alternatives to a taken name, most natural first.
var subdomainSuffixes = []string{"2", "3", "ltd", "inc", "hq", "online", "group", "co", "team", "4"}

// CheckSubdomain checks whether the initial domain prefix.onmicrosoft.com is
// free; when it is taken it suggests up to MaxSuggestions free alternatives
// (each checked with Microsoft), as full initial domains.
func (s *Service) CheckSubdomain(ctx context.Context, prefix string) (available bool, suggestions []string, err error) {
	d, err := ValidateInitialDomain(prefix)
	if err != nil {
		return false, nil, fmt.Errorf("%w: domain: %v", ErrInvalidAnswers, err)
	}
	exists, err := s.MS.DomainExists(ctx, d)
	if err != nil {
		return false, nil, fmt.Errorf("check domain %s: %w", d, err)
	}
	if !exists {
		return true, nil, nil
	}
	for _, c := range subdomainCandidates(strings.TrimSuffix(d, InitialDomainSuffix)) {
		taken, err := s.MS.DomainExists(ctx, c)
		if err != nil {
			return false, suggestions, fmt.Errorf("check suggestion %s: %w", c, err)
		}
		if !taken {
			suggestions = append(suggestions, c)
			if len(suggestions) == MaxSuggestions {
				break
			}
		}
	}
	return false, suggestions, nil
}

// subdomainCandidates are valid alternatives to base, shortened to fit.
func subdomainCandidates(base string) []string {
	var out []string
	for _, suffix := range subdomainSuffixes {
		b := base
		if len(b)+len(suffix) > MaxInitialDomain {
			b = b[:MaxInitialDomain-len(suffix)]
		}
		out = append(out, b+suffix+InitialDomainSuffix)
	}
	return out
}

// recordOrderKind marks an order of the new-account path, so processing
// knows there is nothing to import.
func (s *Service) recordOrderKind(ctx context.Context, o Order, a Answers) error {
	if a.Mode != ModeCustomer || a.Account != AccountNew {
		return nil
	}
	ev := s.event(ctx, o.ID, "step.done", "", stepNewAccount, "new Microsoft account "+o.TenantDomain)
	if err := s.Store.MarkStepDone(ctx, o.ID, stepNewAccount, ev); err != nil {
		return fmt.Errorf("record order %s as a new account: %w", o.Number, err)
	}
	return nil
}

// CreateMicrosoftAccount creates the order's new tenant through Partner
// Center and moves the order on per its policy, as an accepted invitation
// does. The returned AdminPassword is the only copy: show it once; it is
// never stored, logged or audited. It is idempotent: once the tenant exists
// (even if a crash lost the answer) a repeat returns it without a password
// and never creates a second tenant.
func (s *Service) CreateMicrosoftAccount(ctx context.Context, orderID string) (NewAccount, error) {
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return NewAccount{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	done, err := s.Store.StepsDone(ctx, o.ID)
	if err != nil {
		return NewAccount{}, fmt.Errorf("steps of order %s: %w", o.Number, err)
	}
	if !done[stepNewAccount] {
		return NewAccount{}, fmt.Errorf("order %s: %w", o.Number, ErrNotNewAccount)
	}
	if done[stepAccountCreated] {
		// Created earlier; a crash may have stopped before the order moved on.
		if o.Status == StatusAwaitingConsent {
			if err := s.transition(ctx, &o, o.Policy.afterConsent(), "Microsoft account "+o.TenantDomain+" created"); err != nil {
				return NewAccount{}, err
			}
		}
		return NewAccount{TenantID: o.TenantID, Domain: o.TenantDomain, AdminUserName: o.AdminUPN}, nil
	}
	if o.Status != StatusAwaitingConsent {
		return NewAccount{}, fmt.Errorf("create account for order %s: %w: it is %s", o.Number, ErrIllegalTransition, o.Status)
	}
	created, err := s.createTenant(ctx, o, done[stepAccountPlanned])
	if err != nil {
		return NewAccount{}, err
	}
	if err := s.accountCreated(ctx, &o, created); err != nil {
		return NewAccount{}, err
	}
	return NewAccount{TenantID: created.TenantID, Domain: strings.ToLower(created.Domain),
		AdminUserName: o.AdminUPN, AdminPassword: created.AdminPassword}, nil
}

// createTenant asks Microsoft for the tenant. The plan is recorded first: a
// run after a crash that finds it adopts the tenant Microsoft already made
// for this order instead of asking again; the request id, derived from the
// order, makes even a repeated create the same one.
func (s *Service) createTenant(ctx context.Context, o Order, planned bool) (msapi.CreatedCustomer, error) {
	if planned {
		if c, ok, err := s.adoptTenant(ctx, o); err != nil || ok {
			return c, err
		}
	} else {
		ev := s.event(ctx, o.ID, "step.done", "", stepAccountPlanned, "creating Microsoft account "+o.TenantDomain)
		if err := s.Store.MarkStepDone(ctx, o.ID, stepAccountPlanned, ev); err != nil {
			return msapi.CreatedCustomer{}, fmt.Errorf("record step %s of order %s: %w", stepAccountPlanned, o.Number, err)
		}
	}
	cust, err := s.Store.GetCustomer(ctx, o.CustomerID)
	if err != nil {
		return msapi.CreatedCustomer{}, fmt.Errorf("customer of order %s: %w", o.Number, err)
	}
	nc := newCustomer(o, cust)
	// Partner Center answers in the customer's language (X-Locale).
	created, err := s.MS.CreateCustomer(msapi.WithLocale(ctx, nc.Culture), nc)
	if err != nil {
		return msapi.CreatedCustomer{}, fmt.Errorf("create Microsoft account %s for order %s: %w", o.TenantDomain, o.Number, err)
	}
	return created, nil
}

// adoptTenant finds the tenant an interrupted run created: the partner's
// customer with the order's domain.
func (s *Service) adoptTenant(ctx context.Context, o Order) (msapi.CreatedCustomer, bool, error) {
	c, err := s.MS.FindCustomerByDomain(ctx, o.TenantDomain)
	if errors.Is(err, msapi.ErrNotFound) {
		return msapi.CreatedCustomer{}, false, nil
	}
	if err != nil {
		return msapi.CreatedCustomer{}, false, fmt.Errorf("look for the account of order %s: %w", o.Number, err)
	}
	if c.Relationship != msapi.RelationshipReseller {
		return msapi.CreatedCustomer{}, false, nil
	}
	out := msapi.CreatedCustomer{TenantID: c.TenantID, Domain: strings.ToLower(c.Domain)}
	// The administrator's name is a courtesy: the account exists either way.
	if admins, err := s.MS.DirectoryRoleMembers(ctx, c.TenantID, msapi.GlobalAdminRoleTemplateID); err == nil && len(admins) > 0 {
		out.AdminUserName = admins[0].UPN
	}
	return out, true, nil
}

func newCustomer(o Order, c Customer) msapi.NewCustomer {
	return msapi.NewCustomer{
		DomainPrefix: strings.TrimSuffix(o.TenantDomain, InitialDomainSuffix),
		CompanyName:  c.CompanyName, FirstName: c.FirstName, LastName: c.LastName, Email: c.Email, Phone: c.Phone,
		AddressLine1: c.Address.Line1, AddressLine2: c.Address.Line2, City: c.Address.City, State: c.Address.State,
		PostalCode: c.Address.PostalCode, Country: c.Address.Country,
		Culture:   MicrosoftCulture(c.Language, c.Address.Country),
		Language:  i18n.New(c.Language).Lang(),
		RequestID: deterministicID(o.ID, "create-customer"),
	}
}

// accountCreated puts the tenant on the order and its customer and moves
// the order on as an accepted invitation would. No password goes anywhere.
func (s *Service) accountCreated(ctx context.Context, o *Order, c msapi.CreatedCustomer) error {
	domain := strings.ToLower(c.Domain)
	// Microsoft may name the first administrator "admin" alone: the login
	// shown and kept is the full one.
	c.AdminUserName = msapi.AdminLogin(c.AdminUserName, domain)
	if err := s.Store.UpdateOrderTenant(ctx, o.ID, c.TenantID, domain, c.AdminUserName); err != nil {
		return fmt.Errorf("record tenant of order %s: %w", o.Number, err)
	}
	if err := s.Store.LinkTenant(ctx, o.CustomerID, c.TenantID, domain); err != nil {
		return fmt.Errorf("link tenant %s to order %s: %w", c.TenantID, o.Number, err)
	}
	ev := s.event(ctx, o.ID, "account.created", "", stepAccountCreated,
		fmt.Sprintf("Microsoft account %s (tenant %s) created; first administrator %s", domain, c.TenantID, c.AdminUserName))
	if err := s.Store.MarkStepDone(ctx, o.ID, stepAccountCreated, ev); err != nil {
		return fmt.Errorf("record step %s of order %s: %w", stepAccountCreated, o.Number, err)
	}
	o.TenantID, o.TenantDomain, o.AdminUPN = c.TenantID, domain, c.AdminUserName
	return s.transition(ctx, o, o.Policy.afterConsent(), "Microsoft account "+domain+" created")
}
