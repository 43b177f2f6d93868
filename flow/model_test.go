package flow_test

// The model-based test of issue 11: rapid drives random sequences of what
// customers, agents and kiosks do (and crashes between any two store writes
// or Microsoft calls) against the real flow.Service, the sandbox Microsoft,
// the sandbox payments and SQLite, and after every action checks the
// invariants against the sandboxes' own records. docs/testing.md says how
// to run it long.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"onboard/flow"
	"onboard/internal/testworld"
	"onboard/msapi/partnercenter"
	"onboard/msapi/sandbox"
	paysandbox "onboard/payment/sandbox"
	"onboard/store"
)

// modelChecks is the number of sequences a plain go test runs; an explicit
// -rapid.checks wins. The race detector makes each run about ten times
// slower, so model_race_test.go lowers it there.
var modelChecks = 25

// modelSteps is the average length of a sequence: long enough to get from
// a sign-up through payment to a completed order and past it.
const modelSteps = 60

// Sandbox accounts the actions use (msapi/sandbox DemoAccounts).
type modelAccount struct{ domain, admin, password string }

var (
	modelContoso   = modelAccount{"contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", "Contoso-Admin-1"}
	modelFabrikam  = modelAccount{"fabrikam.onmicrosoft.com", "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1"}
	modelNorthwind = modelAccount{"northwind.onmicrosoft.com", "admin@northwind.onmicrosoft.com", "Northwind-Admin-1"}
	modelExisting  = []modelAccount{modelFabrikam, modelContoso}
	// Sign-ins that must not pass as the administrator.
	modelNotGlobal = map[string][2]string{
		modelContoso.domain:  {"megan@contoso.onmicrosoft.com", "Contoso-User-1"},
		modelFabrikam.domain: {"alex@fabrikam.onmicrosoft.com", "Fabrikam-User-1"},
	}
	modelMFAAdmin = [2]string{"mfa.admin@contoso.com", "Contoso-Mfa-1"}
)

const (
	modelCardPaid     = testworld.TestCard
	modelCardDeclined = "4000000000000002"
)

var (
	modelAgent = flow.Actor{Kind: flow.ActorAgent, Name: "Sam"}
	modelKiosk = flow.Actor{Kind: flow.ActorKiosk, Name: "Lobby kiosk"}
	// serviceActor is the Service's default: an event recorded with it was
	// recorded without asking who acted.
	modelServiceActor = flow.Actor{Kind: flow.ActorCustomer, Name: "service-default"}
)

func TestModel(t *testing.T) {
	modelDefault(t, "rapid.checks", "RAPID_CHECKS", modelChecks)
	modelDefault(t, "rapid.steps", "RAPID_STEPS", modelSteps)
	rapid.Check(t, func(rt *rapid.T) {
		w := newModelWorld(rt)
		defer w.close()
		rt.Repeat(w.actions())
	})
}

// modelDefault sets rapid's flag name to v for this test unless the command
// line or the environment (env) set it.
func modelDefault(t *testing.T, name, env string, v int) {
	f := flag.Lookup(name)
	if f == nil || modelFlagSet(name) || os.Getenv(env) != "" {
		return
	}
	old := f.Value.String()
	if err := f.Value.Set(strconv.Itoa(v)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Value.Set(old) })
}

func modelFlagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// errModelCrashed is what a call gets once the simulated process died.
var errModelCrashed = errors.New("model: process crashed")

// modelCrasher kills the simulated process at the Nth store write or HTTP call
// (before it, or after it with the answer lost): the action's context is
// cancelled and every later call fails, until the world restarts.
type modelCrasher struct {
	mu        sync.Mutex
	countdown int  // calls left before the crash; 0 = not armed
	after     bool // the Nth call happens, then the process dies
	crashed   bool
	cancel    context.CancelFunc
}

// before is called before a write or call; it says whether to go on.
func (c *modelCrasher) before() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.crashed {
		return errModelCrashed
	}
	if c.countdown == 0 {
		return nil
	}
	c.countdown--
	if c.countdown == 0 && !c.after {
		c.dieLocked()
		return errModelCrashed
	}
	return nil
}

// afterCall is called after a write or call that went through.
func (c *modelCrasher) afterCall() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.countdown == 0 && c.after && !c.crashed {
		c.after = false
		c.dieLocked()
		return errModelCrashed
	}
	return nil
}

func (c *modelCrasher) dieLocked() {
	c.crashed = true
	if c.cancel != nil {
		c.cancel()
	}
}

func (c *modelCrasher) arm(n int, after bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.countdown, c.after = n, after
}

func (c *modelCrasher) hasCrashed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.crashed
}

func (c *modelCrasher) setCancel(cancel context.CancelFunc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cancel = cancel
}

// modelTransport is the process's network: Microsoft and the gateway.
type modelTransport struct {
	c    *modelCrasher
	next http.RoundTripper
}

func (t modelTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := t.c.before(); err != nil {
		return nil, err
	}
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	if cerr := t.c.afterCall(); cerr != nil {
		resp.Body.Close()
		return nil, cerr // Microsoft acted; the answer never arrived
	}
	return resp, nil
}

