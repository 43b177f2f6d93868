package sandbox_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"onboard/msapi/partnercenter/wire"
	"onboard/msapi/sandbox"
)

// pcUserPages follows links.next from the first page and returns every page.
func pcUserPages(t *testing.T, e *env, tok, customerID string, size int) [][]wire.CustomerUser {
	t.Helper()
	next := &wire.Link{URI: "/v1/customers/" + customerID + "/users?size=" + strconv.Itoa(size), Method: "GET"}
	var pages [][]wire.CustomerUser
	for next != nil {
		hdr := map[string]string{}
		for _, h := range next.Headers {
			hdr[h.Key] = h.Value
		}
		var c wire.Collection[wire.CustomerUser]
		status, b, _ := e.call(next.Method, e.urls.PartnerCenter+next.URI, tok, nil, hdr, &c)
		if status != http.StatusOK {
			t.Fatalf("users page %d: %d %s", len(pages), status, b)
		}
		pages = append(pages, c.Items)
		next = c.Links.Next
		if len(pages) > 1000 {
			t.Fatal("paging does not end")
		}
	}
	return pages
}

func mustTime(t *testing.T, v string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, v)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestPartnerCenterUserPaging(t *testing.T) {
	e := newEnv(t, sandbox.Options{PageSize: 7, NorthwindUsers: 50})
	e.accept("admin@northwind.onmicrosoft.com", "Northwind-Admin-1")
	tok := e.appUserToken()
	id := e.searchCustomers(tok, "northwind")[0].ID
	pages := pcUserPages(t, e, tok, id, 0) // nothing asked: PageSize
	if len(pages) != 8 || len(pages[0]) != 7 || len(pages[7]) != 1 {
		t.Fatalf("pages of 50 users at size 7: %d pages", len(pages))
	}
	seen := map[string]bool{}
	for _, p := range pages {
		for _, u := range p {
			if seen[u.ID] {
				t.Fatalf("user %s on two pages", u.ID)
			}
			seen[u.ID] = true
		}
	}
	if len(seen) != 50 {
		t.Fatalf("got %d distinct users, want 50", len(seen))
	}
	if got := pcUserPages(t, e, tok, id, 3); len(got) != 17 {
		t.Fatalf("size=3: %d pages, want 17", len(got))
	}
	status, b, _ := e.call("GET", e.urls.PartnerCenter+"/v1/customers/"+id+"/users?size=3&seekOperation=Next", tok, nil,
		map[string]string{wire.HeaderContinuationToken: "forged.token"}, nil)
	if status != http.StatusBadRequest {
		t.Fatalf("forged continuation token = %d %s", status, b)
	}
}

func TestContinuationTokenExpires(t *testing.T) {
	now := mustTime(t, "2026-03-01T10:00:00Z")
	clock := &now
	e := newEnv(t, sandbox.Options{PageSize: 5, Now: func() time.Time { return *clock }})
	e.accept("admin@contoso.onmicrosoft.com", "Contoso-Admin-1")
	tok := e.appUserToken()
	id := e.searchCustomers(tok, "contoso")[0].ID
	var c wire.Collection[wire.CustomerUser]
	e.call("GET", e.urls.PartnerCenter+"/v1/customers/"+id+"/users", tok, nil, nil, &c)
	*clock = clock.Add(2 * time.Hour)
	tok = e.appUserToken() // the access token expired too
	status, _, _ := e.call("GET", e.urls.PartnerCenter+c.Links.Next.URI, tok, nil,
		map[string]string{wire.HeaderContinuationToken: c.Links.Next.Headers[0].Value}, nil)
	if status != http.StatusBadRequest {
		t.Fatalf("expired continuation token = %d, want 400", status)
	}
}

