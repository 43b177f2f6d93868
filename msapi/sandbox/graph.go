package sandbox

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

const graphMaxTop = 999

// graphTenant is the tenant of a Graph token (always one the catalog knows).
func (s *Sandbox) graphTenant(tok token) *tenant {
	t, _ := s.catalog.get(tok.TenantID)
	return t
}

// me resolves the signed-in user of a delegated token.
func (s *Sandbox) me(w http.ResponseWriter, tok token) (*tenant, user, bool) {
	if tok.Kind != graphUser {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
		return nil, user{}, false
	}
	t := s.graphTenant(tok)
	u, ok := t.Dir.byID(tok.UserID)
	if !ok {
		writeGraphError(w, http.StatusNotFound, "Request_ResourceNotFound", "Resource '"+tok.UserID+"' does not exist or one of its queried reference-property objects are not present.")
		return nil, user{}, false
	}
	return t, u, true
}

func (s *Sandbox) graphUserJSON(t *tenant, u user) wire.GraphUser {
	s.mu.Lock()
	skus := s.st.skusOf(t, u)
	s.mu.Unlock()
	lic := make([]wire.AssignedLicense, 0, len(skus))
	for _, sku := range skus {
		lic = append(lic, wire.AssignedLicense{SkuID: sku, DisabledPlans: []string{}})
	}
	return wire.GraphUser{
		ID:                u.ID,
		UserPrincipalName: u.UPN,
		GivenName:         u.First,
		Surname:           u.Last,
		DisplayName:       u.displayName(),
		UsageLocation:     u.UsageLocation,
		AccountEnabled:    u.Active,
		AssignedLicenses:  lic,
	}
}

func (s *Sandbox) getMe(w http.ResponseWriter, r *http.Request, tok token) {
	if t, u, ok := s.me(w, tok); ok {
		writeJSON(w, http.StatusOK, s.graphUserJSON(t, u))
	}
}

// getMemberOf is GET /me/memberOf: the directory roles and groups of the user.
func (s *Sandbox) getMemberOf(w http.ResponseWriter, r *http.Request, tok token) {
	t, u, ok := s.me(w, tok)
	if !ok {
		return
	}
	items := []wire.DirectoryObject{{
		ODataType:   "#microsoft.graph.group",
		ID:          deriveID("group/" + t.ID + "/all-company"),
		DisplayName: "All Company",
	}}
	if u.GlobalAdmin {
		items = append(items, wire.DirectoryObject{
			ODataType:      "#microsoft.graph.directoryRole",
			ID:             deriveID("role/" + t.ID + "/global-admin"),
			DisplayName:    "Global Administrator",
			RoleTemplateID: msapi.GlobalAdminRoleTemplateID,
		})
	}
	writeJSON(w, http.StatusOK, wire.GraphCollection[wire.DirectoryObject]{
		Context: graphContext(r, "directoryObjects"),
		Value:   items,
	})
}

func graphContext(r *http.Request, entity string) string {
	return baseURL(r) + "/graph/v1.0/$metadata#" + entity
}

func baseURL(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

func (s *Sandbox) getOrganization(w http.ResponseWriter, r *http.Request, tok token) {
	t := s.graphTenant(tok)
	org := wire.Organization{ID: t.ID, DisplayName: t.Name}
	for i, d := range t.Domains {
		if d.Verified {
			org.VerifiedDomains = append(org.VerifiedDomains, wire.VerifiedDomain{Name: d.Name, IsDefault: d.Default, IsInitial: i == 0, Type: "Managed"})
		}
	}
	writeJSON(w, http.StatusOK, wire.GraphCollection[wire.Organization]{Context: graphContext(r, "organization"), Value: []wire.Organization{org}})
}

func (s *Sandbox) listGraphDomains(w http.ResponseWriter, r *http.Request, tok token) {
	t := s.graphTenant(tok)
	items := make([]wire.GraphDomain, 0, len(t.Domains))
	for i, d := range t.Domains {
		services := []string{}
		if d.Verified {
			services = []string{"Email", "OfficeCommunicationsOnline"}
		}
		items = append(items, wire.GraphDomain{
			ID: d.Name, IsInitial: i == 0, IsDefault: d.Default, IsVerified: d.Verified,
			AuthenticationType: "Managed", SupportedServices: services,
		})
	}
	writeJSON(w, http.StatusOK, wire.GraphCollection[wire.GraphDomain]{Context: graphContext(r, "domains"), Value: items})
}

// listGraphUsers is GET /users?$top=N, paged by an absolute @odata.nextLink
// carrying $skiptoken, as Graph pages users: 100 a page unless $top asks
// for 1 to 999. $select is accepted; the full user is always returned.
// $count=true adds @odata.count, with ConsistencyLevel: eventual only.
func (s *Sandbox) listGraphUsers(w http.ResponseWriter, r *http.Request, tok token) {
	t := s.graphTenant(tok)
	q := r.URL.Query()
	asked := 0
	if v := q.Get("$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > graphMaxTop {
			writeGraphError(w, http.StatusBadRequest, "Request_UnsupportedQuery", fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and %d inclusive.", v, graphMaxTop))
			return
		}
		asked = n
	}
	c := cursor{Scope: "graph-users", Tenant: t.ID, Size: s.graphPageSize(asked)}
	if st := q.Get("$skiptoken"); st != "" {
		var err error
		if c, err = s.decodeCursor(st, "graph-users", t.ID); err != nil {
			writeGraphError(w, http.StatusBadRequest, "Request_BadRequest", "The specified page token value has expired or is invalid.")
			return
		}
	}
	from, to, more := page(t.Dir.count(), c.Offset, c.Size)
	items := make([]wire.GraphUser, 0, to-from)
	for i := from; i < to; i++ {
		items = append(items, s.graphUserJSON(t, t.Dir.at(i)))
	}
	coll := wire.GraphCollection[wire.GraphUser]{Context: graphContext(r, "users"), Value: items}
	if q.Get("$count") == "true" {
		if !eventual(r) {
			writeCountRefused(w)
			return
		}
		n := t.Dir.count()
		coll.Count = &n
	}
	if more {
		coll.NextLink = nextLink(r, s.encodeCursor(cursor{Scope: "graph-users", Tenant: t.ID, Offset: to, Size: c.Size}))
	}
	writeJSON(w, http.StatusOK, coll)
}

// countGraphUsers is GET /users/$count: the number of users as text/plain.
// Graph counts directory objects only with the ConsistencyLevel: eventual
// header (advanced queries); without it the request is refused.
func (s *Sandbox) countGraphUsers(w http.ResponseWriter, r *http.Request, tok token) {
	if !eventual(r) {
		writeCountRefused(w)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, strconv.Itoa(s.graphTenant(tok).Dir.count()))
}

func eventual(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("ConsistencyLevel"), "eventual")
}

