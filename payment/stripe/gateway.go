// Package stripe is the payment gateway on Stripe Checkout: a hosted
// Checkout Session per checkout, its status read from the session and its
// payment intent, refunds through POST /v1/refunds, and the webhook that
// says a session was paid. Card data only ever reaches Stripe's page.
package stripe

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	stripe "github.com/stripe/stripe-go/v85"

	"onboard/payment"
)

// Defaults of Options.
const (
	// DefaultSessionTTL is how long a Checkout Session can be paid: Stripe
	// accepts 30 minutes to 24 hours; an hour is long enough for a customer
	// at a terminal and short enough that abandoned pages close.
	DefaultSessionTTL = time.Hour
	// DefaultTimeout bounds each call, retries included.
	DefaultTimeout = 30 * time.Second
	// DefaultRetries is stripe-go's MaxNetworkRetries: it retries
	// connection errors, 409, 429 and 5xx with backoff and the same
	// idempotency key, so a retried create never makes a second session.
	DefaultRetries = 2
)

// ErrKeyRefused is Stripe refusing the secret key (401/403): a wrong,
// revoked or restricted key.
var ErrKeyRefused = errors.New("Stripe refused the secret key")

// Options configure the gateway.
type Options struct {
	SecretKey string // sk_test_… or sk_live_… (or a restricted rk_…)
	// APIURL is Stripe's API; empty is api.stripe.com (tests: stripe-mock).
	APIURL string
	// ReturnURL is the base URL of onboard's HTTP endpoint serving
	// ReturnPages: the customer lands there after paying or cancelling,
	// and the terminal shows its short link to the Checkout page. Empty:
	// Stripe's page shows its own confirmation and no back button, and the
	// terminal shows Stripe's long URL.
	ReturnURL string
	// AutomaticTax asks Stripe Tax to compute the tax on top of the
	// catalog's prices (automatic_tax[enabled]).
	AutomaticTax bool
	SessionTTL   time.Duration // default DefaultSessionTTL
	Timeout      time.Duration // per call, default DefaultTimeout
	Retries      int64         // default DefaultRetries; negative: none
	HTTPClient   *http.Client  // default: one with Timeout
	Now          func() time.Time
}

// Gateway is payment.Gateway on Stripe Checkout.
type Gateway struct {
	sc   *stripe.Client
	opts Options
}

var _ payment.Gateway = (*Gateway)(nil)

// New builds the gateway; it makes no call.
func New(o Options) (*Gateway, error) {
	if o.SecretKey == "" {
		return nil, fmt.Errorf("stripe gateway: no secret key: %w", payment.ErrInvalid)
	}
	if o.ReturnURL != "" {
		if u, err := url.Parse(o.ReturnURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("stripe gateway: return URL %q is not an http(s) URL: %w", o.ReturnURL, payment.ErrInvalid)
		}
	}
	o.SessionTTL = cmp.Or(o.SessionTTL, DefaultSessionTTL)
	if o.SessionTTL < 30*time.Minute || o.SessionTTL > 24*time.Hour {
		return nil, fmt.Errorf("stripe gateway: session lifetime %v: Stripe accepts 30m to 24h: %w", o.SessionTTL, payment.ErrInvalid)
	}
	o.Timeout = cmp.Or(o.Timeout, DefaultTimeout)
	if o.Retries == 0 {
		o.Retries = DefaultRetries
	}
	retries := max(o.Retries, 0)
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: o.Timeout}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	cfg := &stripe.BackendConfig{
		HTTPClient:        o.HTTPClient,
		MaxNetworkRetries: stripe.Int64(retries),
		// stripe-go logs errors to stderr by default, which would draw
		// over the wizard's screen; errors are returned instead.
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull},
	}
	if o.APIURL != "" {
		cfg.URL = stripe.String(strings.TrimSuffix(o.APIURL, "/"))
	}
	sc := stripe.NewClient(o.SecretKey, stripe.WithBackends(stripe.NewBackendsWithConfig(cfg)))
	return &Gateway{sc: sc, opts: o}, nil
}

// Mode says whether a key moves real money: "test" for sk_test_/rk_test_,
// "live" for sk_live_/rk_live_, "" when the prefix is neither.
func Mode(key string) string {
	switch {
	case strings.HasPrefix(key, "sk_test_"), strings.HasPrefix(key, "rk_test_"):
		return "test"
	case strings.HasPrefix(key, "sk_live_"), strings.HasPrefix(key, "rk_live_"):
		return "live"
	}
	return ""
}