// modelStore is the process's SQLite handle; its writes are crash points.
type modelStore struct {
	flow.Store
	c *modelCrasher
}

func (s modelStore) write(f func() error) error {
	if err := s.c.before(); err != nil {
		return err
	}
	if err := f(); err != nil {
		return err
	}
	return s.c.afterCall()
}

func (s modelStore) CreateCustomer(ctx context.Context, c *flow.Customer) error {
	return s.write(func() error { return s.Store.CreateCustomer(ctx, c) })
}

func (s modelStore) LinkTenant(ctx context.Context, customerID, tenantID, domain string) error {
	return s.write(func() error { return s.Store.LinkTenant(ctx, customerID, tenantID, domain) })
}

func (s modelStore) CreateOrder(ctx context.Context, o *flow.Order, ev flow.AuditEvent) error {
	return s.write(func() error { return s.Store.CreateOrder(ctx, o, ev) })
}

func (s modelStore) TransitionOrder(ctx context.Context, id string, from, to flow.OrderStatus, reason string, ev flow.AuditEvent) error {
	return s.write(func() error { return s.Store.TransitionOrder(ctx, id, from, to, reason, ev) })
}

func (s modelStore) UpdateOrderTenant(ctx context.Context, id, tenantID, domain, adminUPN string) error {
	return s.write(func() error { return s.Store.UpdateOrderTenant(ctx, id, tenantID, domain, adminUPN) })
}

func (s modelStore) SetApproved(ctx context.Context, id string, ev flow.AuditEvent) error {
	return s.write(func() error { return s.Store.SetApproved(ctx, id, ev) })
}

func (s modelStore) ReplaceOrderLines(ctx context.Context, id string, from flow.OrderStatus, lines []flow.OrderLine, ev flow.AuditEvent) error {
	return s.write(func() error { return s.Store.ReplaceOrderLines(ctx, id, from, lines, ev) })
}

func (s modelStore) SetLineSubscription(ctx context.Context, orderID string, lineNo int, subscriptionID string, converted bool) error {
	return s.write(func() error { return s.Store.SetLineSubscription(ctx, orderID, lineNo, subscriptionID, converted) })
}

func (s modelStore) MarkStepDone(ctx context.Context, orderID, step string, ev flow.AuditEvent) error {
	return s.write(func() error { return s.Store.MarkStepDone(ctx, orderID, step, ev) })
}

func (s modelStore) SavePayment(ctx context.Context, p flow.Payment) error {
	return s.write(func() error { return s.Store.SavePayment(ctx, p) })
}

func (s modelStore) MarkPaid(ctx context.Context, p flow.Payment, ev flow.AuditEvent) error {
	return s.write(func() error { return s.Store.MarkPaid(ctx, p, ev) })
}

func (s modelStore) SaveDraft(ctx context.Context, d flow.Draft) error {
	return s.write(func() error { return s.Store.SaveDraft(ctx, d) })
}

func (s modelStore) DeleteDraft(ctx context.Context, code string) error {
	return s.write(func() error { return s.Store.DeleteDraft(ctx, code) })
}

func (s modelStore) Audit(ctx context.Context, ev flow.AuditEvent) error {
	return s.write(func() error { return s.Store.Audit(ctx, ev) })
}

// modelSession is one person at a terminal going through the wizard.
type modelSession struct {
	name     string // for the log: "s3 contoso.onmicrosoft.com on t1"
	terminal string
	actor    flow.Actor
	acct     modelAccount // the tenant the sign-up is for (domain only when new)
	newAcct  bool
	a        flow.Answers
	verified bool
	code     string // the draft's code once saved
	checkout string // the checkout page open in the customer's browser
}

// modelWorld is one sequence's universe: the sandboxes, the SQLite file, the
// process (Service) that may crash and restart, and what the model saw.
type modelWorld struct {
	t      *rapid.T
	ms     *sandbox.Sandbox
	pay    *paysandbox.Server
	msSrv  *httptest.Server
	paySrv *httptest.Server
	dir    string
	dbPath string
	policy flow.Policy

	crash *modelCrasher
	svc   *flow.Service
	db    *store.DB // the process's handle
	obs   *store.DB // the test's own handle, never crashed

	sessions []*modelSession
	nSession int
	drafts   map[string]bool // every draft code ever saved
	newAccts int

	actor       flow.Actor     // who the last action was
	seenEvents  map[int64]bool // audit events already checked
	tenantOwner map[string]string
}

func newModelWorld(t *rapid.T) *modelWorld {
	ms, err := sandbox.New(sandbox.Options{NorthwindUsers: 20})
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	dir, err := os.MkdirTemp("", "onboard-model-*")
	if err != nil {
		t.Fatalf("temp dir: %v", err)
	}
	pay := paysandbox.NewServer(paysandbox.Options{})
	w := &modelWorld{
		t: t, ms: ms, pay: pay, msSrv: httptest.NewServer(ms), paySrv: httptest.NewServer(pay),
		dir: dir, dbPath: filepath.Join(dir, "onboard.db"), crash: &modelCrasher{},
		policy:      rapid.SampledFrom([]flow.Policy{flow.PolicyPayFirst, flow.PolicyManualApproval}).Draw(t, "policy"),
		drafts:      map[string]bool{},
		seenEvents:  map[int64]bool{},
		tenantOwner: map[string]string{},
	}
	w.start()
	if w.obs, err = store.Open(context.Background(), w.dbPath); err != nil {
		t.Fatalf("open store: %v", err)
	}
	return w
}

