package sandbox

// Issue 12 part 3: granular delegated admin relationships (GDAP), as
// Microsoft Graph documents them (delegatedAdminRelationships-api-overview,
// tenantrelationship-post-delegatedadminrelationships,
// delegatedadminrelationship-post-requests, delegatedadminrelationship-get,
// delegatedadminrelationship-post-accessassignments), the customer's
// approval page, and the directory access they give.

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// PartnerGDAPGroupID is the partner tenant's seeded security group that
// access assignments give roles to (the provider setting gdap_group).
const PartnerGDAPGroupID = "7c1f4e2a-5b3d-4c6e-8f9a-0b1c2d3e4f5a"

// gdapApprovalPrefix is where the sandbox serves the customer's approval
// page; Microsoft's is admin.microsoft.com/AdminPortal/Home#/partners/
// invitation/granularAdminRelationships/{id}
// (delegatedadminrelationships-api-overview).
const gdapApprovalPrefix = "/invite/granularAdminRelationships/"

// gdapPendingLifetime: a relationship request the customer does not act on
// expires after 90 days (partner-center/dap-faq).
const gdapPendingLifetime = 90 * 24 * time.Hour

// Outcomes of approving a GDAP relationship.
var (
	ErrGDAPNotPending = errors.New("no GDAP relationship awaits approval")
)

type gdapRelationship struct {
	ID          string           `json:"id"`
	DisplayName string           `json:"displayName"`
	Duration    string           `json:"duration"`
	CustomerID  string           `json:"customerTenantId"`
	Roles       []string         `json:"roles"`
	Status      string           `json:"status"`
	Created     time.Time        `json:"created"`
	Modified    time.Time        `json:"modified"`
	Locked      time.Time        `json:"locked,omitzero"`
	Activated   time.Time        `json:"activated,omitzero"`
	End         time.Time        `json:"end,omitzero"`
	ApprovedBy  string           `json:"approvedBy,omitempty"`
	Assignments []gdapAssignment `json:"assignments,omitempty"`
}

type gdapAssignment struct {
	ID      string    `json:"id"`
	GroupID string    `json:"groupId"`
	Roles   []string  `json:"roles"`
	Status  string    `json:"status"`
	Created time.Time `json:"created"`
}

// statusAt is the relationship's status at now: time moves an active
// relationship to expired and a pending one past its lifetime to expired.
func (g *gdapRelationship) statusAt(now time.Time) string {
	switch {
	case g.Status == msapi.GDAPActive && !g.End.IsZero() && !now.Before(g.End):
		return msapi.GDAPExpired
	case g.Status == msapi.GDAPApprovalPending && !now.Before(g.Locked.Add(gdapPendingLifetime)):
		return msapi.GDAPExpired
	}
	return g.Status
}

func (s *Sandbox) gdapRoutes(m *http.ServeMux) {
	const base = "/graph/v1.0/tenantRelationships/delegatedAdminRelationships"
	m.Handle("POST "+base, s.graph(s.partnerGraph(s.postGDAP)))
	m.Handle("GET "+base, s.graph(s.partnerGraph(s.listGDAP)))
	m.Handle("GET "+base+"/{id}", s.graph(s.partnerGraph(s.getGDAP)))
	m.Handle("POST "+base+"/{id}/requests", s.graph(s.partnerGraph(s.postGDAPRequest)))
	m.Handle("POST "+base+"/{id}/accessAssignments", s.graph(s.partnerGraph(s.postGDAPAssignment)))
	m.HandleFunc("GET "+gdapApprovalPrefix+"{id}", s.getGDAPApproval)
	m.HandleFunc("POST "+gdapApprovalPrefix+"{id}", s.postGDAPApproval)
}

