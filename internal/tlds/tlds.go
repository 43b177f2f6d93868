// Package tlds answers whether a name is a top-level domain, from the
// public suffix list golang.org/x/net keeps up to date. It is apart from
// flow because that package links net/http (it implements cookiejar's
// interface), which flow must not (msapi's TestPortLinksNoHTTP); the
// program hands Known to flow.TLDKnown.
package tlds

import "golang.org/x/net/publicsuffix"

// Known reports whether tld (lower case, ASCII: punycode for others) is a
// top-level domain in ICANN's section of the list.
func Known(tld string) bool {
	_, icann := publicsuffix.PublicSuffix(tld)
	return icann
}