func (w *modelWorld) close() {
	if w.db != nil {
		w.db.Close()
	}
	if w.obs != nil {
		w.obs.Close()
	}
	w.msSrv.Close()
	w.paySrv.Close()
	os.RemoveAll(w.dir)
}

// start starts the process: a fresh Service on the same SQLite file, as
// after a restart.
func (w *modelWorld) start() {
	w.crash = &modelCrasher{}
	db, err := store.Open(context.Background(), w.dbPath)
	if err != nil {
		w.t.Fatalf("open store: %v", err)
	}
	hc := &http.Client{Transport: modelTransport{c: w.crash, next: http.DefaultTransport}}
	u, cr := w.ms.URLs(w.msSrv.URL), w.ms.Credentials()
	cli, err := partnercenter.New(partnercenter.Config{
		PartnerCenterURL: u.PartnerCenter, GraphURL: u.Graph, LoginURL: u.Login,
		PartnerTenantID: cr.PartnerTenantID, ClientID: cr.ClientID, ClientSecret: cr.ClientSecret,
		RefreshToken: cr.RefreshToken, PublicClientID: cr.PublicClientID,
		BaseBackoff: time.Millisecond, MaxBackoff: time.Millisecond, HTTPClient: hc,
	})
	if err != nil {
		w.t.Fatalf("msapi: %v", err)
	}
	payCli := paysandbox.NewClient(w.paySrv.URL, "", hc)
	payCli.Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	w.db = db
	w.svc = &flow.Service{
		MS: cli, Store: modelStore{Store: db, c: w.crash}, Pay: payCli,
		Catalog: flow.DefaultCatalog(), Policy: w.policy, Actor: modelServiceActor,
	}
}

// do runs one action of actor; a crash in it restarts the process.
func (w *modelWorld) do(actor flow.Actor, f func(ctx context.Context) error) error {
	w.actor = actor
	ctx, cancel := context.WithCancel(flow.WithActor(context.Background(), actor))
	defer cancel()
	w.crash.setCancel(cancel)
	err := f(ctx)
	w.crash.setCancel(nil)
	if w.crash.hasCrashed() {
		w.t.Logf("process crashed (%v); restarting on the same SQLite file", err)
		w.db.Close()
		w.start()
		// As the CLI does on start: finish what the dead process left.
		sys := flow.WithActor(context.Background(), flow.Actor{Kind: flow.ActorSystem, Name: "resume"})
		if _, err := w.svc.ResumeInterrupted(sys); err != nil {
			w.t.Logf("  resume after the restart: %v", err)
		}
		return errModelCrashed
	}
	if err != nil {
		w.t.Logf("  → %v", err)
	}
	return err
}

func modelCustomerActor(terminal string) flow.Actor {
	return flow.Actor{Kind: flow.ActorCustomer, Name: "wizard on " + terminal}
}

var modelOffers = []string{"m365-business-premium", "o365-e3", "m365-business-basic"}

func (w *modelWorld) pickSession(t *rapid.T, ok func(*modelSession) bool) *modelSession {
	var c []*modelSession
	var names []string
	for _, s := range w.sessions {
		if ok(s) {
			c = append(c, s)
			names = append(names, s.name)
		}
	}
	if len(c) == 0 {
		t.Skip("no such session")
	}
	// Drawn by name, so a failing sequence reads as who did what.
	name := rapid.SampledFrom(names).Draw(t, "session")
	return c[slices.Index(names, name)]
}

func (w *modelWorld) addSession(s *modelSession) {
	w.nSession++
	s.name = fmt.Sprintf("s%d %s on %s", w.nSession, s.acct.domain, s.terminal)
	w.sessions = append(w.sessions, s)
}

func (w *modelWorld) dropSession(s *modelSession) {
	for i, x := range w.sessions {
		if x == s {
			w.sessions = append(w.sessions[:i], w.sessions[i+1:]...)
			return
		}
	}
}

// orders are the store's orders (by the test's own handle).
func (w *modelWorld) orders() []flow.Order {
	list, err := w.obs.ListOrders(context.Background(), flow.OrderFilter{})
	if err != nil {
		w.t.Fatalf("list orders: %v", err)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Number < list[j].Number })
	return list
}

func (w *modelWorld) pickOrder(t *rapid.T) flow.Order {
	list := w.orders()
	if len(list) == 0 {
		t.Skip("no order yet")
	}
	numbers := make([]string, len(list))
	for i, o := range list {
		numbers[i] = o.Number
	}
	n := rapid.SampledFrom(numbers).Draw(t, "order")
	return list[slices.Index(numbers, n)]
}

