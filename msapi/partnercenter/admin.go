package partnercenter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// VerifyGlobalAdmin signs in as login (resource-owner password grant at the
// login's own tenant) and checks through Graph that the user holds the Global
// Administrator role. The password lives only in this call's frame and never
// reaches an error or a log.
func (c *Client) VerifyGlobalAdmin(ctx context.Context, login, password string) (msapi.Admin, error) {
	login = strings.TrimSpace(login)
	op := "verify administrator " + sanitize(login)
	admin, err := c.verifyGlobalAdmin(ctx, op, login, password)
	return admin, redact(err, password)
}

func (c *Client) verifyGlobalAdmin(ctx context.Context, op, login, password string) (msapi.Admin, error) {
	at := strings.LastIndexByte(login, '@')
	if at <= 0 || at == len(login)-1 || strings.ContainsAny(login, " /\\?#") {
		return msapi.Admin{}, &msapi.APIError{Op: op, Err: msapi.ErrBadCredentials, Message: "the login must look like name@domain"}
	}
	if password == "" {
		return msapi.Admin{}, &msapi.APIError{Op: op, Err: msapi.ErrBadCredentials, Message: "the password is empty"}
	}
	return c.adminOf(ctx, op, &passwordSource{c: c, op: op, tenant: login[at+1:], login: login, password: password}, "")
}

// adminOf checks the user ts signs in as: the user from Graph /me, the
// Global administrator role from /me/memberOf, and the tenant (tenantID
// where a token named it, else Graph /organization).
func (c *Client) adminOf(ctx context.Context, op string, ts tokenSource, tenantID string) (msapi.Admin, error) {
	req := func(path string) request {
		return request{op: op, api: graph, method: http.MethodGet, url: c.graphURL + path, token: ts}
	}
	var me wire.GraphUser
	if err := c.send(ctx, req("/me?$select=id,userPrincipalName,displayName"), decodeJSON(&me)); err != nil {
		return msapi.Admin{}, err
	}
	isGA, err := c.holdsGlobalAdmin(ctx, req("/me/memberOf"))
	if err != nil {
		return msapi.Admin{}, err
	}
	if !isGA {
		return msapi.Admin{}, &msapi.APIError{Op: op, Err: msapi.ErrNotGlobalAdmin,
			Message: sanitize(me.UserPrincipalName) + " does not hold the Global administrator role"}
	}
	if tenantID == "" {
		var orgs wire.GraphCollection[wire.Organization]
		if err := c.send(ctx, req("/organization?$select=id,displayName"), decodeJSON(&orgs)); err != nil {
			return msapi.Admin{}, err
		}
		if len(orgs.Value) > 0 {
			tenantID = orgs.Value[0].ID
		}
	}
	if tenantID == "" {
		return msapi.Admin{}, &msapi.APIError{Op: op, Status: http.StatusOK, Err: msapi.ErrUnavailable, Message: "neither the sign-in nor Graph named the tenant"}
	}
	return msapi.Admin{UserID: me.ID, UPN: me.UserPrincipalName, DisplayName: me.DisplayName, TenantID: tenantID}, nil
}

// holdsGlobalAdmin walks /me/memberOf until it meets the Global
// Administrator directory role.
func (c *Client) holdsGlobalAdmin(ctx context.Context, r request) (bool, error) {
	found := false
	err := graphPages(ctx, c, r, func(body io.Reader) (string, error) {
		next, err := streamGraphPage(body, func(o *wire.DirectoryObject) {
			if o.ODataType == "#microsoft.graph.directoryRole" && strings.EqualFold(o.RoleTemplateID, msapi.GlobalAdminRoleTemplateID) {
				found = true
			}
		})
		if found {
			return "", err
		}
		return next, err
	})
	return found, err
}

// passwordSource signs in once, on first use, and classifies failures itself
// so that Entra ID's verdicts become ErrBadCredentials / ErrMFARequired and
// the password is masked from every message.
type passwordSource struct {
	c                           *Client
	op, tenant, login, password string
	tok                         *oauth2.Token
}

func (p *passwordSource) Token(ctx context.Context) (*oauth2.Token, error) {
	if p.tok != nil {
		return p.tok, nil
	}
	tok, err := p.c.passwordToken(ctx, p.tenant, p.login, p.password)
	if err != nil {
		err = p.c.tokenFailure(p.op+": sign in", err, true, p.password)
		var ae *msapi.APIError
		if errors.As(err, &ae) && errors.Is(ae.Err, msapi.ErrRelationshipMissing) {
			// AADSTS65001 on a sign-in is missing consent, not a missing
			// reseller relationship.
			cp := *ae
			cp.Err, cp.Hint = msapi.ErrConsentRequired, "Consent to the sign-in application on Microsoft's page, then sign in again."
			return nil, &cp
		}
		return nil, err
	}
	p.tok = tok
	return tok, nil
}

func (p *passwordSource) Invalidate() { p.tok = nil }

// redact is the last line of defence: should any message still contain the
// password, it is masked while errors.Is keeps working.
func redact(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return &redactedError{msg: strings.ReplaceAll(err.Error(), secret, "***"), err: sentinelOf(err)}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// sentinelOf keeps only the sentinel of err, so unwrapping cannot reach a
// message that held the secret.
func sentinelOf(err error) error {
	for _, s := range []error{msapi.ErrBadCredentials, msapi.ErrMFARequired, msapi.ErrConsentRequired, msapi.ErrNotGlobalAdmin, msapi.ErrRelationshipMissing,
		msapi.ErrThrottled, msapi.ErrUnavailable, msapi.ErrInvalidRequest, msapi.ErrNotFound, context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, s) {
			return s
		}
	}
	return fmt.Errorf("sign-in failed")
}
