package partnercenter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// maxMessageRunes bounds messages taken from Microsoft: long enough for any
// real description, short enough for a terminal line or two.
const maxMessageRunes = 300

// sanitize makes text from Microsoft safe to show: control characters
// (terminal escapes included) become spaces, runs of spaces collapse, long
// text is cut at a word boundary, and every secret is masked.
func sanitize(s string, secrets ...string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "***")
		}
	}
	var b strings.Builder
	space := false
	n := 0
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == unicode.ReplacementChar || unicode.Is(unicode.Cf, r) {
			space = b.Len() > 0
			continue
		}
		if n >= maxMessageRunes {
			return cutAtWord(b.String()) + "…"
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

func cutAtWord(s string) string {
	if i := strings.LastIndexByte(s, ' '); i > len(s)*2/3 {
		return s[:i]
	}
	return s
}

// errorBody is the union of Partner Center, Graph and throttling error
// bodies, so one decode serves every API.
type errorBody struct {
	wire.Error
	StatusCode int             `json:"statusCode"`
	Message    string          `json:"message"`
	Graph      json.RawMessage `json:"error"`
}

// decodedError is what could be learnt from an error response body.
type decodedError struct {
	code, message, requestID string
}

// decodeErrorBody reads whatever Microsoft said. A body that is not the
// expected JSON yields a message saying so, never a panic or silence.
func decodeErrorBody(status int, contentType string, body []byte) decodedError {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return decodedError{message: http.StatusText(status)}
	}
	var eb errorBody
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&eb); err != nil && !isTypeMismatch(err) {
		if !strings.Contains(contentType, "json") && !bytes.HasPrefix(body, []byte("{")) {
			return decodedError{message: sanitize(string(body))}
		}
		return decodedError{message: fmt.Sprintf("malformed error body (%s): %s", err, sanitize(string(body)))}
	}
	d := decodedError{code: codeString(eb.Code), message: eb.Description}
	if len(eb.Graph) > 0 && eb.Graph[0] == '{' {
		var ge wire.GraphErrorBody
		if err := json.Unmarshal(eb.Graph, &ge); err == nil {
			d.code, d.message = ge.Code, ge.Message
			if ge.InnerError != nil {
				d.requestID = ge.InnerError.RequestID
			}
		}
	}
	if d.message == "" {
		d.message = eb.Message
	}
	if d.message == "" {
		d.message = http.StatusText(status)
	}
	d.message = sanitize(d.message)
	d.code = sanitize(d.code)
	return d
}

// isTypeMismatch: a field of an unexpected type still leaves the rest of the
// body decoded, which is enough to report the error.
func isTypeMismatch(err error) bool {
	var te *json.UnmarshalTypeError
	return errors.As(err, &te)
}

// codeString renders Partner Center's code, which is a number or a string.
func codeString(code any) string {
	switch c := code.(type) {
	case nil:
		return ""
	case json.Number:
		return c.String()
	case string:
		return c
	default:
		return fmt.Sprint(c)
	}
}

// codeInfo is what onboard knows of one documented error code: the
// sentinel callers branch on and what to do about it.
type codeInfo struct {
	err  error
	hint string
}

