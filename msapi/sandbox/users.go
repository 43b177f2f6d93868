package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"onboard/msapi/partnercenter/wire"
)

// cursorLifetime is how long a continuation token or skiptoken stays valid.
const cursorLifetime = time.Hour

var errBadCursor = errors.New("invalid or expired continuation token")

// cursor is the position in a paged listing. It travels to the client as an
// opaque, HMAC-signed token so clients cannot forge or reuse it elsewhere.
type cursor struct {
	Scope  string `json:"s"` // "pc-users" or "graph-users"
	Tenant string `json:"t"`
	Offset int    `json:"o"`
	Size   int    `json:"n"`
	Exp    int64  `json:"e"`
}

func (s *Sandbox) encodeCursor(c cursor) string {
	c.Exp = s.now().Add(cursorLifetime).Unix()
	b, _ := json.Marshal(c) // a struct of strings and ints always marshals
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.sign(payload))
}

func (s *Sandbox) sign(v string) []byte {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(v))
	return m.Sum(nil)
}

func (s *Sandbox) decodeCursor(v, scope, tenantID string) (cursor, error) {
	payload, sig, ok := strings.Cut(v, ".")
	if !ok {
		return cursor{}, errBadCursor
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.sign(payload)) {
		return cursor{}, errBadCursor
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return cursor{}, errBadCursor
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.Scope != scope || c.Tenant != tenantID ||
		c.Offset < 0 || c.Size < 1 || s.now().Unix() > c.Exp {
		return cursor{}, errBadCursor
	}
	return c, nil
}

// pageSize caps what the caller asked for (0: nothing asked) at Options.PageSize.
func (s *Sandbox) pageSize(asked int) int {
	limit := s.opts.PageSize
	if limit <= 0 {
		limit = defaultPageSize
	}
	if asked <= 0 || asked > limit {
		return limit
	}
	return asked
}

// graphDefaultTop is Graph's page of users when $top is not given.
const graphDefaultTop = 100

// graphPageSize is Graph's page size for users: $top (1 to 999) when asked,
// else 100, as Graph documents; Options.PageSize, when set, caps it so tests
// can make small pages.
func (s *Sandbox) graphPageSize(asked int) int {
	size := graphDefaultTop
	if asked > 0 {
		size = asked
	}
	if s.opts.PageSize > 0 {
		size = min(size, s.opts.PageSize)
	}
	return size
}

// page returns the index range [from, to) of a page and whether more follow.
func page(total, offset, size int) (from, to int, more bool) {
	from = min(offset, total)
	to = min(from+size, total)
	return from, to, to < total
}

// listCustomerUsers is GET /v1/customers/{id}/users, paged by MS-ContinuationToken.
func (s *Sandbox) listCustomerUsers(w http.ResponseWriter, r *http.Request, _ token) {
	t, ok := s.customerOf(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	asked, _ := strconv.Atoi(q.Get("size"))
	c := cursor{Scope: "pc-users", Tenant: t.ID, Size: s.pageSize(asked)}
	if ct := r.Header.Get(wire.HeaderContinuationToken); ct != "" || q.Get("seekOperation") != "" {
		var err error
		if c, err = s.decodeCursor(ct, "pc-users", t.ID); err != nil {
			writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, "The continuation token is invalid or has expired.")
			return
		}
	}
	from, to, more := page(t.Dir.count(), c.Offset, c.Size)
	items := make([]wire.CustomerUser, 0, to-from)
	for i := from; i < to; i++ {
		items = append(items, customerUserJSON(t.Dir.at(i)))
	}
	self := "/v1/customers/" + t.ID + "/users?size=" + strconv.Itoa(c.Size)
	coll := wire.Collection[wire.CustomerUser]{
		TotalCount: t.Dir.count(),
		Items:      items,
		Links:      wire.Links{Self: &wire.Link{URI: self, Method: http.MethodGet, Headers: []wire.LinkHeader{}}},
		Attributes: wire.Attributes{ObjectType: "Collection"},
	}
	if more {
		next := cursor{Scope: "pc-users", Tenant: t.ID, Offset: to, Size: c.Size}
		coll.Links.Next = &wire.Link{
			URI:     self + "&seekOperation=Next",
			Method:  http.MethodGet,
			Headers: []wire.LinkHeader{{Key: wire.HeaderContinuationToken, Value: s.encodeCursor(next)}},
		}
	}
	writeJSON(w, http.StatusOK, coll)
}

func customerUserJSON(u user) wire.CustomerUser {
	state := "active"
	if !u.Active {
		state = "inactive"
	}
	return wire.CustomerUser{
		ID:                u.ID,
		UserPrincipalName: u.UPN,
		FirstName:         u.First,
		LastName:          u.Last,
		DisplayName:       u.displayName(),
		UsageLocation:     u.UsageLocation,
		State:             state,
		Attributes:        wire.Attributes{ObjectType: "CustomerUser"},
	}
}

// listUserLicenses is GET /v1/customers/{id}/users/{uid}/licenses.
func (s *Sandbox) listUserLicenses(w http.ResponseWriter, r *http.Request, _ token) {
	t, ok := s.customerOf(w, r)
	if !ok {
		return
	}
	u, ok := t.Dir.byID(r.PathValue("uid"))
	if !ok {
		writePCError(w, http.StatusNotFound, wire.CodeUserNotFound, "User "+r.PathValue("uid")+" was not found.")
		return
	}
	s.mu.Lock()
	skus := s.st.skusOf(t, u)
	s.mu.Unlock()
	items := make([]wire.UserLicense, 0, len(skus))
	for _, sku := range skus {
		items = append(items, wire.UserLicense{ProductSku: productSkuJSON(sku), Attributes: wire.Attributes{ObjectType: "License"}})
	}
	writeJSON(w, http.StatusOK, collection("Collection", items))
}

func productSkuJSON(skuID string) wire.ProductSku {
	ps := wire.ProductSku{ID: skuID, TargetType: "User"}
	if p, ok := productBySku(skuID); ok {
		ps.Name, ps.SkuPartNumber = p.Name, p.SkuPartNumber
	}
	return ps
}
