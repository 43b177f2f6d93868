package sandbox

import (
	"strings"
	"sync"

	"github.com/google/uuid"
)

// product is a new-commerce product the sandbox sells: OfferID is the paid
// catalog item id (productId:skuId:availabilityId), TrialOfferID the catalog
// item id of its trial. They match flow/catalog/default.json (a test checks
// it), so orders placed from the embedded catalog resolve.
//
// Product and SKU ids are Microsoft's (the Business Basic item is the one of
// the purchase-new-commerce-license-based example); the availability ids
// "SANDBOXAV…" and the trial SKU "0007" are sandbox ids: availabilities
// differ per market and come from get-a-list-of-availabilities.
type product struct {
	Name          string
	OfferID       string // paid catalog item
	TrialOfferID  string // trial catalog item, if the product has one
	SkuID         string // the license SKU (Graph skuId) users are assigned
	SkuPartNumber string
}

var products = []product{
	{"Microsoft 365 Business Basic", "CFQ7TTC0LH18:0001:CFQ7TTC0K971", "", "3b555118-da6a-4418-894f-7df1e2096870", "O365_BUSINESS_ESSENTIALS"},
	{"Microsoft 365 Business Standard", "CFQ7TTC0LDPB:0001:SANDBOXAV002", "", "f245ecc8-75af-4f8e-b61f-27d8114de5f3", "O365_BUSINESS_PREMIUM"},
	{"Microsoft 365 Business Premium", "CFQ7TTC0LCHC:0002:SANDBOXAV003", "CFQ7TTC0LCHC:0007:SANDBOXAV013", "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", "SPB"},
	{"Office 365 E3", "CFQ7TTC0LF8R:0001:SANDBOXAV004", "", "6fd2c87f-b296-42f0-b197-1e91e994b900", "ENTERPRISEPACK"},
	{"Exchange Online (Plan 1)", "CFQ7TTC0LH16:0001:SANDBOXAV005", "", "4b9405b0-7788-4568-add1-99614e613b69", "EXCHANGESTANDARD"},
}

// Product is a product the sandbox sells, for tests that check it against
// the provider's catalog.
type Product struct {
	Name, CatalogItemID, TrialCatalogItemID, SkuID string
}

// Products lists what the sandbox sells, in catalog order.
func Products() []Product {
	out := make([]Product, len(products))
	for i, p := range products {
		out[i] = Product{Name: p.Name, CatalogItemID: p.OfferID, TrialCatalogItemID: p.TrialOfferID, SkuID: p.SkuID}
	}
	return out
}

const (
	skuE3  = "6fd2c87f-b296-42f0-b197-1e91e994b900"
	skuSPB = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"

	otherPartnerID   = "9c2e7f1a-4b3d-4e5f-8a6b-1c2d3e4f5a6b"
	otherPartnerName = "Other Provider Ltd"
)

// productByOffer finds a product by its paid or trial offer id (case-insensitive).
func productByOffer(offerID string) (product, bool) {
	for _, p := range products {
		if strings.EqualFold(p.OfferID, offerID) || (p.TrialOfferID != "" && strings.EqualFold(p.TrialOfferID, offerID)) {
			return p, true
		}
	}
	return product{}, false
}

func productBySku(skuID string) (product, bool) {
	for _, p := range products {
		if strings.EqualFold(p.SkuID, skuID) {
			return p, true
		}
	}
	return product{}, false
}

// idSpace is the UUIDv5 namespace of every sandbox id: ids are derived from
// names so a reset or a restart gives identical ids.
var idSpace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://sandbox.onboard.invalid/"))

func deriveID(name string) string { return uuid.NewSHA1(idSpace, []byte(name)).String() }

// domain is a domain of a tenant.
type domain struct {
	Name     string
	Default  bool
	Verified bool
}

// tenant is a customer tenant. Its users live in a directory; everything
// that changes (relationship, subscriptions, assignments) lives in state.
type tenant struct {
	ID      string
	Name    string
	Country string
	Domains []domain // Domains[0] is the initial *.onmicrosoft.com domain
	Dir     directory
	// PublicClientNotConsented: nobody consented to onboard's public client
	// in this tenant, so its password grant answers AADSTS65001 and the
	// sign-in goes to the page (where Entra asks the user's consent).
	PublicClientNotConsented bool
}

