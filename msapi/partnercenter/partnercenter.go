package partnercenter

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// pcRequest is a Partner Center GET with the app-only token.
func (c *Client) pcRequest(op, path string) request {
	return request{op: op, api: partnerCenter, method: http.MethodGet, url: c.pcURL + path, token: c.pcApp}
}

// pcUserRequest is a Partner Center GET with the App+User token: the
// directory reads (a user's licenses, subscribed SKUs, directory roles and
// their members) are App+User only and need a GDAP role (dap-api-impact).
func (c *Client) pcUserRequest(op, path string) (request, error) {
	ts, err := c.pcUserToken(op)
	if err != nil {
		return request{}, err
	}
	r := c.pcRequest(op, path)
	r.token = ts
	return r, nil
}

// customerPath is /v1/customers/{tenant}/{rest...}, each segment escaped.
func customerPath(tenantID string, rest ...string) string {
	var b strings.Builder
	b.WriteString(wire.PathCustomer)
	b.WriteString(url.PathEscape(tenantID))
	for _, seg := range rest {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(seg))
	}
	return b.String()
}

// InvitationURL returns the reseller relationship request URL (App+User).
func (c *Client) InvitationURL(ctx context.Context) (string, error) {
	const op = "get invitation URL"
	ts, err := c.pcUserToken(op)
	if err != nil {
		return "", err
	}
	r := c.pcRequest(op, wire.PathRelationshipRequests)
	r.token = ts
	var rr wire.RelationshipRequest
	if err := c.send(ctx, r, decodeJSON(&rr)); err != nil {
		return "", err
	}
	u, err := url.Parse(strings.TrimSpace(rr.URL))
	if err != nil || !u.IsAbs() || (u.Scheme != "https" && u.Scheme != "http") {
		return "", &msapi.APIError{Op: op, Status: http.StatusOK, Err: msapi.ErrUnavailable,
			Message: fmt.Sprintf("Microsoft returned an unusable invitation URL %q", sanitize(rr.URL))}
	}
	return u.String(), nil
}

// FindCustomerByDomain searches the partner's customers for domain.
func (c *Client) FindCustomerByDomain(ctx context.Context, domain string) (msapi.Customer, error) {
	domain = strings.TrimSpace(domain)
	op := fmt.Sprintf("find customer %s", domain)
	if domain == "" {
		return msapi.Customer{}, &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest, Message: "domain is empty"}
	}
	filter, err := json.Marshal(wire.CustomerFilter{Field: "Domain", Value: domain, Operator: "starts_with"})
	if err != nil {
		return msapi.Customer{}, fmt.Errorf("%s: encode filter: %w", op, err)
	}
	q := url.Values{"size": {"0"}, "filter": {string(filter)}}
	var found *wire.Customer
	err = pcPages(ctx, c, c.pcRequest(op, wire.PathCustomers+"?"+q.Encode()), func(items []wire.Customer) error {
		for i := range items {
			if found == nil && strings.EqualFold(items[i].CompanyProfile.Domain, domain) {
				found = &items[i]
			}
		}
		return nil
	})
	if err != nil {
		return msapi.Customer{}, err
	}
	if found == nil {
		return msapi.Customer{}, &msapi.APIError{Op: op, Err: msapi.ErrNotFound, Message: "the partner has no customer with this domain"}
	}
	return customerFromWire(*found), nil
}

// GetCustomer is GET /v1/customers/{tenant-id} (get-a-customer-by-id).
// The page documents only the 200 answer; for a tenant that is not the
// partner's customer the sandbox assumes 404 (ErrNotFound), and callers
// treat ErrRelationshipMissing alike.
func (c *Client) GetCustomer(ctx context.Context, tenantID string) (msapi.Customer, error) {
	tenantID = strings.TrimSpace(tenantID)
	op := fmt.Sprintf("get customer %s", tenantID)
	if tenantID == "" {
		return msapi.Customer{}, &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest, Message: "tenant id is empty"}
	}
	var w wire.Customer
	if err := c.send(ctx, c.pcRequest(op, customerPath(tenantID)), decodeJSON(&w)); err != nil {
		return msapi.Customer{}, err
	}
	return customerFromWire(w), nil
}

// customerListPageSize is the page size asked of get-a-list-of-customers.
const customerListPageSize = 100

