package sandbox_test

import (
	"net/http"
	"testing"

	"onboard/msapi/partnercenter/wire"
	"onboard/msapi/sandbox"
)

// get-a-list-of-customers: GET /v1/customers without a filter lists the
// partner's customers, and only them, page by page.
func TestListCustomersPaged(t *testing.T) {
	e := newEnv(t, sandbox.Options{PageSize: 1, NorthwindUsers: 10})
	tok := e.appOnlyToken()
	list := func() []string {
		t.Helper()
		next := &wire.Link{URI: "/v1/customers?size=1", Method: "GET"}
		var domains []string
		for pages := 0; next != nil; pages++ {
			if pages > 10 {
				t.Fatal("paging does not end")
			}
			hdr := map[string]string{}
			for _, h := range next.Headers {
				hdr[h.Key] = h.Value
			}
			var c wire.Collection[wire.Customer]
			status, b, _ := e.call(next.Method, e.urls.PartnerCenter+next.URI, tok, nil, hdr, &c)
			if status != http.StatusOK {
				t.Fatalf("customers page %d: %d %s", pages, status, b)
			}
			if len(c.Items) > 1 {
				t.Fatalf("page of %d customers at size 1", len(c.Items))
			}
			for _, it := range c.Items {
				domains = append(domains, it.CompanyProfile.Domain)
			}
			next = c.Links.Next
		}
		return domains
	}
	before := list()
	e.accept("admin@northwind.onmicrosoft.com", "Northwind-Admin-1")
	e.accept("admin@contoso.onmicrosoft.com", "Contoso-Admin-1")
	after := list()
	if len(after) != len(before)+2 {
		t.Fatalf("customers before %v, after two acceptances %v", before, after)
	}
	seen := map[string]bool{}
	for _, d := range after {
		if seen[d] {
			t.Fatalf("customer %s listed twice: %v", d, after)
		}
		seen[d] = true
	}
	if !seen["northwind.onmicrosoft.com"] || !seen["contoso.onmicrosoft.com"] {
		t.Fatalf("accepted customers missing: %v", after)
	}
	// A forged continuation token is refused.
	status, _, _ := e.call("GET", e.urls.PartnerCenter+"/v1/customers?size=1&seekOperation=Next", tok, nil,
		map[string]string{wire.HeaderContinuationToken: "forged.token"}, nil)
	if status != http.StatusBadRequest {
		t.Fatalf("forged token: %d", status)
	}
}