// StartCheckout creates a Checkout Session in payment mode: one line per
// order line, priced in the order's currency (minor units), the customer's
// e-mail, the order number as client_reference_id and the order id in the
// metadata, expiring after SessionTTL. The idempotency key makes a retried
// or repeated create return the same session.
func (g *Gateway) StartCheckout(ctx context.Context, c payment.Checkout) (payment.Session, error) {
	if c.IdempotencyKey == "" || c.Currency == "" || c.Amount <= 0 {
		return payment.Session{}, fmt.Errorf("stripe checkout for %s: key, currency and a positive amount are required: %w", c.OrderRef, payment.ErrInvalid)
	}
	if c.SessionID != "" {
		// Started before with this key: Stripe refuses a key reused with
		// other parameters, and expires_at has moved since.
		s, err := g.session(ctx, c.SessionID)
		if err != nil {
			return payment.Session{}, fmt.Errorf("open Stripe Checkout Session for order %s: %w", c.OrderRef, err)
		}
		return g.sessionLink(s), nil
	}
	ctx, cancel := context.WithTimeout(ctx, g.opts.Timeout)
	defer cancel()
	p := &stripe.CheckoutSessionCreateParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		LineItems:         g.lineItems(c),
		ClientReferenceID: stripe.String(c.OrderRef),
		Metadata:          map[string]string{MetaOrderID: c.OrderID, MetaOrderNumber: c.OrderRef},
		ExpiresAt:         stripe.Int64(g.opts.Now().Add(g.opts.SessionTTL).Unix()),
		PaymentIntentData: &stripe.CheckoutSessionCreatePaymentIntentDataParams{
			// The intent carries the order too, so a refund or dispute in
			// the dashboard names it.
			Metadata: map[string]string{MetaOrderID: c.OrderID, MetaOrderNumber: c.OrderRef},
		},
	}
	if c.Description != "" {
		p.PaymentIntentData.Description = stripe.String(c.Description)
	}
	if c.CustomerEmail != "" {
		p.CustomerEmail = stripe.String(c.CustomerEmail)
	}
	if g.opts.ReturnURL != "" {
		base := strings.TrimSuffix(g.opts.ReturnURL, "/")
		q := "?order=" + url.QueryEscape(c.OrderRef)
		p.SuccessURL = stripe.String(base + PaidPath + q)
		p.CancelURL = stripe.String(base + CancelledPath + q)
	}
	if g.opts.AutomaticTax {
		p.AutomaticTax = &stripe.CheckoutSessionCreateAutomaticTaxParams{Enabled: stripe.Bool(true)}
		// Stripe Tax needs an address to compute tax from.
		p.BillingAddressCollection = stripe.String("required")
	}
	p.SetIdempotencyKey("onboard-checkout:" + c.IdempotencyKey)
	s, err := g.sc.V1CheckoutSessions.Create(ctx, p)
	if err != nil {
		return payment.Session{}, fmt.Errorf("create Stripe Checkout Session for order %s: %w", c.OrderRef, classify(err))
	}
	return g.sessionLink(s), nil
}

// sessionLink is the link the terminal shows: the short one when onboard
// serves ReturnPages (a QR code of Stripe's long URL does not fit 80×24).
func (g *Gateway) sessionLink(s *stripe.CheckoutSession) payment.Session {
	if g.opts.ReturnURL != "" {
		return payment.Session{ID: s.ID, URL: strings.TrimSuffix(g.opts.ReturnURL, "/") + GoPath + s.ID}
	}
	return payment.Session{ID: s.ID, URL: s.URL}
}

// Metadata keys on the session and its payment intent.
const (
	MetaOrderID     = "onboard_order_id"
	MetaOrderNumber = "onboard_order_number"
)

// lineItems prices each line inline (price_data): the catalog is the
// provider's, not a Stripe product catalog. A checkout without lines is one
// line of its description and amount.
func (g *Gateway) lineItems(c payment.Checkout) []*stripe.CheckoutSessionCreateLineItemParams {
	cur := strings.ToLower(c.Currency)
	lines := c.Lines
	if len(lines) == 0 {
		lines = []payment.Line{{Name: c.Description, Quantity: 1, UnitAmount: c.Amount}}
	}
	out := make([]*stripe.CheckoutSessionCreateLineItemParams, 0, len(lines))
	for _, l := range lines {
		pd := &stripe.CheckoutSessionCreateLineItemPriceDataParams{
			Currency:    stripe.String(cur),
			UnitAmount:  stripe.Int64(toStripeAmount(l.UnitAmount, cur)),
			ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String(l.Name)},
		}
		if l.Period != "" {
			// One payment, not a Stripe subscription: the page says what a
			// unit buys.
			pd.ProductData.Description = stripe.String("per seat, for one " + l.Period)
		}
		if g.opts.AutomaticTax {
			// The catalog's prices are net: Stripe adds the tax it computes.
			pd.TaxBehavior = stripe.String("exclusive")
		}
		out = append(out, &stripe.CheckoutSessionCreateLineItemParams{PriceData: pd, Quantity: stripe.Int64(l.Quantity)})
	}
	return out
}

