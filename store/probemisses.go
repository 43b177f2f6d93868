package store

import (
	"strings"
	"sync"
)

// probeMisses remembers, per tenant, the text of the last first-page search
// whose probe (probeRows users read in import order) matched too few users
// to fill the page, so that the search went to the index. Typing on
// narrows a search: a text that only adds to that one matches some of its
// users, so its probe would miss too, and it asks the index at once
// instead of reading probeRows users first (2 ms of a 10 ms keystroke at a
// million users). Only speed depends on it: both ways find the same page.
type probeMisses struct {
	mu   sync.Mutex
	last map[string]string // tenant id → text
}

// maxProbeMisses bounds the tenants remembered; past it all are forgotten.
const maxProbeMisses = 256

// skip reports whether text adds to the tenant's last missed search.
func (p *probeMisses) skip(tenantID, text string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	last, ok := p.last[tenantID]
	return ok && strings.HasPrefix(text, last)
}

// missed records that the probe of text found too few users.
func (p *probeMisses) missed(tenantID, text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last == nil || len(p.last) >= maxProbeMisses {
		p.last = map[string]string{}
	}
	p.last[tenantID] = text
}
