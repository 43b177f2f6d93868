package flow_test

import (
	"bytes"
	"context"
	"errors"
	"onboard/internal/testworld"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"onboard/flow"
	"onboard/msapi"
	"onboard/msapi/partnercenter"
	"onboard/msapi/sandbox"
	paysandbox "onboard/payment/sandbox"
	"onboard/store"
)

// world is the production wiring on loopback (internal/testworld) with
// small pages and fast retries, so paging and faults are exercised quickly.
type world struct {
	*testworld.Microsoft
	ms     *sandbox.Sandbox
	pay    *paysandbox.Server
	cli    *partnercenter.Client
	db     *store.DB
	dbPath string
	svc    *flow.Service
}

func newWorld(t *testing.T, policy flow.Policy) *world {
	t.Helper()
	m := testworld.NewMicrosoft(t, sandbox.Options{PageSize: 5, NorthwindUsers: 10})
	dbPath := filepath.Join(t.TempDir(), "onboard.db")
	svc, db := m.Service(t, dbPath)
	cli := m.Client(t, func(c *partnercenter.Config) { c.PageSize, c.BaseBackoff, c.MaxBackoff, c.MaxAttempts = 4, 1, 1, 8 })
	svc.MS, svc.Policy = cli, policy
	return &world{Microsoft: m, ms: m.MS, pay: m.Pay, cli: cli, db: db, dbPath: dbPath, svc: svc}
}

var answers = testworld.Answers

// signUp runs the self-service flow up to a paid order, checking that
// consent is seen only after the invitation was accepted.
func (w *world) signUp(t *testing.T, a flow.Answers, password string) flow.Order {
	t.Helper()
	ctx := context.Background()
	if ok, err := w.svc.InvitationAccepted(ctx, a.Domain); err != nil || ok {
		t.Fatalf("consent before the invitation was accepted: ok=%v err=%v", ok, err)
	}
	o, err := w.SignUp(ctx, w.svc, a, password)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != flow.StatusPaid {
		t.Fatalf("after payment: %s", o.Status)
	}
	return o
}

