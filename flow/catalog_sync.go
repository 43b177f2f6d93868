package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"onboard/msapi"
	"slices"
	"strings"
)

// CatalogChange is what a catalog sync changed in an offer (Field, From,
// To), or could not refresh (Problem says why; the offer is kept as it was).
type CatalogChange struct {
	OfferID string
	Field   string // "catalog item", "name", "description", "seats" or "trial SKUs"
	From    string
	To      string
	Problem string
}

// SyncCatalog refreshes the service's catalog from Partner Center's catalog
// for the provider's market (country, ISO 3166 alpha-2), through the
// documented catalog reads: the product (get-a-product-by-id), its SKUs
// (get-a-list-of-skus-for-a-product) and the SKU's availabilities
// (get-a-list-of-availabilities-for-a-sku). For each offer: the name is the
// SKU's title; the seats are kept within the SKU's minimum and maximum
// quantity; the trials are the product's trial SKUs; the availability id,
// which Microsoft changes over time, is a purchasable one selling the
// offer's term (the one it had when still offered); an empty description
// takes the product's. Prices, terms and the provider's ids stay. An offer
// whose product or SKU the market does not sell is kept and reported. The
// result is a new catalog (the service's is not changed) and what changed.
func (s *Service) SyncCatalog(ctx context.Context, country string) (Catalog, []CatalogChange, error) {
	country = strings.ToUpper(strings.TrimSpace(country))
	if len(country) != 2 || strings.Trim(country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return Catalog{}, nil, fmt.Errorf("country %q: %w", country, errors.New("want a two-letter country code such as US or DE"))
	}
	out := s.Catalog
	out.Offers = make([]Offer, len(s.Catalog.Offers))
	var changes []CatalogChange
	for i, o := range s.Catalog.Offers {
		o.TrialOfferIDs = slices.Clone(o.TrialOfferIDs)
		oc, err := s.syncOffer(ctx, &o, country)
		if err != nil {
			return Catalog{}, nil, err
		}
		changes = append(changes, oc...)
		out.Offers[i] = o
	}
	if err := out.validate(); err != nil {
		return Catalog{}, nil, fmt.Errorf("the refreshed catalog: %w", err)
	}
	return out, changes, nil
}

// syncOffer refreshes o in place from the market's product, SKUs and
// availabilities, and says what changed.
func (s *Service) syncOffer(ctx context.Context, o *Offer, country string) ([]CatalogChange, error) {
	ci := o.CatalogItem
	kept := func(why string) []CatalogChange {
		return []CatalogChange{{OfferID: o.ID, From: o.MicrosoftOfferID, Problem: why + ": kept as it was"}}
	}
	product, err := s.MS.Product(ctx, ci.ProductID, country)
	if errors.Is(err, msapi.ErrNotFound) {
		return kept(fmt.Sprintf("product %s is not sold in %s", ci.ProductID, country)), nil
	}
	if err != nil {
		return nil, fmt.Errorf("product %s of %s in %s: %w", ci.ProductID, o.Name, country, err)
	}
	skus, err := s.MS.SKUs(ctx, ci.ProductID, country)
	if err != nil {
		return nil, fmt.Errorf("SKUs of %s (%s) in %s: %w", o.Name, ci.ProductID, country, err)
	}
	i := slices.IndexFunc(skus, func(k msapi.SKU) bool { return strings.EqualFold(k.ID, ci.SkuID) && !k.IsTrial })
	if i < 0 {
		return kept(fmt.Sprintf("SKU %s:%s is not sold in %s", ci.ProductID, ci.SkuID, country)), nil
	}
	sku := skus[i]
	avs, err := s.MS.Availabilities(ctx, ci.ProductID, ci.SkuID, country)
	if err != nil {
		return nil, fmt.Errorf("availabilities of %s (%s:%s) in %s: %w", o.Name, ci.ProductID, ci.SkuID, country, err)
	}
	chosen := ""
	for _, a := range avs {
		if !a.Purchasable || !slices.Contains(a.Terms, o.TermDuration) {
			continue
		}
		if chosen == "" || strings.EqualFold(a.ID, ci.AvailabilityID) {
			chosen = a.ID
		}
	}
	if chosen == "" {
		return kept(fmt.Sprintf("not sold in %s with term %s", country, o.TermDuration)), nil
	}

	var changes []CatalogChange
	change := func(field, from, to string) {
		changes = append(changes, CatalogChange{OfferID: o.ID, Field: field, From: from, To: to})
	}
	if chosen != ci.AvailabilityID {
		from := o.MicrosoftOfferID
		o.CatalogItem.AvailabilityID = chosen
		o.MicrosoftOfferID = o.CatalogItem.ID()
		change("catalog item", from, o.MicrosoftOfferID)
	}
	if sku.Title != "" && sku.Title != o.Name {
		change("name", o.Name, sku.Title)
		o.Name = sku.Title
	}
	if o.Description == "" && product.Description != "" {
		change("description", "", product.Description)
		o.Description = product.Description
	}
	if lo, hi := seatsWithin(o.MinSeats, o.MaxSeats, sku.MinQuantity, sku.MaxQuantity); lo != o.MinSeats || hi != o.MaxSeats {
		change("seats", fmt.Sprintf("%d–%d", o.MinSeats, o.MaxSeats), fmt.Sprintf("%d–%d", lo, hi))
		o.MinSeats, o.MaxSeats = lo, hi
	}
	var trials []string
	for _, k := range skus {
		if k.IsTrial {
			trials = append(trials, ci.ProductID+":"+k.ID)
		}
	}
	if !sameFold(trials, o.TrialOfferIDs) {
		change("trial SKUs", strings.Join(o.TrialOfferIDs, ", "), strings.Join(trials, ", "))
		o.TrialOfferIDs = trials
	}
	return changes, nil
}

// seatsWithin keeps the provider's seat bounds inside Microsoft's (min, max
// quantity of the SKU; 0 when Microsoft gives none); bounds that no longer
// overlap Microsoft's become Microsoft's.
func seatsWithin(lo, hi, msLo, msHi int) (int, int) {
	if msLo > 0 && lo < msLo {
		lo = msLo
	}
	if msHi > 0 && hi > msHi {
		hi = msHi
	}
	if lo > hi {
		return max(msLo, 1), max(msHi, msLo, 1)
	}
	return lo, hi
}

// sameFold reports whether a and b hold the same ids, in any order and case.
func sameFold(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.ContainsFunc(b, func(y string) bool { return strings.EqualFold(x, y) }) {
			return false
		}
	}
	return true
}

// JSON is the catalog as LoadCatalog reads it.
func (c Catalog) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
