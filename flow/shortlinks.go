package flow

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Short links (docs/kiosk.md). Microsoft's GDAP approval link is about 170
// characters: its QR code needs about 27 rows and does not fit an 80x24
// kiosk. With the provider's public_url set, the wizard shows and encodes
// {public_url}/a/{code} instead, and onboard serve redirects the code to
// the link. Without it the links are shown as they are.

// Purposes of a short link: one link per order and purpose.
const (
	LinkGDAP       = "gdap"       // the order's admin relationship approval link
	LinkInvitation = "invitation" // the partner's invitation link (the same for every order)
)

// DefaultShortLinkTTL is how long a short link is followed after it was
// last shown. Each showing moves it on: an agent's hand-over (`onboard
// orders invite`) lasts as long as the order is pursued, while a link
// photographed once and forgotten stops working. Microsoft's own requests
// outlive it (an unapproved relationship expires after 90 days, the
// invitation link is the partner's standing one).
const DefaultShortLinkTTL = 30 * 24 * time.Hour

// ActionShortLinkCreated is the audit action of a short link made for an
// order (Detail: the purpose and the code, which support can look up).
const ActionShortLinkCreated = "link.short-created"

// ErrShortLinkInvalid: the code is unknown, expired, or its order is
// finished. The page says no more than that.
var ErrShortLinkInvalid = errors.New("the link is no longer valid")

// ShortLink maps a code to a link the product made.
type ShortLink struct {
	Code      string
	OrderID   string // "" for a link of no one order (the invitation)
	Purpose   string // LinkGDAP, LinkInvitation
	Target    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// ShortLinkStore keeps short links; store.DB implements it.
type ShortLinkStore interface {
	// SaveShortLink stores l under l.Code, or, when l.OrderID already has
	// a link for l.Purpose, gives that one l's Target and ExpiresAt and
	// keeps its code. It returns the link as stored.
	SaveShortLink(ctx context.Context, l ShortLink) (ShortLink, error)
	// ShortLink returns the link of code, or ErrNotFound.
	ShortLink(ctx context.Context, code string) (ShortLink, error)
	// ShortLinkFor returns the order's link for purpose, or ErrNotFound.
	ShortLinkFor(ctx context.Context, orderID, purpose string) (ShortLink, error)
}

// Link is a page a person opens: URL is the page itself, Short the
// address to show and encode in a QR code instead when the provider has a
// public_url ("" otherwise). Opening and copying use URL: this computer's
// browser needs no detour, and a copied link works without onboard serve.
type Link struct {
	URL   string
	Short string
}

// Shown is the address to draw and encode.
func (l Link) Shown() string {
	if l.Short != "" {
		return l.Short
	}
	return l.URL
}

// codeAlphabet is Crockford's base32 in lower case: no i, l, o or u, so a
// code read off a screen and typed has no look-alikes.
const codeAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// codeLen: 10 characters are 50 random bits. Codes are looked up one
// request at a time and live weeks, so guessing one is hopeless, and the
// URL stays short enough for a small QR code.
const codeLen = 10

func newLinkCode() (string, error) {
	var b [codeLen]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("short link code: %w", err)
	}
	for i := range b {
		b[i] = codeAlphabet[b[i]&31]
	}
	return string(b[:]), nil
}

// NormalizeLinkCode reads a code as a person may type it: any case,
// hyphens, O for 0 and I or L for 1 (Crockford's reading). ok is false
// when it cannot be a code at all.
func NormalizeLinkCode(s string) (code string, ok bool) {
	s = strings.NewReplacer("-", "", "o", "0", "i", "1", "l", "1").Replace(strings.ToLower(s))
	if len(s) != codeLen {
		return "", false
	}
	for _, r := range s {
		if !strings.ContainsRune(codeAlphabet, r) {
			return "", false
		}
	}
	return s, true
}

func (s *Service) shortLinkTTL() time.Duration {
	if s.ShortLinkTTL > 0 {
		return s.ShortLinkTTL
	}
	return DefaultShortLinkTTL
}

