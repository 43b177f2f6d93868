package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"onboard/flow"
	"onboard/internal/testworld"
	"onboard/msapi"
	"onboard/msapi/sandbox"
)

func sandboxMode(_ *world, o *Options) {
	o.Sandbox = true
	o.DemoAccounts = []DemoAccount{
		{Tenant: "contoso.onmicrosoft.com", Login: "admin@contoso.onmicrosoft.com", Password: "Demo-Pass-1", Role: "Global administrator", Note: "Has a Business Premium trial"},
		{Tenant: "fabrikam.onmicrosoft.com", Login: "mfa@fabrikam.onmicrosoft.com", Password: "Demo-Pass-2", Role: "Global administrator", Note: "MFA on: shows the MFA message"},
	}
}

func TestLicensesGolden(t *testing.T) {
	h := newHarness(t)
	h.requireState(stateLicenses)
	h.key("+", "+", "down", "3")
	h.golden()
}

func TestLicensesNothingChosenGolden(t *testing.T) {
	h := newHarness(t)
	h.key("enter")
	h.requireState(stateLicenses)
	h.requireView("Choose at least one license")
	h.golden()
}

func TestLicensesBelowMinimumSeats(t *testing.T) {
	h := newHarness(t, func(w *world, o *Options) {
		w.svc.Catalog.Offers[4].MinSeats = 5 // the provider sells Exchange from 5 seats
		o.Catalog = w.svc.Catalog
	})
	h.key("down", "down", "down", "down", "2", "enter")
	h.requireState(stateLicenses)
	h.requireView("Exchange Online (Plan 1): choose between 5 and 300 seats.")
}

func TestSeatKeys(t *testing.T) {
	h := newHarness(t)
	s := h.m.screens[stateLicenses].(*licensesScreen)
	h.key("+", "+", "+", "-")
	if s.seats[0] != 2 {
		t.Fatalf("+++- gives %d seats, want 2", s.seats[0])
	}
	h.key("-", "-", "-")
	if s.seats[0] != 0 {
		t.Fatalf("seats go below zero: %d", s.seats[0])
	}
	h.key("down", "2", "5")
	if s.seats[1] != 25 {
		t.Fatalf("typing 2 5 gives %d, want 25", s.seats[1])
	}
	h.key("backspace")
	if s.seats[1] != 2 {
		t.Fatalf("backspace gives %d, want 2", s.seats[1])
	}
	h.key("up", "down", "7")
	if s.seats[1] != 7 {
		t.Fatalf("typing after moving replaces the count: got %d, want 7", s.seats[1])
	}
	h.key("9", "9", "9")
	if s.seats[1] != 300 {
		t.Fatalf("typing past MaxSeats gives %d, want 300", s.seats[1])
	}
	want := []flow.LineChoice{{OfferID: "m365-business-standard", Seats: 300}}
	if got := h.m.c.answers.Lines; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("answers.Lines = %v, want %v", got, want)
	}
	h.requireView("EUR 3,510.00")
}

func TestBackKeepsAnswers(t *testing.T) {
	h := newHarness(t)
	h.chooseLicenses()
	h.key("esc")
	h.requireState(stateLicenses)
	s := h.m.screens[stateLicenses].(*licensesScreen)
	if s.seats[0] != 2 || s.seats[1] != 3 {
		t.Fatalf("seats after back = %v, want [2 3 0]", s.seats)
	}
	h.key("enter")
	h.fillDetails()
	h.key("esc")
	h.requireState(stateAgreement)
	h.key("esc")
	h.requireState(stateDetails)
	h.key("esc")
	h.requireState(stateAccount)
	h.key("enter")
	h.requireState(stateDetails)
	h.requireView("Contoso Ltd")
	if a := h.m.c.answers; a.Email != "ada@contoso.com" || a.Address.City != "Berlin" || a.Phone != "+49301234567" {
		t.Fatalf("answers lost going back: %+v", a)
	}
}

func TestAgreementGolden(t *testing.T) {
	h := newHarness(t)
	h.chooseLicenses()
	h.key("enter")
	h.typeDetails()
	h.key("enter")
	h.requireState(stateAgreement)
	h.golden()
	h.key("y")
	if a := h.m.c.answers; !a.AgreementAccepted || !a.AgreementDate.Equal(h.clock) {
		t.Fatalf("agreement not recorded: %v %v", a.AgreementAccepted, a.AgreementDate)
	}
}