// partnerGraph admits the partner's App+User Graph token of its own tenant.
// The pages document delegated (work or school) and application permission
// DelegatedAdminRelationship.ReadWrite.All; the sandbox's partner has no
// provisioned "Partner Customer Delegated Administration" service
// principal, so app-only tokens are refused. Assumption: the 403's code.
func (s *Sandbox) partnerGraph(h tokenHandler) tokenHandler {
	return func(w http.ResponseWriter, r *http.Request, tok token) {
		if tok.Kind != graphPartner || tok.TenantID != PartnerTenantID {
			writeGraphError(w, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
			return
		}
		h(w, r, tok)
	}
}

func gdapTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func unifiedRoles(ids []string) wire.DelegatedAdminAccessDetails {
	d := wire.DelegatedAdminAccessDetails{UnifiedRoles: make([]wire.UnifiedRole, len(ids))}
	for i, id := range ids {
		d.UnifiedRoles[i] = wire.UnifiedRole{RoleDefinitionID: id}
	}
	return d
}

func (s *Sandbox) gdapJSON(g *gdapRelationship) wire.DelegatedAdminRelationship {
	name := ""
	if t, ok := s.catalog.get(g.CustomerID); ok {
		name = t.Name
	}
	return wire.DelegatedAdminRelationship{
		ODataEtag: fmt.Sprintf(`W/"%d"`, g.Modified.UnixNano()), ID: g.ID, DisplayName: g.DisplayName, Duration: g.Duration,
		Customer:      &wire.DelegatedAdminCustomer{TenantID: g.CustomerID, DisplayName: name},
		AccessDetails: unifiedRoles(g.Roles), Status: g.statusAt(s.now()), AutoExtendDuration: "PT0S",
		CreatedDateTime: gdapTime(g.Created), LastModifiedDateTime: gdapTime(g.Modified),
		ActivatedDateTime: gdapTime(g.Activated), EndDateTime: gdapTime(g.End),
		Partner: &wire.DelegatedAdminPartnerTenant{TenantID: PartnerTenantID},
	}
}

var (
	isoDays  = regexp.MustCompile(`^P(\d{1,3})D$`)
	isoYears = regexp.MustCompile(`^P([12])Y$`)
)

// gdapDuration parses the durations the sandbox accepts: "a value between
// P1D and P2Y inclusive" (tenantrelationship-post-delegatedadminrelationships)
// written as PnD or PnY (a year counted as 365 days). Other ISO 8601 forms
// are refused. Assumption: the 400's code.
func gdapDuration(v string) (time.Duration, bool) {
	if m := isoYears.FindStringSubmatch(v); m != nil {
		n, _ := strconv.Atoi(m[1])
		return time.Duration(n*365) * 24 * time.Hour, true
	}
	m := isoDays.FindStringSubmatch(v)
	if m == nil {
		return 0, false
	}
	n, _ := strconv.Atoi(m[1])
	if n < 1 || n > 730 {
		return 0, false
	}
	return time.Duration(n) * 24 * time.Hour, true
}

// knownRoles are the built-in role template ids the sandbox accepts.
var knownRoles = []string{
	msapi.RoleDirectoryReaders, msapi.RoleDirectoryWriters, msapi.RoleGlobalReader,
	msapi.RoleLicenseAdministrator, msapi.RoleUserAdministrator, msapi.RolePrivilegedRoleAdministrator,
}

func validRoles(ids []string) bool {
	if len(ids) == 0 {
		return false
	}
	for _, id := range ids {
		if !slices.Contains(knownRoles, strings.ToLower(id)) {
			return false
		}
	}
	return true
}

// postGDAP is POST /tenantRelationships/delegatedAdminRelationships: 201
// with the relationship in status created.
func (s *Sandbox) postGDAP(w http.ResponseWriter, r *http.Request, _ token) {
	var req wire.DelegatedAdminRelationship
	if err := decodeBody(r, &req); err != nil {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "The request body is not valid JSON.")
		return
	}
	if _, ok := gdapDuration(req.Duration); !ok {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "The duration must be an ISO 8601 duration between P1D and P2Y.")
		return
	}
	if strings.TrimSpace(req.DisplayName) == "" || len(req.DisplayName) > 50 {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "The displayName is required and must be at most 50 characters.")
		return
	}
	roles := make([]string, len(req.AccessDetails.UnifiedRoles))
	for i, ur := range req.AccessDetails.UnifiedRoles {
		roles[i] = strings.ToLower(ur.RoleDefinitionID)
	}
	if !validRoles(roles) {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "accessDetails.unifiedRoles must name built-in Microsoft Entra roles.")
		return
	}
	customer := ""
	if req.Customer != nil {
		if t, ok := s.catalog.get(strings.ToLower(req.Customer.TenantID)); ok {
			customer = t.ID
		}
	}
	if customer == "" {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "customer.tenantId is not a known tenant.")
		return
	}
	now := s.now().UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.st.GDAP {
		if g.DisplayName == req.DisplayName {
			writeGraphError(w, http.StatusConflict, "Conflict", "A relationship with this displayName already exists.")
			return
		}
	}
	g := &gdapRelationship{ID: s.st.nextID("gdap") + "-" + customer, DisplayName: req.DisplayName, Duration: req.Duration,
		CustomerID: customer, Roles: roles, Status: msapi.GDAPCreated, Created: now, Modified: now}
	s.st.GDAP[g.ID] = g
	if err := s.saveLocked(); err != nil {
		delete(s.st.GDAP, g.ID)
		writeGraphError(w, http.StatusInternalServerError, "InternalServerError", err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, s.gdapJSON(g))
}