func (w *modelWorld) actions() map[string]func(*rapid.T) {
	return map[string]func(*rapid.T){
		"":                 w.checkInvariants,
		"StartSignUp":      w.startSignUp,
		"VerifyAdmin":      w.verifyAdmin,
		"CreateOrder":      w.createOrder,
		"AcceptInvitation": w.acceptInvitation,
		"CheckConsent":     w.checkConsent,
		"StartPayment":     w.startPayment,
		"ChangeSeats":      w.changeSeats,
		"PayOnPage":        w.payOnPage,
		"CheckPayment":     w.checkPayment,
		"Process":          w.process,
		"SaveDraft":        w.saveDraft,
		"Quit":             w.quit,
		"Resume":           w.resume,
		"StartOver":        w.startOver,
		"AgentCreates":     w.agentCreates,
		"KioskPays":        w.kioskPays,
		"AgentApproves":    w.agentApproves,
		"AgentCancels":     w.agentCancels,
		"AgentRetries":     w.agentRetries,
		"Crash":            w.armCrash,
		"ProcessDies":      w.processDies,
		// Continue is listed several times so that sequences often get
		// far: paid, processed, completed.
		"Continue#1": w.next,
		"Continue#2": w.next,
		"Continue#3": w.next,
		"Continue#4": w.next,
	}
}

// next is the session's next step on the happy path: what pressing Enter
// (or the customer, agent or kiosk doing the obvious) does now.
func (w *modelWorld) next(t *rapid.T) {
	s := w.pickSession(t, func(*modelSession) bool { return true })
	if !s.verified {
		_ = w.do(s.actor, func(ctx context.Context) error {
			admin, err := w.svc.VerifyAdmin(ctx, s.acct.admin, s.acct.password)
			if err == nil {
				s.verified, s.a.AdminLogin, s.a.AdminUPN = true, s.acct.admin, admin.UPN
			}
			return err
		})
		return
	}
	if s.a.OrderID == "" {
		w.createOrderOf(s)
		return
	}
	o, err := w.obs.GetOrder(context.Background(), s.a.OrderID)
	if err != nil {
		w.createOrderOf(s) // a crash lost it: Enter again
		return
	}
	switch o.Status {
	case flow.StatusAwaitingConsent:
		if s.newAcct {
			_ = w.do(s.actor, func(ctx context.Context) error {
				_, err := w.svc.CreateMicrosoftAccount(ctx, o.ID)
				return err
			})
			return
		}
		if err := w.ms.AcceptInvitation(s.acct.admin, s.acct.password); err != nil {
			t.Logf("  → %v", err)
		}
		_ = w.do(s.actor, func(ctx context.Context) error {
			_, err := w.svc.CheckConsent(ctx, o.ID)
			return err
		})
	case flow.StatusAwaitingPayment:
		if s.checkout != "" {
			// Pay on the open page (after a decline it invites another
			// try), then the wizard looks; a dead checkout is let go.
			if st, err := w.pay.Pay(s.checkout, modelCardPaid); err != nil {
				t.Logf("  → %s: %v", st, err)
			}
			var st flow.PaymentState
			err := w.do(s.actor, func(ctx context.Context) (err error) {
				st, _, err = w.svc.CheckPayment(ctx, o.ID, s.checkout)
				return err
			})
			if err != nil || st == flow.PaymentDeclined || st == flow.PaymentExpired {
				s.checkout = ""
			}
			return
		}
		_ = w.do(s.actor, func(ctx context.Context) error {
			c, err := w.svc.StartPayment(ctx, o.ID)
			if err == nil {
				s.checkout = c.ID
			}
			return err
		})
	case flow.StatusPaid:
		if o.Policy == flow.PolicyManualApproval && !o.Approved {
			_ = w.do(modelAgent, func(ctx context.Context) error {
				_, err := w.svc.Approve(ctx, o.ID)
				return err
			})
			return
		}
		_ = w.do(s.actor, func(ctx context.Context) error {
			_, err := w.svc.Process(ctx, o.ID, nil)
			return err
		})
	case flow.StatusProvisioning, flow.StatusFailed:
		_ = w.do(s.actor, func(ctx context.Context) error {
			if o.Status == flow.StatusFailed {
				if _, err := w.svc.Retry(ctx, o.ID); err != nil {
					return err
				}
			}
			_, err := w.svc.Process(ctx, o.ID, nil)
			return err
		})
	default: // completed or cancelled: the customer leaves the terminal
		w.actor = s.actor
		w.dropSession(s)
	}
}

func (w *modelWorld) startSignUp(t *rapid.T) {
	if len(w.sessions) >= 4 {
		t.Skip("enough people at the terminals")
	}
	term := rapid.SampledFrom([]string{"t1", "t2"}).Draw(t, "terminal")
	offer := rapid.SampledFrom(modelOffers).Draw(t, "offer")
	seats := rapid.IntRange(1, 30).Draw(t, "seats")
	s := &modelSession{terminal: term, actor: modelCustomerActor(term)}
	if rapid.IntRange(0, 3).Draw(t, "path") == 0 {
		w.newAccts++
		s.newAcct, s.verified = true, true
		s.acct = modelAccount{domain: fmt.Sprintf("modelco%d.onmicrosoft.com", w.newAccts)}
		s.a = testworld.Answers(s.acct.domain, "", offer, seats)
		s.a.Account = flow.AccountNew
	} else {
		s.acct = modelExisting[rapid.IntRange(0, len(modelExisting)-1).Draw(t, "account (0 fabrikam, 1 contoso)")]
		s.a = testworld.Answers(s.acct.domain, s.acct.admin, offer, seats)
	}
	s.a.Email = fmt.Sprintf("buyer-%s@example.com", strings.SplitN(s.acct.domain, ".", 2)[0])
	w.actor = s.actor
	w.addSession(s)
}