func TestGraphUserPaging(t *testing.T) {
	e := newEnv(t, sandbox.Options{PageSize: 10, NorthwindUsers: 95})
	e.accept("admin@northwind.onmicrosoft.com", "Northwind-Admin-1")
	tok := e.graphAppToken("northwind.onmicrosoft.com")
	next := e.urls.Graph + "/users?$top=999&$select=id,userPrincipalName,assignedLicenses"
	seen, pages, licensed := map[string]bool{}, 0, 0
	for next != "" {
		var c wire.GraphCollection[wire.GraphUser]
		status, b, _ := e.call("GET", next, tok, nil, nil, &c)
		if status != http.StatusOK {
			t.Fatalf("page %d: %d %s", pages, status, b)
		}
		for _, u := range c.Value {
			seen[u.ID] = true
			if len(u.AssignedLicenses) > 0 {
				licensed++
			}
		}
		pages++
		if c.NextLink != "" && (!strings.HasPrefix(c.NextLink, e.urls.Graph+"/users?") || !strings.Contains(c.NextLink, "$skiptoken=")) {
			t.Fatalf("nextLink %q is not absolute with $skiptoken", c.NextLink)
		}
		next = c.NextLink
	}
	if pages != 10 || len(seen) != 95 {
		t.Fatalf("%d pages, %d users; want 10 pages, 95 users", pages, len(seen))
	}
	if licensed != 95-19 { // four in five hold E3
		t.Fatalf("%d licensed users, want 76", licensed)
	}
	status, b, _ := e.call("GET", e.urls.Graph+"/users?$top=1000", tok, nil, nil, nil)
	if status != http.StatusBadRequest {
		t.Fatalf("$top=1000 = %d %s", status, b)
	}
	status, _, _ = e.call("GET", e.urls.Graph+"/users?$skiptoken="+url.QueryEscape("x.y"), tok, nil, nil, nil)
	if status != http.StatusBadRequest {
		t.Fatalf("bad skiptoken = %d", status)
	}
}

func TestNorthwindLargeTenantPagesAnywhere(t *testing.T) {
	e := newEnv(t, sandbox.Options{NorthwindUsers: 100000})
	e.accept("admin@northwind.onmicrosoft.com", "Northwind-Admin-1")
	tok := e.graphAppToken("northwind.onmicrosoft.com")
	var c wire.GraphCollection[wire.GraphUser]
	if status, _, _ := e.call("GET", e.urls.Graph+"/users?$top=999", tok, nil, nil, &c); status != http.StatusOK || len(c.Value) != 999 {
		t.Fatalf("$top=999: %d, %d users", status, len(c.Value))
	}
	c = wire.GraphCollection[wire.GraphUser]{}
	if status, _, _ := e.call("GET", e.urls.Graph+"/users", tok, nil, nil, &c); status != http.StatusOK || len(c.Value) != 100 || c.Count != nil {
		t.Fatalf("no $top: %d, %d users (Graph's default page is 100), count %v", status, len(c.Value), c.Count)
	}
	// Every user resolves by id and by UPN, e.g. the last one.
	pc := e.appOnlyToken()
	id := e.searchCustomers(pc, "northwind")[0].ID
	var doms wire.GraphCollection[wire.GraphDomain]
	e.call("GET", e.urls.Graph+"/domains", tok, nil, nil, &doms)
	if len(doms.Value) != 50 {
		t.Fatalf("northwind has %d domains, want 50", len(doms.Value))
	}
	var skus wire.Collection[wire.SubscribedSku]
	e.call("GET", e.urls.PartnerCenter+"/v1/customers/"+id+"/subscribedskus", e.appUserToken(), nil, nil, &skus)
	if len(skus.Items) != 1 || skus.Items[0].ConsumedUnits != 80000 || skus.Items[0].TotalUnits != 100000 {
		t.Fatalf("northwind subscribed skus = %+v", skus.Items)
	}
	var u wire.GraphUser
	if status, b, _ := e.call("GET", e.urls.Graph+"/users/"+c.Value[57].UserPrincipalName, tok, nil, nil, &u); status != http.StatusOK || u.ID != c.Value[57].ID {
		t.Fatalf("user by UPN = %d %s", status, b)
	}
}

// TestGraphCountsUsers: /users/$count and $count=true answer the tenant's
// size, only with ConsistencyLevel: eventual as Graph's advanced queries.
func TestGraphCountsUsers(t *testing.T) {
	e := newEnv(t, sandbox.Options{NorthwindUsers: 12345})
	e.accept("admin@northwind.onmicrosoft.com", "Northwind-Admin-1")
	tok := e.graphAppToken("northwind.onmicrosoft.com")
	eventual := map[string]string{"ConsistencyLevel": "eventual"}
	if status, b, _ := e.call("GET", e.urls.Graph+"/users/$count", tok, nil, eventual, nil); status != http.StatusOK || string(b) != "12345" {
		t.Fatalf("/users/$count = %d %q", status, b)
	}
	if status, _, _ := e.call("GET", e.urls.Graph+"/users/$count", tok, nil, nil, nil); status != http.StatusBadRequest {
		t.Fatalf("/users/$count without ConsistencyLevel = %d, want 400", status)
	}
	var c wire.GraphCollection[wire.GraphUser]
	if status, _, _ := e.call("GET", e.urls.Graph+"/users?$count=true&$top=5", tok, nil, eventual, &c); status != http.StatusOK || c.Count == nil || *c.Count != 12345 || len(c.Value) != 5 {
		t.Fatalf("$count=true: %d, count %v, %d users", status, c.Count, len(c.Value))
	}
}