func (t *tenant) initial() string { return t.Domains[0].Name }

func (t *tenant) hasDomain(name string) bool {
	for _, d := range t.Domains {
		if strings.EqualFold(d.Name, name) {
			return true
		}
	}
	return false
}

// user is a user of a tenant. Password (seeded demo users) or PasswordHash
// (administrators of created tenants, whose password the sandbox, like
// Microsoft, keeps only hashed) is empty for users nobody signs in as.
type user struct {
	ID            string
	UPN           string
	First, Last   string
	UsageLocation string
	Active        bool
	GlobalAdmin   bool
	MFA           bool
	MFACode       string // the demo second factor of an MFA account (sign-in page)
	Password      string
	PasswordHash  string
	Skus          []string // seeded license assignments (overridden by state)
}

// passwordMatches checks password in constant time.
func (u user) passwordMatches(password string) bool {
	switch {
	case u.Password != "":
		return equalSecret(password, u.Password)
	case u.PasswordHash != "":
		return checkPasswordHash(u.PasswordHash, password)
	}
	return false
}

func (u user) displayName() string { return strings.TrimSpace(u.First + " " + u.Last) }

// directory holds the users of a tenant. It is read-only: assignments made
// later are overrides in state.
type directory interface {
	count() int
	at(i int) user
	byID(id string) (user, bool)
	byUPN(upn string) (user, bool)
	admins() []user
	// seededConsumed is how many users hold sku in the seeded assignments.
	seededConsumed(sku string) int
}

// listDirectory is a small, fully materialised directory.
type listDirectory struct {
	users []user
	ids   map[string]int
	upns  map[string]int
}

func newListDirectory(users []user) *listDirectory {
	d := &listDirectory{users: users, ids: map[string]int{}, upns: map[string]int{}}
	for i, u := range users {
		d.ids[u.ID] = i
		d.upns[strings.ToLower(u.UPN)] = i
	}
	return d
}

func (d *listDirectory) count() int     { return len(d.users) }
func (d *listDirectory) at(i int) user  { return d.users[i] }
func (d *listDirectory) admins() []user { return adminsOf(d.users) }

func (d *listDirectory) byID(id string) (user, bool) {
	i, ok := d.ids[strings.ToLower(id)]
	if !ok {
		return user{}, false
	}
	return d.users[i], true
}

func (d *listDirectory) byUPN(upn string) (user, bool) {
	i, ok := d.upns[strings.ToLower(upn)]
	if !ok {
		return user{}, false
	}
	return d.users[i], true
}

func (d *listDirectory) seededConsumed(sku string) int {
	n := 0
	for _, u := range d.users {
		if containsFold(u.Skus, sku) {
			n++
		}
	}
	return n
}

