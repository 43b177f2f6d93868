package sandbox

import (
	"fmt"
	"strconv"
)

// Generated tenants give load tests and many-terminal demos more customers
// than the three seeded ones: tenant i (1-based) is tenant<i>.onmicrosoft.com
// with a Global administrator and a handful of users, derived from i alone so
// a reset or a restart gives the same ids.

// generatedUsers is how many users each generated tenant has.
const generatedUsers = 8

// GeneratedTenant returns the initial domain of generated tenant i (1-based,
// see Options.ExtraTenants) and its Global administrator's sign-in.
func GeneratedTenant(i int) (domain, adminLogin, adminPassword string) {
	domain = "tenant" + strconv.Itoa(i) + ".onmicrosoft.com"
	return domain, "admin@" + domain, fmt.Sprintf("Tenant%d-Admin-1", i)
}

func generatedTenant(i int) *tenant {
	dom, _, password := GeneratedTenant(i)
	key := "tenant" + strconv.Itoa(i)
	names := make([][2]string, generatedUsers)
	names[0] = [2]string{"Admin", "Tenant" + strconv.Itoa(i)}
	for j := 1; j < generatedUsers; j++ {
		names[j] = [2]string{nwFirst[(i+j)%len(nwFirst)], nwLast[(i*j)%len(nwLast)]}
	}
	users := seededUsers(key, dom, "GB", names)
	for j := 1; j < generatedUsers; j++ {
		// Names repeat across users; the index keeps each UPN unique.
		users[j].UPN = fmt.Sprintf("user%d@%s", j, dom)
		users[j].ID = deriveID(key + "/user/" + strconv.Itoa(j))
	}
	users[0].GlobalAdmin, users[0].Password = true, password
	return &tenant{
		ID:      deriveID("tenant/" + key),
		Name:    fmt.Sprintf("Generated Tenant %d", i),
		Country: "GB",
		Domains: []domain{{dom, true, true}},
		Dir:     newListDirectory(users),
	}
}

// addGenerated adds n generated tenants to the seeded part of the catalog,
// so Reset and a reload keep them like the demo tenants.
func (c *catalog) addGenerated(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	created := append([]*tenant(nil), c.tenants[c.seeded:]...)
	c.tenants = c.tenants[:c.seeded]
	for i := 1; i <= n; i++ {
		t := generatedTenant(i)
		c.tenants = append(c.tenants, t)
		c.byID[t.ID] = t
	}
	c.seeded = len(c.tenants)
	c.tenants = append(c.tenants, created...)
}
