package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// CatalogChange is an offer a catalog sync changed, or could not refresh
// (Problem says why; the offer is kept as it was).
type CatalogChange struct {
	OfferID string
	From    string // catalog item id before
	To      string // after; "" when not refreshed
	Problem string
}

// SyncCatalog refreshes the service's catalog from Partner Center's catalog
// for the provider's market (country, ISO 3166 alpha-2): each offer's
// availability id, which Microsoft changes over time
// (get-a-list-of-availabilities-for-a-sku), is replaced by a purchasable
// availability that sells the offer's term, the one it had when still
// offered. Names, prices and seats are the provider's and stay. The result
// is a new catalog (the service's is not changed) and what changed.
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
		ci := o.CatalogItem
		avs, err := s.MS.Availabilities(ctx, ci.ProductID, ci.SkuID, country)
		if err != nil {
			return Catalog{}, nil, fmt.Errorf("availabilities of %s (%s:%s) in %s: %w", o.Name, ci.ProductID, ci.SkuID, country, err)
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
		switch {
		case chosen == "":
			changes = append(changes, CatalogChange{OfferID: o.ID, From: o.MicrosoftOfferID,
				Problem: fmt.Sprintf("not sold in %s with term %s: kept as it was", country, o.TermDuration)})
		case chosen != ci.AvailabilityID:
			o.CatalogItem.AvailabilityID = chosen
			from := o.MicrosoftOfferID
			o.MicrosoftOfferID = o.CatalogItem.ID()
			changes = append(changes, CatalogChange{OfferID: o.ID, From: from, To: o.MicrosoftOfferID})
		}
		out.Offers[i] = o
	}
	return out, changes, nil
}

// JSON is the catalog as LoadCatalog reads it.
func (c Catalog) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
