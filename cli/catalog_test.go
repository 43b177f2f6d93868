package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/flow"
)

// onboard catalog sync against the embedded sandbox's Partner Center: the
// embedded catalog is current; a stale catalog file is refreshed (products,
// SKUs, availabilities), each change listed, the result written to --out
// in the embedded catalog's shape.
func TestCatalogSyncCommand(t *testing.T) {
	db := isolate(t)
	t.Setenv("ONBOARD_CATALOG", "")
	out, errOut, code := run(t, "catalog", "sync", "--country", "US", "--db", db)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "Every offer is current.") {
		t.Errorf("stderr: %s", errOut)
	}
	cat, err := flow.LoadCatalog(strings.NewReader(out))
	if err != nil {
		t.Fatalf("the output does not load as a catalog: %v\n%s", err, out)
	}
	if want := flow.DefaultCatalog(); len(cat.Offers) != len(want.Offers) || cat.Offers[0].MicrosoftOfferID != want.Offers[0].MicrosoftOfferID {
		t.Errorf("synced default: %+v", cat.Offers)
	}

	// A stale catalog: the provider's file with an old availability and name.
	stale := flow.DefaultCatalog()
	stale.Offers[1].CatalogItem.AvailabilityID = "OLDAVAIL0001"
	stale.Offers[1].Name = "Business Standard (old name)"
	b, err := stale.JSON()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in, outFile := filepath.Join(dir, "catalog.json"), filepath.Join(dir, "synced.json")
	if err := os.WriteFile(in, b, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ONBOARD_CATALOG", in)
	out, errOut, code = run(t, "catalog", "sync", "--country", "de", "--out", outFile, "--db", db)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		`m365-business-standard: catalog item "CFQ7TTC0LDPB:0001:OLDAVAIL0001" → "CFQ7TTC0LDPB:0001:SANDBOXAV002"`,
		`m365-business-standard: name "Business Standard (old name)" → "Microsoft 365 Business Standard"`,
		"Wrote " + outFile,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if out != "" {
		t.Errorf("stdout with --out: %q", out)
	}
	written, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	synced, err := flow.LoadCatalog(bytes.NewReader(written))
	if err != nil || synced.Offers[1].MicrosoftOfferID != "CFQ7TTC0LDPB:0001:SANDBOXAV002" || synced.Offers[1].Name != "Microsoft 365 Business Standard" {
		t.Fatalf("written catalog: %+v, %v", synced.Offers[1], err)
	}
	// The embedded catalog's shape: the same top-level and offer members.
	var got, want map[string]any
	if json.Unmarshal(written, &got) != nil || json.Unmarshal(b, &want) != nil || len(got) != len(want) {
		t.Errorf("shape: %v vs %v", keys(got), keys(want))
	}

	if _, errOut, code := run(t, "catalog", "sync", "--db", db); code == ExitOK || !strings.Contains(errOut, "--country") {
		t.Errorf("without --country: exit %d, %s", code, errOut)
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
