package flow

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"onboard/i18n"
)

// CatalogItem names what Partner Center sells in new commerce: a product,
// one of its SKUs and an availability of that SKU in the provider's market
// (get-a-list-of-products, get-a-list-of-skus, get-a-list-of-availabilities).
type CatalogItem struct {
	ProductID      string `json:"productId"`      // e.g. "CFQ7TTC0LCHC"
	SkuID          string `json:"skuId"`          // e.g. "0002"
	AvailabilityID string `json:"availabilityId"` // per market
}

// ID is the catalog item id a cart line buys: productId:skuId:availabilityId.
func (c CatalogItem) ID() string { return c.ProductID + ":" + c.SkuID + ":" + c.AvailabilityID }

// Offer is one product of the provider's catalog: a new-commerce catalog
// item with the term and billing cycle sold, and the provider's price.
type Offer struct {
	ID          string      `json:"id"` // the provider's id, e.g. "m365-business-premium"
	CatalogItem CatalogItem `json:"catalogItem"`
	// MicrosoftOfferID is CatalogItem.ID(), set by LoadCatalog: what
	// PlaceOrder buys and what order lines record.
	MicrosoftOfferID string `json:"-"`
	Name             string `json:"name"`
	Description      string `json:"description,omitempty"`
	// Descriptions are Description in other languages, by language tag
	// ("de", "fr"): the provider's words, shown in the sign-up's language.
	Descriptions map[string]string `json:"descriptions,omitempty"`
	SkuID        string            `json:"skuId"`     // the license SKU (Graph skuId) users are assigned
	UnitPrice    int64             `json:"unitPrice"` // minor units per seat per month
	Currency     string            `json:"currency,omitempty"`
	MinSeats     int               `json:"minSeats"`
	MaxSeats     int               `json:"maxSeats"`
	// TermDuration is the commitment sold: P1M (default), P1Y or P3Y;
	// BillingCycle how often it is billed: monthly (default) or annual
	// (not with P1M). The customer is shown UnitPrice per seat per month.
	TermDuration string `json:"termDuration,omitempty"`
	BillingCycle string `json:"billingCycle"`
	// Terms are the choices of term and billing cycle where the product
	// offers several, each with its price per seat and month; the first
	// is the default (and sets TermDuration, BillingCycle and UnitPrice).
	// Without them the offer is sold with its one term.
	Terms []Term `json:"terms,omitempty"`
	// TrialOfferIDs are the catalog items (productId:skuId, or the whole
	// productId:skuId:availabilityId) of the trials that transition into
	// this offer.
	TrialOfferIDs []string `json:"trialCatalogItemIds,omitempty"`
}

// DescriptionIn is the offer's description in language lang, or the
// default one where the catalog has none in it.
func (o Offer) DescriptionIn(lang string) string {
	if d := o.Descriptions[lang]; d != "" {
		return d
	}
	return o.Description
}

// Term is one commitment a product is sold with: its duration (P1M, P1Y,
// P3Y), how often it is billed (monthly, annual) and the price per seat
// and month under it.
type Term struct {
	TermDuration string `json:"termDuration"`
	BillingCycle string `json:"billingCycle"`
	UnitPrice    int64  `json:"unitPrice"`
}

// Key names the term in answers and drafts, e.g. "P1Y/annual".
func (t Term) Key() string { return t.TermDuration + "/" + t.BillingCycle }

// Label says the term in words, e.g. "1 year, billed annually".
func (t Term) Label() string {
	d := map[string]string{"P1M": "1 month", "P1Y": "1 year", "P3Y": "3 years"}[t.TermDuration]
	if t.BillingCycle == "annual" {
		return d + ", billed annually"
	}
	return d + ", billed monthly"
}

// Period is the term's length in words ("month", "year", "3 years").
func (t Term) Period() string {
	return map[string]string{"P1M": "month", "P1Y": "year", "P3Y": "3 years"}[t.TermDuration]
}

// LabelIn is Label in l's language ("1 Monat, monatlich abgerechnet").
func (t Term) LabelIn(l *i18n.Localizer) string {
	if t.BillingCycle == "annual" {
		return l.T("TermBilledAnnually", "Term", l.T("Term"+t.TermDuration))
	}
	return l.T("TermBilledMonthly", "Term", l.T("Term"+t.TermDuration))
}

// PeriodIn is Period in l's language, as it follows "for the" ("den Monat").
func (t Term) PeriodIn(l *i18n.Localizer) string { return l.T("Period" + t.TermDuration) }

// PricePerTerm is the price of one seat for the whole term.
func (t Term) PricePerTerm() int64 {
	switch t.TermDuration {
	case "P1Y":
		return t.UnitPrice * 12
	case "P3Y":
		return t.UnitPrice * 36
	}
	return t.UnitPrice
}

// PricePerTerm is the price of one seat for the whole default term.
func (o Offer) PricePerTerm() int64 { return o.DefaultTerm().PricePerTerm() }

// DefaultTerm is the term sold unless the customer chooses another.
func (o Offer) DefaultTerm() Term {
	if len(o.Terms) > 0 {
		return o.Terms[0]
	}
	return Term{TermDuration: o.TermDuration, BillingCycle: o.BillingCycle, UnitPrice: o.UnitPrice}
}