// ListCustomers is GET /v1/customers?size= (get-a-list-of-customers), every page.
func (c *Client) ListCustomers(ctx context.Context) ([]msapi.Customer, error) {
	const op = "list customers"
	q := url.Values{"size": {strconv.Itoa(customerListPageSize)}}
	var out []msapi.Customer
	err := pcPages(ctx, c, c.pcRequest(op, wire.PathCustomers+"?"+q.Encode()), func(items []wire.Customer) error {
		for _, w := range items {
			out = append(out, customerFromWire(w))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func customerFromWire(w wire.Customer) msapi.Customer {
	tenant := w.ID
	if tenant == "" {
		tenant = w.CompanyProfile.TenantID
	}
	return msapi.Customer{
		TenantID:     tenant,
		Domain:       w.CompanyProfile.Domain,
		CompanyName:  w.CompanyProfile.CompanyName,
		Relationship: msapi.Relationship(strings.ToLower(w.RelationshipToPartner)),
	}
}

// DomainExists reports whether any tenant owns domain (HEAD /v1/domains/{d}).
func (c *Client) DomainExists(ctx context.Context, domain string) (bool, error) {
	domain = strings.TrimSpace(domain)
	op := fmt.Sprintf("check domain %s", domain)
	if domain == "" {
		return false, &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest, Message: "domain is empty"}
	}
	r := c.pcRequest(op, wire.PathDomains+url.PathEscape(domain))
	r.method = http.MethodHead
	r.accept = []int{http.StatusNotFound}
	var exists bool
	err := c.send(ctx, r, func(resp *http.Response) error {
		exists = resp.StatusCode != http.StatusNotFound
		return nil
	})
	return exists, err
}

// UserLicenses lists the licenses assigned to a user (Partner Center).
func (c *Client) UserLicenses(ctx context.Context, tenantID, userID string) ([]msapi.License, error) {
	op := fmt.Sprintf("list licenses of user %s in %s", userID, tenantID)
	r, err := c.pcUserRequest(op, customerPath(tenantID, "users", userID, "licenses"))
	if err != nil {
		return nil, err
	}
	items, err := pcAll[wire.UserLicense](ctx, c, r)
	if err != nil {
		return nil, err
	}
	out := make([]msapi.License, len(items))
	for i, l := range items {
		out[i] = msapi.License{SkuID: l.ProductSku.ID, SkuName: l.ProductSku.Name, SkuPartNumber: l.ProductSku.SkuPartNumber}
	}
	return out, nil
}

// Subscriptions lists the customer's subscriptions with this partner.
func (c *Client) Subscriptions(ctx context.Context, tenantID string) ([]msapi.Subscription, error) {
	op := fmt.Sprintf("list subscriptions of %s", tenantID)
	items, err := pcAll[wire.Subscription](ctx, c, c.pcRequest(op, customerPath(tenantID, "subscriptions")))
	if err != nil {
		return nil, err
	}
	out := make([]msapi.Subscription, len(items))
	for i, s := range items {
		name := s.OfferName
		if name == "" {
			name = s.FriendlyName
		}
		out[i] = msapi.Subscription{ID: s.ID, OfferID: s.OfferID, OfferName: name, Quantity: s.Quantity,
			Status: s.Status, IsTrial: s.IsTrial, BillingCycle: s.BillingCycle}
	}
	return out, nil
}

// SubscribedSKUs lists every SKU the tenant holds, whoever sold it.
func (c *Client) SubscribedSKUs(ctx context.Context, tenantID string) ([]msapi.SubscribedSKU, error) {
	op := fmt.Sprintf("list subscribed SKUs of %s", tenantID)
	r, err := c.pcUserRequest(op, customerPath(tenantID, "subscribedskus"))
	if err != nil {
		return nil, err
	}
	items, err := pcAll[wire.SubscribedSku](ctx, c, r)
	if err != nil {
		return nil, err
	}
	out := make([]msapi.SubscribedSKU, len(items))
	for i, s := range items {
		out[i] = msapi.SubscribedSKU{SkuID: s.ProductSku.ID, SkuPartNumber: s.ProductSku.SkuPartNumber,
			SkuName: s.ProductSku.Name, TotalUnits: s.TotalUnits, ConsumedUnits: s.ConsumedUnits,
			Status: s.CapabilityStatus}
	}
	return out, nil
}

// DirectoryRoleMembers lists the members of the role with roleTemplateID.
// Only ID, UPN and DisplayName are known for them.
func (c *Client) DirectoryRoleMembers(ctx context.Context, tenantID, roleTemplateID string) ([]msapi.User, error) {
	op := fmt.Sprintf("list members of role %s in %s", roleTemplateID, tenantID)
	r, err := c.pcUserRequest(op, customerPath(tenantID, "directoryroles"))
	if err != nil {
		return nil, err
	}
	roles, err := pcAll[wire.DirectoryRole](ctx, c, r)
	if err != nil {
		return nil, err
	}
	roleID := ""
	for _, r := range roles {
		if roleMatches(r, roleTemplateID) {
			roleID = r.ID
			break
		}
	}
	if roleID == "" {
		return nil, &msapi.APIError{Op: op, Err: msapi.ErrNotFound, Message: "the tenant has no such directory role"}
	}
	r.url = c.pcURL + customerPath(tenantID, "directoryroles", roleID, "usermembers")
	r.header, r.requestID = nil, ""
	members, err := pcAll[wire.UserMember](ctx, c, r)
	if err != nil {
		return nil, err
	}
	out := make([]msapi.User, len(members))
	for i, m := range members {
		out[i] = msapi.User{ID: m.ID, UPN: m.UserPrincipalName, DisplayName: m.DisplayName}
	}
	return out, nil
}

// roleMatches: Partner Center lists activated roles by object id, which for
// built-in roles is often the template id; the Global Administrator role is
// also recognised by its current or legacy name.
func roleMatches(r wire.DirectoryRole, templateID string) bool {
	if strings.EqualFold(r.ID, templateID) {
		return true
	}
	if !strings.EqualFold(templateID, msapi.GlobalAdminRoleTemplateID) {
		return false
	}
	return strings.EqualFold(r.Name, "Company Administrator") || strings.EqualFold(r.Name, "Global Administrator")
}
