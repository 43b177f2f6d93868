// Package sandbox is a fake Microsoft for demos and tests: one http.Handler
// that serves the Entra ID token endpoint, Partner Center REST v1, Microsoft
// Graph v1.0 and the partner invitation page with real, persisted state and
// seeded demo tenants. It enforces Microsoft's rules (App+User tokens,
// reseller relationships, free license units, idempotency by MS-RequestId)
// and fails the way Microsoft fails (429 with Retry-After, 503, latency).
package sandbox

import (
	crand "crypto/rand"
	"fmt"
	"html/template"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"onboard/msapi/partnercenter/wire"
)

// Options configure a Sandbox. The zero value is usable.
type Options struct {
	// PageSize caps pages: Partner Center's when the caller asks for more or
	// none (default 100), Graph's below $top (default: Graph's own, 100 or
	// $top up to 999).
	PageSize       int
	Faults         Faults // injected failures of API requests
	NorthwindUsers int    // users of the generated large tenant (default 100000)
	// ExtraTenants adds that many generated customer tenants
	// (see GeneratedTenant) for load tests and many-terminal demos.
	ExtraTenants int
	// StatePath, when set, is a JSON file the state is loaded from at New and
	// saved to (atomically, mode 0600) after every mutation.
	StatePath string
	Now       func() time.Time // default time.Now
	// PendingPolls is how many GETs of a checked-out order answer "pending"
	// before it completes (0: the first GET completes it).
	PendingPolls int
	// EnforceGDAP refuses the directory calls (users, a user's licenses,
	// subscribed SKUs, directory roles, license assignment) unless an active
	// GDAP relationship with an access assignment covers them, as Microsoft
	// does since DAP ended (dap-api-impact). Off until the flow requests GDAP
	// before it imports (issue 12, part 3).
	EnforceGDAP bool
}

// Faults are failures injected into Partner Center and Graph requests (never
// into the token endpoint or the web pages).
type Faults struct {
	ThrottleRate float64       // share of API requests answered 429 with Retry-After
	ErrorRate    float64       // share answered 503 (with Retry-After) or 500
	RetryAfter   time.Duration // value sent in Retry-After (seconds, rounded up; 0 means "0")
	Latency      time.Duration // added to every API request (honours request context)
	Seed         int64         // faults drawn from math/rand/v2 seeded with this: reproducible
}

// URLs are the base URLs a client is configured with.
type URLs struct{ PartnerCenter, Graph, Login, Invite, GDAPApproval string }

// Credentials are the partner application's fixed sandbox credentials.
type Credentials struct{ PartnerTenantID, ClientID, ClientSecret, RefreshToken, PublicClientID string }

// Fixed sandbox credentials; documented so demos and READMEs can show them.
const (
	PartnerTenantID = "5a4d1b2e-7c3f-4e8a-9b6d-0f1e2d3c4b5a"
	PartnerName     = "Sandbox Partner"
	PartnerDomain   = "sandboxpartner.onmicrosoft.com"
	ClientID        = "0b8e5c4a-3f2d-4a1b-8c9e-7d6f5e4a3b2c"
	ClientSecret    = "sandbox-secret"
	RefreshToken    = "sandbox-refresh-token"
	PublicClientID  = "1950a258-227b-4e31-a9cf-717495945fc2" // like Azure PowerShell's public client
)

const (
	defaultPageSize       = 100
	defaultNorthwindUsers = 100000
	serverID              = "sandbox-pc-01"
)

// Sandbox is the fake Microsoft. It is safe for concurrent use.
type Sandbox struct {
	opts    Options
	now     func() time.Time
	mux     *http.ServeMux
	secret  []byte // signs continuation tokens and CSRF tokens
	catalog *catalog

	mu     sync.Mutex
	st     *state
	tokens map[string]token
	// devices are the pending device code sign-ins (signin.go), under mu.
	devices map[string]*deviceSignIn
	// authRequests are the authorize requests and their codes
	// (signin_authorize.go), under mu.
	authRequests map[string]*authRequest

	faultMu sync.Mutex
	faults  Faults
	rng     *rand.Rand
}

