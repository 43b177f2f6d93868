package msapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"onboard/msapi/wire"
)

// userSelect is the $select of the users import: only what User carries.
const userSelect = "id,userPrincipalName,givenName,surname,displayName,usageLocation,accountEnabled,assignedLicenses"

// graphRequest is a Graph GET in the customer's tenant with the partner's
// App+User credentials (a token requested at login/{customer-tenant} from
// the partner's refresh token): dap-api-impact documents the directory
// calls as App+User only, reaching the tenant through an active GDAP
// relationship whose roles cover them.
func (c *Client) graphRequest(op, tenantID, path string) (request, error) {
	ts, err := c.delegatedToken(op, tenantID)
	if err != nil {
		return request{}, err
	}
	return request{op: op, api: graph, method: http.MethodGet, url: c.graphURL + path, token: ts}, nil
}

// Users streams the tenant's users from Graph, one page per fn call. Pages
// are not retained: memory stays one page deep however large the tenant.
func (c *Client) Users(ctx context.Context, tenantID string, fn func(page []User) error) error {
	op := fmt.Sprintf("list users of %s", tenantID)
	path := "/users?$top=" + strconv.Itoa(c.cfg.PageSize) + "&$select=" + userSelect
	r, err := c.graphRequest(op, tenantID, path)
	if err != nil {
		return err
	}
	var callerErr error
	err = graphPages(ctx, c, r, func(body io.Reader) (string, error) {
		page := make([]User, 0, c.cfg.PageSize)
		next, err := streamGraphPage(body, func(u *wire.GraphUser) {
			page = append(page, userFromGraph(u))
		})
		if err != nil {
			return "", err
		}
		// fn runs inside the attempt, after the body is fully read; its error
		// is the caller's and must not be mistaken for a malformed page.
		if callerErr = fn(page); callerErr != nil {
			return "", nil
		}
		return next, nil
	})
	if callerErr != nil {
		return callerErr
	}
	return err
}

func userFromGraph(u *wire.GraphUser) User {
	out := User{
		ID: u.ID, UPN: u.UserPrincipalName, FirstName: u.GivenName, LastName: u.Surname,
		DisplayName: u.DisplayName, UsageLocation: u.UsageLocation, Active: u.AccountEnabled,
	}
	if len(u.AssignedLicenses) > 0 {
		out.SkuIDs = make([]string, len(u.AssignedLicenses))
		for i, l := range u.AssignedLicenses {
			out.SkuIDs[i] = l.SkuID
		}
	}
	return out
}

// Domains lists the tenant's domains from Graph.
func (c *Client) Domains(ctx context.Context, tenantID string) ([]Domain, error) {
	op := fmt.Sprintf("list domains of %s", tenantID)
	r, err := c.graphRequest(op, tenantID, "/domains")
	if err != nil {
		return nil, err
	}
	items, err := graphAll[wire.GraphDomain](ctx, c, r)
	if err != nil {
		return nil, err
	}
	out := make([]Domain, len(items))
	for i, d := range items {
		out[i] = Domain{Name: d.ID, IsInitial: d.IsInitial, IsDefault: d.IsDefault, IsVerified: d.IsVerified}
	}
	return out, nil
}

// AssignLicenses adds and removes license SKUs of a user via Graph.
func (c *Client) AssignLicenses(ctx context.Context, tenantID, userID string, add, remove []string) error {
	op := fmt.Sprintf("assign licenses to user %s in %s", userID, tenantID)
	if strings.TrimSpace(userID) == "" {
		return &APIError{Op: op, Err: ErrInvalidRequest, Message: "user id is empty"}
	}
	// Graph rejects null arrays: both lists are always sent, possibly empty.
	body := wire.AssignLicenseRequest{AddLicenses: make([]wire.AssignedLicense, len(add)), RemoveLicenses: append([]string{}, remove...)}
	for i, sku := range add {
		body.AddLicenses[i] = wire.AssignedLicense{SkuID: sku, DisabledPlans: []string{}}
	}
	r, err := c.graphRequest(op, tenantID, "/users/"+url.PathEscape(userID)+"/assignLicense")
	if err != nil {
		return err
	}
	r.method, r.body = http.MethodPost, body
	return c.send(ctx, r, nil)
}