// writeCountRefused answers a $count without ConsistencyLevel: eventual.
// Assumption: the code and wording of Graph's refusal are not documented
// (docs/microsoft.md); a 400 Request_BadRequest is what Graph answers to
// other unsupported advanced queries.
func writeCountRefused(w http.ResponseWriter) {
	writeGraphError(w, http.StatusBadRequest, "Request_BadRequest",
		"Count is not currently supported without the ConsistencyLevel: eventual header.")
}

// nextLink is the request's absolute URL with $skiptoken replaced. OData
// keeps "$" literal in its query option names, so they are not escaped.
func nextLink(r *http.Request, skip string) string {
	q := r.URL.Query()
	q.Del("$skiptoken")
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range q {
			if !yield(k) {
				return
			}
		}
	})
	parts := make([]string, 0, len(keys)+1)
	for _, k := range keys {
		for _, v := range q[k] {
			parts = append(parts, k+"="+url.QueryEscape(v))
		}
	}
	parts = append(parts, "$skiptoken="+url.QueryEscape(skip))
	return baseURL(r) + r.URL.Path + "?" + strings.Join(parts, "&")
}

// graphUserOf resolves {id}, a user id or a user principal name.
func (s *Sandbox) graphUserOf(w http.ResponseWriter, r *http.Request, t *tenant) (user, bool) {
	id := r.PathValue("id")
	u, ok := t.Dir.byID(id)
	if !ok {
		u, ok = t.Dir.byUPN(id)
	}
	if !ok {
		writeGraphError(w, http.StatusNotFound, "Request_ResourceNotFound", "Resource '"+id+"' does not exist or one of its queried reference-property objects are not present.")
	}
	return u, ok
}

func (s *Sandbox) getGraphUser(w http.ResponseWriter, r *http.Request, tok token) {
	t := s.graphTenant(tok)
	if u, ok := s.graphUserOf(w, r, t); ok {
		writeJSON(w, http.StatusOK, s.graphUserJSON(t, u))
	}
}

// assignLicense is POST /users/{id}/assignLicense. Like Graph it refuses a
// SKU the tenant does not hold and one whose seats are all assigned.
func (s *Sandbox) assignLicense(w http.ResponseWriter, r *http.Request, tok token) {
	t := s.graphTenant(tok)
	if tok.Kind == graphUser {
		if caller, ok := t.Dir.byID(tok.UserID); !ok || !caller.GlobalAdmin {
			writeGraphError(w, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
			return
		}
	}
	u, ok := s.graphUserOf(w, r, t)
	if !ok {
		return
	}
	var body wire.AssignLicenseRequest
	if err := decodeBody(r, &body); err != nil {
		writeGraphError(w, http.StatusBadRequest, "Request_BadRequest", "Invalid request body.")
		return
	}
	s.mu.Lock()
	msg := s.st.applyAssignment(t, u, body)
	if msg == "" {
		if err := s.saveLocked(); err != nil {
			msg = "The assignment could not be saved."
		}
	}
	s.mu.Unlock()
	if msg != "" {
		writeGraphError(w, http.StatusBadRequest, "Request_BadRequest", msg)
		return
	}
	writeJSON(w, http.StatusOK, s.graphUserJSON(t, u))
}

// applyAssignment changes u's SKUs, or says why Graph would refuse.
func (st *state) applyAssignment(t *tenant, u user, req wire.AssignLicenseRequest) string {
	current := st.skusOf(t, u)
	next := slices.Clone(current)
	units := st.unitsBySku(t.ID)
	for _, rm := range req.RemoveLicenses {
		next = slices.DeleteFunc(next, func(s string) bool { return strings.EqualFold(s, rm) })
	}
	for _, add := range req.AddLicenses {
		sku := strings.ToLower(add.SkuID)
		total, held := units[sku]
		if !held {
			return "License " + add.SkuID + " does not correspond to a valid company License."
		}
		if containsFold(next, sku) {
			continue
		}
		if !containsFold(current, sku) && st.consumed(t, sku) >= total {
			return "Subscription with SKU " + sku + " does not have any available licenses."
		}
		next = append(next, sku)
	}
	if st.Assignments[t.ID] == nil {
		st.Assignments[t.ID] = map[string][]string{}
	}
	st.Assignments[t.ID][u.ID] = next
	return ""
}