func (s *Sandbox) gdapOf(w http.ResponseWriter, r *http.Request) (*gdapRelationship, bool) {
	g, ok := s.st.GDAP[r.PathValue("id")]
	if !ok {
		writeGraphError(w, http.StatusNotFound, "NotFound", "The delegated admin relationship was not found.")
	}
	return g, ok
}

func (s *Sandbox) getGDAP(w http.ResponseWriter, r *http.Request, _ token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.gdapOf(w, r); ok {
		writeJSON(w, http.StatusOK, s.gdapJSON(g))
	}
}

// gdapNameFilter is the one $filter form the sandbox understands on the
// list (tenantrelationship-list-delegatedadminrelationships documents
// $filter without listing the properties; other filters are refused with a
// 400 — assumption).
var gdapNameFilter = regexp.MustCompile(`^displayName eq '((?:[^']|'')*)'$`)

// listGDAP is GET /tenantRelationships/delegatedAdminRelationships, the
// partner's relationships, optionally $filter=displayName eq '…'. One page:
// the sandbox's partner has few relationships.
func (s *Sandbox) listGDAP(w http.ResponseWriter, r *http.Request, _ token) {
	name, filtered := "", false
	if f := r.URL.Query().Get("$filter"); f != "" {
		m := gdapNameFilter.FindStringSubmatch(strings.TrimSpace(f))
		if m == nil {
			writeGraphError(w, http.StatusBadRequest, "BadRequest", "Invalid filter clause: only displayName eq '…' is supported.")
			return
		}
		name, filtered = strings.ReplaceAll(m[1], "''", "'"), true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []wire.DelegatedAdminRelationship{}
	for _, g := range s.st.GDAP {
		if !filtered || g.DisplayName == name {
			out = append(out, s.gdapJSON(g))
		}
	}
	slices.SortFunc(out, func(a, b wire.DelegatedAdminRelationship) int {
		return strings.Compare(a.CreatedDateTime, b.CreatedDateTime)
	})
	writeJSON(w, http.StatusOK, map[string]any{
		"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#tenantRelationships/delegatedAdminRelationships",
		"value":          out})
}

// postGDAPRequest is POST …/{id}/requests. lockForApproval moves created to
// approvalPending; terminate ends an active relationship (the documented
// terminationRequested and terminating steps are collapsed: assumption).
func (s *Sandbox) postGDAPRequest(w http.ResponseWriter, r *http.Request, _ token) {
	var req wire.DelegatedAdminRelationshipRequest
	if err := decodeBody(r, &req); err != nil {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "The request body is not valid JSON.")
		return
	}
	now := s.now().UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.gdapOf(w, r)
	if !ok {
		return
	}
	prev := *g
	switch st := g.statusAt(now); {
	case req.Action == "lockForApproval" && st == msapi.GDAPCreated:
		g.Status, g.Locked = msapi.GDAPApprovalPending, now
	case req.Action == "terminate" && st == msapi.GDAPActive:
		g.Status = msapi.GDAPTerminated
	case req.Action == "lockForApproval" || req.Action == "terminate":
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "The action "+req.Action+" is not allowed on a relationship in status "+st+".")
		return
	default:
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "The action is not valid.")
		return
	}
	g.Modified = now
	if err := s.saveLocked(); err != nil {
		*g = prev
		writeGraphError(w, http.StatusInternalServerError, "InternalServerError", err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, wire.DelegatedAdminRelationshipRequest{
		ID: s.st.nextID("gdap-request"), Action: req.Action, Status: "created",
		CreatedDateTime: gdapTime(now), LastModifiedDateTime: gdapTime(now),
	})
}