// New builds a sandbox with the seeded demo tenants, or with the state saved
// at opts.StatePath when that file exists.
func New(opts Options) (*Sandbox, error) {
	if opts.NorthwindUsers <= 0 {
		opts.NorthwindUsers = defaultNorthwindUsers
	}
	s := &Sandbox{opts: opts, now: opts.Now, tokens: map[string]token{}, devices: map[string]*deviceSignIn{},
		authRequests: map[string]*authRequest{}}
	if s.now == nil {
		s.now = time.Now
	}
	s.secret = make([]byte, 32)
	if _, err := crand.Read(s.secret); err != nil {
		return nil, fmt.Errorf("sandbox secret: %w", err)
	}
	s.catalog = newCatalog(opts.NorthwindUsers)
	s.catalog.addGenerated(opts.ExtraTenants)
	st, err := s.loadState()
	if err != nil {
		return nil, err
	}
	s.st = st
	s.catalog.setCreated(st.createdTenants())
	s.SetFaults(opts.Faults)
	s.routes()
	return s, nil
}

// ServeHTTP serves every endpoint of the sandbox.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// URLs returns the base URLs of a sandbox served at base (e.g. "http://127.0.0.1:8099").
func (s *Sandbox) URLs(base string) URLs {
	return URLs{
		PartnerCenter: base + "/pc",
		Graph:         base + "/graph/v1.0",
		Login:         base + "/login",
		Invite:        base + "/invite",
		GDAPApproval:  base + gdapApprovalPrefix,
	}
}

// Credentials returns the partner application's fixed sandbox credentials.
func (s *Sandbox) Credentials() Credentials {
	return Credentials{
		PartnerTenantID: PartnerTenantID,
		ClientID:        ClientID,
		ClientSecret:    ClientSecret,
		RefreshToken:    RefreshToken,
		PublicClientID:  PublicClientID,
	}
}

// Reset puts the sandbox back into its seeded state (and saves it). Issued
// tokens stay valid, as they would at Microsoft.
func (s *Sandbox) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st = seedState(s.catalog)
	s.catalog.setCreated(nil)
	return s.saveLocked()
}

func (s *Sandbox) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.serveIndex)
	s.tokenRoutes(m)
	s.partnerCenterRoutes(m)
	s.graphRoutes(m)
	s.invitationRoutes(m)
	s.gdapRoutes(m)
	s.mux = m
}

func (s *Sandbox) partnerCenterRoutes(m *http.ServeMux) {
	m.Handle("/pc/", s.pc(anyPC, func(w http.ResponseWriter, r *http.Request, _ token) {
		writePCError(w, http.StatusNotFound, wire.CodeNotFound, "The requested resource was not found.")
	}))
	m.Handle("GET /pc/v1/customers/relationshiprequests", s.pc(appUserPC, s.getRelationshipRequest))
	m.Handle("GET /pc/v1/customers", s.pc(anyPC, s.searchCustomers))
	m.Handle("GET /pc/v1/customers/{id}", s.pc(anyPC, s.getCustomer))
	m.Handle("HEAD /pc/v1/domains/{domain}", s.pc(anyPC, s.headDomain))
	// Directory reads: App+User only, and covered by GDAP (dap-api-impact).
	m.Handle("GET /pc/v1/customers/{id}/users", s.pc(appUserPC, s.pcDirectory(rolesUsers, s.listCustomerUsers)))
	m.Handle("GET /pc/v1/customers/{id}/users/{uid}/licenses", s.pc(appUserPC, s.pcDirectory(rolesUserLicenses, s.listUserLicenses)))
	m.Handle("GET /pc/v1/customers/{id}/subscriptions", s.pc(anyPC, s.listSubscriptions))
	m.Handle("GET /pc/v1/customers/{id}/subscribedskus", s.pc(appUserPC, s.pcDirectory(rolesSubscribed, s.listSubscribedSkus)))
	m.Handle("GET /pc/v1/customers/{id}/directoryroles", s.pc(appUserPC, s.pcDirectory(rolesDirRoles, s.listDirectoryRoles)))
	m.Handle("GET /pc/v1/customers/{id}/directoryroles/{rid}/usermembers", s.pc(appUserPC, s.pcDirectory(rolesRoleMembers, s.listRoleMembers)))
	m.Handle("GET /pc/v1/customers/{id}/orders/{oid}", s.pc(anyPC, s.getOrder))
	m.Handle("POST /pc/v1/customers/{id}/carts", s.pc(anyPC, s.postCart))
	m.Handle("GET /pc/v1/products/{pid}", s.pc(anyPC, s.getProduct))
	m.Handle("GET /pc/v1/products/{pid}/skus", s.pc(anyPC, s.listSkus))
	m.Handle("GET /pc/v1/products/{pid}/skus/{sid}/availabilities", s.pc(anyPC, s.listAvailabilities))
	m.Handle("POST /pc/v1/customers/{id}/carts/{cid}/checkout", s.pc(anyPC, s.checkoutCart))
	m.Handle("GET /pc/v1/customers/{id}/subscriptions/{sid}/transitionEligibilities", s.pc(anyPC, s.listTransitionEligibilities))
	m.Handle("POST /pc/v1/customers/{id}/subscriptions/{sid}/transitions", s.pc(anyPC, s.postTransition))
	m.Handle("POST /pc/v1/customers", s.pc(anyPC, s.postCustomer))
	m.Handle("GET /pc/v1/agreements", s.pc(anyPC, s.listAgreementTemplates))
	m.Handle("GET /pc/v1/customers/{id}/agreements", s.pc(appUserPC, s.listCustomerAgreements))
	m.Handle("POST /pc/v1/customers/{id}/agreements", s.pc(appUserPC, s.postCustomerAgreement))
}

