package msapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"onboard/msapi/wire"
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
		return "", &APIError{Op: op, Status: http.StatusOK, Err: ErrUnavailable,
			Message: fmt.Sprintf("Microsoft returned an unusable invitation URL %q", sanitize(rr.URL))}
	}
	return u.String(), nil
}

// FindCustomerByDomain searches the partner's customers for domain.
func (c *Client) FindCustomerByDomain(ctx context.Context, domain string) (Customer, error) {
	domain = strings.TrimSpace(domain)
	op := fmt.Sprintf("find customer %s", domain)
	if domain == "" {
		return Customer{}, &APIError{Op: op, Err: ErrInvalidRequest, Message: "domain is empty"}
	}
	filter, err := json.Marshal(wire.CustomerFilter{Field: "Domain", Value: domain, Operator: "starts_with"})
	if err != nil {
		return Customer{}, fmt.Errorf("%s: encode filter: %w", op, err)
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
		return Customer{}, err
	}
	if found == nil {
		return Customer{}, &APIError{Op: op, Err: ErrNotFound, Message: "the partner has no customer with this domain"}
	}
	return customerFromWire(*found), nil
}

// GetCustomer is GET /v1/customers/{tenant-id} (get-a-customer-by-id).
// The page documents only the 200 answer; for a tenant that is not the
// partner's customer the sandbox assumes 404 (ErrNotFound), and callers
// treat ErrRelationshipMissing alike.
func (c *Client) GetCustomer(ctx context.Context, tenantID string) (Customer, error) {
	tenantID = strings.TrimSpace(tenantID)
	op := fmt.Sprintf("get customer %s", tenantID)
	if tenantID == "" {
		return Customer{}, &APIError{Op: op, Err: ErrInvalidRequest, Message: "tenant id is empty"}
	}
	var w wire.Customer
	if err := c.send(ctx, c.pcRequest(op, customerPath(tenantID)), decodeJSON(&w)); err != nil {
		return Customer{}, err
	}
	return customerFromWire(w), nil
}

// customerListPageSize is the page size asked of get-a-list-of-customers.
const customerListPageSize = 100