// Status reads the session with its payment intent and latest charge.
func (g *Gateway) Status(ctx context.Context, sessionID string) (payment.Status, error) {
	s, err := g.session(ctx, sessionID)
	if err != nil {
		return payment.Status{}, err
	}
	return SessionStatus(s), nil
}

func (g *Gateway) session(ctx context.Context, sessionID string) (*stripe.CheckoutSession, error) {
	if sessionID == "" {
		return nil, fmt.Errorf("stripe session: no id: %w", payment.ErrNotFound)
	}
	ctx, cancel := context.WithTimeout(ctx, g.opts.Timeout)
	defer cancel()
	p := &stripe.CheckoutSessionRetrieveParams{}
	p.AddExpand("payment_intent.latest_charge")
	s, err := g.sc.V1CheckoutSessions.Retrieve(ctx, sessionID, p)
	if err != nil {
		return nil, fmt.Errorf("read Stripe Checkout Session %s: %w", sessionID, classify(err))
	}
	return s, nil
}

// SessionStatus is a session's state as the flow knows states: paid once
// Stripe says payment_status paid (card payments, and delayed methods once
// async_payment_succeeded); declined when a delayed payment failed (the
// session is complete and can take no other payment); expired when closed
// unpaid; else pending, a card declined on the open page included.
// Amount is what the order was priced at (the total without Stripe's tax),
// so the flow's check against the order total holds with automatic tax.
func SessionStatus(s *stripe.CheckoutSession) payment.Status {
	st := payment.Status{ID: s.ID, State: payment.StatePending, Currency: strings.ToUpper(string(s.Currency))}
	if s.TotalDetails != nil {
		st.Tax = fromStripeAmount(s.TotalDetails.AmountTax, st.Currency)
	}
	st.Amount = fromStripeAmount(s.AmountTotal, st.Currency) - st.Tax
	pi := s.PaymentIntent
	if pi != nil {
		st.PaymentID = pi.ID
		if pi.LatestCharge != nil {
			st.Refunded = fromStripeAmount(pi.LatestCharge.AmountRefunded, st.Currency)
		}
	}
	switch {
	case s.PaymentStatus == stripe.CheckoutSessionPaymentStatusPaid:
		st.State = payment.StatePaid
	case s.Status == stripe.CheckoutSessionStatusExpired:
		st.State = payment.StateExpired
	case s.Status == stripe.CheckoutSessionStatusComplete:
		// Complete but unpaid: a delayed method (a bank debit) is still
		// processing, or it failed (its intent asks for a new method).
		if pi != nil && pi.Status == stripe.PaymentIntentStatusRequiresPaymentMethod {
			st.State, st.Reason = payment.StateDeclined, declineReason(pi, "the delayed payment failed")
		}
	case pi != nil && pi.LastPaymentError != nil:
		// Open after a failed attempt: Stripe's page shows the decline and
		// takes another card itself, so the checkout is still pending; a
		// new page would only split the customer's attempts.
		st.Reason = "last attempt declined: " + declineReason(pi, "declined")
	}
	return st
}

func declineReason(pi *stripe.PaymentIntent, fallback string) string {
	if e := pi.LastPaymentError; e != nil {
		if e.DeclineCode != "" {
			return string(e.DeclineCode)
		}
		if e.Code != "" {
			return string(e.Code)
		}
	}
	return fallback
}

// Expire closes an open session (Stripe: POST
// /v1/checkout/sessions/{id}/expire). Only open sessions can be expired,
// so the session is read first: a complete or expired one is reported as
// it is.
func (g *Gateway) Expire(ctx context.Context, sessionID string) (payment.Status, error) {
	s, err := g.session(ctx, sessionID)
	if err != nil {
		return payment.Status{}, err
	}
	if s.Status != stripe.CheckoutSessionStatusOpen {
		return SessionStatus(s), nil
	}
	ectx, cancel := context.WithTimeout(ctx, g.opts.Timeout)
	defer cancel()
	p := &stripe.CheckoutSessionExpireParams{}
	p.SetIdempotencyKey("onboard-expire:" + sessionID)
	if _, err := g.sc.V1CheckoutSessions.Expire(ectx, sessionID, p); err != nil {
		// Paid a moment ago, it cannot be expired any more: read again.
		if s2, rerr := g.session(ctx, sessionID); rerr == nil && s2.Status != stripe.CheckoutSessionStatusOpen {
			return SessionStatus(s2), nil
		}
		return payment.Status{}, fmt.Errorf("expire Stripe Checkout Session %s: %w", sessionID, classify(err))
	}
	// The expire call's answer does not carry the expanded intent: the
	// state after it is read back.
	s, err = g.session(ctx, sessionID)
	if err != nil {
		return payment.Status{}, err
	}
	return SessionStatus(s), nil
}