// postGDAPAssignment is POST …/{id}/accessAssignments: only on an active
// relationship, for the partner's security group, with roles of the
// relationship. The documented pending → active step is collapsed: the
// assignment is active at once (assumption).
func (s *Sandbox) postGDAPAssignment(w http.ResponseWriter, r *http.Request, _ token) {
	var req wire.DelegatedAdminAccessAssignment
	if err := decodeBody(r, &req); err != nil {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "The request body is not valid JSON.")
		return
	}
	now := s.now().UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.gdapOf(w, r)
	if !ok {
		return
	}
	if st := g.statusAt(now); st != msapi.GDAPActive {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "Access assignments can be created only on an active relationship; this one is "+st+".")
		return
	}
	if req.AccessContainer.AccessContainerType != "securityGroup" || !strings.EqualFold(req.AccessContainer.AccessContainerID, PartnerGDAPGroupID) {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "accessContainer must be a security group of the partner's tenant.")
		return
	}
	roles := make([]string, 0, len(req.AccessDetails.UnifiedRoles))
	for _, ur := range req.AccessDetails.UnifiedRoles {
		id := strings.ToLower(ur.RoleDefinitionID)
		if !slices.Contains(g.Roles, id) {
			writeGraphError(w, http.StatusBadRequest, "BadRequest", "Role "+ur.RoleDefinitionID+" is not part of the relationship.")
			return
		}
		roles = append(roles, id)
	}
	if len(roles) == 0 {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "accessDetails.unifiedRoles is required.")
		return
	}
	a := gdapAssignment{ID: s.st.nextID("gdap-assignment"), GroupID: PartnerGDAPGroupID, Roles: roles, Status: "active", Created: now}
	g.Assignments = append(g.Assignments, a)
	g.Modified = now
	if err := s.saveLocked(); err != nil {
		g.Assignments = g.Assignments[:len(g.Assignments)-1]
		writeGraphError(w, http.StatusInternalServerError, "InternalServerError", err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, wire.DelegatedAdminAccessAssignment{
		ID: a.ID, AccessContainer: wire.DelegatedAdminAccessContainer{AccessContainerID: a.GroupID, AccessContainerType: "securityGroup"},
		AccessDetails: unifiedRoles(a.Roles), Status: a.Status, CreatedDateTime: gdapTime(now), LastModifiedDateTime: gdapTime(now),
	})
}

