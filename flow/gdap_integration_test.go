package flow_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"onboard/flow"
	"onboard/internal/testworld"
	"onboard/msapi"
	"onboard/msapi/sandbox"
)

// gdapWorld is the production wiring with a sandbox that refuses directory
// calls without GDAP, as Microsoft does, and a provider that requests it.
func gdapWorld(t *testing.T) *world {
	t.Helper()
	m := testworld.NewMicrosoft(t, sandbox.Options{PageSize: 5, NorthwindUsers: 10, EnforceGDAP: true})
	svc, db := m.Service(t, "")
	svc.GDAP = testworld.GDAPSettings()
	return &world{Microsoft: m, ms: m.MS, pay: m.Pay, db: db, svc: svc}
}

// TestImportWaitsForGDAP: processing stops before the import while the
// admin relationship awaits approval, says what to do with the link, and
// resumes after the customer's Global administrator approves it.
func TestImportWaitsForGDAP(t *testing.T) {
	w := gdapWorld(t)
	ctx := context.Background()
	o := w.signUp(t, answers("fabrikam.onmicrosoft.com", "admin@fabrikam.onmicrosoft.com", "m365-business-premium", 10), "Fabrikam-Admin-1")
	g, err := w.svc.GDAPStatus(ctx, o.ID)
	if err != nil || g.Status != flow.GDAPWaiting || g.Ready() || !strings.Contains(g.URL, "/granularAdminRelationships/") {
		t.Fatalf("GDAP after consent: %+v, %v", g, err)
	}
	if strings.Join(g.Roles, ", ") != "Directory Readers, License Administrator, User Administrator" {
		t.Errorf("roles asked for: %v", g.Roles)
	}
	again, err := w.svc.GDAPStatus(ctx, o.ID)
	if err != nil || again.URL != g.URL {
		t.Fatalf("asking again requested another relationship: %+v, %v", again, err)
	}
	_, err = w.svc.Process(ctx, o.ID, nil)
	if !errors.Is(err, flow.ErrGDAPPending) {
		t.Fatalf("process before approval: %v, want ErrGDAPPending", err)
	}
	failed, _ := w.svc.GetOrder(ctx, o.ID)
	if failed.Status != flow.StatusFailed || !strings.Contains(failed.FailReason, g.URL) || !strings.Contains(failed.FailReason, "approve") {
		t.Fatalf("order after process: %s %q", failed.Status, failed.FailReason)
	}
	if !strings.Contains(flow.Explain(err), "approval link") {
		t.Errorf("explanation: %q", flow.Explain(err))
	}
	if n, _ := w.db.CountUsers(ctx, failed.TenantID); n != 0 {
		t.Fatalf("%d users imported without GDAP", n)
	}
	if _, err := w.ApproveGDAP(ctx, w.svc, o.ID, "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Retry(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	res, err := w.svc.Process(ctx, o.ID, nil)
	if err != nil {
		t.Fatalf("process after approval: %v", err)
	}
	if res.UsersImported != 12 || len(res.Converted) != 1 {
		t.Fatalf("after approval: %d users, %d converted", res.UsersImported, len(res.Converted))
	}
}

// TestGDAPRenewedWhenEnded: a relationship that ended at Microsoft is
// replaced by a new request the administrator approves again.
func TestGDAPRenewedWhenEnded(t *testing.T) {
	w := gdapWorld(t)
	ctx := context.Background()
	o := w.signUp(t, answers("contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "m365-business-basic", 2), "Contoso-Admin-1")
	g, err := w.svc.GDAPStatus(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The customer's administrator approves, then the partner ends it.
	if err := w.ms.ApproveGDAP("contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "Contoso-Admin-1"); err != nil {
		t.Fatal(err)
	}
	if err := w.ms.TerminateGDAP("contoso.onmicrosoft.com"); err != nil {
		t.Fatal(err)
	}
	renewed, err := w.svc.GDAPStatus(ctx, o.ID)
	if err != nil || !renewed.Renewed || renewed.URL == g.URL || renewed.Status != flow.GDAPWaiting {
		t.Fatalf("after termination: %+v, %v", renewed, err)
	}
	if !strings.Contains(renewed.Explain(), "new one was requested") {
		t.Errorf("explanation: %q", renewed.Explain())
	}
}

// crashingStore loses the first SaveGDAP, as a crash between the create
// call and the save would.
type crashingStore struct {
	flow.Store
	crashed bool
}

func (c *crashingStore) SaveGDAP(ctx context.Context, rec flow.GDAPRecord) error {
	if !c.crashed {
		c.crashed = true
		return errors.New("crash before the relationship was recorded")
	}
	return c.Store.SaveGDAP(ctx, rec)
}

// countingMS counts the relationships created at Microsoft.
type countingMS struct {
	msapi.Microsoft
	creates int
}

func (c *countingMS) CreateGDAPRelationship(ctx context.Context, req msapi.GDAPRequest) (msapi.GDAPRelationship, error) {
	c.creates++
	return c.Microsoft.CreateGDAPRelationship(ctx, req)
}

// TestGDAPRequestSurvivesACrash: the relationship was created at Microsoft
// but not recorded; asking again finds it by its name instead of creating
// a second one, and the customer approves that one.
func TestGDAPRequestSurvivesACrash(t *testing.T) {
	w := gdapWorld(t)
	ctx := context.Background()
	o := w.signUp(t, answers("fabrikam.onmicrosoft.com", "admin@fabrikam.onmicrosoft.com", "m365-business-premium", 10), "Fabrikam-Admin-1")
	ms := &countingMS{Microsoft: w.svc.MS}
	w.svc.MS, w.svc.Store = ms, &crashingStore{Store: w.svc.Store}
	if _, err := w.svc.GDAPStatus(ctx, o.ID); err == nil {
		t.Fatal("the lost save was not reported")
	}
	g, err := w.svc.GDAPStatus(ctx, o.ID)
	if err != nil || g.Status != flow.GDAPWaiting {
		t.Fatalf("after the crash: %+v, %v", g, err)
	}
	if ms.creates != 1 {
		t.Fatalf("%d relationships created, want 1", ms.creates)
	}
	if _, err := w.ApproveGDAP(ctx, w.svc, o.ID, "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"); err != nil {
		t.Fatal(err)
	}
	trail, err := w.db.AuditTrail(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range trail {
		if strings.HasPrefix(ev.Action, "gdap.") {
			got = append(got, ev.Action)
		}
	}
	want := "gdap.requested gdap.link-shown gdap.approved gdap.assigned"
	if strings.Join(got, " ") != want {
		t.Fatalf("audit trail %v, want %s", got, want)
	}
}

// lockCrashingStore loses the save that records the relationship as sent
// for approval: the process died after Microsoft locked it.
type lockCrashingStore struct {
	flow.Store
	crashed bool
}

func (c *lockCrashingStore) SaveGDAP(ctx context.Context, rec flow.GDAPRecord) error {
	if !c.crashed && rec.Status == msapi.GDAPApprovalPending {
		c.crashed = true
		return errors.New("crash after the relationship was locked for approval")
	}
	return c.Store.SaveGDAP(ctx, rec)
}

// Found by the load test, which kills a server mid-way: the relationship
// was locked for approval at Microsoft but recorded as only created, and
// every later check locked it again, was refused, and the customer's
// screen said "Microsoft refused the request" until it gave up. The check
// now asks Microsoft where a created relationship stands.
func TestGDAPLockSurvivesACrash(t *testing.T) {
	w := gdapWorld(t)
	ctx := context.Background()
	o := w.signUp(t, answers("fabrikam.onmicrosoft.com", "admin@fabrikam.onmicrosoft.com", "m365-business-premium", 10), "Fabrikam-Admin-1")
	store := w.svc.Store
	w.svc.Store = &lockCrashingStore{Store: store}
	if _, err := w.svc.GDAPStatus(ctx, o.ID); err == nil {
		t.Fatal("the lost save was not reported")
	}
	w.svc.Store = store // the process starts again
	g, err := w.svc.GDAPStatus(ctx, o.ID)
	if err != nil || g.Status != flow.GDAPWaiting {
		t.Fatalf("after the crash: %+v, %v", g, err)
	}
	if _, err := w.ApproveGDAP(ctx, w.svc, o.ID, "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"); err != nil {
		t.Fatal(err)
	}
	if g, err := w.svc.GDAPStatus(ctx, o.ID); err != nil || g.Status != flow.GDAPApproved {
		t.Fatalf("after the approval: %+v, %v", g, err)
	}
}