// shortLinksOn: the provider set public_url and the store keeps links.
func (s *Service) shortLinksOn() bool {
	return strings.TrimSpace(s.PublicURL) != "" && s.ShortLinks != nil
}

// link is target as a person is shown it: with its short link when the
// provider has a public_url. A short link made for an order is recorded
// in its audit trail.
func (s *Service) link(ctx context.Context, orderID, purpose, target string) (Link, error) {
	if !s.shortLinksOn() || target == "" {
		return Link{URL: target}, nil
	}
	// A screen asks every few seconds while it waits: a link renewed in
	// the last hour is shown as it is, without a write each time.
	now := s.now()
	l, err := s.ShortLinks.ShortLinkFor(ctx, orderID, purpose)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Link{}, fmt.Errorf("short link for %s: %w", purpose, err)
	}
	if err == nil && l.Target == target && l.ExpiresAt.After(now.Add(s.shortLinkTTL()-shortLinkRenewal)) {
		return s.shortened(target, l.Code), nil
	}
	code, err := newLinkCode()
	if err != nil {
		return Link{}, err
	}
	l, err = s.ShortLinks.SaveShortLink(ctx, ShortLink{Code: code, OrderID: orderID, Purpose: purpose,
		Target: target, CreatedAt: now, ExpiresAt: now.Add(s.shortLinkTTL())})
	if err != nil {
		return Link{}, fmt.Errorf("short link for %s: %w", purpose, err)
	}
	if l.Code == code && orderID != "" {
		if err := s.Store.Audit(ctx, s.event(ctx, orderID, ActionShortLinkCreated, "", "", purpose+" "+code)); err != nil {
			return Link{}, fmt.Errorf("audit the short link of order %s: %w", orderID, err)
		}
	}
	return s.shortened(target, l.Code), nil
}

// shortLinkRenewal is how stale a link's expiry may get before showing it
// moves it on again.
const shortLinkRenewal = time.Hour

func (s *Service) shortened(target, code string) Link {
	return Link{URL: target, Short: strings.TrimRight(strings.TrimSpace(s.PublicURL), "/") + "/a/" + url.PathEscape(code)}
}

// ShortLinkTarget is where code leads: ErrShortLinkInvalid when it is
// unknown, expired, or its order was completed or cancelled (a link of a
// finished order has nothing left to do).
func (s *Service) ShortLinkTarget(ctx context.Context, code string) (string, error) {
	code, ok := NormalizeLinkCode(code)
	if !ok || s.ShortLinks == nil {
		return "", ErrShortLinkInvalid
	}
	l, err := s.ShortLinks.ShortLink(ctx, code)
	if errors.Is(err, ErrNotFound) {
		return "", ErrShortLinkInvalid
	}
	if err != nil {
		return "", err
	}
	if !s.now().Before(l.ExpiresAt) {
		return "", fmt.Errorf("short link %s expired %s: %w", code, l.ExpiresAt.Format(time.RFC3339), ErrShortLinkInvalid)
	}
	if l.OrderID != "" {
		o, err := s.Store.GetOrder(ctx, l.OrderID)
		if errors.Is(err, ErrNotFound) {
			return "", ErrShortLinkInvalid
		}
		if err != nil {
			return "", err
		}
		if o.Status == StatusCompleted || o.Status == StatusCancelled {
			return "", fmt.Errorf("short link %s of order %s (%s): %w", code, o.Number, o.Status, ErrShortLinkInvalid)
		}
	}
	return l.Target, nil
}

// InvitationLink is InvitationURL as the customer is shown it: one short
// link for every order, as the invitation is the partner's.
func (s *Service) InvitationLink(ctx context.Context) (Link, error) {
	u, err := s.InvitationURL(ctx)
	if err != nil {
		return Link{}, err
	}
	return s.link(ctx, "", LinkInvitation, u)
}
