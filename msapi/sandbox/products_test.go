package sandbox_test

import (
	"net/http"
	"testing"

	"onboard/msapi/partnercenter/wire"
	"onboard/msapi/sandbox"
)

// The catalog reads of a catalog sync: a product, its paid and trial SKUs;
// an unknown product is 404 with the documented 400013.
func TestProductAndSkus(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	tok := e.appOnlyToken()
	base := e.urls.PartnerCenter + "/v1/products/"
	var p wire.Product
	if status, b, _ := e.call("GET", base+"CFQ7TTC0LCHC?country=US", tok, nil, nil, &p); status != http.StatusOK ||
		p.ID != "CFQ7TTC0LCHC" || p.Title != "Microsoft 365 Business Premium" {
		t.Fatalf("product: %d %s", status, b)
	}
	var skus wire.Collection[wire.Sku]
	if status, b, _ := e.call("GET", base+"CFQ7TTC0LCHC/skus?country=US", tok, nil, nil, &skus); status != http.StatusOK || len(skus.Items) != 2 ||
		skus.Items[0].ID != "0002" || skus.Items[0].IsTrial || skus.Items[0].MaximumQuantity != 300 ||
		skus.Items[1].ID != "0007" || !skus.Items[1].IsTrial {
		t.Fatalf("skus: %d %s", status, b)
	}
	status, b, _ := e.call("GET", base+"CFQ7TTC0GONE?country=US", tok, nil, nil, nil)
	if status != http.StatusNotFound || pcErrorCode(t, b) != wire.CodeProductNotFound {
		t.Fatalf("unknown product: %d %s", status, b)
	}
	if status, _, _ := e.call("GET", base+"CFQ7TTC0LCHC/skus", tok, nil, nil, nil); status != http.StatusBadRequest {
		t.Fatalf("no country: %d", status)
	}
}