func TestTrialConvertedWithAssignmentsKept(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	o := w.signUp(t, answers("fabrikam.onmicrosoft.com", "admin@fabrikam.onmicrosoft.com", "m365-business-premium", 10), "Fabrikam-Admin-1")
	res, err := w.svc.Process(ctx, o.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Converted) != 1 || len(res.Bought) != 0 || res.AssignmentsKept != 8 {
		t.Fatalf("result: converted %d bought %d kept %d", len(res.Converted), len(res.Bought), res.AssignmentsKept)
	}
	if !strings.Contains(res.Summary(), "8 users keep their licenses") {
		t.Errorf("summary: %q", res.Summary())
	}
	subs, err := w.cli.Subscriptions(ctx, res.Order.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 1 || subs[0].IsTrial || subs[0].ID != res.Converted[0].SubscriptionID || subs[0].Quantity != 10 {
		t.Fatalf("subscriptions after conversion: %+v", subs)
	}
	users, err := w.db.ListUsers(ctx, res.Order.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	licensed := 0
	for _, u := range users {
		licensed += len(u.SkuIDs)
	}
	if len(users) != 12 || licensed != 8 {
		t.Fatalf("imported %d users with %d licenses, want 12 and 8", len(users), licensed)
	}
	if n, _ := w.db.CountDomains(ctx, res.Order.TenantID); n != 2 {
		t.Fatalf("domains: %d", n)
	}
}

func TestOtherProviderLeftAloneNewSubscriptionBought(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	o := w.signUp(t, answers("contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "m365-business-premium", 5), "Contoso-Admin-1")
	res, err := w.svc.Process(ctx, o.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Bought) != 1 || len(res.Converted) != 0 {
		t.Fatalf("result: %+v", res)
	}
	users, err := w.db.ListUsers(ctx, res.Order.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if len(u.SkuIDs) != 0 {
			t.Fatalf("a license bought elsewhere was imported: %+v", u)
		}
	}
	if len(users) != 25 {
		t.Fatalf("users: %d", len(users))
	}
	skus, err := w.cli.SubscribedSKUs(ctx, res.Order.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	e3 := 0
	for _, s := range skus {
		if s.SkuPartNumber == "ENTERPRISEPACK" {
			e3 = s.ConsumedUnits
		}
	}
	if e3 != 20 {
		t.Fatalf("the other provider's E3 assignments changed: %d consumed", e3)
	}
	// Then the customer assigns the new licenses to two users.
	line := res.Bought[0]
	if err := w.svc.AssignLicenses(ctx, o.ID, line.SkuID, []string{users[0].ID, users[1].ID}); err != nil {
		t.Fatal(err)
	}
	lic, err := w.cli.UserLicenses(ctx, res.Order.TenantID, users[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range lic {
		found = found || strings.EqualFold(l.SkuID, line.SkuID)
	}
	if !found {
		t.Fatalf("license not assigned at Microsoft: %+v", lic)
	}
}

// TestResumesUnderFaultsWithoutDuplicates processes through a Microsoft that
// throttles and fails often: whatever fails is retried and resumed, and the
// tenant ends with one subscription and every user once.
func TestResumesUnderFaultsWithoutDuplicates(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	o := w.signUp(t, answers("contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "o365-e3", 3), "Contoso-Admin-1")
	w.ms.SetFaults(sandbox.Faults{ThrottleRate: 0.3, ErrorRate: 0.3, Seed: 7})
	var res flow.Result
	var err error
	for attempt := 0; attempt < 50; attempt++ {
		res, err = w.svc.Process(ctx, o.ID, nil)
		if err == nil {
			break
		}
		cur, gerr := w.db.GetOrder(ctx, o.ID)
		if gerr != nil {
			t.Fatal(gerr)
		}
		if cur.Status == flow.StatusFailed {
			if _, err := w.svc.Retry(ctx, o.ID); err != nil {
				t.Fatalf("retry: %v", err)
			}
		}
	}
	if err != nil {
		t.Fatalf("never completed: %v", err)
	}
	w.ms.SetFaults(sandbox.Faults{})
	subs, err := w.cli.Subscriptions(ctx, res.Order.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 1 {
		t.Fatalf("subscriptions: %d, want 1: %+v", len(subs), subs)
	}
	if n, _ := w.db.CountUsers(ctx, res.Order.TenantID); n != 25 {
		t.Fatalf("users stored: %d", n)
	}
	if n, _ := w.db.CountDomains(ctx, res.Order.TenantID); n != 3 {
		t.Fatalf("domains stored: %d", n)
	}
}

// TestNewAccountAgainstSandbox is the new-account path through the real
// client, the sandbox and SQLite: a taken name gets suggestions, the tenant
// is created once, the agreement is recorded before the purchase, and the
// first administrator's password is never written to the database.
func TestNewAccountAgainstSandbox(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	ok, sugg, err := w.svc.CheckSubdomain(ctx, "contoso")
	if err != nil || ok || len(sugg) != flow.MaxSuggestions || sugg[0] != "contoso2.onmicrosoft.com" {
		t.Fatalf("contoso: available %v, suggestions %v, %v", ok, sugg, err)
	}
	if ok, _, err := w.svc.CheckSubdomain(ctx, "tailspin"); err != nil || !ok {
		t.Fatalf("tailspin: %v %v", ok, err)
	}
	a := answers("tailspin", "", "m365-business-basic", 3)
	a.Account = flow.AccountNew
	o, err := w.svc.CreateOrder(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	created, err := w.svc.CreateMicrosoftAccount(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Microsoft answers userName "admin" (create-a-customer): the login shown is the full one.
	if created.Domain != "tailspin.onmicrosoft.com" || created.AdminPassword == "" || created.AdminUserName != "admin@tailspin.onmicrosoft.com" {
		t.Fatalf("created %+v", created)
	}
	// The password shown once really signs the administrator in.
	if admin, err := w.svc.VerifyAdmin(ctx, created.AdminUserName, created.AdminPassword); err != nil || admin.TenantID != created.TenantID {
		t.Fatalf("verify new administrator: %+v %v", admin, err)
	}
	if ok, _, _ := w.svc.CheckSubdomain(ctx, "tailspin"); ok {
		t.Fatal("the new tenant's domain is still available")
	}
	again, err := w.svc.CreateMicrosoftAccount(ctx, o.ID)
	if err != nil || again.TenantID != created.TenantID || again.AdminPassword != "" {
		t.Fatalf("repeat %+v %v", again, err)
	}
	if w.ms.AgreementAccepted(created.TenantID) {
		t.Fatal("the agreement reached Microsoft before processing")
	}
	sess, err := w.svc.StartPayment(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.pay.Pay(sess.ID, "4242424242424242"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.svc.CheckPayment(ctx, o.ID, sess.ID); err != nil {
		t.Fatal(err)
	}
	res, err := w.svc.Process(ctx, o.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.NewAccount || len(res.Bought) != 1 || res.UsersImported != 0 || res.Order.Status != flow.StatusCompleted {
		t.Fatalf("result %+v", res)
	}
	if !w.ms.AgreementAccepted(created.TenantID) {
		t.Fatal("the agreement was not recorded with Microsoft")
	}
	subs, err := w.cli.Subscriptions(ctx, created.TenantID)
	if err != nil || len(subs) != 1 || subs[0].Quantity != 3 {
		t.Fatalf("subscriptions %+v %v", subs, err)
	}
	trail, err := w.db.AuditTrail(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, ev := range trail {
		actions[ev.Action]++
	}
	if actions[flow.ActionAgreementAttested] != 1 || actions[flow.ActionAgreementAccepted] != 1 || actions["account.created"] != 1 {
		t.Fatalf("audit actions %v", actions)
	}
	if err := w.db.Close(); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(w.dbPath)
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte(created.AdminPassword)) {
			t.Fatalf("the administrator's password is in %s", f)
		}
	}
}

// TestExistingAccountNeedsAgreementAgainstSandbox: the sandbox refuses a
// purchase for a seeded tenant until the pipeline records the agreement.
func TestExistingAccountNeedsAgreementAgainstSandbox(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	o := w.signUp(t, answers("contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "m365-business-basic", 2), "Contoso-Admin-1")
	if _, err := w.cli.PlaceOrder(ctx, o.TenantID, msapi.OrderRequest{RequestID: "direct",
		Lines: []msapi.OrderLine{{OfferID: "CFQ7TTC0LH18:0001:CFQ7TTC0K971", Quantity: 1}}}); !errors.Is(err, msapi.ErrAgreementMissing) {
		t.Fatalf("purchase before the agreement: %v", err)
	}
	if _, err := w.svc.Process(ctx, o.ID, nil); err != nil {
		t.Fatal(err)
	}
	if ok, err := w.cli.HasAgreement(ctx, o.TenantID); err != nil || !ok {
		t.Fatalf("agreement after processing: %v %v", ok, err)
	}
}

// TestPreviewBeforePayment: once the invitation is accepted, review can say
// which line converts a trial and how many of its users a smaller seat count
// would leave without a license.
func TestPreviewBeforePayment(t *testing.T) {
	w := newWorld(t, flow.PolicyPayFirst)
	ctx := context.Background()
	fab := answers("fabrikam.onmicrosoft.com", "admin@fabrikam.onmicrosoft.com", "m365-business-premium", 5)
	o, err := w.Consent(ctx, w.svc, fab, "Fabrikam-Admin-1")
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.svc.Preview(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 1 || !p[0].ConvertsTrial || p[0].TrialUsers != 8 || p[0].Short() != 3 {
		t.Fatalf("fabrikam preview: %+v", p)
	}
	con := answers("contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "o365-e3", 5)
	o, err = w.Consent(ctx, w.svc, con, "Contoso-Admin-1")
	if err != nil {
		t.Fatal(err)
	}
	if p, err = w.svc.Preview(ctx, o.ID); err != nil || len(p) != 1 || p[0].ConvertsTrial || p[0].Short() != 0 {
		t.Fatalf("contoso preview: %+v %v", p, err)
	}
	draft, err := w.svc.CreateOrder(ctx, answers("northwind.onmicrosoft.com", "admin@northwind.onmicrosoft.com", "o365-e3", 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Preview(ctx, draft.ID); !errors.Is(err, flow.ErrNotReady) {
		t.Fatalf("preview before consent: %v", err)
	}
}