// ApproveGDAP does what the approval page does when login signs in with
// password: only a Global administrator of the relationship's customer
// tenant can approve, and only a relationship awaiting approval. id may be
// empty: then the tenant's (tenantDomainOrID) pending relationship is approved.
func (s *Sandbox) ApproveGDAP(tenantDomainOrID, login, password string) error {
	t, ok := s.catalog.tenant(tenantDomainOrID)
	if !ok {
		return fmt.Errorf("tenant %s: %w", tenantDomainOrID, ErrGDAPNotPending)
	}
	s.mu.Lock()
	id := ""
	for _, g := range s.st.GDAP {
		if g.CustomerID == t.ID && g.statusAt(s.now()) == msapi.GDAPApprovalPending {
			id = g.ID
		}
	}
	s.mu.Unlock()
	return s.approveGDAP(id, login, password)
}

func (s *Sandbox) approveGDAP(id, login, password string) error {
	u, err := s.gdapAdmin(id, login, password)
	if err != nil {
		return err
	}
	return s.approveGDAPBy(id, u)
}

// gdapTenant is the customer tenant of relationship id.
func (s *Sandbox) gdapTenant(id string) (*tenant, bool) {
	s.mu.Lock()
	g, ok := s.st.GDAP[id]
	s.mu.Unlock()
	if !ok {
		return nil, false
	}
	return s.catalog.get(g.CustomerID)
}

// gdapAdmin is the Global administrator of relationship id's customer that
// login names, by its password.
func (s *Sandbox) gdapAdmin(id, login, password string) (user, error) {
	t, ok := s.gdapTenant(id)
	if !ok {
		return user{}, ErrGDAPNotPending
	}
	return adminOf(t, login, password)
}

// approveGDAPBy approves relationship id, pending, by u.
func (s *Sandbox) approveGDAPBy(id string, u user) error {
	now := s.now().UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.st.GDAP[id]
	if !ok {
		return ErrGDAPNotPending
	}
	if g.statusAt(now) != msapi.GDAPApprovalPending {
		return fmt.Errorf("%s is %s: %w", g.DisplayName, g.statusAt(now), ErrGDAPNotPending)
	}
	prev := *g
	d, _ := gdapDuration(g.Duration)
	// Assumption: the documented approved and activating steps are collapsed.
	g.Status, g.Activated, g.End, g.Modified, g.ApprovedBy = msapi.GDAPActive, now, now.Add(d), now, u.UPN
	if err := s.saveLocked(); err != nil {
		*g = prev
		return fmt.Errorf("approve %s: %w", g.DisplayName, err)
	}
	return nil
}

// gdapCovers reports whether an active relationship of the customer has an
// active access assignment with one of roles. Caller holds s.mu.
func (s *Sandbox) gdapCovers(customerID string, roles []string) bool {
	now := s.now()
	for _, g := range s.st.GDAP {
		if g.CustomerID != customerID || g.statusAt(now) != msapi.GDAPActive {
			continue
		}
		for _, a := range g.Assignments {
			if a.Status != "active" {
				continue
			}
			for _, r := range roles {
				if slices.Contains(a.Roles, r) {
					return true
				}
			}
		}
	}
	return false
}

// Roles that cover each directory call (dap-api-impact).
var (
	rolesUsers         = []string{msapi.RoleDirectoryReaders, msapi.RoleGlobalReader, msapi.RoleUserAdministrator}
	rolesUserLicenses  = []string{msapi.RoleDirectoryReaders, msapi.RoleDirectoryWriters, msapi.RoleUserAdministrator, msapi.RoleLicenseAdministrator}
	rolesSubscribed    = []string{msapi.RoleDirectoryReaders, msapi.RoleGlobalReader, msapi.RoleUserAdministrator, msapi.RoleLicenseAdministrator}
	rolesAssign        = []string{msapi.RoleDirectoryWriters, msapi.RoleUserAdministrator, msapi.RoleLicenseAdministrator}
	rolesDirRoles      = []string{msapi.RoleDirectoryReaders}
	rolesRoleMembers   = []string{msapi.RoleDirectoryReaders, msapi.RoleGlobalReader, msapi.RoleDirectoryWriters, msapi.RolePrivilegedRoleAdministrator}
	rolesDomainsReader = []string{msapi.RoleDirectoryReaders, msapi.RoleGlobalReader}
)