func TestAccountGoldens(t *testing.T) {
	h := newHarness(t)
	h.chooseLicenses()
	t.Run("choice", func(t *testing.T) { h.t = t; h.golden() })
	t.Run("name taken", func(t *testing.T) {
		h.t = t
		h.key("down")
		h.typeText("contoso")
		h.key("enter")
		h.requireState(stateAccount)
		h.requireView("taken")
		h.golden()
	})
}

func TestNewAccountPath(t *testing.T) {
	h := newHarness(t)
	h.chooseLicenses()
	h.key("down")
	h.typeText("adatum")
	h.key("enter")
	h.requireState(stateDetails)
	if a := h.m.c.answers; a.Account != flow.AccountNew || a.Domain != "adatum.onmicrosoft.com" {
		t.Fatalf("answers = %s %s", a.Account, a.Domain)
	}
	for _, v := range []string{"Adatum Inc", "Ada", "Lovelace", "ada@adatum.com"} {
		h.typeText(v)
		h.key("enter")
	}
	h.typeText("/Germ")
	h.key("enter")
	h.typeText("030 1234567")
	h.key("enter")
	for _, v := range []string{"Unter den Linden 1", "Berlin", "10117", ""} {
		h.typeText(v)
		h.key("enter")
	}
	h.key("y")
	h.requireState(stateCreateAccount)
	// Microsoft draws the one-time password; it is shown once, masked in the golden.
	password := h.m.screens[stateCreateAccount].(*createAccountScreen).created.AdminPassword
	if password == "" {
		t.Fatalf("no password shown:\n%s", h.view())
	}
	h.requireView(password)
	h.t.Helper()
	golden.RequireEqual(h.t, strings.ReplaceAll(h.view(), password, strings.Repeat("*", len(password))))
	h.key("enter")
	h.requireState(stateReview)
	if strings.Contains(h.view(), password) {
		t.Fatal("the new password is still on screen")
	}
	if s := h.m.screens[stateCreateAccount].(*createAccountScreen); s.created.AdminPassword != "" {
		t.Fatal("the new password is kept after it was shown")
	}
	h.w.requireNotStored(password)
}

func TestDetailsGoldens(t *testing.T) {
	h := newHarness(t)
	h.chooseLicenses()
	h.key("enter")
	t.Run("empty", func(t *testing.T) { h.t = t; h.golden() })
	t.Run("invalid e-mail", func(t *testing.T) {
		h.t = t
		for _, v := range []string{"Contoso Ltd", "Ada", "Lovelace", "ada-at-contoso"} {
			h.typeText(v)
			h.key("enter")
		}
		h.requireState(stateDetails)
		h.golden()
	})
}

func TestAdminGoldens(t *testing.T) {
	for _, tt := range []struct {
		name, login, password string
		want                  string
	}{
		{"form", "", "", "Administrator login"},
		{"wrong password", contosoAdmin, "wrong", "The login or password is wrong."},
		{"not global admin", "megan@contoso.onmicrosoft.com", "Contoso-User-1", "This account is not a Global administrator."},
		{"mfa", "mfa.admin@contoso.com", "Contoso-Mfa-1", "multi-factor authentication"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.chooseLicenses()
			h.fillDetails()
			if tt.password != "" {
				h.typeSignIn(tt.login, tt.password)
				h.requireState(stateAdmin)
			}
			h.requireView(tt.want)
			h.golden()
		})
	}
}

