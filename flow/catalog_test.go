package flow

import (
	"errors"
	"strings"
	"testing"
)

func TestDefaultCatalog(t *testing.T) {
	c := DefaultCatalog()
	if c.Currency != "EUR" || len(c.Offers) != 5 {
		t.Fatalf("currency %s, %d offers", c.Currency, len(c.Offers))
	}
	p, ok := c.OfferByMicrosoftID("cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46") // lower case on purpose
	if !ok || p.ID != "m365-business-premium" || p.UnitPrice != 2060 || !p.convertsTrial("6b2a8c57-0f4e-4c6b-9d0e-5c1f7e2a9b31") {
		t.Fatalf("premium: %+v %v", p, ok)
	}
	if e3, _ := c.Offer("o365-e3"); e3.SkuID != "6fd2c87f-b296-42f0-b197-1e91e994b900" || e3.MaxSeats != 300 || e3.BillingCycle != "monthly" {
		t.Fatalf("e3: %+v", e3)
	}
	// DefaultCatalog hands out copies: changing one leaves the next intact.
	c.Offers[2].TrialOfferIDs[0] = "changed"
	if p, _ := DefaultCatalog().Offer("m365-business-premium"); p.TrialOfferIDs[0] == "changed" {
		t.Fatal("DefaultCatalog shares its slices")
	}
}

func TestLoadCatalogRejects(t *testing.T) {
	offer := func(id, ms, price, cur string, min, max string) string {
		return `{"id":"` + id + `","microsoftOfferId":"` + ms + `","name":"N","skuId":"s","unitPrice":` + price +
			`,"currency":"` + cur + `","minSeats":` + min + `,"maxSeats":` + max + `}`
	}
	cat := func(offers ...string) string {
		return `{"provider":"P","currency":"EUR","offers":[` + strings.Join(offers, ",") + `]}`
	}
	tests := map[string]struct{ json, want string }{
		"valid":          {cat(offer("a", "A", "100", "", "1", "10"), offer("b", "B", "100", "eur", "1", "1")), ""},
		"duplicate id":   {cat(offer("a", "A", "100", "", "1", "10"), offer("a", "B", "100", "", "1", "10")), "duplicate"},
		"duplicate ms":   {cat(offer("a", "A", "100", "", "1", "10"), offer("b", "a", "100", "", "1", "10")), "duplicate"},
		"zero price":     {cat(offer("a", "A", "0", "", "1", "10")), "unitPrice must be positive"},
		"two currencies": {cat(offer("a", "A", "100", "USD", "1", "10")), "differs"},
		"min over max":   {cat(offer("a", "A", "100", "", "5", "2")), "minSeats <= maxSeats"},
		"no offers":      {cat(), "no offers"},
		"unknown field":  {`{"currency":"EUR","offerz":[]}`, "decode"},
		"bad json":       {`{`, "decode"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := LoadCatalog(strings.NewReader(tt.json))
			checkErr(t, err, tt.want)
			if err != nil && !errors.Is(err, ErrInvalidCatalog) {
				t.Fatalf("%v does not wrap ErrInvalidCatalog", err)
			}
		})
	}
}
