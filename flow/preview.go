package flow

import (
	"context"
	"fmt"
	"strings"

	"onboard/msapi"
)

// LinePreview says, before payment, what processing will do with a line of
// an order whose tenant is known (the invitation was accepted).
type LinePreview struct {
	LineNo        int
	Name          string
	Seats         int
	ConvertsTrial bool // the tenant's trial of this product is converted
	TrialUsers    int  // users holding the trial's license now
}

// Short is how many of the trial's users would be left without a license:
// the trial is converted to the seats bought, and they are fewer. Processing
// reads the users' licenses back from Microsoft after the conversion, so the
// done screen counts what Microsoft then holds (the sandbox takes the
// license from the users beyond the seats: see msapi/sandbox unassignBeyond).
func (p LinePreview) Short() int {
	if !p.ConvertsTrial {
		return 0
	}
	return max(p.TrialUsers-p.Seats, 0)
}

// Keep is how many of the trial's users keep their license.
func (p LinePreview) Keep() int {
	if !p.ConvertsTrial {
		return 0
	}
	return min(p.TrialUsers, p.Seats)
}

// Preview tells the customer at review which lines convert a trial (and how
// many users hold it) and which buy a new subscription.
func (s *Service) Preview(ctx context.Context, orderID string) ([]LinePreview, error) {
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return nil, fmt.Errorf("get order %s: %w", orderID, err)
	}
	if o.TenantID == "" {
		return nil, fmt.Errorf("order %s: %w: the invitation is not accepted yet", o.Number, ErrNotReady)
	}
	subs, err := s.MS.Subscriptions(ctx, o.TenantID)
	if err != nil {
		return nil, fmt.Errorf("subscriptions of tenant %s: %w", o.TenantID, err)
	}
	var skus []msapi.SubscribedSKU
	out := make([]LinePreview, 0, len(o.Lines))
	for _, l := range o.Lines {
		p := LinePreview{LineNo: l.LineNo, Name: l.Name, Seats: l.Quantity}
		if offer, ok := s.Catalog.OfferByMicrosoftID(l.OfferID); ok {
			if _, p.ConvertsTrial = trialOf(offer, subs); p.ConvertsTrial {
				if skus == nil {
					if skus, err = s.MS.SubscribedSKUs(ctx, o.TenantID); err != nil {
						return nil, fmt.Errorf("licenses of tenant %s: %w", o.TenantID, err)
					}
				}
				p.TrialUsers = consumed(skus, offer.SkuID)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// trialOf finds the tenant's live trial that converts into offer.
func trialOf(offer Offer, subs []msapi.Subscription) (msapi.Subscription, bool) {
	for _, sub := range subs {
		if sub.IsTrial && !strings.EqualFold(sub.Status, "deleted") && offer.convertsTrial(sub.OfferID) {
			return sub, true
		}
	}
	return msapi.Subscription{}, false
}

func consumed(skus []msapi.SubscribedSKU, skuID string) int {
	for _, k := range skus {
		if strings.EqualFold(k.SkuID, skuID) {
			return k.ConsumedUnits
		}
	}
	return 0
}
