package flow_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"onboard/flow"
)

// The embedded catalog is what the sandbox's Partner Center sells: a sync
// changes nothing.
func TestSyncCatalogOfTheDefaultIsCurrent(t *testing.T) {
	w := newCommerceWorld(t, 0)
	got, changes, err := w.svc.SyncCatalog(context.Background(), "us")
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 0 {
		t.Fatalf("changes: %+v", changes)
	}
	want := flow.DefaultCatalog()
	for i := range want.Offers {
		g, o := got.Offers[i], want.Offers[i]
		if g.MicrosoftOfferID != o.MicrosoftOfferID || g.Name != o.Name || g.MinSeats != o.MinSeats || g.MaxSeats != o.MaxSeats ||
			!slices.Equal(g.TrialOfferIDs, o.TrialOfferIDs) {
			t.Errorf("offer %d: %+v, want %+v", i, g, o)
		}
	}
}

// A stale catalog (old availability, old name, seats beyond the SKU's, a
// trial it no longer lists, no description) is refreshed from the
// sandbox's products, SKUs and availabilities; prices stay; the service's
// catalog is untouched and the result loads back.
func TestSyncCatalogRefreshesProductsSKUsAndAvailabilities(t *testing.T) {
	w := newCommerceWorld(t, 0)
	ctx := context.Background()
	cat := flow.DefaultCatalog()
	std, prem := &cat.Offers[1], &cat.Offers[2]
	std.CatalogItem.AvailabilityID = "OLDAVAIL0001"
	std.MicrosoftOfferID = std.CatalogItem.ID()
	std.Name, std.Description, std.MaxSeats, std.UnitPrice = "Business Standard (old name)", "", 500, 999
	prem.TrialOfferIDs = nil
	gone := cat.Offers[3]
	gone.ID, gone.CatalogItem.ProductID = "retired", "CFQ7TTC0GONE"
	gone.MicrosoftOfferID = gone.CatalogItem.ID()
	cat.Offers = append(cat.Offers, gone)
	w.svc.Catalog = cat

	got, changes, err := w.svc.SyncCatalog(ctx, "de")
	if err != nil {
		t.Fatal(err)
	}
	byField := map[string]flow.CatalogChange{}
	for _, c := range changes {
		byField[c.OfferID+"/"+c.Field] = c
	}
	for key, want := range map[string]string{
		"m365-business-standard/catalog item": "CFQ7TTC0LDPB:0001:SANDBOXAV002",
		"m365-business-standard/name":         "Microsoft 365 Business Standard",
		"m365-business-standard/seats":        "1–300",
		"m365-business-standard/description":  "Microsoft 365 Business Standard, sold through new commerce.",
		"m365-business-premium/trial SKUs":    "CFQ7TTC0LCHC:0007",
	} {
		if c, ok := byField[key]; !ok || c.To != want {
			t.Errorf("%s: %+v, want → %q (all: %+v)", key, c, want, changes)
		}
	}
	if c := byField["retired/"]; c.Problem == "" {
		t.Errorf("the retired product was not reported: %+v", changes)
	}
	if len(changes) != 6 {
		t.Errorf("%d changes, want 6: %+v", len(changes), changes)
	}
	if g := got.Offers[1]; g.UnitPrice != 999 || g.MaxSeats != 300 {
		t.Errorf("standard after sync: %+v", g)
	}
	if got.Offers[5].CatalogItem.ProductID != "CFQ7TTC0GONE" {
		t.Error("the retired offer was not kept")
	}
	if w.svc.Catalog.Offers[1].CatalogItem.AvailabilityID != "OLDAVAIL0001" || w.svc.Catalog.Offers[1].Name != "Business Standard (old name)" {
		t.Fatal("the service's catalog was changed in place")
	}
	b, err := got.JSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := flow.LoadCatalog(bytes.NewReader(b))
	if err != nil || back.Offers[1].MicrosoftOfferID != "CFQ7TTC0LDPB:0001:SANDBOXAV002" || back.Offers[1].Name != "Microsoft 365 Business Standard" {
		t.Fatalf("loaded back: %+v, %v", back.Offers[1], err)
	}
	if _, _, err := w.svc.SyncCatalog(ctx, "Germany"); err == nil {
		t.Error("a country name was accepted")
	}
}
