package cli

import (
	"runtime/debug"
	"strings"
)

// buildVersion is what `onboard --version` prints: the version set at
// link time (-X main.version=…), else the module version Go stamped into
// the build (`go install onboard@v1.2.0` → v1.2.0) and the VCS revision
// (`go build` in a checkout), so a bug report names the code it ran.
func buildVersion(linked string, read func() (*debug.BuildInfo, bool)) string {
	if linked != "" && linked != "dev" {
		return linked
	}
	info, ok := read()
	if !ok {
		return "dev"
	}
	version := info.Main.Version
	if version == "" || version == "(devel)" {
		version = "dev"
	}
	var rev string
	var modified bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	// A pseudo-version (v0.0.0-20261126101500-4c23f45a1b2c) names the
	// revision already; a tag or "dev" gets it added.
	if rev != "" && !strings.Contains(version, rev[:min(12, len(rev))]) {
		r := rev[:min(12, len(rev))]
		if modified {
			r += ", modified"
		}
		version += " (" + r + ")"
	}
	return version
}