func (w *modelWorld) verifyAdmin(t *rapid.T) {
	s := w.pickSession(t, func(s *modelSession) bool { return !s.newAcct && s.a.OrderID == "" })
	login, password := s.acct.admin, s.acct.password
	switch rapid.SampledFrom([]string{"right", "wrong", "not-global", "mfa"}).Draw(t, "credentials") {
	case "wrong":
		password += "-typo"
	case "not-global":
		login, password = modelNotGlobal[s.acct.domain][0], modelNotGlobal[s.acct.domain][1]
	case "mfa":
		login, password = modelMFAAdmin[0], modelMFAAdmin[1]
	}
	var admin flow.Admin
	err := w.do(s.actor, func(ctx context.Context) (err error) {
		admin, err = w.svc.VerifyAdmin(ctx, login, password)
		return err
	})
	if err == nil {
		s.verified, s.a.AdminLogin, s.a.AdminUPN = true, login, admin.UPN
	}
}

// createOrder is Enter on the review: create (or, with an order id, find)
// the order; on the new-account path create the Microsoft account too.
func (w *modelWorld) createOrder(t *rapid.T) {
	w.createOrderOf(w.pickSession(t, func(s *modelSession) bool { return s.verified }))
}

func (w *modelWorld) createOrderOf(s *modelSession) {
	_ = w.do(s.actor, func(ctx context.Context) error {
		o, err := w.svc.CreateOrder(ctx, s.a)
		if err != nil {
			return err
		}
		s.a.OrderID = o.ID
		if s.newAcct {
			_, err = w.svc.CreateMicrosoftAccount(ctx, o.ID)
		}
		return err
	})
}

func (w *modelWorld) acceptInvitation(t *rapid.T) {
	s := w.pickSession(t, func(s *modelSession) bool { return !s.newAcct })
	w.actor = s.actor
	acct := s.acct
	switch rapid.SampledFrom([]string{"right", "wrong-tenant", "not-global"}).Draw(t, "who accepts") {
	case "wrong-tenant":
		acct = modelNorthwind
	case "not-global":
		acct.admin, acct.password = modelNotGlobal[s.acct.domain][0], modelNotGlobal[s.acct.domain][1]
	}
	if err := w.ms.AcceptInvitation(acct.admin, acct.password); err != nil {
		t.Logf("  → %v", err)
	}
}

func (w *modelWorld) checkConsent(t *rapid.T) {
	s := w.pickSession(t, func(s *modelSession) bool { return s.a.OrderID != "" })
	_ = w.do(s.actor, func(ctx context.Context) error {
		_, err := w.svc.CheckConsent(ctx, s.a.OrderID)
		return err
	})
}

func (w *modelWorld) startPayment(t *rapid.T) {
	s := w.pickSession(t, func(s *modelSession) bool { return s.a.OrderID != "" })
	presses := rapid.IntRange(1, 2).Draw(t, "presses")
	_ = w.do(s.actor, func(ctx context.Context) error {
		for range presses {
			c, err := w.svc.StartPayment(ctx, s.a.OrderID)
			if err != nil {
				return err
			}
			s.checkout = c.ID
		}
		return nil
	})
}

// changeSeats is the customer changing the seats on the review: the same
// order, at most one charge, never more than its (new) total.
func (w *modelWorld) changeSeats(t *rapid.T) {
	s := w.pickSession(t, func(s *modelSession) bool { return s.a.OrderID != "" && len(s.a.Lines) > 0 })
	lines := []flow.LineChoice{{OfferID: s.a.Lines[0].OfferID, Seats: rapid.IntRange(1, 30).Draw(t, "new seats")}}
	_ = w.do(s.actor, func(ctx context.Context) error {
		_, err := w.svc.ChangeLines(ctx, s.a.OrderID, lines)
		if err == nil {
			s.a.Lines = lines
		}
		return err
	})
}

// payOnPage is the customer typing a card on the open checkout page; after
// a decline the page invites another try on the same page.
func (w *modelWorld) payOnPage(t *rapid.T) {
	s := w.pickSession(t, func(s *modelSession) bool { return s.checkout != "" })
	w.actor = s.actor
	card := rapid.SampledFrom([]string{modelCardPaid, modelCardDeclined}).Draw(t, "card")
	if st, err := w.pay.Pay(s.checkout, card); err != nil {
		t.Logf("  → %s: %v", st, err)
	}
}

func (w *modelWorld) checkPayment(t *rapid.T) {
	s := w.pickSession(t, func(s *modelSession) bool { return s.checkout != "" })
	_ = w.do(s.actor, func(ctx context.Context) error {
		_, _, err := w.svc.CheckPayment(ctx, s.a.OrderID, s.checkout)
		return err
	})
}