func adminsOf(users []user) []user {
	var out []user
	for _, u := range users {
		if u.GlobalAdmin {
			out = append(out, u)
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// catalog is the world: partners' domains, the seeded customer tenants and
// the tenants created through POST /v1/customers (rebuilt from state on
// load and reset). Its own lock lets handlers look tenants up without s.mu.
type catalog struct {
	mu      sync.RWMutex
	seeded  int // tenants[:seeded] are the demo tenants
	tenants []*tenant
	byID    map[string]*tenant
}

func newCatalog(northwindUsers int) *catalog {
	c := &catalog{byID: map[string]*tenant{}}
	for _, t := range []*tenant{contoso(), fabrikam(), northwind(northwindUsers), hostile(), wingtip()} {
		c.tenants = append(c.tenants, t)
		c.byID[t.ID] = t
	}
	c.seeded = len(c.tenants)
	return c
}

// setCreated replaces the created tenants (after a load or a reset).
func (c *catalog) setCreated(created []*tenant) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range c.tenants[c.seeded:] {
		delete(c.byID, t.ID)
	}
	c.tenants = c.tenants[:c.seeded:c.seeded]
	for _, t := range created {
		c.tenants = append(c.tenants, t)
		c.byID[t.ID] = t
	}
}

// add adds a created tenant.
func (c *catalog) add(t *tenant) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tenants = append(c.tenants, t)
	c.byID[t.ID] = t
}

// get finds a tenant by id (any case).
func (c *catalog) get(id string) (*tenant, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	t, ok := c.byID[strings.ToLower(id)]
	return t, ok
}

// all is a snapshot of every tenant, seeded first.
func (c *catalog) all() []*tenant {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([]*tenant(nil), c.tenants...)
}

// tenant finds a tenant by id or by any of its domains.
func (c *catalog) tenant(idOrDomain string) (*tenant, bool) {
	if t, ok := c.get(idOrDomain); ok {
		return t, true
	}
	return c.tenantByDomain(idOrDomain)
}

func (c *catalog) tenantByDomain(name string) (*tenant, bool) {
	for _, t := range c.all() {
		if t.hasDomain(name) {
			return t, true
		}
	}
	return nil, false
}

// domainTaken reports whether any tenant, partners included, has name.
func (c *catalog) domainTaken(name string) bool {
	if strings.EqualFold(name, PartnerDomain) || strings.EqualFold(name, "otherprovider.onmicrosoft.com") {
		return true
	}
	_, ok := c.tenantByDomain(name)
	return ok
}

func seededUsers(tenantKey, dom, country string, names [][2]string) []user {
	users := make([]user, len(names))
	for i, n := range names {
		local := strings.ToLower(n[0])
		users[i] = user{
			ID:            deriveID(tenantKey + "/user/" + local),
			UPN:           local + "@" + dom,
			First:         n[0],
			Last:          n[1],
			UsageLocation: country,
			Active:        true,
		}
	}
	return users
}

func contoso() *tenant {
	names := [][2]string{
		{"Admin", "Contoso"}, {"Megan", "Bowen"}, {"Mfa.Admin", ""},
		{"Alex", "Wilber"}, {"Adele", "Vance"}, {"Allan", "Deyoung"}, {"Christie", "Cline"},
		{"Debra", "Berger"}, {"Diego", "Siciliani"}, {"Emily", "Braun"}, {"Enrico", "Cattaneo"},
		{"Grady", "Archie"}, {"Henrietta", "Mueller"}, {"Irvin", "Sayers"}, {"Isaiah", "Langer"},
		{"Johanna", "Lorenz"}, {"Joni", "Sherman"}, {"Lee", "Gu"}, {"Lidia", "Holloway"},
		{"Lynne", "Robbins"}, {"Miriam", "Graham"}, {"Nestor", "Wilke"}, {"Patti", "Fernandez"},
		{"Pradeep", "Gupta"}, {"Raul", "Razo"},
	}
	users := seededUsers("contoso", "contoso.onmicrosoft.com", "US", names)
	users[0].First, users[0].Last = "Contoso", "Administrator"
	users[0].GlobalAdmin, users[0].Password = true, "Contoso-Admin-1"
	users[1].Password = "Contoso-User-1"
	users[2].First, users[2].Last = "Morgan", "Ashby"
	users[2].GlobalAdmin, users[2].MFA, users[2].Password = true, true, "Contoso-Mfa-1"
	users[2].MFACode = MFADemoCode
	// A vanity-domain login: the UPN is on the verified domain contoso.com.
	users[2].UPN = "mfa.admin@contoso.com"
	users[24].Active = false // a leaver: imported as inactive
	for i := range 20 {
		users[i].Skus = []string{skuE3}
	}
	return &tenant{
		ID:      deriveID("tenant/contoso"),
		Name:    "Contoso Ltd",
		Country: "US",
		Domains: []domain{
			{"contoso.onmicrosoft.com", false, true},
			{"contoso.com", true, true},
			{"contoso.co.uk", false, true},
		},
		Dir: newListDirectory(users),
	}
}

func fabrikam() *tenant {
	names := [][2]string{
		{"Admin", "Fabrikam"}, {"Alex", "Darrow"}, {"Ana", "Bowman"}, {"Brian", "Johnson"},
		{"Carlos", "Grilo"}, {"Dana", "Birkby"}, {"Ebru", "Ersan"}, {"Filip", "Rehorik"},
		{"Gabriele", "Cannata"}, {"Hanna", "Moos"}, {"Ivan", "Komashinsky"}, {"Julia", "Ilyiana"},
	}
	users := seededUsers("fabrikam", "fabrikam.onmicrosoft.com", "GB", names)
	users[0].First, users[0].Last = "Fabrikam", "Administrator"
	users[0].GlobalAdmin, users[0].Password = true, "Fabrikam-Admin-1"
	// Security defaults are on, as for every new tenant: Global
	// administrators must use MFA, so the password grant answers
	// AADSTS50076 and the sign-in page asks for the second factor.
	users[0].MFA, users[0].MFACode = true, MFADemoCode
	users[1].Password = "Fabrikam-User-1"
	for i := range 8 {
		users[i].Skus = []string{skuSPB}
	}
	return &tenant{
		ID:      deriveID("tenant/fabrikam"),
		Name:    "Fabrikam Inc",
		Country: "GB",
		Domains: []domain{
			{"fabrikam.onmicrosoft.com", false, true},
			{"fabrikam.com", true, true},
		},
		Dir: newListDirectory(users),
	}
}

// wingtip is a small tenant where onboard's public client was never
// consented: the password grant answers AADSTS65001 and the wizard moves
// to the sign-in page. Security defaults are off, so no second factor.
func wingtip() *tenant {
	names := [][2]string{{"Admin", "Wingtip"}, {"Kai", "Carter"}, {"Lina", "Newman"}, {"Omar", "Bennani"}}
	users := seededUsers("wingtip", "wingtiptoys.onmicrosoft.com", "US", names)
	users[0].First, users[0].Last = "Wingtip", "Administrator"
	users[0].GlobalAdmin, users[0].Password = true, "Wingtip-Admin-1"
	return &tenant{
		ID:                       deriveID("tenant/wingtip"),
		Name:                     "Wingtip Toys",
		Country:                  "US",
		Domains:                  []domain{{"wingtiptoys.onmicrosoft.com", true, true}},
		Dir:                      newListDirectory(users),
		PublicClientNotConsented: true,
	}
}

// MFADemoCode is the second factor the sandbox's sign-in page asks of
// accounts with MFA (in place of an authenticator app's code).
const MFADemoCode = "246810"

// DemoAccount is a sign-in of a seeded demo tenant. The Note of an account
// with MFA names its second factor (MFADemoCode).
type DemoAccount struct{ Tenant, Login, Password, Role, Note string }

// DemoAccounts lists the seeded demo sign-ins, for the README and the
// wizard's "demo accounts" panel.
func DemoAccounts() []DemoAccount {
	return []DemoAccount{
		{"contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "Contoso-Admin-1", "Global administrator", "Buys Office 365 E3 from another partner: new subscriptions are bought"},
		{"contoso.onmicrosoft.com", "megan@contoso.onmicrosoft.com", "Contoso-User-1", "User", "Not an administrator: verification is refused"},
		{"contoso.onmicrosoft.com", "mfa.admin@contoso.com", "Contoso-Mfa-1", "Global administrator (MFA)", "Signs in on the sign-in page with the code " + MFADemoCode + "; password sign-in is refused (MFA required)"},
		{"fabrikam.onmicrosoft.com", "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1", "Global administrator", "Has a Business Premium trial: it is converted. Security defaults: second factor " + MFADemoCode + " on the sign-in page"},
		{"fabrikam.onmicrosoft.com", "alex@fabrikam.onmicrosoft.com", "Fabrikam-User-1", "User", "Not an administrator"},
		{"northwind.onmicrosoft.com", "admin@northwind.onmicrosoft.com", "Northwind-Admin-1", "Global administrator", "Large tenant (100,000 users by default, 50 domains): paging"},
		{"wingtiptoys.onmicrosoft.com", "admin@wingtiptoys.onmicrosoft.com", "Wingtip-Admin-1", "Global administrator", "onboard's app not consented: password sign-in answers AADSTS65001, so the sign-in page is used"},
		{hostileInitial, hostileAdmin, hostilePassword, "Global administrator", "Names, users and domains full of terminal escapes, bidi overrides and 10 KB names: shown neutralised"},
	}
}
