package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	stripe "github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"

	"onboard/payment"
)

// WebhookPath is where onboard serve mounts the webhook handler; the
// provider registers <public URL>/webhooks/stripe in Stripe's dashboard.
const WebhookPath = "/webhooks/stripe"

// Events the handler acts on: the session paid (cards, and delayed methods
// once settled) or a delayed payment failed, and an abandoned session.
var handledEvents = map[stripe.EventType]bool{
	"checkout.session.completed":               true,
	"checkout.session.async_payment_succeeded": true,
	"checkout.session.async_payment_failed":    true,
	"checkout.session.expired":                 true,
}

// Notifier is the one "a checkout changed" use case: flow.Service's
// PaymentNotified. Errors wrapping payment.ErrNotFound are events that are
// not onboard's; payment.ErrUnavailable asks Stripe to deliver again.
type Notifier interface {
	PaymentNotified(ctx context.Context, n payment.Notification) error
}

// WebhookHandler receives Stripe's events: it verifies the Stripe-Signature
// header with the endpoint's signing secret (whsec_…) and a timestamp
// tolerance against replays, and hands checkout events to the Notifier.
type WebhookHandler struct {
	secret    string
	notifier  Notifier
	Tolerance time.Duration // default webhook.DefaultTolerance (5 minutes)
	Timeout   time.Duration // for the Notifier, default 20s (Stripe waits a few seconds, then retries)
	Log       *slog.Logger  // default slog.Default()
	// AfterPaid, when set, is called once an event saying paid was
	// handled (duplicates included: it must be idempotent), so that the
	// server can start processing an order whose customer left the
	// terminal; it must not block.
	AfterPaid func(orderID string)
}

// NewWebhookHandler builds the handler. Mount it at WebhookPath.
func NewWebhookHandler(secret string, n Notifier) *WebhookHandler {
	return &WebhookHandler{secret: secret, notifier: n}
}

// maxEventBytes bounds the body read before the signature is checked.
const maxEventBytes = 1 << 20

// ServeHTTP answers 400 to an unsigned, badly signed or stale event (Stripe
// shows it failed), 200 to an event handled, already handled or not
// onboard's, and 503/500 when handling failed so Stripe delivers it again.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	log := h.Log
	if log == nil {
		log = slog.Default()
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEventBytes))
	if err != nil {
		http.Error(w, "body too large or unreadable", http.StatusBadRequest)
		return
	}
	ev, err := h.verify(body, r.Header.Get("Stripe-Signature"))
	if err != nil {
		log.Warn("stripe webhook refused", "err", err, "remote", r.RemoteAddr)
		http.Error(w, "signature refused", http.StatusBadRequest)
		return
	}
	n, ok, err := notification(ev)
	if err != nil {
		log.Warn("stripe webhook unreadable", "event", ev.ID, "type", ev.Type, "err", err)
		http.Error(w, "event unreadable", http.StatusBadRequest)
		return
	}
	if !ok {
		w.WriteHeader(http.StatusOK) // not an event onboard acts on
		return
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	switch err := h.notifier.PaymentNotified(ctx, n); {
	case err == nil:
		log.Info("stripe webhook handled", "event", n.EventID, "type", n.EventType, "order", n.OrderID, "checkout", n.CheckoutID)
		w.WriteHeader(http.StatusOK)
		if h.AfterPaid != nil && n.Status.State == payment.StatePaid {
			h.AfterPaid(n.OrderID)
		}
	case errors.Is(err, payment.ErrNotFound):
		log.Info("stripe webhook for no onboard checkout", "event", n.EventID, "err", err)
		w.WriteHeader(http.StatusOK)
	case errors.Is(err, payment.ErrUnavailable):
		log.Warn("stripe webhook: try again", "event", n.EventID, "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
	default:
		log.Error("stripe webhook failed", "event", n.EventID, "err", err)
		http.Error(w, "not handled", http.StatusInternalServerError)
	}
}

// verify checks the signature and the timestamp. The event's API version
// may differ from stripe-go's (it is the account's): only the session's
// id, metadata, status and amounts are read, which every version has.
func (h *WebhookHandler) verify(body []byte, sig string) (stripe.Event, error) {
	tol := h.Tolerance
	if tol <= 0 {
		tol = webhook.DefaultTolerance
	}
	ev, err := webhook.ConstructEventWithOptions(body, sig, h.secret,
		webhook.ConstructEventOptions{Tolerance: tol, IgnoreAPIVersionMismatch: true})
	if err != nil {
		return stripe.Event{}, fmt.Errorf("verify Stripe event: %w", err)
	}
	return ev, nil
}

// notification is the checkout event as the flow takes it; ok false for
// events onboard does not act on and sessions it did not create.
func notification(ev stripe.Event) (payment.Notification, bool, error) {
	if !handledEvents[ev.Type] || ev.Data == nil {
		return payment.Notification{}, false, nil
	}
	var s stripe.CheckoutSession
	if err := json.Unmarshal(ev.Data.Raw, &s); err != nil {
		return payment.Notification{}, false, fmt.Errorf("decode the session of event %s: %w", ev.ID, err)
	}
	orderID := s.Metadata[MetaOrderID]
	if orderID == "" || s.ID == "" {
		return payment.Notification{}, false, nil
	}
	return payment.Notification{EventID: ev.ID, EventType: string(ev.Type), OrderID: orderID,
		CheckoutID: s.ID, Status: SessionStatus(&s)}, true, nil
}
