package partnercenter

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// Issue 12 part 3: GDAP. The relationship calls go to Microsoft Graph with
// the partner's App+User credentials (delegated
// DelegatedAdminRelationship.ReadWrite.All), in the partner's tenant.

// gdapRequest is a Graph request in the partner's tenant with App+User credentials.
func (c *Client) gdapRequest(op, method, path string) (request, error) {
	ts, err := c.delegatedToken(op, c.cfg.PartnerTenantID)
	if err != nil {
		return request{}, err
	}
	return request{op: op, api: graph, method: method, url: c.graphURL + path, token: ts}, nil
}

func gdapPath(id string, rest ...string) string {
	p := wire.PathDelegatedAdminRelationships + "/" + url.PathEscape(id)
	for _, r := range rest {
		p += "/" + r
	}
	return p
}

// CreateGDAPRelationship is POST /tenantRelationships/delegatedAdminRelationships.
func (c *Client) CreateGDAPRelationship(ctx context.Context, req msapi.GDAPRequest) (msapi.GDAPRelationship, error) {
	op := fmt.Sprintf("request GDAP relationship with %s", req.CustomerTenantID)
	if strings.TrimSpace(req.CustomerTenantID) == "" || len(req.RoleIDs) == 0 || strings.TrimSpace(req.DisplayName) == "" {
		return msapi.GDAPRelationship{}, &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest, Message: "display name, customer tenant and roles are required"}
	}
	if req.Duration == "" {
		req.Duration = msapi.DefaultGDAPDuration
	}
	body := wire.DelegatedAdminRelationship{
		DisplayName:   req.DisplayName,
		Duration:      req.Duration,
		Customer:      &wire.DelegatedAdminCustomer{TenantID: req.CustomerTenantID},
		AccessDetails: accessDetails(req.RoleIDs),
	}
	r, err := c.gdapRequest(op, http.MethodPost, wire.PathDelegatedAdminRelationships)
	if err != nil {
		return msapi.GDAPRelationship{}, err
	}
	r.body = body
	var out wire.DelegatedAdminRelationship
	if err := c.send(ctx, r, decodeJSON(&out)); err != nil {
		return msapi.GDAPRelationship{}, err
	}
	return gdapFromWire(out), nil
}

// LockGDAPForApproval is POST …/{id}/requests {"action":"lockForApproval"}.
func (c *Client) LockGDAPForApproval(ctx context.Context, relationshipID string) error {
	op := fmt.Sprintf("lock GDAP relationship %s for approval", relationshipID)
	r, err := c.gdapRequest(op, http.MethodPost, gdapPath(relationshipID, "requests"))
	if err != nil {
		return err
	}
	r.body = wire.DelegatedAdminRelationshipRequest{Action: "lockForApproval"}
	return c.send(ctx, r, nil)
}

// GetGDAPRelationship is GET …/{id}.
func (c *Client) GetGDAPRelationship(ctx context.Context, relationshipID string) (msapi.GDAPRelationship, error) {
	op := fmt.Sprintf("get GDAP relationship %s", relationshipID)
	r, err := c.gdapRequest(op, http.MethodGet, gdapPath(relationshipID))
	if err != nil {
		return msapi.GDAPRelationship{}, err
	}
	var out wire.DelegatedAdminRelationship
	if err := c.send(ctx, r, decodeJSON(&out)); err != nil {
		return msapi.GDAPRelationship{}, err
	}
	return gdapFromWire(out), nil
}

// FindGDAPRelationship is GET /tenantRelationships/delegatedAdminRelationships
// with $filter=displayName eq '…' (tenantrelationship-list-delegatedadminrelationships
// documents $filter); the first match, ErrNotFound when none.
func (c *Client) FindGDAPRelationship(ctx context.Context, displayName string) (msapi.GDAPRelationship, error) {
	op := fmt.Sprintf("find GDAP relationship %q", displayName)
	filter := "displayName eq '" + strings.ReplaceAll(displayName, "'", "''") + "'"
	r, err := c.gdapRequest(op, http.MethodGet, wire.PathDelegatedAdminRelationships+"?$filter="+url.QueryEscape(filter))
	if err != nil {
		return msapi.GDAPRelationship{}, err
	}
	var out wire.GraphCollection[wire.DelegatedAdminRelationship]
	if err := c.send(ctx, r, decodeJSON(&out)); err != nil {
		return msapi.GDAPRelationship{}, err
	}
	for _, g := range out.Value {
		if g.DisplayName == displayName {
			return gdapFromWire(g), nil
		}
	}
	return msapi.GDAPRelationship{}, &msapi.APIError{Op: op, Err: msapi.ErrNotFound, Message: "no relationship has that name"}
}

