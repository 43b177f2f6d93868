// Package sandbox is a payment provider for demos and tests that behaves like
// a real hosted-checkout gateway: a small JSON API to start checkouts, read
// their status and refund them (POST /v1/refunds, idempotent per key, never
// more than was captured), a hosted checkout page where the customer types a
// card and, like real ones, may try another card after a decline, and a
// Client that implements payment.Gateway over HTTP. Sessions and Captured
// expose what the sandbox recorded, so tests check money against it.
//
// Mount the Server under a prefix with http.StripPrefix, e.g.
//
//	mux.Handle("/pay/", http.StripPrefix("/pay", sandbox.NewServer(opts)))
//
// and point NewClient at "http://host:port/pay". Checkout URLs handed out by
// the API are built from the request's host and that prefix.
package sandbox

import (
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"onboard/payment"
)

// DefaultAPIKey is the API key when Options.APIKey is empty.
const DefaultAPIKey = "sandbox-pay-key"

// Errors of Pay (and of the hosted page), for callers that branch on them.
var (
	ErrAlreadyPaid = errors.New("checkout is already paid")
	ErrExpired     = errors.New("checkout has expired")
	ErrTryAgain    = errors.New("payment could not be processed, try again")
	ErrInvalidCard = errors.New("invalid card")
)

// errIdempotencyConflict is an Idempotency-Key reused with another request.
var errIdempotencyConflict = errors.New("idempotency key reused with a different request")

// Options configure a Server.
type Options struct {
	// StatePath, when set, is a JSON file checkouts are loaded from and saved
	// to (0600, atomic write) so a restarted demo keeps them.
	StatePath string
	Now       func() time.Time
	// APIKey is required as "Authorization: Bearer <key>" on the API;
	// DefaultAPIKey when empty.
	APIKey string
}

// Server is the sandbox gateway: the JSON API under /v1/ and the hosted
// checkout page under /checkout/. It is safe for concurrent use.
type Server struct {
	opts    Options
	mux     *http.ServeMux
	csrfKey []byte // signs the page's CSRF tokens; new per process
	origin  *http.CrossOriginProtection
	page    *template.Template

	mu        sync.Mutex
	checkouts map[string]*checkout
	byKey     map[string]string // idempotency key → checkout id
	refundKey map[string]string // refund idempotency key → checkout id
}

// NewServer makes a Server. A corrupt state file is moved aside (to
// StatePath+".corrupt") and the sandbox starts empty, so a demo always
// starts; the problem is logged with slog.
func NewServer(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.APIKey == "" {
		opts.APIKey = DefaultAPIKey
	}
	s := &Server{
		opts:      opts,
		csrfKey:   []byte(rand.Text()),
		origin:    http.NewCrossOriginProtection(),
		page:      pageTemplate,
		checkouts: map[string]*checkout{},
		byKey:     map[string]string{},
		refundKey: map[string]string{},
	}
	s.origin.SetDenyHandler(http.HandlerFunc(s.denyCrossOrigin))
	s.load()
	s.routes()
	return s
}

func (s *Server) load() {
	if s.opts.StatePath == "" {
		return
	}
	checkouts, err := loadState(s.opts.StatePath)
	if errors.Is(err, errCorruptState) {
		aside := s.opts.StatePath + ".corrupt"
		slog.Warn("payment sandbox: starting empty, state unreadable", "err", err, "moved_to", aside)
		if rerr := moveAside(s.opts.StatePath, aside); rerr != nil {
			slog.Warn("payment sandbox: could not move state aside", "err", rerr)
		}
		return
	}
	if err != nil {
		// Left in place: saves will fail too, and say so to the API caller.
		slog.Warn("payment sandbox: starting empty", "err", err)
		return
	}
	s.checkouts = checkouts
	for id, c := range checkouts {
		s.byKey[c.IdempotencyKey] = id
		for _, rf := range c.Refunds {
			s.refundKey[rf.IdempotencyKey] = id
		}
	}
}

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.mux.Handle("POST /v1/checkouts", s.requireAPIKey(s.handleCreate))
	s.mux.Handle("GET /v1/checkouts/{id}", s.requireAPIKey(s.handleGet))
	s.mux.Handle("POST /v1/refunds", s.requireAPIKey(s.handleRefund))
	s.mux.Handle("POST /v1/checkouts/{id}/expire", s.requireAPIKey(s.handleExpire))
	s.mux.Handle("/v1/", s.requireAPIKey(s.handleNoEndpoint))
	s.mux.HandleFunc("GET /checkout/{id}", s.handlePage)
	s.mux.Handle("POST /checkout/{id}", s.origin.Handler(http.HandlerFunc(s.handleSubmit)))
}

// ServeHTTP serves the API and the hosted page.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// Reset forgets every checkout (and its saved state), for a fresh demo.
func (s *Server) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	oldCheckouts, oldKeys, oldRefundKeys := s.checkouts, s.byKey, s.refundKey
	s.checkouts, s.byKey, s.refundKey = map[string]*checkout{}, map[string]string{}, map[string]string{}
	if err := s.persist(); err != nil {
		s.checkouts, s.byKey, s.refundKey = oldCheckouts, oldKeys, oldRefundKeys
		return fmt.Errorf("reset payment sandbox: %w", err)
	}
	return nil
}

