package cli

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"

	"onboard/config"
)

// exposureWarning returns a warning when addr makes the sandbox reachable
// from other machines: its demo passwords, fixed credentials and pages have
// no real security. "" for loopback addresses. fix is the setting that
// puts it back on loopback.
func exposureWarning(addr, fix string) string {
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
		"and credentials are public. Use " + fix + " unless that is what you want."
}

// warnInProcessExposure prints the exposure warning when this run starts
// the in-process sandbox (a sandbox Microsoft, or no payment_url) on an
// address other machines reach: `--sandbox-addr 0.0.0.0:…` says what
// `onboard sandbox --addr 0.0.0.0:…` says.
func warnInProcessExposure(w io.Writer, cfg *config.Config) {
	if cfg.Get("microsoft") != "sandbox" && cfg.Get("payment_url") != "" {
		return
	}
	if msg := exposureWarning(cfg.Get("sandbox_addr"), "--sandbox-addr 127.0.0.1:0 (sandbox_addr in the config)"); msg != "" {
		fmt.Fprintln(w, msg)
	}
}
