package partnercenter_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"onboard/msapi"
)

// TestCreateGDAPDocumentedExample: the client sends what the page's example
// request carries (testdata/gdap/create-request.json, from
// tenantrelationship-post-delegatedadminrelationships) and decodes the
// page's example response (create-response.json, an empty activatedDateTime
// included).
func TestCreateGDAPDocumentedExample(t *testing.T) {
	want, err := os.ReadFile("testdata/gdap/create-request.json")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := os.ReadFile("testdata/gdap/create-response.json")
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeMS(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/graph/v1.0/tenantRelationships/delegatedAdminRelationships" {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(resp)
	})
	c := f.client()
	rel, err := c.CreateGDAPRelationship(context.Background(), msapi.GDAPRequest{
		DisplayName: "Contoso admin relationship", CustomerTenantID: "4b827261-d21f-4aa9-b7db-7fa1f56fb163",
		Duration: "P730D", RoleIDs: []string{"29232cdf-9323-42fd-ade2-1d097af3e4de", "3a2c62db-5318-420d-8d74-23affee5d9d5"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rel.ID != "5d027261-d21f-4aa9-b7db-7fa1f56fb163-8777b240-c6f0-4469-9e98-a3205431b836" || rel.Status != msapi.GDAPCreated ||
		rel.CustomerTenantID != "4b827261-d21f-4aa9-b7db-7fa1f56fb163" || len(rel.RoleIDs) != 2 || !rel.ActivatedAt.IsZero() ||
		!rel.EndAt.Equal(time.Date(2024, 2, 10, 11, 24, 42, 314826600, time.UTC)) {
		t.Fatalf("decoded %+v", rel)
	}
	var sent, doc map[string]any
	if err := json.Unmarshal([]byte(f.bodies[0]), &sent); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &doc); err != nil {
		t.Fatal(err)
	}
	// The page's optional fields onboard leaves to Microsoft's defaults.
	delete(doc, "autoExtendDuration")
	delete(doc["customer"].(map[string]any), "displayName")
	if a, b := mustJSON(t, sent), mustJSON(t, doc); a != b {
		t.Fatalf("sent  %s\nwant %s", a, b)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v) // maps marshal with sorted keys
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