// Pay charges card (a card number, spaces allowed) to the checkout, as the
// hosted page's form does. It returns the checkout's state afterwards:
// StatePaid, StateDeclined (Status.Reason says why) or, with ErrTryAgain,
// StatePending. A paid checkout is never charged twice: ErrAlreadyPaid.
func (s *Server) Pay(sessionID, cardNumber string) (payment.State, error) {
	digits, err := normalizeNumber(cardNumber)
	if err != nil {
		return "", fmt.Errorf("pay checkout %s: %w: %v", sessionID, ErrInvalidCard, err)
	}
	c, err := s.charge(sessionID, digits)
	if err != nil {
		return c.State, fmt.Errorf("pay checkout %s: %w", sessionID, err)
	}
	return c.State, nil
}

// charge runs one card against a checkout, atomically: of two concurrent
// submits only one can capture, the other sees ErrAlreadyPaid.
func (s *Server) charge(id, digits string) (checkout, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.lookupLocked(id)
	if err != nil {
		return checkout{}, err
	}
	switch c.State {
	case payment.StatePaid:
		return *c.clone(), ErrAlreadyPaid
	case payment.StateExpired:
		return *c.clone(), ErrExpired
	}
	old := c.clone()
	now := s.opts.Now()
	outcome, reason := outcomeOf(digits)
	c.Attempts = append(c.Attempts, attempt{At: now, Card: summarize(digits), Outcome: outcome, Reason: reason})
	// A retry after a decline reopens the checkout; the outcome then settles it.
	c.State, c.Reason = payment.StatePending, ""
	switch outcome {
	case OutcomePaid:
		cd := summarize(digits)
		c.State, c.PaymentID, c.Card, c.PaidAt = payment.StatePaid, newID("pay_"), &cd, now
	case OutcomeDeclined:
		c.State, c.Reason = payment.StateDeclined, reason
	}
	if err := s.persist(); err != nil {
		s.checkouts[id] = old
		return *old, err
	}
	if outcome == OutcomeTryAgain {
		return *c.clone(), ErrTryAgain
	}
	return *c.clone(), nil
}

// create starts a checkout, or returns the one already started with key.
func (s *Server) create(req createRequest, key, hash string) (checkout, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.byKey[key]; ok {
		c, err := s.lookupLocked(id)
		if err != nil {
			return checkout{}, err
		}
		if c.RequestHash != hash {
			return checkout{}, errIdempotencyConflict
		}
		return *c.clone(), nil
	}
	now := s.opts.Now()
	c := &checkout{
		ID: newID("cs_"), IdempotencyKey: key, RequestHash: hash,
		OrderRef: req.OrderRef, Description: req.Description,
		Amount: req.Amount, Currency: req.Currency, CustomerEmail: req.CustomerEmail,
		State: payment.StatePending, CreatedAt: now, ExpiresAt: now.Add(checkoutTTL),
	}
	s.checkouts[c.ID], s.byKey[key] = c, c.ID
	if err := s.persist(); err != nil {
		delete(s.checkouts, c.ID)
		delete(s.byKey, key)
		return checkout{}, err
	}
	return *c.clone(), nil
}

// get returns a snapshot of a checkout.
func (s *Server) get(id string) (checkout, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.lookupLocked(id)
	if err != nil {
		return checkout{}, err
	}
	return *c.clone(), nil
}

// lookupLocked finds a checkout and expires it when its time is up.
func (s *Server) lookupLocked(id string) (*checkout, error) {
	c, ok := s.checkouts[id]
	if !ok {
		return nil, payment.ErrNotFound
	}
	if c.expireAt(s.opts.Now()) {
		// Expiry is derived from the clock, so failing to save it loses
		// nothing: it is derived again on the next read.
		if err := s.persist(); err != nil {
			slog.Warn("payment sandbox: save expiry", "checkout", id, "err", err)
		}
	}
	return c, nil
}

// persist saves the checkouts when a state file is configured; s.mu held.
func (s *Server) persist() error {
	if s.opts.StatePath == "" {
		return nil
	}
	return saveState(s.opts.StatePath, s.checkouts)
}

// newID returns prefix + 128 random bits: unguessable, so a checkout URL
// reveals nothing and cannot be enumerated.
func newID(prefix string) string {
	return prefix + rand.Text()
}

// externalBase is the URL the server is reachable at from the caller, with
// the prefix it is mounted under (what http.StripPrefix removed).
func externalBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + mountPrefix(r)
}

func mountPrefix(r *http.Request) string {
	orig := r.URL.Path
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
		orig = u.Path
	}
	if strings.HasSuffix(orig, r.URL.Path) {
		return strings.TrimSuffix(orig, r.URL.Path)
	}
	return ""
}