func TestAdminVerifyingGolden(t *testing.T) {
	h := newHarness(t)
	h.chooseLicenses()
	h.fillDetails()
	h.typeText(contosoAdmin)
	h.key("enter")
	h.typeText(contosoPassword)
	// Complete the form without running the verification command.
	_, cmd := h.m.Update(keyMsg("enter"))
	s := h.m.screens[stateAdmin].(*adminScreen)
	for s.form != nil && cmd != nil {
		msgs := runWave([]tea.Cmd{cmd})
		cmd = nil
		for _, m := range msgs {
			if cmds := h.handle(m); len(cmds) > 0 {
				cmd = tea.Batch(cmds...)
			}
		}
	}
	if s.phase != adminStarting {
		t.Fatal("not verifying after submitting the form")
	}
	if s.password != "" || s.form != nil {
		t.Fatal("the password is still held by the screen while verifying")
	}
	h.golden()
	h.key("esc")
	h.requireState(stateAdmin)
	if s.phase == adminStarting {
		t.Fatal("esc did not cancel the verification")
	}
}

func TestPasswordNeverKept(t *testing.T) {
	h := newHarness(t)
	h.toConsent()
	a := h.m.screens[stateAdmin].(*adminScreen)
	if a.password != "" || a.form != nil {
		t.Fatal("the admin screen keeps the password after verification")
	}
	if h.m.DraftCode() == "" {
		t.Fatal("no draft was saved after the completed steps")
	}
	h.w.requireNotStored(contosoPassword)
	if strings.Contains(h.view(), contosoPassword) {
		t.Fatal("the password is on screen")
	}
}

func TestConsentGoldens(t *testing.T) {
	t.Run("waiting", func(t *testing.T) {
		h := newHarness(t)
		h.toConsent()
		h.clock = h.clock.Add(83e9) // 1:23 later
		h.requireView("1:23")
		h.golden()
	})
	t.Run("browser failed", func(t *testing.T) {
		h := newHarness(t)
		h.br.err = errors.New("no browser")
		h.toConsent()
		h.key("enter")
		if got := h.br.all(); len(got) != 1 || got[0] != h.w.invitationURL() {
			t.Fatalf("opened %q", got)
		}
		h.requireView("could not be opened")
		h.requireView(h.w.invitationURL())
		h.golden()
	})
	t.Run("big QR", func(t *testing.T) {
		h := newHarness(t)
		h.toConsent()
		h.key("q")
		h.golden()
	})
	t.Run("stopped", func(t *testing.T) {
		h := newHarness(t)
		h.toConsent()
		h.key("x")
		h.requireView("Not waiting")
		h.golden()
	})
}

func TestConsentCopyAndBack(t *testing.T) {
	h := newHarness(t)
	h.toConsent()
	h.key("c")
	if h.clipboard != h.w.invitationURL() {
		t.Fatalf("clipboard = %q, want the invitation URL", h.clipboard)
	}
	order := h.m.c.answers.OrderID
	if order == "" {
		t.Fatal("no order created on the consent step")
	}
	h.key("esc")
	h.requireState(stateAdmin)
	if o := h.w.order(order); o.Status != flow.StatusCancelled {
		t.Fatalf("order %s is %s after going back, want cancelled", o.Number, o.Status)
	}
	if h.m.c.answers.OrderID != "" {
		t.Fatal("order id kept after going back")
	}
}

func TestConsentPollingMovesOn(t *testing.T) {
	h := newHarness(t)
	h.toConsent()
	h.pollConsent()
	h.requireState(stateConsent)
	h.w.accept()
	h.pollConsent()
	h.requireState(stateReview)
	h.golden()
}

func TestPaymentGoldens(t *testing.T) {
	h := newHarness(t)
	h.toConsent()
	h.w.accept()
	h.pollConsent()
	h.key("enter")
	t.Run("waiting", func(t *testing.T) {
		h.t = t
		if got := h.br.all(); len(got) != 1 || !strings.HasPrefix(got[0], "http://"+testworld.PayHost+"/") {
			t.Fatalf("opened %q, want the checkout page", got)
		}
		h.pollPayment()
		h.requireState(stateReview)
		h.golden()
	})
	t.Run("declined", func(t *testing.T) {
		h.t = t
		h.w.pay(testworld.DeclinedCard)
		h.pollPayment()
		h.requireView("declined")
		h.golden()
	})
	t.Run("try again and pay", func(t *testing.T) {
		h.t = t
		h.key("enter")
		h.w.pay(testworld.TestCard)
		h.pollPayment()
		h.requireState(stateDone)
	})
}

