// Package e2e drives the built onboard binary in a pseudo terminal through
// whole flows, doing in HTTP (or headless Chromium) what the customer does in
// a browser, and then checks the database the binary left behind.
package e2e

import (
	"cmp"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"onboard/flow"
	"onboard/internal/ptyrun"
	"onboard/msapi/sandbox"
	"onboard/store"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "onboard-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "onboard")
	build := exec.Command("go", "build", "-o", binary, "..")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build onboard:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// wizard is one run of the binary with its own data directories.
type wizard struct {
	t    *testing.T
	ctx  context.Context
	s    *ptyrun.Session
	data string
	db   string // the database (testDB)
	base string // the in-process sandbox

	reviewNote  string // what the review screen must say, if anything
	noGDAP      bool   // GDAP is off (gdap_group = off): no approval step
	gdapBrowser bool   // approve GDAP in Chromium rather than over HTTP
	// pkce: the sign-in happens in a browser here (admin_sign_in =
	// browser), driven in Chromium; deviceInChromium: the device sign-in
	// page is filled in Chromium.
	pkce, deviceInChromium bool
	// stepLimit bounds a step that never comes (default 30 s); the load
	// test's 50 sessions on two cores wait longer for theirs.
	stepLimit time.Duration
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func start(t *testing.T, args ...string) *wizard {
	t.Helper()
	return startWith(t, nil, args...)
}

// startWith runs the wizard with more environment variables.
func startWith(t *testing.T, more []string, args ...string) *wizard {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	dir := t.TempDir()
	addr := freeAddr(t)
	env := []string{
		"XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"XDG_STATE_HOME=" + filepath.Join(dir, "state"),
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"BROWSER=false", // no browser here: the wizard must fall back to URL, QR and copy
	}
	db := testDB(t, filepath.Join(dir, "data"))
	env = append(env, dbEnv(db))
	if os.Getenv("ONBOARD_SCREENSHOTS") == "" {
		env = append(env, "NO_COLOR=1")
	}
	env = append(env, more...)
	s, err := ptyrun.Start(ctx, 80, 24, env, binary, append([]string{"--sandbox-addr", addr}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return &wizard{t: t, ctx: ctx, s: s, data: filepath.Join(dir, "data"), db: db, base: "http://" + addr}
}

// limit bounds a step that never comes: 30 s unless the test says more.
func (w *wizard) limit() time.Duration { return cmp.Or(w.stepLimit, 30*time.Second) }

func (w *wizard) see(texts ...string) string {
	w.t.Helper()
	// A bound on a step that never comes, not a synchronisation.
	ctx, cancel := context.WithTimeout(w.ctx, w.limit())
	defer cancel()
	screen, err := w.s.WaitForText(ctx, texts...)
	if err != nil {
		w.t.Fatal(err)
	}
	return screen
}

func (w *wizard) press(keys ...string) {
	w.t.Helper()
	if err := w.s.Press(keys...); err != nil {
		w.t.Fatal(err)
	}
}

func (w *wizard) typeLine(text string) {
	w.t.Helper()
	if err := w.s.Type(text); err != nil {
		w.t.Fatal(err)
	}
	w.press("enter")
}

var osc52 = regexp.MustCompile("\x1b\\]52;c;([A-Za-z0-9+/=]+)(?:\x07|\x1b\\\\)")

// copied presses the copy key and returns what the wizard put on the
// clipboard (OSC 52): the link the customer opens in a browser.
func (w *wizard) copied() string {
	w.t.Helper()
	before := len(osc52.FindAllString(w.s.Output(), -1))
	w.press("ctrl+y")
	raw, err := w.s.WaitForOutput(w.ctx, func(raw string) bool { return len(osc52.FindAllString(raw, -1)) > before })
	if err != nil {
		w.t.Fatal(err)
	}
	all := osc52.FindAllStringSubmatch(raw, -1)
	link, err := base64.StdEncoding.DecodeString(all[len(all)-1][1])
	if err != nil {
		w.t.Fatal(err)
	}
	return string(link)
}

// chooseSeats picks seats of the row-th product on the licenses screen.
func (w *wizard) chooseSeats(row, seats int) {
	w.see("Choose licenses")
	for range row {
		w.press("down")
	}
	for range seats {
		w.press("+")
	}
	w.see(fmt.Sprintf("‹%d›", seats))
	w.press("enter")
}

// fill waits until the form field titled title has focus (huh moves focus
// asynchronously), then types value and Enter.
func (w *wizard) fill(title, value string) {
	w.t.Helper()
	w.see("┃ " + title)
	w.typeLine(value)
}

func (w *wizard) details(company, email string) { w.detailsUnder("Your details", company, email) }

// detailsUnder fills the details form shown under heading.
func (w *wizard) detailsUnder(heading, company, email string) {
	w.see(heading)
	w.fill("Company name", company)
	w.fill("First name", "Ada")
	w.fill("Last name", "Lovelace")
	w.fill("E-mail", email)
	w.see("┃ Country")
	if err := w.s.Type("/United King"); err != nil {
		w.t.Fatal(err)
	}
	w.see("United Kingdom (GB)")
	w.press("enter")
	w.fill("Phone", "020 7946 0958")
	w.fill("Street and number", "1 Main Street")
	w.fill("City", "London")
	w.fill("Postal code", "SW1A 1AA") // no state or province in the United Kingdom
}

// signUp runs the steps both scenarios share, up to the done screen.
func (w *wizard) signUp(row, seats int, company, login, password, mfaCode string, accept func(link, login, password string)) {
	w.chooseSeats(row, seats)
	w.see("Microsoft account", "Use existing Microsoft account")
	w.press("enter")
	w.details(company, "ada@example.com")
	w.see("Microsoft Customer Agreement")
	w.press("y")
	w.fill("Administrator login", login)
	w.signInOnPage(login, password, mfaCode)
	w.see("Accept the invitation", "Waiting for Microsoft")
	accept(w.copied(), login, password)
	if !w.noGDAP {
		w.approveGDAP(login, password, w.gdapBrowser)
	}
	w.see("Review your order", "Press Enter to pay", w.reviewNote)
	w.press("enter")
	w.see("Waiting for the payment")
	payHTTP(w.t, w.copied(), "4242 4242 4242 4242")
}

var signInCodeRE = regexp.MustCompile(`Code: ([A-Z0-9]{9})`)

// signInOnPage does what the administrator does with the code the wizard
// shows: opens the sign-in page (the link the wizard copies), enters the
// code, the login, the password and, for an account with MFA, the second
// factor.
func (w *wizard) signInOnPage(login, password, mfaCode string) {
	w.t.Helper()
	if w.pkce {
		w.see("Sign in on Microsoft's page in your browser", "Waiting for the sign-in")
		signInPKCEInChromium(w.t, w.copied(), login, password, mfaCode)
		return
	}
	screen := w.see("Sign in on Microsoft's page", "Waiting for the sign-in")
	m := signInCodeRE.FindStringSubmatch(screen)
	if m == nil {
		w.t.Fatalf("no sign-in code on screen:\n%s", screen)
	}
	if w.deviceInChromium && signInDeviceInChromium(w.t, w.copied(), m[1], login, password, mfaCode) {
		return
	}
	signInHTTP(w.t, w.copied(), m[1], login, password, mfaCode)
}

var proofRE = regexp.MustCompile(`name="proof" value="([^"]+)"`)

// signInHTTP signs in on the sandbox's device sign-in page.
func signInHTTP(t *testing.T, link, code, login, password, mfaCode string) {
	t.Helper()
	c := client(t)
	page := get(t, c, link)
	csrf := hiddenRE.FindStringSubmatch(page)
	if csrf == nil {
		t.Fatalf("no CSRF token on %s:\n%s", link, page)
	}
	post := func(fields url.Values) string {
		fields.Set("csrf", csrf[2])
		resp, err := c.PostForm(link, fields)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return string(out)
	}
	page = post(url.Values{"step": {"code"}, "code": {code}})
	if !strings.Contains(page, `name="password"`) {
		t.Fatalf("code %s not taken:\n%s", code, page)
	}
	page = post(url.Values{"step": {"password"}, "code": {code}, "login": {login}, "password": {password}})
	if mfaCode != "" {
		proof := proofRE.FindStringSubmatch(page)
		if proof == nil {
			t.Fatalf("no second factor asked of %s:\n%s", login, page)
		}
		page = post(url.Values{"step": {"mfa"}, "code": {code}, "login": {login}, "proof": {proof[1]}, "otp": {mfaCode}})
	}
	if !strings.Contains(page, "You're signed in") && !strings.Contains(page, "You&#39;re signed in") {
		t.Fatalf("not signed in:\n%s", page)
	}
}

func get(t *testing.T, c *http.Client, link string) string {
	t.Helper()
	resp, err := c.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// client is a browser-like HTTP client with cookies.
func client(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

var hiddenRE = regexp.MustCompile(`name="(csrf|csrf_token)" value="([^"]+)"`)

// submit GETs a form page and POSTs it with its CSRF token and fields,
// returning the response page.
func submit(t *testing.T, page string, fields url.Values) string {
	t.Helper()
	c := client(t)
	resp, err := c.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page = resp.Request.URL.String() // after redirects (short links)
	m := hiddenRE.FindStringSubmatch(string(body))
	if m == nil {
		t.Fatalf("no CSRF token on %s:\n%s", page, body)
	}
	fields.Set(m[1], m[2])
	resp, err = c.PostForm(page, fields)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := mfaStepRE.FindStringSubmatch(string(out)); m != nil && strings.Contains(string(out), `name="otp"`) {
		// The admin center asks an MFA account for its second factor
		// after the password: the demo accounts' authenticator code.
		resp, err = c.PostForm(page, url.Values{m[1]: {fields.Get(m[1])}, "login": {fields.Get("login")},
			"proof": {m[2]}, "step": {"mfa"}, "otp": {sandbox.MFADemoCode}})
		if err != nil {
			t.Fatal(err)
		}
		out, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	return string(out)
}

// mfaStepRE finds the second factor's step: the form's CSRF field name (as
// hiddenRE) is taken from the first step.
var mfaStepRE = regexp.MustCompile(`name="(csrf)" value="[^"]+">\s*<input type="hidden" name="login" value="[^"]*">\s*<input type="hidden" name="proof" value="([^"]+)"`)

func acceptHTTP(t *testing.T, link, login, password string) {
	t.Helper()
	page := submit(t, link, url.Values{"login": {login}, "password": {password}})
	if !strings.Contains(page, "Invitation accepted") {
		t.Fatalf("invitation not accepted:\n%s", page)
	}
}

func payHTTP(t *testing.T, link, card string) {
	t.Helper()
	page := submit(t, link, url.Values{"number": {card}, "exp": {"12/30"}, "cvc": {"123"}, "name": {"Ada Lovelace"}})
	if !strings.Contains(page, "Payment received") {
		t.Fatalf("payment not received:\n%s", page)
	}
}

// openStore opens the database the binary used, after it exited.
func (w *wizard) openStore() *store.DB {
	w.t.Helper()
	if err := w.s.Wait(w.ctx); err != nil {
		w.t.Fatalf("onboard exited with %v\n%s", err, w.s.Screen())
	}
	db, err := store.Open(context.Background(), w.db)
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { db.Close() })
	return db
}

func onlyOrder(t *testing.T, db *store.DB) flow.Order {
	t.Helper()
	orders, err := db.ListOrders(context.Background(), flow.OrderFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 1 || orders[0].Status != flow.StatusCompleted {
		t.Fatalf("orders: %+v", orders)
	}
	return orders[0]
}

func TestFabrikamTrialConverted(t *testing.T) {
	w := start(t)
	accept := func(link, login, password string) {
		if !acceptInChromium(t, link, login, password) {
			acceptHTTP(t, link, login, password)
		}
	}
	w.reviewNote, w.gdapBrowser = "your trial is converted", true
	w.signUp(2, 10, "Fabrikam Inc", "admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1", "246810", accept)
	w.see("Your trial was converted; 8 users keep their licenses", "Imported 12 users and 2")
	w.press("enter")
	db := w.openStore()
	o := onlyOrder(t, db)
	if len(o.Lines) != 1 || !o.Lines[0].Converted || o.Lines[0].SubscriptionID == "" {
		t.Fatalf("line: %+v", o.Lines)
	}
	ctx := context.Background()
	users, err := db.ListUsers(ctx, o.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	seen := map[string]bool{}
	for _, u := range users {
		if seen[u.ID] {
			t.Fatalf("user %s imported twice", u.UPN)
		}
		seen[u.ID] = true
		kept += len(u.SkuIDs)
	}
	if len(users) != 12 || kept != 8 {
		t.Fatalf("users %d with %d licenses, want 12 and 8", len(users), kept)
	}
	if n, _ := db.CountDomains(ctx, o.TenantID); n != 2 {
		t.Fatalf("domains %d, want 2", n)
	}
	checkGDAPTrail(t, db, o)
}

func TestContosoNewSubscriptionThenAssign(t *testing.T) {
	w := start(t)
	w.reviewNote = "a new subscription"
	// An administrator with MFA who signs in with a vanity-domain login,
	// on the device sign-in page in Chromium: the invitation's acceptance
	// is found by the tenant of the sign-in.
	w.deviceInChromium = true
	w.signUp(3, 5, "Contoso Ltd", "mfa.admin@contoso.com", "Contoso-Mfa-1", "246810", func(link, login, password string) {
		acceptHTTP(t, link, login, password)
	})
	w.see("5 new licenses", "Imported 25 users and 3")
	w.press("enter")
	w.see("Assign licenses")
	w.press("enter", "down", "enter")
	w.see("2 chosen, 3 of 5 free")
	w.press("ctrl+s")
	w.see("2 licenses assigned.")
	w.press("ctrl+q")
	db := w.openStore()
	o := onlyOrder(t, db)
	if len(o.Lines) != 1 || o.Lines[0].Converted || o.Lines[0].SubscriptionID == "" {
		t.Fatalf("line: %+v", o.Lines)
	}
	checkWentThroughPending(t, db, w.data, o)
	users, err := db.ListUsers(context.Background(), o.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	assigned := 0
	for _, u := range users {
		for _, sku := range u.SkuIDs {
			if !strings.EqualFold(sku, o.Lines[0].SkuID) {
				t.Fatalf("a license bought elsewhere was imported: %s has %s", u.UPN, sku)
			}
			assigned++
		}
	}
	if len(users) != 25 || assigned != 2 {
		t.Fatalf("users %d, assigned %d; want 25 and 2", len(users), assigned)
	}
	if n, _ := db.CountDomains(context.Background(), o.TenantID); n != 3 {
		t.Fatalf("domains %d, want 3", n)
	}
}
