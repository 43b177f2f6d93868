package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"onboard/msapi/partnercenter/wire"
)

// Initial domain rules: letters and digits only, at most 27 of them.
const (
	initialSuffix     = ".onmicrosoft.com"
	maxInitialPrefix  = 27
	adminLocalPart    = "admin"
	passwordAlphabet  = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
	generatedPassword = 16
)

// createdTenant is a tenant created through POST /v1/customers, as state
// persists it: the administrator's password only as a salted hash.
type createdTenant struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	Country   string       `json:"country"`
	Domain    string       `json:"domain"`
	Email     string       `json:"email"`
	Admin     createdAdmin `json:"admin"`
	CreatedAt time.Time    `json:"createdAt"`
}

type createdAdmin struct {
	ID           string `json:"id"`
	UPN          string `json:"upn"`
	First        string `json:"first"`
	Last         string `json:"last"`
	PasswordHash string `json:"passwordHash"`
}

// tenant builds the catalog tenant: one initial domain, one Global administrator.
func (c createdTenant) tenant() *tenant {
	admin := user{ID: c.Admin.ID, UPN: c.Admin.UPN, First: c.Admin.First, Last: c.Admin.Last,
		UsageLocation: c.Country, Active: true, GlobalAdmin: true, PasswordHash: c.Admin.PasswordHash}
	return &tenant{ID: c.ID, Name: c.Name, Country: c.Country,
		Domains: []domain{{Name: c.Domain, Default: true, Verified: true}},
		Dir:     newListDirectory([]user{admin})}
}

func (st *state) createdTenants() []*tenant {
	out := make([]*tenant, len(st.Created))
	for i, c := range st.Created {
		out[i] = c.tenant()
	}
	return out
}

// postCustomer is POST /v1/customers ("Create a customer"): a new tenant
// with the initial domain companyProfile.domain (the full
// name.onmicrosoft.com, as the page's request shows), one Global
// administrator with a generated password (returned once, in
// userCredentials, whose userName is the bare "admin" as in the page's
// example answer), and a reseller relationship with this partner. A taken
// domain is 409 (see wire.CodeDomainTaken). Repeating an MS-RequestId returns the same customer without
// the password, which the sandbox no longer knows.
func (s *Sandbox) postCustomer(w http.ResponseWriter, r *http.Request, _ token) {
	var body wire.Customer
	if err := decodeBody(r, &body); err != nil {
		writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, "The request body is not a valid customer.")
		return
	}
	prefix, msg := initialPrefix(body.CompanyProfile.Domain)
	if msg == "" {
		msg = validateBillingProfile(body.BillingProfile)
	}
	if msg != "" {
		writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, msg)
		return
	}
	reqID := r.Header.Get(wire.HeaderRequestID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.st.CustomerRequests[reqID]; ok && reqID != "" {
		if t, ok := s.catalog.get(id); ok {
			writeJSON(w, http.StatusCreated, customerJSON(t))
			return
		}
	}
	if s.catalog.domainTaken(prefix + initialSuffix) {
		writePCError(w, http.StatusConflict, wire.CodeDomainTaken, "The domain "+prefix+initialSuffix+" is already in use. Choose another domain prefix.")
		return
	}
	created, password := s.st.newTenant(prefix, body.BillingProfile, s.now().UTC())
	if reqID != "" {
		s.st.CustomerRequests[reqID] = created.ID
	}
	if err := s.saveLocked(); err != nil {
		s.st.dropTenant(created.ID, reqID)
		writePCError(w, http.StatusInternalServerError, wire.CodeServiceError, "The customer could not be saved.")
		return
	}
	t := created.tenant()
	s.catalog.add(t)
	out := customerJSON(t)
	out.UserCredentials = &wire.UserCredentials{UserName: adminLocalPart, Password: password}
	writeJSON(w, http.StatusCreated, out)
}

// initialPrefix applies Microsoft's initial domain rules; msg says what is wrong.
// Assumption: a bare prefix (no .onmicrosoft.com) is refused as invalid
// input; the page documents only the full domain.
func initialPrefix(domain string) (prefix, msg string) {
	domain = strings.ToLower(strings.TrimSpace(domain))
	prefix = strings.TrimSuffix(domain, initialSuffix)
	switch {
	case prefix == "":
		return "", "companyProfile.domain is required."
	case prefix == domain:
		return "", "companyProfile.domain must be the full initial domain, name" + initialSuffix + "."
	case len(prefix) > maxInitialPrefix:
		return "", "The domain prefix must be at most 27 characters."
	case strings.IndexFunc(prefix, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) >= 0:
		return "", "The domain prefix may contain only letters and digits."
	}
	return prefix, ""
}