func TestProcessingGoldens(t *testing.T) {
	t.Run("in progress", func(t *testing.T) {
		h := newHarness(t)
		h.m.c.order = flow.Order{ID: "ord-1", Number: "ORD-000001", Status: flow.StatusPaid}
		s := h.m.screens[stateProcessing].(*processingScreen)
		h.m.state = stateProcessing
		s.spin = newSpinner()
		s.running, s.index = true, map[string]int{}
		for _, p := range []flow.Progress{
			{Step: "link", Label: "Linking your account", Done: 1, Total: 1},
			{Step: "line:1", Label: "Buying licenses", Done: 1, Total: 1},
			{Step: "domains", Label: "Importing domains", Done: 2, Total: 2},
			{Step: "users", Label: "Importing users", Done: 12400, Total: 100000},
		} {
			s.report(p)
		}
		h.requireView("Importing users 12,400 of 100,000")
		h.golden()
	})
	t.Run("microsoft asked to wait", func(t *testing.T) {
		h := newHarness(t)
		h.m.c.order = flow.Order{ID: "ord-1", Number: "ORD-000001", Status: flow.StatusPaid}
		s := h.m.screens[stateProcessing].(*processingScreen)
		h.m.state = stateProcessing
		s.spin = newSpinner()
		s.running, s.index = true, map[string]int{}
		s.report(flow.Progress{Step: "link", Label: "Linking your account", Done: 1, Total: 1})
		s.report(flow.Progress{Step: "users", Label: "Importing users", Done: 400})
		s.report(flow.Progress{Notice: "Microsoft asked us to wait 57 s"})
		h.requireView("Microsoft asked us to wait 57 s")
		h.golden()
		s.report(flow.Progress{}) // the wait is over
		if strings.Contains(s.view(), "asked us to wait") {
			t.Fatal("the notice outlived the wait")
		}
	})
	t.Run("failed then retried", func(t *testing.T) {
		h := newHarness(t)
		h.toConsent()
		h.w.accept()
		h.pollConsent()
		h.key("enter")
		h.w.pay(testworld.TestCard)
		// Microsoft fails every call while the order is processed.
		h.w.ms.MS.SetFaults(sandbox.Faults{ErrorRate: 1})
		h.pollPayment()
		h.requireState(stateProcessing)
		// No golden: the words of the error are flow's, and change there.
		h.requireView("Setting up stopped")
		h.requireView("Press r to try again")
		h.w.ms.MS.SetFaults(sandbox.Faults{})
		h.key("r")
		h.requireState(stateDone)
		if o := h.w.order(h.m.c.order.ID); o.Status != flow.StatusCompleted {
			t.Fatalf("order is %s after the retry, want completed", o.Status)
		}
	})
}

func TestDoneGoldens(t *testing.T) {
	t.Run("bought", func(t *testing.T) {
		h := newHarness(t)
		h.toDone()
		h.golden()
	})
	t.Run("converted", func(t *testing.T) {
		h := newHarness(t)
		h.key("down", "down", "5", "enter") // Premium: fabrikam's trial converts into it
		h.requireState(stateAccount)
		h.fillDetails()
		h.signInAs(fabrikamAdmin, fabrikamPass)
		h.requireState(stateConsent)
		if err := h.w.ms.MS.AcceptInvitation(fabrikamAdmin, fabrikamPass); err != nil {
			t.Fatal(err)
		}
		h.pollConsent()
		h.requireState(stateReview)
		h.key("enter")
		h.w.pay(testworld.TestCard)
		h.pollPayment()
		h.requireState(stateDone)
		// No golden: how many users keep their licenses is being corrected
		// in flow (issue 11, item 5); what Microsoft holds is checked instead.
		h.requireView("trial converted, 5 seats")
		o := h.w.order(h.m.c.order.ID)
		subs, err := h.w.ms.Client(t).Subscriptions(context.Background(), o.TenantID)
		if err != nil {
			t.Fatal(err)
		}
		premium := h.w.svc.Catalog.Offers[2].MicrosoftOfferID
		if i := slices.IndexFunc(subs, func(s msapi.Subscription) bool { return strings.EqualFold(s.OfferID, premium) }); i < 0 ||
			subs[i].Quantity != 5 || subs[i].IsTrial {
			t.Fatalf("fabrikam's subscriptions after the conversion: %+v", subs)
		}
		h.key("enter")
		if !h.quit {
			t.Fatal("enter did not finish")
		}
	})
	t.Run("awaiting approval", func(t *testing.T) {
		h := newHarness(t)
		h.m.c.order = flow.Order{Number: "ORD-000001", Status: flow.StatusPaid}
		h.m.c.answers.Email = "ada@contoso.com"
		h.m.state = stateDone
		h.golden()
	})
}

