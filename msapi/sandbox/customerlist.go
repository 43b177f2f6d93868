package sandbox

import (
	"net/http"
	"strconv"

	"onboard/msapi/partnercenter/wire"
)

// listCustomers is GET /v1/customers without a filter (get-a-list-of-customers):
// all the partner's customers, paged by MS-ContinuationToken like the
// other Partner Center collections. The page does not say in which order
// customers come; the sandbox keeps its catalog order, and callers must
// not rely on any.
func (s *Sandbox) listCustomers(w http.ResponseWriter, r *http.Request) {
	const scope = "pc-customers"
	q := r.URL.Query()
	asked, _ := strconv.Atoi(q.Get("size"))
	c := cursor{Scope: scope, Size: s.pageSize(asked)}
	if ct := r.Header.Get(wire.HeaderContinuationToken); ct != "" || q.Get("seekOperation") != "" {
		var err error
		if c, err = s.decodeCursor(ct, scope, ""); err != nil {
			writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, "The continuation token is invalid or has expired.")
			return
		}
	}
	var all []wire.Customer
	s.mu.Lock()
	for _, t := range s.catalog.all() {
		if s.st.hasRelationship(t.ID) {
			all = append(all, customerJSON(t))
		}
	}
	s.mu.Unlock()
	from, to, more := page(len(all), c.Offset, c.Size)
	self := "/v1/customers?size=" + strconv.Itoa(c.Size)
	coll := wire.Collection[wire.Customer]{
		TotalCount: len(all),
		Items:      append([]wire.Customer{}, all[from:to]...),
		Links:      wire.Links{Self: &wire.Link{URI: self, Method: http.MethodGet, Headers: []wire.LinkHeader{}}},
		Attributes: wire.Attributes{ObjectType: "Collection"},
	}
	if more {
		next := cursor{Scope: scope, Offset: to, Size: c.Size}
		coll.Links.Next = &wire.Link{
			URI:     self + "&seekOperation=Next",
			Method:  http.MethodGet,
			Headers: []wire.LinkHeader{{Key: wire.HeaderContinuationToken, Value: s.encodeCursor(next)}},
		}
	}
	writeJSON(w, http.StatusOK, coll)
}
