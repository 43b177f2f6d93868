package flow

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Offer is one product of the provider's catalog.
type Offer struct {
	ID               string   `json:"id"`               // the provider's id, e.g. "m365-business-premium"
	MicrosoftOfferID string   `json:"microsoftOfferId"` // what PlaceOrder buys
	Name             string   `json:"name"`
	Description      string   `json:"description,omitempty"`
	SkuID            string   `json:"skuId"`     // the license SKU users are assigned
	UnitPrice        int64    `json:"unitPrice"` // minor units per seat per month
	Currency         string   `json:"currency,omitempty"`
	MinSeats         int      `json:"minSeats"`
	MaxSeats         int      `json:"maxSeats"`
	BillingCycle     string   `json:"billingCycle"`            // "monthly" or "annual"
	TrialOfferIDs    []string `json:"trialOfferIds,omitempty"` // trials that convert into this offer
}

// Catalog is what the provider sells.
type Catalog struct {
	Provider string  `json:"provider"`
	Currency string  `json:"currency"`
	Offers   []Offer `json:"offers"`
}

// ErrInvalidCatalog is wrapped by every LoadCatalog validation error.
var ErrInvalidCatalog = errors.New("invalid catalog")

//go:embed catalog/default.json
var defaultCatalogJSON []byte

var defaultCatalog = func() Catalog {
	c, err := LoadCatalog(bytes.NewReader(defaultCatalogJSON))
	if err != nil {
		panic("embedded default catalog: " + err.Error())
	}
	return c
}()

// DefaultCatalog is the embedded demo catalog (EUR). Each call returns a copy.
func DefaultCatalog() Catalog {
	c := defaultCatalog
	c.Offers = make([]Offer, len(defaultCatalog.Offers))
	for i, o := range defaultCatalog.Offers {
		o.TrialOfferIDs = append([]string(nil), o.TrialOfferIDs...)
		c.Offers[i] = o
	}
	return c
}

// LoadCatalog decodes and validates a catalog: unique ids, positive prices,
// a single currency, sane seat bounds.
func LoadCatalog(r io.Reader) (Catalog, error) {
	var c Catalog
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Catalog{}, fmt.Errorf("%w: decode: %v", ErrInvalidCatalog, err)
	}
	if err := c.validate(); err != nil {
		return Catalog{}, fmt.Errorf("%w: %v", ErrInvalidCatalog, err)
	}
	return c, nil
}

func (c *Catalog) validate() error {
	c.Currency = strings.ToUpper(strings.TrimSpace(c.Currency))
	if len(c.Currency) != 3 {
		return fmt.Errorf("currency %q is not an ISO 4217 code", c.Currency)
	}
	if len(c.Offers) == 0 {
		return errors.New("no offers")
	}
	ids, msIDs := map[string]bool{}, map[string]bool{}
	for i := range c.Offers {
		o := &c.Offers[i]
		if err := c.validateOffer(o); err != nil {
			return fmt.Errorf("offer %d (%s): %w", i+1, o.ID, err)
		}
		ms := strings.ToLower(o.MicrosoftOfferID)
		if ids[o.ID] || msIDs[ms] {
			return fmt.Errorf("offer %d (%s): duplicate id", i+1, o.ID)
		}
		ids[o.ID], msIDs[ms] = true, true
	}
	return nil
}

func (c *Catalog) validateOffer(o *Offer) error {
	o.Currency = strings.ToUpper(o.Currency)
	switch {
	case o.ID == "" || o.MicrosoftOfferID == "" || o.SkuID == "":
		return errors.New("id, microsoftOfferId and skuId are required")
	case strings.TrimSpace(o.Name) == "":
		return errors.New("name is required")
	case o.UnitPrice <= 0:
		return errors.New("unitPrice must be positive")
	case o.Currency != "" && o.Currency != c.Currency:
		return fmt.Errorf("currency %s differs from the catalog's %s", o.Currency, c.Currency)
	case o.MinSeats < 1 || o.MinSeats > o.MaxSeats:
		return fmt.Errorf("seats %d..%d: need 1 <= minSeats <= maxSeats", o.MinSeats, o.MaxSeats)
	}
	switch o.BillingCycle {
	case "":
		o.BillingCycle = "monthly"
	case "monthly", "annual":
	default:
		return fmt.Errorf("billingCycle %q: want monthly or annual", o.BillingCycle)
	}
	o.Currency = c.Currency
	return nil
}

// Offer finds an offer by the provider's id.
func (c Catalog) Offer(id string) (Offer, bool) {
	for _, o := range c.Offers {
		if o.ID == id {
			return o, true
		}
	}
	return Offer{}, false
}

// OfferByMicrosoftID finds an offer by Microsoft's offer id (case-insensitive:
// Microsoft spells GUIDs both ways).
func (c Catalog) OfferByMicrosoftID(id string) (Offer, bool) {
	for _, o := range c.Offers {
		if strings.EqualFold(o.MicrosoftOfferID, id) {
			return o, true
		}
	}
	return Offer{}, false
}

// convertsTrial reports whether a trial with offer id trialOfferID converts into o.
func (o Offer) convertsTrial(trialOfferID string) bool {
	for _, t := range o.TrialOfferIDs {
		if strings.EqualFold(t, trialOfferID) {
			return true
		}
	}
	return false
}