func (h *harness) toDone() {
	h.t.Helper()
	h.toConsent()
	h.w.accept()
	h.pollConsent()
	h.key("enter")
	h.w.pay(testworld.TestCard)
	h.pollPayment()
	h.requireState(stateDone)
}

func TestAssign(t *testing.T) {
	h := newHarness(t)
	h.toDone()
	h.key("enter")
	h.requireState(stateAssign)
	s := h.m.screens[stateAssign].(*assignScreen)
	all := len(s.matches)
	if all < 3 {
		t.Fatalf("%d of contoso's users listed", all)
	}
	t.Run("list", func(t *testing.T) { h.t = t; h.golden() })
	t.Run("search", func(t *testing.T) {
		h.t = t
		h.typeText("vance")
		if len(s.matches) != 1 || !strings.Contains(s.users[s.matches[0]].DisplayName, "Vance") {
			t.Fatalf("matches = %d, want Adele Vance alone", len(s.matches))
		}
		h.key("backspace")
		if len(s.matches) < 1 {
			t.Fatalf("after backspace matches = %d", len(s.matches))
		}
		h.golden()
		h.key("esc")
		if s.search.Value() != "" || len(s.matches) != all {
			t.Fatal("esc does not clear the search")
		}
	})
	var chosen string
	t.Run("limited to seats", func(t *testing.T) {
		h.t = t
		h.key("enter", "down", "enter", "down", "enter")
		if n := len(s.selected[0]); n != 2 {
			t.Fatalf("selected %d users, want the 2 seats bought", n)
		}
		h.requireView("All 2 licenses are chosen")
		h.golden()
		h.key("up", "enter") // unselect the second
		if n := len(s.selected[0]); n != 1 {
			t.Fatalf("selected %d after unselect, want 1", n)
		}
		for id := range s.selected[0] {
			chosen = id
		}
	})
	t.Run("save", func(t *testing.T) {
		h.t = t
		h.key("ctrl+s")
		h.requireView("1 licenses assigned")
		// Microsoft's own record: the user holds the bought SKU.
		o := h.w.order(h.m.c.order.ID)
		lics, err := h.w.ms.Client(t).UserLicenses(context.Background(), o.TenantID, chosen)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(lics, func(l msapi.License) bool { return strings.EqualFold(l.SkuID, s.lines[0].SkuID) }) {
			t.Fatalf("user %s holds %+v, not %s", chosen, lics, s.lines[0].SkuID)
		}
	})
}

func TestResumeDraft(t *testing.T) {
	h := newHarness(t, func(w *world, _ *Options) {
		a := flow.Answers{Mode: flow.ModeCustomer, Account: flow.AccountExisting, Company: "Contoso Ltd",
			Lines: []flow.LineChoice{{OfferID: "m365-business-basic", Seats: 4}}}
		if _, err := w.svc.SaveDraft(context.Background(), "K7QM-4XPA", "kiosk-1", flow.StepDetails, a); err != nil {
			t.Fatal(err)
		}
	})
	h.requireState(stateResume)
	h.golden()
	h.key("enter")
	h.requireState(stateDetails)
	h.requireView("Contoso Ltd")
	h.key("esc", "esc")
	h.requireState(stateLicenses)
	if s := h.m.screens[stateLicenses].(*licensesScreen); s.seats[0] != 4 {
		t.Fatalf("resumed seats = %v", s.seats)
	}
}

func TestTooSmallGolden(t *testing.T) {
	h := newHarness(t)
	h.send(tea.WindowSizeMsg{Width: 60, Height: 20})
	h.key("+") // ignored while too small
	h.golden()
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.requireView("Choose licenses")
	if s := h.m.screens[stateLicenses].(*licensesScreen); s.seats[0] != 0 {
		t.Fatal("keys acted while the screen was too small")
	}
}

