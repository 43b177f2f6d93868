package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// invitationURL is the partner's reseller invitation on the sandbox host: a
// short link (as aka.ms links are) that redirects to the invitation page, so
// its QR code fits beside the text on an 80x24 screen.
func invitationURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + shortInvitationPath
}

func (s *Sandbox) getRelationshipRequest(w http.ResponseWriter, r *http.Request, _ token) {
	writeJSON(w, http.StatusOK, wire.RelationshipRequest{
		URL:        invitationURL(r),
		Attributes: wire.Attributes{ObjectType: "RelationshipRequest"},
	})
}

func customerJSON(t *tenant) wire.Customer {
	return wire.Customer{
		ID:         t.ID,
		CommerceID: deriveID("commerce/" + t.ID),
		CompanyProfile: wire.CompanyProfile{
			TenantID:    t.ID,
			Domain:      t.initial(),
			CompanyName: t.Name,
			Attributes:  wire.Attributes{ObjectType: "CustomerCompanyProfile"},
		},
		BillingProfile: &wire.BillingProfile{
			ID:          deriveID("billing/" + t.ID),
			CompanyName: t.Name,
			Culture:     "en-US",
			Language:    "en",
			Attributes:  wire.Attributes{ObjectType: "CustomerBillingProfile"},
		},
		RelationshipToPartner: string(msapi.RelationshipReseller),
		Attributes:            wire.Attributes{ObjectType: "Customer"},
	}
}

// searchCustomers is GET /v1/customers?filter=: the partner's customers
// whose domains start with the value, case-insensitively. Without a filter
// it is the list of all customers.
func (s *Sandbox) searchCustomers(w http.ResponseWriter, r *http.Request, _ token) {
	if !r.URL.Query().Has("filter") {
		s.listCustomers(w, r)
		return
	}
	raw := r.URL.Query().Get("filter")
	var f wire.CustomerFilter
	if raw == "" {
		writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, "The filter parameter is required.")
		return
	}
	if err := json.Unmarshal([]byte(raw), &f); err != nil || !strings.EqualFold(f.Field, "Domain") ||
		!strings.EqualFold(f.Operator, "starts_with") || strings.TrimSpace(f.Value) == "" {
		writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, `Invalid filter: expected {"Field":"Domain","Value":"…","Operator":"starts_with"}.`)
		return
	}
	prefix := strings.ToLower(strings.TrimSpace(f.Value))
	var items []wire.Customer
	s.mu.Lock()
	for _, t := range s.catalog.all() {
		if s.st.hasRelationship(t.ID) && domainStartsWith(t, prefix) {
			items = append(items, customerJSON(t))
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, collection("Collection", items))
}

func domainStartsWith(t *tenant, prefix string) bool {
	for _, d := range t.Domains {
		if strings.HasPrefix(strings.ToLower(d.Name), prefix) {
			return true
		}
	}
	return false
}

// customerOf resolves the {id} of a customer route: 404 for a tenant the
// sandbox does not know, 403 (no relationship) for one that is not ours.
func (s *Sandbox) customerOf(w http.ResponseWriter, r *http.Request) (*tenant, bool) {
	id := strings.ToLower(r.PathValue("id"))
	t, ok := s.catalog.get(id)
	if !ok {
		writePCError(w, http.StatusNotFound, wire.CodeCustomerNotFound, "Customer "+id+" was not found.")
		return nil, false
	}
	s.mu.Lock()
	linked := s.st.hasRelationship(t.ID)
	s.mu.Unlock()
	if !linked {
		writePCError(w, http.StatusForbidden, wire.CodeNoRelationship, "The partner does not have a reseller relationship with customer "+t.ID+".")
		return nil, false
	}
	return t, true
}

// getCustomer is GET /v1/customers/{id}: only the partner's own customers
// exist for it. get-a-customer-by-id documents only the 200 answer; the 404
// for any other tenant is an assumption.
func (s *Sandbox) getCustomer(w http.ResponseWriter, r *http.Request, _ token) {
	id := strings.ToLower(r.PathValue("id"))
	t, ok := s.catalog.get(id)
	s.mu.Lock()
	linked := ok && s.st.hasRelationship(t.ID)
	s.mu.Unlock()
	if !linked {
		writePCError(w, http.StatusNotFound, wire.CodeCustomerNotFound, "Customer "+id+" was not found.")
		return
	}
	writeJSON(w, http.StatusOK, customerJSON(t))
}

// headDomain is HEAD /v1/domains/{domain}: 200 when any tenant has it.
func (s *Sandbox) headDomain(w http.ResponseWriter, r *http.Request, _ token) {
	if s.catalog.domainTaken(r.PathValue("domain")) {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.WriteHeader(http.StatusNotFound)
}

const companyAdministrator = "Company Administrator"

func (s *Sandbox) listDirectoryRoles(w http.ResponseWriter, r *http.Request, _ token) {
	if _, ok := s.customerOf(w, r); !ok {
		return
	}
	writeJSON(w, http.StatusOK, collection("Collection", []wire.DirectoryRole{{
		ID:         msapi.GlobalAdminRoleTemplateID,
		Name:       companyAdministrator,
		Attributes: wire.Attributes{ObjectType: "DirectoryRole"},
	}}))
}

func (s *Sandbox) listRoleMembers(w http.ResponseWriter, r *http.Request, _ token) {
	t, ok := s.customerOf(w, r)
	if !ok {
		return
	}
	if !strings.EqualFold(r.PathValue("rid"), msapi.GlobalAdminRoleTemplateID) {
		writePCError(w, http.StatusNotFound, wire.CodeNotFound, "Directory role "+r.PathValue("rid")+" was not found.")
		return
	}
	var items []wire.UserMember
	for _, u := range t.Dir.admins() {
		items = append(items, wire.UserMember{
			ID:                u.ID,
			UserPrincipalName: u.UPN,
			DisplayName:       u.displayName(),
			RoleID:            msapi.GlobalAdminRoleTemplateID,
			Attributes:        wire.Attributes{ObjectType: "UserMember"},
		})
	}
	writeJSON(w, http.StatusOK, collection("Collection", items))
}