// knownCodes are the documented error codes onboard can meet, keyed by the
// code as Microsoft writes it. Partner Center codes come from "Partner
// Center REST error codes" (partner-center/developer/error-codes), Graph's
// from "Microsoft Graph error responses and resource types" (graph/errors).
// Entra's AADSTS codes are read by the token client (tokens.go) from
// error_description and mapped through Describe (entraCodes below).
var knownCodes = map[string]codeInfo{
	// Partner Center: credentials and access.
	"400":    {msapi.ErrInvalidRequest, "Partner Center refused the partner's credentials: check client_id, client_secret and refresh_token (onboard doctor)."},
	"800001": {msapi.ErrInvalidRequest, "The partner token is missing: check the partner's credentials (onboard doctor)."},
	"2032":   {msapi.ErrInvalidRequest, "Partner Center denied access: check the partner account's roles in Partner Center."},
	"900308": {msapi.ErrInvalidRequest, "The partner's user lacks the privileges for this call: give it the Admin agent role or the GDAP role the call needs."},
	"900309": {msapi.ErrInvalidRequest, "A Conditional Access policy blocked the partner's token: sign the partner in again (onboard partner login) from an allowed place."},
	"900329": {msapi.ErrAppOnlyNotSupported, "This call needs App+User credentials: set refresh_token (onboard partner login)."},
	"900123": {msapi.ErrInvalidRequest, "The indirect reseller has not accepted the Microsoft Partner Agreement."},
	"900124": {msapi.ErrInvalidRequest, "The partner's Global admin must accept the Microsoft Partner Agreement in Partner Center."},
	"900149": {msapi.ErrInvalidRequest, "The partner's program status is not active in Partner Center."},
	"800039": {msapi.ErrInvalidRequest, "The partner's reseller program status is not active in Partner Center."},
	"2030":   {msapi.ErrInvalidRequest, "The partner is not onboarded to sell in this country or region."},

	// Customers and relationships.
	"20002":  {msapi.ErrRelationshipMissing, "The customer has no reseller relationship with the partner: the customer's Global administrator must accept the invitation."},
	"1000":   {msapi.ErrNotFound, ""},
	"60002":  {msapi.ErrNotFound, "No such user in the customer's directory."},
	"60003":  {msapi.ErrNotFound, "No such tenant: check the customer's tenant id."},
	"900118": {msapi.ErrInvalidRequest, "The customer id is not valid: check the customer's tenant id."},
	"600002": {msapi.ErrInvalidRequest, "Leave the organization registration number empty: this customer's country does not take one."},
	"600049": {msapi.ErrInvalidRequest, "This customer's country needs an organization registration number."},
	"600050": {msapi.ErrInvalidRequest, "The organization registration number has the wrong format for this customer's country."},
	"600051": {msapi.ErrInvalidRequest, "This customer's country needs a phone number in the billing address."},
	"800073": {msapi.ErrNotPurchasable, "The customer account is under review at Microsoft: try again in a few days."},
	"800074": {msapi.ErrNotPurchasable, "The customer account is under review at Microsoft: try again in a few days."},
	"800075": {msapi.ErrNotPurchasable, "Microsoft did not approve the customer account: check its details in Partner Center."},

	// The Microsoft Customer Agreement.
	"13605": {msapi.ErrAgreementMissing, "Attest the customer's acceptance of the Microsoft Customer Agreement, or have the customer accept it in the Microsoft 365 admin center, then buy again."},

	// Request shape.
	"800002": {msapi.ErrInvalidRequest, "Microsoft found the request invalid: this is a defect in onboard or its catalog; report it with the request id."},
	"3000":   {msapi.ErrInvalidRequest, "Microsoft found a property invalid: report it with the request id."},
	"800036": {msapi.ErrInvalidRequest, "A pre-condition of the request failed: report it with the request id."},
	"800042": {msapi.ErrInvalidRequest, "Microsoft does not support this operation."},
	"900141": {msapi.ErrInvalidRequest, "Microsoft does not support this operation."},
	"900126": {msapi.ErrInvalidRequest, "Microsoft could not read a value of the request: report it with the request id."},

	// Catalog and purchases.
	"2006":   {msapi.ErrNotPurchasable, "The partner may not sell this offer: check the catalog."},
	"2085":   {msapi.ErrNotPurchasable, "The offer is not eligible for purchase: check the catalog."},
	"2091":   {msapi.ErrNotPurchasable, "The offer is no longer sold: update the catalog (onboard catalog sync)."},
	"800004": {msapi.ErrInvalidRequest, "The offer id is not valid: update the catalog."},
	"400013": {msapi.ErrNotFound, "The product is not in Microsoft's catalog: update the catalog (onboard catalog sync)."},
	"400018": {msapi.ErrNotFound, "The SKU is not in Microsoft's catalog: update the catalog (onboard catalog sync)."},
	"400019": {msapi.ErrNotFound, "The availability is gone: get the product's availabilities again, then check the cart out again."},
	"800008": {msapi.ErrNotFound, "The cart is gone: create it again."},
	"800009": {msapi.ErrInvalidRequest, "An item of the cart is not valid: check the cart's line items."},
	"800010": {msapi.ErrNotPurchasable, "Microsoft has no inventory for this catalog item now: choose another product or try later."},
	"800017": {msapi.ErrNotPurchasable, "This quantity is not available for this catalog item: order fewer seats."},
	"800020": {msapi.ErrNotPurchasable, "The catalog item is not eligible for purchase for this customer."},
	"800070": {msapi.ErrNotPurchasable, "The offer is not sold in the customer's country or region."},
	"800022": {msapi.ErrNotPurchasable, "Contact Microsoft partner support about this transaction."},
	"800023": {msapi.ErrNotPurchasable, "The partner's credit line is too low for this purchase: contact Microsoft partner support."},
	"800024": {msapi.ErrNotPurchasable, "Microsoft says this customer is not eligible for this transaction."},
	"800025": {msapi.ErrNotPurchasable, "The partner's credit line is too low for this purchase: contact Microsoft partner support."},
	"800026": {msapi.ErrNotPurchasable, "Microsoft says this customer is not eligible for this transaction."},
	"800062": {msapi.ErrNotPurchasable, "Microsoft says this customer is not eligible for this transaction."},
	"800069": {msapi.ErrNotPurchasable, "The order failed Microsoft's risk check: contact Microsoft partner support."},
	"800066": {msapi.ErrNotPurchasable, "The customer has the most subscriptions Microsoft allows."},
	"800067": {msapi.ErrNotPurchasable, "More seats than Microsoft allows per subscription: order fewer."},
	"800088": {msapi.ErrNotPurchasable, "More seats than Microsoft allows for this product: order fewer."},
	"800089": {msapi.ErrNotPurchasable, "The customer has the most assets Microsoft allows."},
	"900121": {msapi.ErrNotPurchasable, "The partner's credit limit is too low: contact Microsoft."},
	"900203": {msapi.ErrInvalidRequest, "This catalog item needs the partner's attestation in the cart line."},
	"900206": {msapi.ErrInvalidRequest, "The partner's attestation is missing from the cart."},
	"900169": {msapi.ErrInvalidRequest, "Use the partner's or the customer's currency."},
	"900275": {msapi.ErrNotPurchasable, "The quantity is outside what this offer allows."},
	"800003": {msapi.ErrUnavailable, "Microsoft had an unexpected error: try again later."},
	"800005": {msapi.ErrUnavailable, "Microsoft could not create the order: look for it in the customer's orders before ordering again."},
	"900192": {msapi.ErrUnavailable, "Microsoft had an unexpected error: try again later."},
	"800007": {msapi.ErrNotFound, "Microsoft has no provisioning information yet: look again later."},
	"20000":  {msapi.ErrNotFound, "No such order."},

	// Orders in progress: look the order up again instead of repeating it.
	"800060": {msapi.ErrOrderInProgress, "The order is in progress: look at the customer's orders again in a few minutes instead of ordering again."},
	"800064": {msapi.ErrOrderInProgress, "Another request is checking this cart out: look at the customer's orders again in a few minutes."},
	"800065": {msapi.ErrOrderInProgress, "The cart was checked out already: look at the customer's orders instead of checking it out again."},
	"800082": {msapi.ErrOrderInProgress, "The subscription is not ready to be updated: try again later."},
	"900278": {msapi.ErrOrderInProgress, "An operation on this subscription is pending: try again after 24 hours."},
	"800014": {msapi.ErrOrderInProgress, "An adjustment of this order is pending: try again later."},

	// Subscriptions and trials.
	"20003":  {msapi.ErrNotFound, "No such subscription."},
	"800012": {msapi.ErrInvalidRequest, "The subscription is not active."},
	"800021": {msapi.ErrInvalidRequest, "The subscription is not valid."},
	"800081": {msapi.ErrInvalidRequest, "The subscription must be active before it can be updated."},
	"800090": {msapi.ErrInvalidRequest, "The subscription's quantity cannot be decreased."},
	"800091": {msapi.ErrInvalidRequest, "A suspended subscription cannot be updated."},
	"800095": {msapi.ErrInvalidRequest, "The seat quantity of this subscription cannot be updated."},
	"800107": {msapi.ErrInvalidRequest, "Trial offers cannot change term."},
	"2001":   {msapi.ErrInvalidRequest, "The subscription is being suspended: its quantity cannot change now."},
	"2002":   {msapi.ErrInvalidRequest, "The quantity is outside the subscription's minimum and maximum."},
	"900258": {msapi.ErrInvalidRequest, "The transition's target subscription must be active."},
	"900259": {msapi.ErrInvalidRequest, "The transition's target subscription must differ from the source."},
	"900236": {msapi.ErrInvalidRequest, "The transition's target subscription must end later than the source."},
	"900260": {msapi.ErrInvalidRequest, "The transition's target subscription must have the requested catalog item."},
	"900261": {msapi.ErrOrderInProgress, "The transition's target subscription is not ready: try again later."},
	"900263": {msapi.ErrInvalidRequest, "This call does not support legacy subscriptions."},
	"900267": {msapi.ErrInvalidRequest, "The transition's term cannot be shorter than the source subscription's."},
	"900268": {msapi.ErrInvalidRequest, "The transition's term duration is not valid."},
	"900269": {msapi.ErrInvalidRequest, "The billing cycle is not valid."},
	"900270": {msapi.ErrInvalidRequest, "The billing cycle cannot be longer than the term."},

	// Microsoft Graph (graph/errors, "Code property").
	"accessDenied":         {msapi.ErrInvalidRequest, "The partner lacks the permission for this call: check the GDAP roles the customer granted."},
	"activityLimitReached": {msapi.ErrThrottled, "Microsoft Graph is throttling: wait and try again."},
	"generalException":     {msapi.ErrUnavailable, "Microsoft Graph had an unexpected error: try again later."},
	"invalidRequest":       {msapi.ErrInvalidRequest, "Microsoft Graph found the request invalid: report it with the request id."},
	"itemNotFound":         {msapi.ErrNotFound, ""},
	"notAllowed":           {msapi.ErrInvalidRequest, "Microsoft Graph does not allow this action."},
	"notSupported":         {msapi.ErrInvalidRequest, "Microsoft Graph does not support this request."},
	"serviceNotAvailable":  {msapi.ErrUnavailable, "Microsoft Graph is unavailable: try again later."},
	"unauthenticated":      {msapi.ErrInvalidRequest, "Microsoft Graph did not accept the token: sign in again."},
	"quotaLimitReached":    {msapi.ErrInvalidRequest, "The customer's quota is reached."},
	"resourceModified":     {msapi.ErrInvalidRequest, "The resource changed meanwhile: read it again."},
	"nameAlreadyExists":    {msapi.ErrInvalidRequest, "The name exists already."},
	"TooManyRequests":      {msapi.ErrThrottled, "Microsoft Graph is throttling: wait and try again."},
	// The directory's codes, as Graph's user and directory pages show them.
	"Request_ResourceNotFound":    {msapi.ErrNotFound, ""},
	"Authorization_RequestDenied": {msapi.ErrInvalidRequest, "The partner lacks the permission for this call: check the GDAP roles the customer granted."},
	"Request_BadRequest":          {msapi.ErrInvalidRequest, "Microsoft Graph found the request invalid: report it with the request id."},
	"Request_UnsupportedQuery":    {msapi.ErrInvalidRequest, "Microsoft Graph does not support this query: report it with the request id."},
	"BadRequest":                  {msapi.ErrInvalidRequest, "Microsoft Graph found the request invalid: report it with the request id."},
	"InvalidAuthenticationToken":  {msapi.ErrInvalidRequest, "Microsoft Graph did not accept the token: sign in again."},
}

