package msapi_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPortLinksNoHTTP keeps the split of issue 13: the port (msapi) and what
// is built on it (the flow, the store, the front ends) link neither net/http
// nor OAuth; only msapi/partnercenter and the composition root (cli) do.
func TestPortLinksNoHTTP(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH to list dependencies")
	}
	forbidden := []string{"net/http", "golang.org/x/oauth2", "onboard/msapi/partnercenter"}
	for _, pkg := range []string{"onboard/msapi", "onboard/flow", "onboard/store", "onboard/ui/..."} {
		out, err := exec.Command(goTool, "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") {
					t.Errorf("%s links %s", pkg, dep)
				}
			}
		}
	}
}