// Term finds the term key names ("" or unknown: the default, false).
func (o Offer) Term(key string) (Term, bool) {
	for _, t := range o.Terms {
		if t.Key() == key {
			return t, true
		}
	}
	return o.DefaultTerm(), key == "" || key == o.DefaultTerm().Key()
}

// Catalog is what the provider sells.
type Catalog struct {
	Provider string `json:"provider"`
	Currency string `json:"currency"`
	// Note says where the ids come from (e.g. which ids are sandbox ids).
	Note   string  `json:"note,omitempty"`
	Offers []Offer `json:"offers"`
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
		o.Terms = append([]Term(nil), o.Terms...)
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
		if strings.Contains(err.Error(), `"microsoftOfferId"`) || strings.Contains(err.Error(), `"trialOfferIds"`) {
			return Catalog{}, fmt.Errorf("%w: decode: %v (a legacy catalog: give each offer a new-commerce "+
				`"catalogItem": {"productId", "skuId", "availabilityId"}, and trials as "trialCatalogItemIds")`, ErrInvalidCatalog, err)
		}
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
	ci := o.CatalogItem
	for _, part := range []string{ci.ProductID, ci.SkuID, ci.AvailabilityID} {
		if strings.TrimSpace(part) == "" || strings.Contains(part, ":") {
			return errors.New("catalogItem needs productId, skuId and availabilityId (without colons)")
		}
	}
	o.MicrosoftOfferID = ci.ID()
	switch {
	case o.ID == "" || o.SkuID == "":
		return errors.New("id and skuId are required")
	case strings.TrimSpace(o.Name) == "":
		return errors.New("name is required")
	case o.UnitPrice <= 0 && len(o.Terms) == 0:
		return errors.New("unitPrice must be positive")
	case o.Currency != "" && o.Currency != c.Currency:
		return fmt.Errorf("currency %s differs from the catalog's %s", o.Currency, c.Currency)
	case o.MinSeats < 1 || o.MinSeats > o.MaxSeats:
		return fmt.Errorf("seats %d..%d: need 1 <= minSeats <= maxSeats", o.MinSeats, o.MaxSeats)
	}
	if len(o.Terms) == 0 {
		t := Term{TermDuration: o.TermDuration, BillingCycle: o.BillingCycle, UnitPrice: o.UnitPrice}
		if err := validateTerm(&t); err != nil {
			return err
		}
		o.TermDuration, o.BillingCycle = t.TermDuration, t.BillingCycle
	} else {
		seen := map[string]bool{}
		for i := range o.Terms {
			t := &o.Terms[i]
			if err := validateTerm(t); err != nil {
				return fmt.Errorf("term %d: %w", i+1, err)
			}
			if t.UnitPrice <= 0 {
				return fmt.Errorf("term %d: unitPrice must be positive", i+1)
			}
			if seen[t.Key()] {
				return fmt.Errorf("term %d: %s twice", i+1, t.Key())
			}
			seen[t.Key()] = true
		}
		o.TermDuration, o.BillingCycle, o.UnitPrice = o.Terms[0].TermDuration, o.Terms[0].BillingCycle, o.Terms[0].UnitPrice
	}
	o.Currency = c.Currency
	return nil
}

// validateTerm fills a term's defaults (P1M, monthly) and checks it.
func validateTerm(t *Term) error {
	switch t.TermDuration {
	case "":
		t.TermDuration = "P1M"
	case "P1M", "P1Y", "P3Y":
	default:
		return fmt.Errorf("termDuration %q: want P1M, P1Y or P3Y", t.TermDuration)
	}
	switch t.BillingCycle {
	case "":
		t.BillingCycle = "monthly"
	case "monthly":
	case "annual":
		if t.TermDuration == "P1M" {
			return errors.New("billingCycle annual needs termDuration P1Y or P3Y")
		}
	default:
		return fmt.Errorf("billingCycle %q: want monthly or annual", t.BillingCycle)
	}
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

// OfferByMicrosoftID finds an offer by its catalog item id
// (productId:skuId:availabilityId, case-insensitive).
func (c Catalog) OfferByMicrosoftID(id string) (Offer, bool) {
	for _, o := range c.Offers {
		if strings.EqualFold(o.MicrosoftOfferID, id) {
			return o, true
		}
	}
	return Offer{}, false
}

// convertsTrial reports whether a trial subscription with offer id
// trialOfferID (its catalog item id) transitions into o: it names one of
// o's trial catalog items, whole or as productId:skuId.
func (o Offer) convertsTrial(trialOfferID string) bool {
	for _, t := range o.TrialOfferIDs {
		if strings.EqualFold(t, trialOfferID) ||
			(len(trialOfferID) > len(t) && strings.EqualFold(trialOfferID[:len(t)+1], t+":")) {
			return true
		}
	}
	return false
}

// months is how many months the first billing of t covers.
func (t Term) months() int64 {
	if t.BillingCycle == "annual" {
		return 12
	}
	return 1
}

// DueNow is what the order made from a would charge at payment: the first
// billing period of each line (Order.DueNow once the order exists).
func (a Answers) DueNow(cat Catalog) int64 {
	var t int64
	for _, l := range a.Lines {
		if o, ok := cat.Offer(l.OfferID); ok {
			term, _ := o.Term(l.Term)
			t += term.UnitPrice * int64(l.Seats) * term.months()
		}
	}
	return t
}