func TestDemoPanelGolden(t *testing.T) {
	h := newHarness(t, sandboxMode)
	h.requireView("SANDBOX")
	h.key("f2")
	h.requireView("Demo-Pass-1")
	h.golden()
	h.key("esc")
	h.requireView("Choose licenses")
}

func TestDemoPanelOnlyInSandbox(t *testing.T) {
	h := newHarness(t, func(w *world, o *Options) {
		sandboxMode(w, o)
		o.Sandbox = false
	})
	h.key("f2")
	if strings.Contains(h.view(), "Demo-Pass-1") || strings.Contains(h.view(), "SANDBOX") {
		t.Fatal("demo accounts shown outside the sandbox")
	}
}

func TestCtrlCInterrupts(t *testing.T) {
	h := newHarness(t)
	h.key("ctrl+c")
	if !h.interrupted {
		t.Fatal("ctrl+c did not interrupt")
	}
}

func TestForeignTextIsSanitised(t *testing.T) {
	h := newHarness(t)
	h.m.c.catalog.Offers = slices.Clone(h.w.svc.Catalog.Offers)
	h.m.c.catalog.Offers[0].Name = "Evil\x1b]0;pwned\x07\u202Eoffer"
	v := h.m.View().Content
	if strings.Contains(v, "\x1b]") || strings.Contains(v, "\u202E") {
		t.Fatalf("escape sequence reached the screen: %q", v)
	}
}

func TestPayExistingOrder(t *testing.T) {
	h := newHarness(t)
	// An order placed earlier, accepted, not paid: 10 seats of Premium.
	a := testworld.Answers(contosoDomain, contosoAdmin, "m365-business-premium", 10)
	a.Email = "ada@contoso.com"
	if _, err := h.w.ms.Consent(context.Background(), h.w.svc, a, contosoPassword); err != nil {
		t.Fatal(err)
	}
	h.key("ctrl+o")
	h.requireState(statePayOrder)
	t.Run("form", func(t *testing.T) { h.t = t; h.golden() })
	t.Run("not found", func(t *testing.T) {
		h.t = t
		h.typeText("ORD-000001")
		h.key("enter")
		h.typeText("eve@example.com")
		h.key("enter")
		h.requireState(statePayOrder)
		h.requireView("No order has that number and e-mail")
		h.golden()
	})
	t.Run("found", func(t *testing.T) {
		h.t = t
		h.key("enter") // the number is kept
		for range len("eve@example.com") {
			h.key("backspace")
		}
		h.typeText("ada@contoso.com")
		h.key("enter")
		h.requireState(stateReview)
		h.requireView("EUR 206.00")
	})
}

// A finished step shows a check mark, not a spinner, while later steps run:
// finished once a later step reported, or once its Done reaches its Total.
func TestProcessingFinishedStepsStopSpinning(t *testing.T) {
	h := newHarness(t)
	h.m.c.order = flow.Order{ID: "ord-1", Number: "ORD-000001", Status: flow.StatusPaid}
	s := h.m.screens[stateProcessing].(*processingScreen)
	h.m.state = stateProcessing
	s.spin = newSpinner()
	s.running, s.index = true, map[string]int{}
	s.report(flow.Progress{Step: "link", Label: "Linking your account"}) // no count reported
	s.report(flow.Progress{Step: "domains", Label: "Importing domains", Done: 2, Total: 2})
	s.report(flow.Progress{Step: "users", Label: "Importing users", Done: 3, Total: 10})
	mark := func(label string) string {
		for _, l := range strings.Split(h.view(), "\n") {
			if strings.Contains(l, label) {
				return strings.Fields(l)[0]
			}
		}
		t.Fatalf("no line %q:\n%s", label, h.view())
		return ""
	}
	for _, label := range []string{"Linking your account", "Importing domains"} {
		if got := mark(label); got != "✓" {
			t.Errorf("%s is marked %q, want ✓:\n%s", label, got, h.view())
		}
	}
	if got := mark("Importing users"); got == "✓" {
		t.Errorf("the running step is marked finished:\n%s", h.view())
	}
	h.golden()
}
