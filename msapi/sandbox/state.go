package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"onboard/internal/atomicfile"
	"os"
	"strings"
	"time"

	"onboard/msapi/partnercenter/wire"
)

const stateVersion = 1

// state is everything that changes. It is what StatePath persists; the
// tenants' users are static (catalog) and never written.
type state struct {
	Version       int                     `json:"version"`
	Relationships map[string]relationship `json:"relationships"` // tenant id → reseller relationship with us
	Subscriptions []*subscription         `json:"subscriptions"`
	Orders        map[string]wire.Order   `json:"orders"`      // order id → order
	Conversions   map[string]conversion   `json:"conversions"` // tenant|subscription|MS-RequestId → transition
	// Carts are new-commerce carts by id; CartRequests maps tenant|MS-RequestId
	// of a cart POST to its cart id; PendingOrders are the checked-out orders
	// not provisioned yet.
	Carts         map[string]cart         `json:"carts"`
	CartRequests  map[string]string       `json:"cartRequests"`
	PendingOrders map[string]pendingOrder `json:"pendingOrders"`
	// Assignments overrides the seeded license SKUs of a user: tenant → user → SKUs.
	Assignments map[string]map[string][]string `json:"assignments"`
	// Created are the tenants created through POST /v1/customers;
	// CustomerRequests maps an MS-RequestId of such a POST to the tenant id.
	Created          []createdTenant   `json:"created,omitempty"`
	CustomerRequests map[string]string `json:"customerRequests"`
	// Agreements are the customers' Microsoft Customer Agreement acceptances.
	Agreements map[string][]wire.CustomerAgreement `json:"agreements"` // tenant id → acceptances
	Seq        int                                 `json:"seq"`        // makes ids of new objects deterministic
	// GDAP are the partner's granular delegated admin relationships by id (gdap.go).
	GDAP map[string]*gdapRelationship `json:"gdap,omitempty"`
}

type relationship struct {
	AcceptedBy string    `json:"acceptedBy"`
	AcceptedAt time.Time `json:"acceptedAt"`
}

// subscription is a subscription of a tenant from any source.
type subscription struct {
	ID           string    `json:"id"`
	TenantID     string    `json:"tenantId"`
	OfferID      string    `json:"offerId"`
	SkuID        string    `json:"skuId"`
	Quantity     int       `json:"quantity"`
	Status       string    `json:"status"`
	IsTrial      bool      `json:"isTrial"`
	BillingCycle string    `json:"billingCycle"`
	TermDuration string    `json:"termDuration,omitempty"`
	Partner      string    `json:"partner"` // partner tenant id billing it; "" for Microsoft (trials)
	OrderID      string    `json:"orderId,omitempty"`
	Created      time.Time `json:"created"`
}

// conversion is a trial made paid by a new-commerce transition. State files
// written before the legacy conversions were removed also hold a "result"
// per entry, which loading ignores.
type conversion struct {
	Transition *wire.Transition `json:"transition,omitempty"`
}

var seedTime = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func seedState(c *catalog) *state {
	st := &state{
		Version:          stateVersion,
		Relationships:    map[string]relationship{},
		Orders:           map[string]wire.Order{},
		Conversions:      map[string]conversion{},
		Carts:            map[string]cart{},
		CartRequests:     map[string]string{},
		PendingOrders:    map[string]pendingOrder{},
		Assignments:      map[string]map[string][]string{},
		CustomerRequests: map[string]string{},
		Agreements:       map[string][]wire.CustomerAgreement{},
		GDAP:             map[string]*gdapRelationship{},
	}
	contoso, _ := c.tenant("contoso.onmicrosoft.com")
	fabrikam, _ := c.tenant("fabrikam.onmicrosoft.com")
	northwind, _ := c.tenant(northwindInitial)
	st.Subscriptions = []*subscription{
		{ID: deriveID("sub/contoso/e3"), TenantID: contoso.ID, OfferID: "CFQ7TTC0LF8R:0001:SANDBOXAV004", SkuID: skuE3,
			Quantity: 25, Status: "active", BillingCycle: "monthly", Partner: otherPartnerID, Created: seedTime},
		{ID: deriveID("sub/fabrikam/spb-trial"), TenantID: fabrikam.ID, OfferID: "CFQ7TTC0LCHC:0007:SANDBOXAV013", SkuID: skuSPB,
			Quantity: 25, Status: "active", IsTrial: true, BillingCycle: "none", Created: seedTime},
		{ID: deriveID("sub/northwind/e3"), TenantID: northwind.ID, OfferID: "CFQ7TTC0LF8R:0001:SANDBOXAV004", SkuID: skuE3,
			Quantity: northwind.Dir.count(), Status: "active", BillingCycle: "annual", Partner: otherPartnerID, Created: seedTime},
	}
	return st
}