// ListCustomers is GET /v1/customers?size= (get-a-list-of-customers), every page.
func (c *Client) ListCustomers(ctx context.Context) ([]Customer, error) {
	const op = "list customers"
	q := url.Values{"size": {strconv.Itoa(customerListPageSize)}}
	var out []Customer
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

func customerFromWire(w wire.Customer) Customer {
	tenant := w.ID
	if tenant == "" {
		tenant = w.CompanyProfile.TenantID
	}
	return Customer{
		TenantID:     tenant,
		Domain:       w.CompanyProfile.Domain,
		CompanyName:  w.CompanyProfile.CompanyName,
		Relationship: Relationship(strings.ToLower(w.RelationshipToPartner)),
	}
}

// DomainExists reports whether any tenant owns domain (HEAD /v1/domains/{d}).
func (c *Client) DomainExists(ctx context.Context, domain string) (bool, error) {
	domain = strings.TrimSpace(domain)
	op := fmt.Sprintf("check domain %s", domain)
	if domain == "" {
		return false, &APIError{Op: op, Err: ErrInvalidRequest, Message: "domain is empty"}
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
func (c *Client) UserLicenses(ctx context.Context, tenantID, userID string) ([]License, error) {
	op := fmt.Sprintf("list licenses of user %s in %s", userID, tenantID)
	r, err := c.pcUserRequest(op, customerPath(tenantID, "users", userID, "licenses"))
	if err != nil {
		return nil, err
	}
	items, err := pcAll[wire.UserLicense](ctx, c, r)
	if err != nil {
		return nil, err
	}
	out := make([]License, len(items))
	for i, l := range items {
		out[i] = License{SkuID: l.ProductSku.ID, SkuName: l.ProductSku.Name, SkuPartNumber: l.ProductSku.SkuPartNumber}
	}
	return out, nil
}

// Subscriptions lists the customer's subscriptions with this partner.
func (c *Client) Subscriptions(ctx context.Context, tenantID string) ([]Subscription, error) {
	op := fmt.Sprintf("list subscriptions of %s", tenantID)
	items, err := pcAll[wire.Subscription](ctx, c, c.pcRequest(op, customerPath(tenantID, "subscriptions")))
	if err != nil {
		return nil, err
	}
	out := make([]Subscription, len(items))
	for i, s := range items {
		name := s.OfferName
		if name == "" {
			name = s.FriendlyName
		}
		out[i] = Subscription{ID: s.ID, OfferID: s.OfferID, OfferName: name, Quantity: s.Quantity,
			Status: s.Status, IsTrial: s.IsTrial, BillingCycle: s.BillingCycle}
	}
	return out, nil
}

// SubscribedSKUs lists every SKU the tenant holds, whoever sold it.
func (c *Client) SubscribedSKUs(ctx context.Context, tenantID string) ([]SubscribedSKU, error) {
	op := fmt.Sprintf("list subscribed SKUs of %s", tenantID)
	r, err := c.pcUserRequest(op, customerPath(tenantID, "subscribedskus"))
	if err != nil {
		return nil, err
	}
	items, err := pcAll[wire.SubscribedSku](ctx, c, r)
	if err != nil {
		return nil, err
	}
	out := make([]SubscribedSKU, len(items))
	for i, s := range items {
		out[i] = SubscribedSKU{SkuID: s.ProductSku.ID, SkuPartNumber: s.ProductSku.SkuPartNumber,
			SkuName: s.ProductSku.Name, TotalUnits: s.TotalUnits, ConsumedUnits: s.ConsumedUnits,
			Status: s.CapabilityStatus}
	}
	return out, nil
}

// DirectoryRoleMembers lists the members of the role with roleTemplateID.
// Only ID, UPN and DisplayName are known for them.
func (c *Client) DirectoryRoleMembers(ctx context.Context, tenantID, roleTemplateID string) ([]User, error) {
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
		return nil, &APIError{Op: op, Err: ErrNotFound, Message: "the tenant has no such directory role"}
	}
	r.url = c.pcURL + customerPath(tenantID, "directoryroles", roleID, "usermembers")
	r.header, r.requestID = nil, ""
	members, err := pcAll[wire.UserMember](ctx, c, r)
	if err != nil {
		return nil, err
	}
	out := make([]User, len(members))
	for i, m := range members {
		out[i] = User{ID: m.ID, UPN: m.UserPrincipalName, DisplayName: m.DisplayName}
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
	if !strings.EqualFold(templateID, GlobalAdminRoleTemplateID) {
		return false
	}
	return strings.EqualFold(r.Name, "Company Administrator") || strings.EqualFold(r.Name, "Global Administrator")
}

// ConvertTrial converts a trial to its paid offer (App+User). requestID is
// sent as MS-RequestId on the conversion, so a repeat is harmless.
func (c *Client) ConvertTrial(ctx context.Context, tenantID, subscriptionID, targetOfferID string, quantity int, requestID string) (Conversion, error) {
	op := fmt.Sprintf("convert trial %s of %s to %s", subscriptionID, tenantID, targetOfferID)
	if strings.TrimSpace(requestID) == "" {
		return Conversion{}, &APIError{Op: op, Err: ErrInvalidRequest, Message: "request id (the idempotency key) is empty"}
	}
	ts, err := c.pcUserToken(op)
	if err != nil {
		return Conversion{}, err
	}
	path := customerPath(tenantID, "subscriptions", subscriptionID, "conversions")
	list := c.pcRequest(op+": list conversions", path)
	list.token = ts
	var conversions []wire.Conversion
	err = c.send(ctx, list, func(resp *http.Response) error {
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		conversions, err = jsonArrayOrCollection[wire.Conversion](raw)
		return err
	})
	if err != nil {
		return Conversion{}, err
	}
	chosen, err := chooseConversion(op, conversions, targetOfferID)
	if errors.Is(err, ErrConversionIneligible) {
		// A repeat after a successful conversion finds no conversions left:
		// the trial already is the target offer, which is success.
		if done, ok := c.alreadyConverted(ctx, tenantID, subscriptionID, targetOfferID); ok {
			return done, nil
		}
	}
	if err != nil {
		return Conversion{}, err
	}
	if quantity > 0 {
		chosen.Quantity = quantity
	}
	post := c.pcRequest(op, path)
	post.method, post.body, post.token, post.requestID = http.MethodPost, chosen, ts, requestID
	var res wire.ConversionResult
	if err := c.send(ctx, post, decodeJSON(&res)); err != nil {
		return Conversion{}, err
	}
	if res.Error != nil {
		return Conversion{}, conversionFailure(op, requestID, res.Error)
	}
	return conversionFromWire(res, chosen, subscriptionID), nil
}

// alreadyConverted reports the paid subscription when subscriptionID is no
// longer a trial and already carries targetOfferID.
func (c *Client) alreadyConverted(ctx context.Context, tenantID, subscriptionID, targetOfferID string) (Conversion, bool) {
	subs, err := c.Subscriptions(ctx, tenantID)
	if err != nil {
		return Conversion{}, false
	}
	for _, s := range subs {
		if s.ID == subscriptionID && !s.IsTrial && strings.EqualFold(s.OfferID, targetOfferID) {
			return Conversion{SubscriptionID: s.ID, TargetOfferID: s.OfferID, Quantity: s.Quantity}, true
		}
	}
	return Conversion{}, false
}

func chooseConversion(op string, conversions []wire.Conversion, targetOfferID string) (wire.Conversion, error) {
	offers := make([]string, 0, len(conversions))
	for _, cv := range conversions {
		if strings.EqualFold(cv.TargetOfferID, targetOfferID) {
			return cv, nil
		}
		offers = append(offers, cv.TargetOfferID)
	}
	msg := "the trial has no conversion to this offer"
	if len(offers) > 0 {
		msg += "; it converts to " + sanitize(strings.Join(offers, ", "))
	}
	return wire.Conversion{}, &APIError{Op: op, Err: ErrConversionIneligible, Message: msg}
}

func conversionFailure(op, requestID string, e *wire.ConversionError) error {
	sentinel := ErrConversionIneligible
	if e.ErrorCode != "" && e.ErrorCode != strconv.Itoa(wire.CodeConversionIneligible) &&
		!strings.Contains(strings.ToLower(e.ErrorCode), "inelig") {
		sentinel = ErrInvalidRequest
	}
	return &APIError{Op: op, Status: http.StatusOK, Code: sanitize(e.ErrorCode), RequestID: requestID,
		Message: sanitize(e.Description), Err: sentinel}
}

func conversionFromWire(res wire.ConversionResult, asked wire.Conversion, trialID string) Conversion {
	out := Conversion{SubscriptionID: res.SubscriptionID, OfferID: res.OfferID, TargetOfferID: res.TargetOfferID, Quantity: asked.Quantity}
	if out.SubscriptionID == "" {
		out.SubscriptionID = trialID // the trial's id is kept by a conversion
	}
	if out.OfferID == "" {
		out.OfferID = asked.OfferID
	}
	if out.TargetOfferID == "" {
		out.TargetOfferID = asked.TargetOfferID
	}
	return out
}

// PlaceOrder buys the lines for the customer. req.RequestID is the
// idempotency key: Microsoft returns the first order for a repeat.
func (c *Client) PlaceOrder(ctx context.Context, tenantID string, req OrderRequest) (Order, error) {
	op := fmt.Sprintf("place order for %s", tenantID)
	if err := validateOrder(req); err != nil {
		return Order{}, &APIError{Op: op, Err: ErrInvalidRequest, Message: err.Error()}
	}
	if req.BillingCycle == "" {
		req.BillingCycle = "monthly"
	}
	body := wire.Order{ReferenceCustomerID: tenantID, BillingCycle: req.BillingCycle,
		LineItems: make([]wire.OrderLineItem, len(req.Lines))}
	for i, l := range req.Lines {
		body.LineItems[i] = wire.OrderLineItem{LineItemNumber: i, OfferID: l.OfferID, FriendlyName: l.FriendlyName, Quantity: l.Quantity}
	}
	r := c.pcRequest(op, customerPath(tenantID, "orders"))
	r.method, r.body, r.requestID = http.MethodPost, body, req.RequestID
	var placed wire.Order
	if err := c.send(ctx, r, decodeJSON(&placed)); err != nil {
		return Order{}, err
	}
	if placed.ID == "" {
		return Order{}, &APIError{Op: op, Err: ErrUnavailable, RequestID: req.RequestID, Message: "Microsoft accepted the order but returned no order id"}
	}
	out := Order{ID: placed.ID, Status: placed.Status, Lines: make([]OrderedLine, len(placed.LineItems))}
	for i, l := range placed.LineItems {
		out.Lines[i] = OrderedLine{OfferID: l.OfferID, Quantity: l.Quantity, SubscriptionID: l.SubscriptionID}
	}
	return out, nil
}

func validateOrder(req OrderRequest) error {
	var problems []string
	if strings.TrimSpace(req.RequestID) == "" {
		problems = append(problems, "request id (the idempotency key) is empty")
	}
	if len(req.Lines) == 0 {
		problems = append(problems, "the order has no lines")
	}
	for i, l := range req.Lines {
		if strings.TrimSpace(l.OfferID) == "" {
			problems = append(problems, fmt.Sprintf("line %d has no offer id", i))
		}
		if l.Quantity <= 0 {
			problems = append(problems, fmt.Sprintf("line %d has quantity %d", i, l.Quantity))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return errors.New(strings.Join(problems, "; "))
}
