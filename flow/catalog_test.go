package flow

import (
	"errors"
	"strings"
	"testing"

	"onboard/msapi/sandbox"
)

func TestDefaultCatalog(t *testing.T) {
	c := DefaultCatalog()
	if c.Currency != "EUR" || len(c.Offers) != 5 {
		t.Fatalf("currency %s, %d offers", c.Currency, len(c.Offers))
	}
	p, ok := c.OfferByMicrosoftID("cfq7ttc0lchc:0002:sandboxav003") // lower case on purpose
	if !ok || p.ID != "m365-business-premium" || p.UnitPrice != 2060 || !p.convertsTrial("CFQ7TTC0LCHC:0007:SANDBOXAV013") ||
		p.convertsTrial("CFQ7TTC0LCHC:00070:X") || p.PricePerTerm() != 2060 {
		t.Fatalf("premium: %+v %v", p, ok)
	}
	if e3, _ := c.Offer("o365-e3"); e3.SkuID != "6fd2c87f-b296-42f0-b197-1e91e994b900" || e3.MaxSeats != 300 ||
		e3.BillingCycle != "monthly" || e3.TermDuration != "P1M" || e3.MicrosoftOfferID != "CFQ7TTC0LF8R:0001:SANDBOXAV004" {
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
		return `{"id":"` + id + `","catalogItem":{"productId":"` + ms + `","skuId":"0001","availabilityId":"AV"},"name":"N","skuId":"s","unitPrice":` + price +
			`,"currency":"` + cur + `","minSeats":` + min + `,"maxSeats":` + max + `}`
	}
	termed := func(term, cycle string) string {
		return `{"id":"t","catalogItem":{"productId":"P","skuId":"0001","availabilityId":"AV"},"name":"N","skuId":"s","unitPrice":1,"minSeats":1,"maxSeats":1,"termDuration":"` +
			term + `","billingCycle":"` + cycle + `"}`
	}
	cat := func(offers ...string) string {
		return `{"provider":"P","currency":"EUR","offers":[` + strings.Join(offers, ",") + `]}`
	}
	tests := map[string]struct{ json, want string }{
		"valid":           {cat(offer("a", "A", "100", "", "1", "10"), offer("b", "B", "100", "eur", "1", "1")), ""},
		"duplicate id":    {cat(offer("a", "A", "100", "", "1", "10"), offer("a", "B", "100", "", "1", "10")), "duplicate"},
		"duplicate ms":    {cat(offer("a", "A", "100", "", "1", "10"), offer("b", "a", "100", "", "1", "10")), "duplicate"},
		"zero price":      {cat(offer("a", "A", "0", "", "1", "10")), "unitPrice must be positive"},
		"two currencies":  {cat(offer("a", "A", "100", "USD", "1", "10")), "differs"},
		"min over max":    {cat(offer("a", "A", "100", "", "5", "2")), "minSeats <= maxSeats"},
		"no offers":       {cat(), "no offers"},
		"annual yearly":   {cat(termed("P1Y", "annual")), ""},
		"annual monthly":  {cat(termed("P1M", "annual")), "needs termDuration"},
		"bad term":        {cat(termed("P2M", "monthly")), "termDuration"},
		"no catalog item": {cat(`{"id":"a","name":"N","skuId":"s","unitPrice":1,"minSeats":1,"maxSeats":1}`), "catalogItem"},
		"legacy offer id": {cat(`{"id":"a","microsoftOfferId":"X","name":"N","skuId":"s","unitPrice":1,"minSeats":1,"maxSeats":1}`), "legacy catalog"},
		"unknown field":   {`{"currency":"EUR","offerz":[]}`, "decode"},
		"bad json":        {`{`, "decode"},
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

// The sandbox Microsoft sells exactly the embedded catalog's items, so
// orders placed from it resolve, and its trials transition into them.
func TestDefaultCatalogMatchesSandbox(t *testing.T) {
	c := DefaultCatalog()
	sold := sandbox.Products()
	if len(sold) != len(c.Offers) {
		t.Fatalf("sandbox sells %d products, catalog has %d offers", len(sold), len(c.Offers))
	}
	for i, p := range sold {
		o := c.Offers[i]
		if o.MicrosoftOfferID != p.CatalogItemID || !strings.EqualFold(o.SkuID, p.SkuID) || o.Name != p.Name {
			t.Errorf("offer %s: catalog %s %s %q, sandbox %s %s %q", o.ID, o.MicrosoftOfferID, o.SkuID, o.Name, p.CatalogItemID, p.SkuID, p.Name)
		}
		if (p.TrialCatalogItemID != "") != (len(o.TrialOfferIDs) > 0) || (p.TrialCatalogItemID != "" && !o.convertsTrial(p.TrialCatalogItemID)) {
			t.Errorf("offer %s: trials %v, sandbox trial %q", o.ID, o.TrialOfferIDs, p.TrialCatalogItemID)
		}
	}
}

// The default catalog describes every product in every language the
// wizard speaks; a language it lacks falls back to the default text.
func TestDefaultCatalogDescribesInEveryLanguage(t *testing.T) {
	for _, o := range DefaultCatalog().Offers {
		for _, lang := range []string{"de", "fr"} {
			if o.Description != "" && o.Descriptions[lang] == "" {
				t.Errorf("%s has no %s description", o.ID, lang)
			}
		}
		if got := o.DescriptionIn("tlh"); got != o.Description {
			t.Errorf("%s in a language the catalog lacks: %q", o.ID, got)
		}
	}
}
