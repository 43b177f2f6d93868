package partnercenter

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
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
func (c *Client) Users(ctx context.Context, tenantID string, fn func(page []msapi.User) error) error {
	return c.UsersFrom(ctx, tenantID, "", func(page []msapi.User, _ string) error { return fn(page) })
}

// UsersFrom streams the tenant's users like Users, starting at from (an
// @odata.nextLink an earlier listing handed over; "" for the first page),
// and hands fn each page with the link of the page after it ("" after the
// last), so a caller can keep its position and resume there.
func (c *Client) UsersFrom(ctx context.Context, tenantID, from string, fn func(page []msapi.User, next string) error) error {
	op := fmt.Sprintf("list users of %s", tenantID)
	r, err := c.graphRequest(op, tenantID, "/users?$top="+strconv.Itoa(c.cfg.PageSize)+"&$select="+userSelect)
	if err != nil {
		return err
	}
	if from != "" {
		u, err := url.Parse(from)
		if err != nil || !u.IsAbs() || sameOrigin(c.graphURL, u) != nil {
			return &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest, Message: fmt.Sprintf("resume link %q is not a Graph link", sanitize(from))}
		}
		r.url = from
	}
	var callerErr error
	err = graphPages(ctx, c, r, func(body io.Reader) (string, error) {
		page := make([]msapi.User, 0, c.cfg.PageSize)
		next, err := streamGraphPage(body, func(u *wire.GraphUser) {
			page = append(page, userFromGraph(u))
		})
		if err != nil {
			return "", err
		}
		if callerErr = fn(page, next); callerErr != nil {
			return "", nil
		}
		return next, nil
	})
	if callerErr != nil {
		return callerErr
	}
	return err
}

// CountUsers is GET /users/$count: how many users the tenant has, before
// listing them. Graph counts directory objects only as an advanced query,
// with the ConsistencyLevel: eventual header; the count may lag recent
// changes, which a progress bar's total tolerates.
func (c *Client) CountUsers(ctx context.Context, tenantID string) (int, error) {
	op := fmt.Sprintf("count users of %s", tenantID)
	r, err := c.graphRequest(op, tenantID, "/users/$count")
	if err != nil {
		return 0, err
	}
	r.header = http.Header{"Consistencylevel": {"eventual"}}
	var n int
	err = c.send(ctx, r, func(resp *http.Response) error {
		b, err := io.ReadAll(io.LimitReader(resp.Body, 64))
		if err != nil {
			return err
		}
		n, err = strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || n < 0 {
			return fmt.Errorf("count is not a number: %q", sanitize(string(b)))
		}
		return nil
	})
	return n, err
}

func userFromGraph(u *wire.GraphUser) msapi.User {
	out := msapi.User{
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
func (c *Client) Domains(ctx context.Context, tenantID string) ([]msapi.Domain, error) {
	op := fmt.Sprintf("list domains of %s", tenantID)
	r, err := c.graphRequest(op, tenantID, "/domains")
	if err != nil {
		return nil, err
	}
	items, err := graphAll[wire.GraphDomain](ctx, c, r)
	if err != nil {
		return nil, err
	}
	out := make([]msapi.Domain, len(items))
	for i, d := range items {
		out[i] = msapi.Domain{Name: d.ID, IsInitial: d.IsInitial, IsDefault: d.IsDefault, IsVerified: d.IsVerified}
	}
	return out, nil
}

// AssignLicenses adds and removes license SKUs of a user via Graph.
func (c *Client) AssignLicenses(ctx context.Context, tenantID, userID string, add, remove []string) error {
	op := fmt.Sprintf("assign licenses to user %s in %s", userID, tenantID)
	if strings.TrimSpace(userID) == "" {
		return &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest, Message: "user id is empty"}
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