// Refund refunds the session's payment intent (POST /v1/refunds). A refund
// of the whole checkout (or amount 0) refunds all that is left of the
// capture, tax included; a smaller amount refunds that much.
func (g *Gateway) Refund(ctx context.Context, r payment.Refund) (payment.RefundResult, error) {
	if r.IdempotencyKey == "" || r.Amount < 0 {
		return payment.RefundResult{}, fmt.Errorf("stripe refund of %s: a key and an amount (0: all that is left) are required: %w", r.SessionID, payment.ErrInvalid)
	}
	s, err := g.session(ctx, r.SessionID)
	if err != nil {
		return payment.RefundResult{}, err
	}
	st := SessionStatus(s)
	if st.State != payment.StatePaid || st.PaymentID == "" {
		return payment.RefundResult{}, fmt.Errorf("refund Stripe session %s (%s): %w", r.SessionID, st.State, payment.ErrRefundRefused)
	}
	if r.Currency != "" && !strings.EqualFold(r.Currency, st.Currency) {
		return payment.RefundResult{}, fmt.Errorf("refund %s of Stripe session %s paid in %s: %w", r.Currency, r.SessionID, st.Currency, payment.ErrInvalid)
	}
	p := &stripe.RefundCreateParams{
		PaymentIntent: stripe.String(st.PaymentID),
		Metadata:      map[string]string{"onboard_checkout": r.SessionID, MetaOrderID: s.Metadata[MetaOrderID]},
	}
	if r.Amount > 0 && r.Amount < st.Amount {
		p.Amount = stripe.Int64(toStripeAmount(r.Amount, st.Currency))
	}
	if reason := refundReason(r.Reason); reason != "" {
		p.Reason = stripe.String(reason)
	}
	p.SetIdempotencyKey("onboard-" + r.IdempotencyKey)
	ctx, cancel := context.WithTimeout(ctx, g.opts.Timeout)
	defer cancel()
	ref, err := g.sc.V1Refunds.Create(ctx, p)
	if err != nil {
		var se *stripe.Error
		if errors.As(err, &se) && (se.Code == stripe.ErrorCodeChargeAlreadyRefunded || se.Code == stripe.ErrorCodeAmountTooLarge) {
			err = fmt.Errorf("%s: %w", se.Msg, payment.ErrRefundRefused)
		} else {
			err = classify(err)
		}
		return payment.RefundResult{}, fmt.Errorf("refund payment %s of Stripe session %s: %w", st.PaymentID, r.SessionID, err)
	}
	return payment.RefundResult{ID: ref.ID, SessionID: r.SessionID, PaymentID: st.PaymentID,
		Amount: fromStripeAmount(ref.Amount, string(ref.Currency)), Currency: strings.ToUpper(string(ref.Currency))}, nil
}

// refundReason keeps the reasons Stripe accepts; others go in no field.
func refundReason(why string) string {
	switch why {
	case "duplicate", "fraudulent", "requested_by_customer":
		return why
	}
	return ""
}

// classify maps Stripe's errors on the payment sentinels: missing objects,
// refused requests, refused keys, and everything a retry may cure.
func classify(err error) error {
	var se *stripe.Error
	if !errors.As(err, &se) {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return fmt.Errorf("%w: %v", payment.ErrUnavailable, err)
	}
	msg := se.Msg
	if se.RequestID != "" {
		msg += " (request " + se.RequestID + ")"
	}
	switch {
	case se.HTTPStatusCode == http.StatusNotFound || se.Code == stripe.ErrorCodeResourceMissing:
		return fmt.Errorf("%w: %s", payment.ErrNotFound, msg)
	case se.HTTPStatusCode == http.StatusUnauthorized || se.HTTPStatusCode == http.StatusForbidden:
		return fmt.Errorf("%w: %s", ErrKeyRefused, msg)
	case se.HTTPStatusCode == http.StatusTooManyRequests || se.HTTPStatusCode >= 500 || se.HTTPStatusCode == 0:
		return fmt.Errorf("%w: %s", payment.ErrUnavailable, msg)
	}
	return fmt.Errorf("%w: %s", payment.ErrInvalid, msg)
}