// nextID returns a new deterministic id for kind.
func (st *state) nextID(kind string) string {
	st.Seq++
	return deriveID(fmt.Sprintf("%s/%d", kind, st.Seq))
}

func (st *state) hasRelationship(tenantID string) bool {
	_, ok := st.Relationships[tenantID]
	return ok
}

// skusOf is the user's current license SKUs.
func (st *state) skusOf(t *tenant, u user) []string {
	if ov, ok := st.Assignments[t.ID][u.ID]; ok {
		return ov
	}
	return u.Skus
}

// consumed counts the users of t holding sku: the seeded count corrected by
// the overrides, so Northwind's 100,000 users are never walked.
func (st *state) consumed(t *tenant, sku string) int {
	n := t.Dir.seededConsumed(sku)
	for uid, skus := range st.Assignments[t.ID] {
		u, ok := t.Dir.byID(uid)
		if !ok {
			continue
		}
		if containsFold(skus, sku) {
			n++
		}
		if containsFold(u.Skus, sku) {
			n--
		}
	}
	return n
}

// loadState reads StatePath, or seeds when there is none (or no file yet).
func (s *Sandbox) loadState() (*state, error) {
	if s.opts.StatePath == "" {
		return seedState(s.catalog), nil
	}
	b, err := os.ReadFile(s.opts.StatePath)
	if errors.Is(err, fs.ErrNotExist) {
		st := seedState(s.catalog)
		if err := writeStateFile(s.opts.StatePath, st); err != nil {
			return nil, err
		}
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read sandbox state: %w", err)
	}
	st := seedState(s.catalog)
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("decode sandbox state %s: %w", s.opts.StatePath, err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("sandbox state %s: version %d, want %d", s.opts.StatePath, st.Version, stateVersion)
	}
	st.fillMaps()
	return st, nil
}

// fillMaps replaces maps a hand-edited or older file left out.
func (st *state) fillMaps() {
	if st.Relationships == nil {
		st.Relationships = map[string]relationship{}
	}
	if st.Orders == nil {
		st.Orders = map[string]wire.Order{}
	}
	if st.Conversions == nil {
		st.Conversions = map[string]conversion{}
	}
	if st.Carts == nil {
		st.Carts = map[string]cart{}
	}
	if st.CartRequests == nil {
		st.CartRequests = map[string]string{}
	}
	if st.PendingOrders == nil {
		st.PendingOrders = map[string]pendingOrder{}
	}
	if st.Assignments == nil {
		st.Assignments = map[string]map[string][]string{}
	}
	if st.CustomerRequests == nil {
		st.CustomerRequests = map[string]string{}
	}
	if st.Agreements == nil {
		st.Agreements = map[string][]wire.CustomerAgreement{}
	}
	if st.GDAP == nil {
		st.GDAP = map[string]*gdapRelationship{}
	}
}

func (st *state) hasAgreement(tenantID string) bool { return len(st.Agreements[tenantID]) > 0 }

// saveLocked persists the state; the caller holds s.mu.
func (s *Sandbox) saveLocked() error {
	if s.opts.StatePath == "" {
		return nil
	}
	return writeStateFile(s.opts.StatePath, s.st)
}

// writeStateFile writes atomically, so a crash never leaves half a file.
func writeStateFile(path string, st *state) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode sandbox state: %w", err)
	}
	if err := atomicfile.Write(path, b); err != nil {
		return fmt.Errorf("save sandbox state: %w", err)
	}
	return nil
}

func key(parts ...string) string { return strings.Join(parts, "|") }