// CreateGDAPAccessAssignment is POST …/{id}/accessAssignments.
func (c *Client) CreateGDAPAccessAssignment(ctx context.Context, relationshipID, groupID string, roleIDs []string) (msapi.GDAPAccessAssignment, error) {
	op := fmt.Sprintf("assign GDAP roles of %s to group %s", relationshipID, groupID)
	if strings.TrimSpace(groupID) == "" || len(roleIDs) == 0 {
		return msapi.GDAPAccessAssignment{}, &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest, Message: "security group and roles are required"}
	}
	r, err := c.gdapRequest(op, http.MethodPost, gdapPath(relationshipID, "accessAssignments"))
	if err != nil {
		return msapi.GDAPAccessAssignment{}, err
	}
	r.body = wire.DelegatedAdminAccessAssignment{
		AccessContainer: wire.DelegatedAdminAccessContainer{AccessContainerID: groupID, AccessContainerType: "securityGroup"},
		AccessDetails:   accessDetails(roleIDs),
	}
	var out wire.DelegatedAdminAccessAssignment
	if err := c.send(ctx, r, decodeJSON(&out)); err != nil {
		return msapi.GDAPAccessAssignment{}, err
	}
	return msapi.GDAPAccessAssignment{ID: out.ID, GroupID: out.AccessContainer.AccessContainerID, Status: out.Status, RoleIDs: roleIDsOf(out.AccessDetails)}, nil
}

// GDAPApprovalURL is the admin center's approval link of the relationship.
func (c *Client) GDAPApprovalURL(relationshipID string) string {
	return c.cfg.GDAPApprovalURL + url.PathEscape(relationshipID)
}

func accessDetails(roleIDs []string) wire.DelegatedAdminAccessDetails {
	d := wire.DelegatedAdminAccessDetails{UnifiedRoles: make([]wire.UnifiedRole, len(roleIDs))}
	for i, id := range roleIDs {
		d.UnifiedRoles[i] = wire.UnifiedRole{RoleDefinitionID: id}
	}
	return d
}

func roleIDsOf(d wire.DelegatedAdminAccessDetails) []string {
	out := make([]string, len(d.UnifiedRoles))
	for i, r := range d.UnifiedRoles {
		out[i] = r.RoleDefinitionID
	}
	return out
}

func gdapFromWire(w wire.DelegatedAdminRelationship) msapi.GDAPRelationship {
	g := msapi.GDAPRelationship{ID: w.ID, DisplayName: w.DisplayName, Status: w.Status, Duration: w.Duration, RoleIDs: roleIDsOf(w.AccessDetails)}
	if w.Customer != nil {
		g.CustomerTenantID = w.Customer.TenantID
	}
	g.ActivatedAt = parseGraphTime(w.ActivatedDateTime)
	g.EndAt = parseGraphTime(w.EndDateTime)
	return g
}

func parseGraphTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// delegatedToken is the App+User Graph token source for tenant: the
// partner's refresh token redeemed at login.microsoftonline.com/{tenant}
// (the secure application model). In a customer's tenant it reaches only
// what an active GDAP relationship's access assignment grants the partner
// user. One source per tenant for the life of the client.
func (c *Client) delegatedToken(op, tenantID string) (tokenSource, error) {
	if c.cfg.RefreshToken == "" {
		return nil, &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest,
			Message: "this call needs App+User sign-in; Config.RefreshToken is empty"}
	}
	c.graphMu.Lock()
	defer c.graphMu.Unlock()
	k := "app+user|" + tenantID
	ts, ok := c.graphTokens[k]
	if !ok {
		ts = newCachedToken(c.delegatedFetcher(tenantID))
		c.graphTokens[k] = ts
	}
	return ts, nil
}

// delegatedFetcher redeems the configured refresh token for a Graph token
// of tenant (see appUserFetcher for why clientcredentials.Config is used).
func (c *Client) delegatedFetcher(tenantID string) func(context.Context) (*oauth2.Token, error) {
	cc := &clientcredentials.Config{
		ClientID:     c.cfg.ClientID,
		ClientSecret: c.cfg.ClientSecret,
		TokenURL:     c.tokenURL(tenantID),
		Scopes:       []string{wire.ScopeGraph},
		AuthStyle:    oauth2.AuthStyleInParams,
		EndpointParams: url.Values{
			"grant_type":    {"refresh_token"},
			"refresh_token": {c.cfg.RefreshToken},
		},
	}
	return func(ctx context.Context) (*oauth2.Token, error) {
		return cc.Token(c.oauthContext(ctx))
	}
}
