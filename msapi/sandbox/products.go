package sandbox

import (
	"net/http"
	"strings"

	"onboard/msapi/partnercenter/wire"
)

// The catalog reads a catalog sync makes (get-a-product-by-id,
// get-a-list-of-skus-for-a-product), answered from the products the sandbox
// sells, in every market. Assumptions where the pages give no numbers: a
// paid SKU sells 1 to 300 seats (the Business products' limit), billed
// monthly or annually; a trial SKU ("… Trial") is 25 seats, billed never.

// Seat limits of the sandbox's SKUs.
const (
	paidMinSeats  = 1
	paidMaxSeats  = 300
	trialMaxSeats = 25
)

// productsByID groups the sandbox's products under their Partner Center
// product id (the first part of a catalog item id).
func productsByID(id string) []product {
	var out []product
	for _, p := range products {
		if pid, _, _ := strings.Cut(p.OfferID, ":"); strings.EqualFold(pid, id) {
			out = append(out, p)
		}
	}
	return out
}

// marketOf checks the country query every catalog read needs.
func marketOf(w http.ResponseWriter, r *http.Request) (string, bool) {
	country := strings.ToUpper(r.URL.Query().Get("country"))
	if len(country) != 2 {
		writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, "country must be a two-letter country code.")
		return "", false
	}
	return country, true
}

// getProduct is GET /v1/products/{pid}?country=.
func (s *Sandbox) getProduct(w http.ResponseWriter, r *http.Request, _ token) {
	if _, ok := marketOf(w, r); !ok {
		return
	}
	ps := productsByID(r.PathValue("pid"))
	if len(ps) == 0 {
		writePCError(w, http.StatusNotFound, wire.CodeProductNotFound, "Product "+r.PathValue("pid")+" was not found.")
		return
	}
	pid, _, _ := strings.Cut(ps[0].OfferID, ":")
	writeJSON(w, http.StatusOK, wire.Product{ID: pid, Title: ps[0].Name, Description: ps[0].Name + ", sold through new commerce.",
		ProductType: &wire.ItemType{ID: "OnlineServices", DisplayName: "OnlineServices"}, IsMicrosoftProduct: true,
		PublisherName: "Microsoft Corporation", Attributes: wire.Attributes{ObjectType: "Product"}})
}

// listSkus is GET /v1/products/{pid}/skus?country=: each product's paid SKU
// and, where it has one, its trial SKU.
func (s *Sandbox) listSkus(w http.ResponseWriter, r *http.Request, _ token) {
	if _, ok := marketOf(w, r); !ok {
		return
	}
	ps := productsByID(r.PathValue("pid"))
	if len(ps) == 0 {
		writePCError(w, http.StatusNotFound, wire.CodeProductNotFound, "Product "+r.PathValue("pid")+" was not found.")
		return
	}
	var items []wire.Sku
	for _, p := range ps {
		parts := strings.SplitN(p.OfferID, ":", 3)
		items = append(items, wire.Sku{ID: parts[1], ProductID: parts[0], Title: p.Name, Description: p.Name,
			MinimumQuantity: paidMinSeats, MaximumQuantity: paidMaxSeats, SupportedBillingCycles: []string{wire.BillingMonthly, wire.BillingAnnual},
			PurchasePrerequisites: []string{"MicrosoftCustomerAgreement"}, Attributes: wire.Attributes{ObjectType: "Sku"}})
		if p.TrialOfferID != "" {
			tp := strings.SplitN(p.TrialOfferID, ":", 3)
			items = append(items, wire.Sku{ID: tp[1], ProductID: tp[0], Title: p.Name + " Trial", Description: p.Name + " Trial",
				MinimumQuantity: trialMaxSeats, MaximumQuantity: trialMaxSeats, IsTrial: true, SupportedBillingCycles: []string{"none"},
				Attributes: wire.Attributes{ObjectType: "Sku"}})
		}
	}
	writeJSON(w, http.StatusOK, collection("Collection", items))
}