func (s *Sandbox) graphRoutes(m *http.ServeMux) {
	m.Handle("/graph/", s.graph(func(w http.ResponseWriter, r *http.Request, _ token) {
		writeGraphError(w, http.StatusNotFound, "Request_ResourceNotFound", "Resource not found for the segment '"+r.URL.Path+"'.")
	}))
	m.Handle("GET /graph/v1.0/me", s.graph(s.getMe))
	m.Handle("GET /graph/v1.0/me/memberOf", s.graph(s.getMemberOf))
	m.Handle("GET /graph/v1.0/organization", s.graph(s.getOrganization))
	m.Handle("GET /graph/v1.0/users", s.graph(s.graphDirectory(rolesUsers, s.listGraphUsers)))
	m.Handle("GET /graph/v1.0/users/$count", s.graph(s.graphDirectory(rolesUsers, s.countGraphUsers)))
	m.Handle("GET /graph/v1.0/users/{id}", s.graph(s.graphDirectory(rolesUsers, s.getGraphUser)))
	m.Handle("POST /graph/v1.0/users/{id}/assignLicense", s.graph(s.graphDirectory(rolesAssign, s.assignLicense)))
	m.Handle("GET /graph/v1.0/domains", s.graph(s.graphDirectory(rolesDomainsReader, s.listGraphDomains)))
}

var indexPage = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sandbox Microsoft</title>
<style>body{font-family:"Segoe UI",system-ui,sans-serif;max-width:42rem;margin:3rem auto;color:#1b1b1b}code{background:#f3f2f1;padding:0 .3em}</style>
</head><body>
<h1>Sandbox Microsoft</h1>
<p>A fake Microsoft for onboard demos and tests. Partner: <strong>{{.Partner}}</strong>.</p>
<ul>
<li>Partner Center REST: <code>/pc/v1/…</code></li>
<li>Microsoft Graph: <code>/graph/v1.0/…</code></li>
<li>Entra ID token endpoint: <code>/login/{tenant}/oauth2/v2.0/token</code></li>
<li>Invitation page: <code>/invite/partner-invitation</code></li>
</ul>
<h2>Demo accounts</h2>
<table>{{range .Accounts}}<tr><td><code>{{.Login}}</code></td><td>{{.Role}}</td><td>{{.Note}}</td></tr>{{end}}</table>
</body></html>`))

func (s *Sandbox) serveIndex(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = indexPage.Execute(w, struct {
		Partner  string
		Accounts []DemoAccount
	}{PartnerName, DemoAccounts()})
}