func validateBillingProfile(b *wire.BillingProfile) string {
	if b == nil || b.DefaultAddress == nil {
		return "billingProfile with a defaultAddress is required."
	}
	a := b.DefaultAddress
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"billingProfile.email", b.Email}, {"billingProfile.companyName", b.CompanyName},
		{"billingProfile.culture", b.Culture}, {"billingProfile.language", b.Language},
		{"defaultAddress.country", a.Country}, {"defaultAddress.city", a.City},
		{"defaultAddress.addressLine1", a.AddressLine1}, {"defaultAddress.firstName", a.FirstName},
		{"defaultAddress.lastName", a.LastName},
	} {
		if strings.TrimSpace(f.value) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return "Required fields are missing: " + strings.Join(missing, ", ") + "."
	}
	if len(a.Country) != 2 {
		return "defaultAddress.country must be a two-letter ISO country code."
	}
	return ""
}

// newTenant records a created tenant with its reseller relationship and
// returns it with the administrator's generated password.
func (st *state) newTenant(prefix string, b *wire.BillingProfile, now time.Time) (createdTenant, string) {
	id := st.nextID("tenant/created/" + prefix)
	dom := prefix + initialSuffix
	password := generatePassword()
	c := createdTenant{
		ID: id, Name: strings.TrimSpace(b.CompanyName), Country: strings.ToUpper(b.DefaultAddress.Country),
		Domain: dom, Email: b.Email, CreatedAt: now,
		Admin: createdAdmin{ID: deriveID(id + "/user/" + adminLocalPart), UPN: adminLocalPart + "@" + dom,
			First: b.DefaultAddress.FirstName, Last: b.DefaultAddress.LastName, PasswordHash: hashPassword(password)},
	}
	st.Created = append(st.Created, c)
	st.Relationships[id] = relationship{AcceptedBy: "partner:" + PartnerTenantID, AcceptedAt: now}
	return c, password
}

// dropTenant undoes newTenant when the state could not be saved.
func (st *state) dropTenant(id, reqID string) {
	for i, c := range st.Created {
		if c.ID == id {
			st.Created = append(st.Created[:i], st.Created[i+1:]...)
			break
		}
	}
	delete(st.Relationships, id)
	delete(st.CustomerRequests, reqID)
}

// generatePassword makes a 16-character password with upper and lower case
// letters and digits, as Microsoft's generated first passwords have.
func generatePassword() string {
	b := make([]byte, generatedPassword)
	limit := byte(256 / len(passwordAlphabet) * len(passwordAlphabet))
	var buf [32]byte
	for i := 0; i < len(b); {
		_, _ = rand.Read(buf[:]) // crypto/rand.Read never fails
		for _, x := range buf {
			if x < limit && i < len(b) {
				b[i] = passwordAlphabet[int(x)%len(passwordAlphabet)]
				i++
			}
		}
	}
	// Fixed classes at fixed places guarantee the complexity rules.
	b[0] = passwordAlphabet[int(b[0])%24]    // an upper-case letter
	b[1] = passwordAlphabet[24+int(b[1])%24] // a lower-case letter
	b[2] = passwordAlphabet[48+int(b[2])%8]  // a digit
	return string(b)
}

// hashPassword is "salt$sha256(salt+password)" in hex; enough for a
// sandbox, which must simply never hold the password itself.
func hashPassword(password string) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	sum := sha256.Sum256(append(salt, password...))
	return hex.EncodeToString(salt) + "$" + hex.EncodeToString(sum[:])
}

func checkPasswordHash(stored, password string) bool {
	saltHex, sumHex, ok := strings.Cut(stored, "$")
	salt, err1 := hex.DecodeString(saltHex)
	want, err2 := hex.DecodeString(sumHex)
	if !ok || err1 != nil || err2 != nil {
		return false
	}
	got := sha256.Sum256(append(salt, password...))
	return subtle.ConstantTimeCompare(got[:], want) == 1
}

// AgreementAccepted reports whether tenantID accepted the Microsoft Customer
// Agreement (for tests and the demo panel).
func (s *Sandbox) AgreementAccepted(tenantID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.hasAgreement(strings.ToLower(tenantID))
}
