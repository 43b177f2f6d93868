package partnercenter_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"onboard/msapi"
	"onboard/msapi/partnercenter"
	"onboard/msapi/partnercenter/wire"
)

// pcPagedSubscriptions serves 3 pages; next links are relative without /v1
// (as real Partner Center sends them) and carry a continuation token.
func pcPagedSubscriptions(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.Header.Get(wire.HeaderContinuationToken))
	coll := wire.Collection[wire.Subscription]{Items: []wire.Subscription{{ID: "s" + strconv.Itoa(page)}}}
	if page < 2 {
		coll.Links.Next = &wire.Link{URI: "/customers/t1/subscriptions?seekOperation=Next", Method: "GET",
			Headers: []wire.LinkHeader{{Key: wire.HeaderContinuationToken, Value: strconv.Itoa(page + 1)}}}
	}
	writeJSON(w, 200, coll)
}

func TestPartnerCenterPaging(t *testing.T) {
	f := newFakeMS(t, pcPagedSubscriptions)
	subs, err := f.client().Subscriptions(context.Background(), "t1")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range subs {
		ids = append(ids, s.ID)
	}
	if strings.Join(ids, ",") != "s0,s1,s2" {
		t.Errorf("ids = %v", ids)
	}
	reqs := f.requests()
	if len(reqs) != 3 || reqs[2].URL.Path != "/pc/v1/customers/t1/subscriptions" || reqs[2].URL.Query().Get("seekOperation") != "Next" {
		t.Errorf("requests: %d, last %v", len(reqs), reqs[len(reqs)-1].URL)
	}
}

func TestPagingRefusesForeignHostsAndLoops(t *testing.T) {
	tests := []struct {
		name string
		next string
	}{
		{"foreign host", "https://evil.example/v1/customers/t1/subscriptions"},
		{"same link forever", "/v1/customers/t1/subscriptions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, wire.Collection[wire.Subscription]{Items: []wire.Subscription{{ID: "s"}},
					Links: wire.Links{Next: &wire.Link{URI: tt.next}}})
			})
			_, err := f.client().Subscriptions(context.Background(), "t1")
			if !errors.Is(err, msapi.ErrUnavailable) {
				t.Fatalf("err = %v", err)
			}
			if n := len(f.requests()); n > 2 {
				t.Errorf("%d requests", n)
			}
		})
	}
}

func TestGraphUsersPagingAndSelect(t *testing.T) {
	var base string
	f := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) {
		skip, _ := strconv.Atoi(r.URL.Query().Get("$skiptoken"))
		page := wire.GraphCollection[wire.GraphUser]{Value: []wire.GraphUser{
			{ID: "u" + strconv.Itoa(skip), UserPrincipalName: "u@x", GivenName: "G", Surname: "S", AccountEnabled: skip%2 == 0,
				AssignedLicenses: []wire.AssignedLicense{{SkuID: "sku-a"}, {SkuID: "sku-b"}}},
		}}
		if skip < 4 {
			page.NextLink = base + "/graph/v1.0/users?$skiptoken=" + strconv.Itoa(skip+1)
		}
		writeJSON(w, 200, page)
	})
	base = f.srv.URL
	var got []msapi.User
	err := f.client(func(c *partnercenter.Config) { c.PageSize = 50 }).Users(context.Background(), "t1", func(p []msapi.User) error {
		got = append(got, p...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || got[4].ID != "u4" || !got[0].Active || got[1].Active || strings.Join(got[2].SkuIDs, ",") != "sku-a,sku-b" || got[0].FirstName != "G" {
		t.Errorf("users = %+v", got)
	}
	q := f.requests()[0].URL.Query()
	if q.Get("$top") != "50" || !strings.Contains(q.Get("$select"), "assignedLicenses") {
		t.Errorf("first query = %v", q)
	}
}

func TestGraphNextLinkToOtherHostRefused(t *testing.T) {
	f := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, wire.GraphCollection[wire.GraphDomain]{NextLink: "https://evil.example/v1.0/domains?$skiptoken=1",
			Value: []wire.GraphDomain{{ID: "a.example"}}})
	})
	_, err := f.client().Domains(context.Background(), "t1")
	if !errors.Is(err, msapi.ErrUnavailable) || !strings.Contains(err.Error(), "evil.example") {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("%d requests", n)
	}
}
