package partnercenter

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every documented code in the table has its documented body under
// testdata/errors (named api-status-code.json), and every body there is in
// the table: TestDocumentedErrorBodies (errors_test.go) decodes each one.
func TestEveryTableCodeHasItsDocumentedBody(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "errors", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		parts := strings.SplitN(strings.TrimSuffix(filepath.Base(f), ".json"), "-", 3)
		if len(parts) != 3 {
			t.Fatalf("%s: want api-status-code.json", f)
		}
		seen[parts[2]] = true
		if _, ok := knownCodes[parts[2]]; !ok {
			t.Errorf("%s: code %s is not in the table", f, parts[2])
		}
	}
	for code, c := range knownCodes {
		if !seen[code] {
			t.Errorf("code %s has no documented body under testdata/errors", code)
		}
		if c.err == nil {
			t.Errorf("code %s has no sentinel", code)
		}
	}
	if _, err := os.Stat(filepath.Join("testdata", "errors")); err != nil {
		t.Fatal(err)
	}
}
