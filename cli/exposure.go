package cli

import (
	"net"
	"net/netip"
	"strings"
)

// exposureWarning returns a warning when addr makes the sandbox reachable
// from other machines: its demo passwords, fixed credentials and pages have
// no real security. "" for loopback addresses.
func exposureWarning(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return ""
	}
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil && ip.IsLoopback() {
		return ""
	}
	return "warning: the sandbox listens on " + addr + ", reachable from other machines; its demo passwords " +
		"and credentials are public. Use --addr 127.0.0.1:8099 unless that is what you want."
}