// pcDirectory guards a Partner Center directory call of customer {id}: with
// EnforceGDAP, 403 unless GDAP covers one of roles. Assumption: the code (2032,
// "access denied" on the error-codes page) and
// text of the refusal (the pages say the call fails, not how).
func (s *Sandbox) pcDirectory(roles []string, h tokenHandler) tokenHandler {
	return func(w http.ResponseWriter, r *http.Request, tok token) {
		if s.opts.EnforceGDAP {
			id := strings.ToLower(r.PathValue("id"))
			s.mu.Lock()
			ok := s.gdapCovers(id, roles)
			s.mu.Unlock()
			if _, known := s.catalog.get(id); known && !ok {
				writePCError(w, http.StatusForbidden, 2032, "The partner has no active granular delegated admin relationship with customer "+id+" with a role that allows this operation.")
				return
			}
		}
		h(w, r, tok)
	}
}

// graphDirectory guards a Graph directory call in a customer's tenant. The
// partner's App+User token (graphPartner) reaches the tenant only through
// GDAP; Graph refuses with 403 Authorization_RequestDenied "Insufficient
// privileges to complete the operation." (resolve-auth-errors names the
// 403; the code and message are Graph's observed answer: assumption).
func (s *Sandbox) graphDirectory(roles []string, h tokenHandler) tokenHandler {
	return func(w http.ResponseWriter, r *http.Request, tok token) {
		if tok.Kind == graphPartner && tok.TenantID == PartnerTenantID {
			writeGraphError(w, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
			return
		}
		if tok.Kind == graphPartner && s.opts.EnforceGDAP {
			s.mu.Lock()
			ok := s.gdapCovers(tok.TenantID, roles)
			s.mu.Unlock()
			if !ok {
				writeGraphError(w, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
				return
			}
		}
		h(w, r, tok)
	}
}

// grantPartnerGraph is the refresh-token grant for Graph: the partner's
// own tenant, or a customer's tenant the partner has a reseller
// relationship with. Assumption: without any relationship Entra answers
// AADSTS65001, as for the app-only grant; what the token reaches is then
// up to GDAP (graphDirectory).
func (s *Sandbox) grantPartnerGraph(tenantPath string) (token, *tokenError) {
	if isPartnerTenant(tenantPath) {
		return token{Kind: graphPartner, TenantID: PartnerTenantID}, nil
	}
	t, ok := s.catalog.tenant(tenantPath)
	if !ok {
		return token{}, tenantNotFound(tenantPath)
	}
	s.mu.Lock()
	linked := s.st.hasRelationship(t.ID)
	s.mu.Unlock()
	if !linked {
		return token{}, &tokenError{http.StatusBadRequest, "invalid_grant", wire.AADSTSNoConsent,
			"The user or administrator has not consented to use the application with ID '" + ClientID + "' named '" + PartnerName + "'. Send an interactive authorization request for this user and resource."}
	}
	return token{Kind: graphPartner, TenantID: t.ID}, nil
}

// TerminateGDAP ends the tenant's active relationships, as the customer's
// administrator can in the admin center (the documented terminationRequested
// and terminating steps are collapsed: assumption).
func (s *Sandbox) TerminateGDAP(tenantDomainOrID string) error {
	t, ok := s.catalog.tenant(tenantDomainOrID)
	if !ok {
		return fmt.Errorf("tenant %s: %w", tenantDomainOrID, ErrGDAPNotPending)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.st.GDAP {
		if g.CustomerID == t.ID && g.statusAt(s.now()) == msapi.GDAPActive {
			g.Status, g.Modified = msapi.GDAPTerminated, s.now().UTC()
		}
	}
	return s.saveLocked()
}