func (w *modelWorld) process(t *rapid.T) {
	s := w.pickSession(t, func(s *modelSession) bool { return s.a.OrderID != "" })
	_ = w.do(s.actor, func(ctx context.Context) error {
		_, err := w.svc.Process(ctx, s.a.OrderID, nil)
		return err
	})
}

func (w *modelWorld) save(s *modelSession, step flow.StepID) error {
	return w.do(s.actor, func(ctx context.Context) error {
		d, err := w.svc.SaveDraft(ctx, s.code, s.terminal, step, s.a)
		if err != nil {
			return err
		}
		s.code = d.Code
		w.drafts[d.Code] = true
		return nil
	})
}

// modelStepOf is where the wizard stands for s, as it saves it.
func modelStepOf(s *modelSession) flow.StepID {
	switch {
	case s.checkout != "":
		return flow.StepPay
	case s.a.OrderID != "":
		return flow.StepConsent
	case s.verified:
		return flow.StepReview
	}
	return flow.StepAdmin
}

func (w *modelWorld) saveDraft(t *rapid.T) {
	s := w.pickSession(t, func(*modelSession) bool { return true })
	_ = w.save(s, modelStepOf(s))
}

// quit saves the draft and leaves the terminal.
func (w *modelWorld) quit(t *rapid.T) {
	s := w.pickSession(t, func(*modelSession) bool { return true })
	_ = w.save(s, modelStepOf(s))
	w.dropSession(s)
}

// resume is the next person at a terminal taking up the draft it offers
// ("Welcome back"), or typing a code.
func (w *modelWorld) resume(t *rapid.T) {
	if len(w.sessions) >= 4 {
		t.Skip("enough people at the terminals")
	}
	term := rapid.SampledFrom([]string{"t1", "t2"}).Draw(t, "terminal")
	s := &modelSession{terminal: term, actor: modelCustomerActor(term)}
	err := w.do(s.actor, func(ctx context.Context) error {
		d, ok, err := w.svc.LatestDraft(ctx, term)
		if err != nil || !ok {
			return err
		}
		_, a, err := w.svc.LoadDraft(ctx, d.Code)
		if err != nil {
			return err
		}
		s.code, s.a = d.Code, a
		return nil
	})
	if err != nil || s.code == "" {
		return
	}
	s.newAcct = s.a.Account == flow.AccountNew
	s.acct = modelAccount{domain: s.a.Domain}
	for _, acc := range modelExisting {
		if strings.EqualFold(acc.domain, s.a.Domain) {
			s.acct = acc
		}
	}
	s.verified = s.newAcct || s.a.AdminUPN != ""
	w.addSession(s)
}

func (w *modelWorld) startOver(t *rapid.T) {
	s := w.pickSession(t, func(s *modelSession) bool { return s.code != "" })
	_ = w.do(s.actor, func(ctx context.Context) error { return w.svc.DropDraft(ctx, s.code) })
	w.dropSession(s)
}

// agentCreates is an agent creating an order for a customer's existing
// tenant; the customer accepts the invitation and pays later at a kiosk.
func (w *modelWorld) agentCreates(t *rapid.T) {
	if len(w.sessions) >= 4 {
		t.Skip("enough people at the terminals")
	}
	acct := modelExisting[rapid.IntRange(0, len(modelExisting)-1).Draw(t, "account (0 fabrikam, 1 contoso)")]
	offer := rapid.SampledFrom(modelOffers).Draw(t, "offer")
	seats := rapid.IntRange(1, 30).Draw(t, "seats")
	s := &modelSession{terminal: "agent", actor: modelAgent, acct: acct, verified: true}
	s.a = testworld.Answers(acct.domain, "", offer, seats)
	s.a.Mode = flow.ModeAgent
	s.a.Email = fmt.Sprintf("buyer-%s@example.com", strings.SplitN(acct.domain, ".", 2)[0])
	err := w.do(s.actor, func(ctx context.Context) error {
		o, err := w.svc.CreateOrder(ctx, s.a)
		s.a.OrderID = o.ID
		return err
	})
	if err == nil {
		w.addSession(s)
	}
}

// kioskPays is a customer at the kiosk finding an order by its number and
// e-mail and paying it.
func (w *modelWorld) kioskPays(t *rapid.T) {
	o := w.pickOrder(t)
	card := rapid.SampledFrom([]string{modelCardPaid, modelCardDeclined}).Draw(t, "card")
	_ = w.do(modelKiosk, func(ctx context.Context) error {
		c, err := w.obs.GetCustomer(ctx, o.CustomerID)
		if err != nil {
			return err
		}
		found, err := w.svc.FindOrderForPayment(ctx, o.Number, c.Email)
		if err != nil {
			return err
		}
		co, err := w.svc.StartPayment(ctx, found.ID)
		if err != nil {
			return err
		}
		if _, err := w.pay.Pay(co.ID, card); err != nil {
			return err
		}
		_, _, err = w.svc.CheckPayment(ctx, found.ID, co.ID)
		return err
	})
}