// entraCodes are the AADSTS codes (entra/identity-platform/reference-error-codes)
// the token client meets, with what to do; Describe looks them up.
var entraCodes = map[string]codeInfo{
	"AADSTS50034": {msapi.ErrBadCredentials, "No such user: check the login."},
	"AADSTS50126": {msapi.ErrBadCredentials, "Wrong login or password: check them."},
	"AADSTS50076": {msapi.ErrMFARequired, "The account needs multi-factor authentication: sign in with device code."},
	"AADSTS50079": {msapi.ErrMFARequired, "The account must register for multi-factor authentication first."},
	"AADSTS50053": {msapi.ErrBadCredentials, "The account is locked: wait and try again, or unlock it."},
	"AADSTS50057": {msapi.ErrBadCredentials, "The account is disabled."},
	// In a customer's tenant the partner's application has consent only
	// through the partner relationship (the secure application model), so
	// callers branch on ErrRelationshipMissing; a sign-in (admin.go) makes
	// it ErrConsentRequired.
	"AADSTS65001":   {msapi.ErrRelationshipMissing, "The partner's application has no consent in that tenant: the customer must accept the partner's relationship (GDAP), or an administrator must consent."},
	"AADSTS700016":  {msapi.ErrInvalidRequest, "The application is not found in the tenant: check client_id."},
	"AADSTS7000215": {msapi.ErrInvalidRequest, "The client secret is wrong: check client_secret."},
	"AADSTS7000222": {msapi.ErrInvalidRequest, "The client secret has expired: create a new one."},
	"AADSTS700082":  {msapi.ErrInvalidRequest, "The refresh token has expired: sign the partner in again (onboard partner login)."},
	"AADSTS90002":   {msapi.ErrTenantNotFound, "The tenant is not found: check the tenant id, or the login's domain."},
	// Redeeming an authorization code (browser sign-in with PKCE): the
	// sign-in cannot be finished with that code; the person signs in again.
	"AADSTS501481": {msapi.ErrSignInExpired, "The sign-in's code did not match this sign-in: sign in again."},
	"AADSTS54005":  {msapi.ErrSignInExpired, "The sign-in's code was used already: sign in again."},
	"AADSTS70008":  {msapi.ErrSignInExpired, "The sign-in's code expired: sign in again."},
}

// Describe returns the sentinel and what to do for a documented code
// (Partner Center, Graph or AADSTS); ok is false for a code not in the table.
func Describe(code string) (err error, hint string, ok bool) {
	if c, found := knownCodes[code]; found {
		return c.err, c.hint, true
	}
	if c, found := entraCodes[code]; found {
		return c.err, c.hint, true
	}
	return nil, "", false
}

// sentinelFor maps a final (non-retryable) error response to a sentinel
// and what to do: the documented code first, else the HTTP status.
func sentinelFor(status int, code string) (error, string) {
	if c, ok := knownCodes[code]; ok {
		return c.err, c.hint
	}
	switch {
	case status == http.StatusNotFound:
		return msapi.ErrNotFound, ""
	case status == http.StatusTooManyRequests:
		return msapi.ErrThrottled, ""
	case status >= 400 && status < 500:
		return msapi.ErrInvalidRequest, ""
	default:
		return msapi.ErrUnavailable, ""
	}
}
