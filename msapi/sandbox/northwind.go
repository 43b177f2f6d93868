package sandbox

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// Northwind Traders is the large tenant. Its users are never materialised:
// user i is computed from i on demand (name, UPN, id, seeded licenses), so
// 100,000 users cost no memory and any page is served in O(page size).

const northwindInitial = "northwind.onmicrosoft.com"

var (
	nwFirst = []string{
		"Aaron", "Abigail", "Adam", "Aisha", "Alan", "Alice", "Amir", "Anna", "Ben", "Bianca",
		"Carla", "Chen", "Chloe", "Daniel", "Diana", "Dmitri", "Elena", "Ethan", "Fatima", "Felix",
		"Grace", "Hannah", "Hugo", "Ines", "Isaac", "Jack", "Jana", "Kenji", "Laura", "Leo",
		"Lina", "Marco", "Maria", "Mateo", "Nadia", "Noah", "Olga", "Omar", "Paula", "Priya",
		"Quinn", "Rosa", "Samuel", "Sofia", "Tariq", "Tomas", "Uma", "Victor", "Wen", "Zoe",
	}
	nwLast = []string{
		"Adams", "Baker", "Castro", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Ito", "Jensen",
		"Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka",
		"Usman", "Varga", "Weber", "Xu", "Yilmaz", "Zimmermann", "Alvarez", "Brown", "Cohen", "Diaz",
		"Evans", "Ferrari", "Gomez", "Horvat", "Ivanova", "Jovanovic", "Khan", "Lopez", "Meyer", "Novak",
		"Olsen", "Patel", "Reyes", "Silva", "Torres", "Ueda", "Vogel", "Wong", "Young", "Zhang",
	}
	nwCountries = []string{"US", "GB", "DE", "FR", "CA"}
)

func northwind(n int) *tenant {
	domains := []domain{{northwindInitial, false, true}, {"northwindtraders.com", true, true}}
	for i := len(domains); i < 50; i++ {
		domains = append(domains, domain{fmt.Sprintf("branch%02d.northwindtraders.com", i-1), false, i%7 != 0})
	}
	return &tenant{
		ID:      deriveID("tenant/northwind"),
		Name:    "Northwind Traders",
		Country: "US",
		Domains: domains,
		Dir:     &generatedDirectory{n: n},
	}
}

// generatedDirectory computes Northwind's users from their index.
type generatedDirectory struct{ n int }

func (d *generatedDirectory) count() int     { return d.n }
func (d *generatedDirectory) admins() []user { return []user{d.at(0)} }

func (d *generatedDirectory) at(i int) user {
	if i == 0 {
		return user{
			ID: nwID(0), UPN: "admin@" + northwindInitial, First: "Northwind", Last: "Administrator",
			UsageLocation: "US", Active: true, GlobalAdmin: true, Password: "Northwind-Admin-1",
		}
	}
	first := nwFirst[i%len(nwFirst)]
	last := nwLast[(i/len(nwFirst))%len(nwLast)]
	u := user{
		ID:            nwID(i),
		UPN:           strings.ToLower(fmt.Sprintf("%s.%s%d@%s", first, last, i, northwindInitial)),
		First:         first,
		Last:          last,
		UsageLocation: nwCountries[i%len(nwCountries)],
		Active:        i%97 != 96,
	}
	if nwLicensed(i) {
		u.Skus = []string{skuE3}
	}
	return u
}

// nwLicensed: four users in five hold Office 365 E3 from the other partner.
func nwLicensed(i int) bool { return i%5 != 0 }

func (d *generatedDirectory) seededConsumed(sku string) int {
	if !strings.EqualFold(sku, skuE3) {
		return 0
	}
	return d.n - (d.n+4)/5
}

// nwID is a UUID whose last four bytes are the user's index, so byID needs
// no table; the rest is a hash so ids look like any other.
func nwID(i int) string {
	h := sha1.Sum([]byte("northwind/user/" + strconv.Itoa(i)))
	var b uuid.UUID
	copy(b[:12], h[:12])
	binary.BigEndian.PutUint32(b[12:], uint32(i))
	b[6] = b[6]&0x0f | 0x50 // version 5
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return b.String()
}

func (d *generatedDirectory) byID(id string) (user, bool) {
	u, err := uuid.Parse(id)
	if err != nil {
		return user{}, false
	}
	i := int(binary.BigEndian.Uint32(u[12:]))
	if i >= d.n || nwID(i) != strings.ToLower(id) {
		return user{}, false
	}
	return d.at(i), true
}

func (d *generatedDirectory) byUPN(upn string) (user, bool) {
	local, dom, ok := strings.Cut(strings.ToLower(upn), "@")
	if !ok || dom != northwindInitial {
		return user{}, false
	}
	if local == "admin" {
		return d.at(0), true
	}
	digits := len(local)
	for digits > 0 && local[digits-1] >= '0' && local[digits-1] <= '9' {
		digits--
	}
	i, err := strconv.Atoi(local[digits:])
	if err != nil || i <= 0 || i >= d.n {
		return user{}, false
	}
	if u := d.at(i); strings.EqualFold(u.UPN, upn) {
		return u, true
	}
	return user{}, false
}