func (w *modelWorld) agentApproves(t *rapid.T) {
	o := w.pickOrder(t)
	_ = w.do(modelAgent, func(ctx context.Context) error {
		_, err := w.svc.Approve(ctx, o.ID)
		return err
	})
}

func (w *modelWorld) agentCancels(t *rapid.T) {
	o := w.pickOrder(t)
	_ = w.do(modelAgent, func(ctx context.Context) error {
		_, err := w.svc.Cancel(ctx, o.ID, "customer asked")
		return err
	})
}

// agentRetries resumes an order whose processing failed or died.
func (w *modelWorld) agentRetries(t *rapid.T) {
	o := w.pickOrder(t)
	_ = w.do(modelAgent, func(ctx context.Context) error {
		if _, err := w.svc.Retry(ctx, o.ID); err != nil {
			return err
		}
		_, err := w.svc.Process(ctx, o.ID, nil)
		return err
	})
}

// armCrash makes the process die at its Nth store write or HTTP call from
// now, in whichever action that falls.
func (w *modelWorld) armCrash(t *rapid.T) {
	n := rapid.IntRange(1, 12).Draw(t, "crash at call")
	after := rapid.Bool().Draw(t, "after the call")
	w.crash.arm(n, after)
}

// processDies is processing that dies part way (kill -9 during "Importing
// users"): the process crashes at a drawn call of Process.
func (w *modelWorld) processDies(t *rapid.T) {
	o := w.pickOrder(t)
	if o.Status != flow.StatusPaid && o.Status != flow.StatusProvisioning {
		t.Skip("not processable")
	}
	w.crash.arm(rapid.IntRange(1, 30).Draw(t, "crash at call"), rapid.Bool().Draw(t, "after the call"))
	_ = w.do(modelAgent, func(ctx context.Context) error {
		_, err := w.svc.Process(ctx, o.ID, nil)
		return err
	})
}

// violation reports a broken invariant: fatal unless its fix is pending.
func (w *modelWorld) violation(invariant, format string, args ...any) {
	w.t.Fatalf("invariant %s: %s", invariant, fmt.Sprintf(format, args...))
}

func modelOpen(st flow.OrderStatus) bool {
	return st != flow.StatusCompleted && st != flow.StatusCancelled
}

// tenantKey is the tenant an order is for: its tenant once known, else the
// domain it was made for.
func modelTenantKey(o flow.Order) string {
	if o.TenantID != "" {
		return strings.ToLower(o.TenantID)
	}
	return strings.ToLower(o.TenantDomain)
}

// checkInvariants checks the invariants against the sandboxes'
// records; the store is read only to know which orders exist.
func (w *modelWorld) checkInvariants(t *rapid.T) {
	ctx := context.Background()
	orders := w.orders()
	byID := map[string]flow.Order{}
	byTenant := map[string][]flow.Order{}
	for _, o := range orders {
		byID[o.ID] = o
		if o.TenantID != "" {
			byTenant[strings.ToLower(o.TenantID)] = append(byTenant[strings.ToLower(o.TenantID)], o)
		}
	}

	// (a) per order, net captured money ≤ the total, and at most one net charge.
	for _, o := range orders {
		var net int64
		charges := 0
		for _, c := range w.pay.SessionsOf(o.Number) {
			net += c.Net()
			if c.Net() > 0 {
				charges++
			}
		}
		if net > o.Total() || charges > 1 {
			w.violation("one-charge", "order %s (total %d): %d charge(s), %d captured net", o.Number, o.Total(), charges, net)
		}
	}

	// (b) per tenant at most one customer record, and the tenant never moves.
	custs, err := w.obs.ListCustomers(ctx, time.Time{}, 0)
	if err != nil {
		t.Fatalf("list customers: %v", err)
	}
	owners := map[string][]string{}
	holds := map[string]string{} // customer → tenant
	for _, c := range custs {
		holds[c.ID] = strings.ToLower(c.TenantID)
		if c.TenantID != "" {
			tid := strings.ToLower(c.TenantID)
			owners[tid] = append(owners[tid], c.ID)
			if _, ok := w.tenantOwner[tid]; !ok {
				w.tenantOwner[tid] = c.ID
			}
		}
	}
	for tid, cs := range owners {
		if len(cs) > 1 {
			w.violation("one-customer-per-tenant", "tenant %s has %d customers", tid, len(cs))
		}
	}
	for tid, cid := range w.tenantOwner {
		if holds[cid] != tid {
			w.violation("tenant-never-moves", "tenant %s moved from customer %s", tid, cid)
		}
	}

	// The order's tenant is the one Microsoft knows under its domain and
	// which accepted us (or was created for it): a wrong tenant's
	// acceptance is never taken for this order's.
	rels := w.ms.RecordedRelationships()
	for _, o := range orders {
		if o.TenantID == "" {
			continue
		}
		tid, ok := w.ms.TenantOf(o.TenantDomain)
		if !ok || !strings.EqualFold(tid, o.TenantID) {
			w.violation("order-tenant", "order %s has tenant %s, Microsoft knows %s as %s", o.Number, o.TenantID, o.TenantDomain, tid)
		}
		if _, ok := rels[tid]; !ok && !w.createdTenant(o) {
			w.violation("order-tenant", "order %s has tenant %s, which never accepted the invitation", o.Number, o.TenantID)
		}
	}

	// (c) at most one open order per tenant.
	openBy := map[string][]string{}
	for _, o := range orders {
		if modelOpen(o.Status) {
			openBy[modelTenantKey(o)] = append(openBy[modelTenantKey(o)], o.Number+" "+string(o.Status))
		}
	}
	for k, ns := range openBy {
		if len(ns) > 1 {
			w.violation("one-open-order", "tenant %s has %d open orders: %v", k, len(ns), ns)
		}
	}

	// (d) a completed order's subscriptions exist at Microsoft with the
	// quantity the store recorded; Microsoft never bought or converted
	// twice for one order line.
	for tid, tos := range byTenant {
		subs := map[string]sandbox.SubscriptionRecord{}
		for _, sub := range w.ms.RecordedSubscriptions(tid) {
			subs[strings.ToLower(sub.ID)] = sub
		}
		lines := 0
		for _, o := range tos {
			lines += len(o.Lines)
			if o.Status != flow.StatusCompleted {
				continue
			}
			for _, l := range o.Lines {
				sub, ok := subs[strings.ToLower(l.SubscriptionID)]
				switch {
				case !ok:
					w.violation("subscriptions-match", "order %s line %d: subscription %q not at Microsoft", o.Number, l.LineNo, l.SubscriptionID)
				case sub.Quantity != l.Quantity || sub.IsTrial || sub.Partner != sandbox.PartnerTenantID:
					w.violation("subscriptions-match", "order %s line %d: %d seats recorded, Microsoft has %d (trial %v, partner %s)",
						o.Number, l.LineNo, l.Quantity, sub.Quantity, sub.IsTrial, sub.Partner)
				}
			}
		}
		if n := len(w.ms.RecordedOrders(tid)); n > lines {
			w.violation("bought-once", "tenant %s: %d purchases at Microsoft for %d order line(s)", tid, n, lines)
		}
		for sid, n := range w.ms.RecordedConversions(tid) {
			if n > 1 {
				w.violation("bought-once", "tenant %s: subscription %s converted %d times", tid, sid, n)
			}
		}

		// (f) what was bought belongs to a completed order, or to one still
		// being processed: a cancelled order bought nothing.
		claimed := map[string]bool{}
		inFlight := false
		for _, o := range tos {
			switch o.Status {
			case flow.StatusCompleted:
				for _, l := range o.Lines {
					claimed[strings.ToLower(l.SubscriptionID)] = true
				}
			case flow.StatusPaid, flow.StatusProvisioning, flow.StatusFailed:
				inFlight = true
			}
		}
		if !inFlight {
			for id, sub := range subs {
				if sub.Partner == sandbox.PartnerTenantID && !claimed[id] {
					w.violation("cancel-after-buy", "tenant %s: subscription %s (%d seats) bought for no live order", tid, sub.ID, sub.Quantity)
				}
			}
		}
	}

	// (f) a cancelled paid order was refunded.
	for _, o := range orders {
		if o.Status != flow.StatusCancelled {
			continue
		}
		var net int64
		for _, c := range w.pay.SessionsOf(o.Number) {
			net += c.Net()
		}
		if net != 0 {
			w.violation("refund-on-cancel", "cancelled order %s still holds %d of the customer's money", o.Number, net)
		}
	}

	// (e) a completed or cancelled order has no draft.
	for code := range w.drafts {
		d, err := w.obs.LoadDraft(ctx, code)
		if err != nil {
			continue // gone (or expired): fine
		}
		var a flow.Answers
		if json.Unmarshal(d.Data, &a) != nil || a.OrderID == "" {
			continue
		}
		if o, ok := byID[a.OrderID]; ok && !modelOpen(o.Status) {
			w.violation("no-draft-after-end", "draft %s keeps order %s, which is %s", code, o.Number, o.Status)
		}
	}

	// (g) the audit actor of each event is the actor that triggered it.
	for _, o := range orders {
		evs, err := w.obs.AuditTrail(ctx, o.ID)
		if err != nil {
			t.Fatalf("audit trail of %s: %v", o.Number, err)
		}
		for _, ev := range evs {
			if w.seenEvents[ev.ID] {
				continue
			}
			w.seenEvents[ev.ID] = true
			// The system may act on its own (a refund of a duplicate, a
			// lease taken over); anything else must name who acted.
			if ev.Actor != w.actor && ev.Actor.Kind != flow.ActorSystem {
				w.violation("audit-actor", "order %s event %s recorded as %s:%s, done by %s:%s",
					o.Number, ev.Action, ev.Actor.Kind, ev.Actor.Name, w.actor.Kind, w.actor.Name)
			}
		}
	}
}

// createdTenant reports whether o's tenant was created by the partner for
// a new account (which needs no invitation).
func (w *modelWorld) createdTenant(o flow.Order) bool {
	for _, s := range w.sessions {
		if s.newAcct && strings.EqualFold(s.a.Domain, o.TenantDomain) {
			return true
		}
	}
	return strings.HasPrefix(strings.ToLower(o.TenantDomain), "modelco")
}
