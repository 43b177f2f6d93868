package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
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
	h.goldens()
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
	h.requireView("€3,510.00")
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
	t.Run("choice", func(t *testing.T) { h.t = t; h.goldens() })
	t.Run("new, nothing typed", func(t *testing.T) {
		h.t = t
		h.key("down")
		if v := h.view(); strings.Contains(v, "enter the") || strings.Contains(v, "contoso") {
			t.Errorf("a message or a taken example before anything was typed:\n%s", v)
		}
		h.goldens()
	})
	t.Run("name taken", func(t *testing.T) {
		h.t = t
		h.typeText("contoso")
		h.key("enter")
		h.requireState(stateAccount)
		h.requireView("taken")
		h.goldens()
	})
}

// The name is checked with Microsoft once typing pauses, before Enter; an
// answer for an older spelling is dropped; a free suggestion is picked
// with ↓ and Enter, or its number.
func TestAccountNameCheckedAsTyped(t *testing.T) {
	h := newHarness(t)
	h.chooseLicenses()
	h.key("down")
	s := h.m.screens[stateAccount].(*accountScreen)
	h.typeText("con")
	stale := s.gen
	h.typeText("toso")
	h.send(nameIdleMsg{gen: stale}) // typing went on: no check
	h.requireView("Checking contoso.onmicrosoft.com")
	h.send(nameIdleMsg{gen: s.gen})
	h.requireState(stateAccount)
	h.requireView("contoso.onmicrosoft.com is taken")
	h.requireView("1  contoso2.onmicrosoft.com")
	h.key("down", "down")
	h.requireView("› 2  contoso3.onmicrosoft.com")
	h.goldens()
	h.key("enter")
	h.requireState(stateDetails)
	if d := h.m.c.answers.Domain; d != "contoso3.onmicrosoft.com" {
		t.Fatalf("domain = %q, want the picked contoso3.onmicrosoft.com", d)
	}

	h.key("esc")
	h.requireState(stateAccount)
	for range len("contoso3") {
		h.key("backspace")
	}
	h.typeText("fabrikam")
	h.send(nameIdleMsg{gen: s.gen})
	h.key("down", "1")
	h.requireState(stateDetails)
	if d := h.m.c.answers.Domain; d != "fabrikam2.onmicrosoft.com" {
		t.Fatalf("domain = %q, want fabrikam2.onmicrosoft.com (number 1)", d)
	}

	h.key("esc")
	h.typeText("-")
	h.requireView("use only letters") // what to fix, as it is typed
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
	h.typePhoneAndAddress()
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

	// The seats change on the same order: no second account, no second order.
	before := h.m.c.order
	h.key("esc")
	h.requireState(stateLicenses)
	h.key("+", "enter")
	h.requireState(stateReview)
	if n := h.w.orders(); n != 1 || h.m.c.order.ID != before.ID || h.m.c.order.TenantID != before.TenantID ||
		h.m.c.order.Total() <= before.Total() {
		t.Fatalf("%d orders; order %+v, was %+v", n, h.m.c.order, before)
	}
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
			// Timers (the draft's typing pause) never fire here.
			if cmds := slices.DeleteFunc(h.handle(m), func(c tea.Cmd) bool { return c == nil || timerCmd(c) }); len(cmds) > 0 {
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
		h.goldens()
	})
	t.Run("stopped", func(t *testing.T) {
		h := newHarness(t)
		h.toConsent()
		h.key("x")
		h.requireView("Not waiting")
		h.requireView("enter check again") // the footer says what the text says
		h.goldens()
		opened := len(h.br.all())
		h.key("enter")
		h.requireView("Waiting for Microsoft to confirm")
		if len(h.br.all()) != opened {
			t.Error("Enter after x opened the page again instead of checking")
		}
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
		h.goldens()
	})
	t.Run("declined", func(t *testing.T) {
		h.t = t
		h.w.pay(testworld.DeclinedCard)
		h.pollPayment()
		h.requireView("declined")
		h.goldens()
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
	t.Run("bought with tax", func(t *testing.T) {
		// With stripe_automatic_tax the capture carries the tax Stripe
		// computed (the sandbox checkout adds none): the customer sees it.
		h := newHarness(t)
		h.toDone()
		o := h.m.c.order
		h.m.c.result.Paid = flow.Payment{Amount: o.Total(), Currency: o.Currency, Tax: o.Total() * 19 / 100, State: "paid"}
		h.requireView("Paid: €46.30 per month + tax €8.79 = €55.09")
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
	all := len(s.users)
	if all < 3 || s.matches < all {
		t.Fatalf("%d of contoso's users listed, %d counted", all, s.matches)
	}
	t.Run("list", func(t *testing.T) { h.t = t; h.golden() })
	t.Run("search", func(t *testing.T) {
		h.t = t
		h.typeText("vance")
		if len(s.users) != 1 || !strings.Contains(s.users[0].DisplayName, "Vance") {
			t.Fatalf("matches = %d, want Adele Vance alone", len(s.users))
		}
		h.key("backspace")
		if len(s.users) < 1 {
			t.Fatalf("after backspace matches = %d", len(s.users))
		}
		h.golden()
		h.key("esc")
		if s.search.Value() != "" || len(s.users) != all {
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
		h.requireView("1 license assigned")
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
	h.requireView("Contoso Ltd")
	h.requireView("4 × Microsoft 365 Business Basic")
	h.requireView("Stopped at  Your details")
	h.goldens()
	h.key("enter")
	h.requireState(stateDetails)
	h.requireView("Contoso Ltd")
	h.key("esc", "esc")
	h.requireState(stateLicenses)
	if s := h.m.screens[stateLicenses].(*licensesScreen); s.seats[0] != 4 {
		t.Fatalf("resumed seats = %v", s.seats)
	}
}

// What was typed into a form is saved once typing pauses: a new start on
// the same terminal offers it, and resuming shows it in the form again.
func TestDraftKeepsHalfTypedDetails(t *testing.T) {
	h := newHarness(t)
	h.chooseLicenses()
	h.key("enter") // an existing account
	h.requireState(stateDetails)
	h.typeText("Half Typed Ltd")
	h.key("enter")
	h.typeText("Gra")
	h.send(draftIdleMsg{gen: h.m.editGen - 1}) // keys came since: nothing saved
	if d, _, _ := h.w.svc.LatestDraft(context.Background(), "kiosk-1"); strings.Contains(string(d.Data), "Half Typed") {
		t.Fatal("a superseded pause saved the draft")
	}
	h.send(draftIdleMsg{gen: h.m.editGen})

	again := &harness{t: t, clock: h.clock, w: h.w, br: h.br}
	again.m = New(Options{Backend: h.w.svc, Catalog: h.w.svc.Catalog, Browser: h.br, Terminal: "kiosk-1", NoColor: true,
		PollInterval: time.Millisecond, Now: func() time.Time { return again.clock }})
	again.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	again.do(again.m.Init())
	again.requireState(stateResume)
	again.requireView("Half Typed Ltd")
	again.key("enter")
	again.requireState(stateDetails)
	again.requireView("Half Typed Ltd")
	again.requireView("Gra")
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
	h.goldens()
	h.key("esc")
	h.requireView("Choose licenses")
}

// The demo list is longer than 80x24: it scrolls, and says how much more
// there is above and below.
func TestDemoPanelScrolls(t *testing.T) {
	h := newHarness(t, func(w *world, o *Options) {
		sandboxMode(w, o)
		for i := range 24 {
			o.DemoAccounts = append(o.DemoAccounts, DemoAccount{Tenant: fmt.Sprintf("tenant%d.onmicrosoft.com", i),
				Login: fmt.Sprintf("admin@tenant%d.onmicrosoft.com", i), Password: fmt.Sprintf("Tenant-Pass-%d", i), Role: "Global administrator"})
		}
	})
	h.key("ctrl+d")
	h.requireView("more")
	h.requireView("↑/↓ scroll")
	if strings.Contains(h.view(), "Tenant-Pass-23") {
		t.Fatal("the whole list fits at 80x24: the test does not scroll")
	}
	h.key("pgdown", "pgdown", "pgdown")
	h.requireView("Tenant-Pass-23")
	h.requireView("↑ ")
	h.goldens()
	h.key("home")
	h.requireView("Demo-Pass-1")
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
	t.Run("form", func(t *testing.T) { h.t = t; h.goldens() })
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
		h.approveGDAP()
		h.requireState(stateReview)
		h.requireView("€206.00")
	})
}

// The order number may be typed short ("2", "ord-2"): flow reads it; what
// cannot be a number says how to type it.
func TestPayExistingOrderByShortNumber(t *testing.T) {
	h := newHarness(t)
	a := testworld.Answers(contosoDomain, contosoAdmin, "m365-business-premium", 10)
	a.Email = "ada@contoso.com"
	if _, err := h.w.ms.Consent(context.Background(), h.w.svc, a, contosoPassword); err != nil {
		t.Fatal(err)
	}
	h.key("ctrl+o")
	h.typeText("order one")
	h.key("enter")
	h.requireView("enter the order number like ORD-000002, or just 2")
	for range len("order one") {
		h.key("backspace")
	}
	h.typeLookUp("ord-1", "ada@contoso.com")
	h.approveGDAP()
	h.requireState(stateReview)
	h.requireView("ORD-000001")
}

// Looking an order up is no step of the path; an order already completed
// shows what it did, read back from the store.
func TestPayExistingOrderCompleted(t *testing.T) {
	h := newHarness(t)
	o, want := h.completedOrder("o365-e3", 3)
	h.key("ctrl+o")
	if strings.Contains(h.view(), "Step ") {
		t.Errorf("the look-up form shows a step of the path:\n%s", h.view())
	}
	h.typeLookUp(o.Number, "ada@contoso.com")
	h.requireState(stateDone)
	if strings.Contains(h.view(), "Imported 0 users") {
		t.Errorf("the completed order's summary is empty:\n%s", h.view())
	}
	h.requireView(fmt.Sprintf("Imported %d users", want.UsersImported))
	h.requireView("Office 365 E3: 3 new licenses")
	h.goldens()
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

// typeAtOnce feeds keys as a password manager's auto-type arrives: every
// key reaches Update before any command of an earlier key has run.
func (h *harness) typeAtOnce(keys ...string) {
	h.t.Helper()
	var cmds []tea.Cmd
	for _, k := range keys {
		var msgs []tea.Msg
		if len([]rune(k)) > 1 && !strings.Contains("enter tab shift+tab esc backspace", k) {
			for _, r := range k {
				msgs = append(msgs, keyMsg(string(r)))
			}
		} else {
			msgs = append(msgs, keyMsg(k))
		}
		for _, msg := range msgs {
			_, cmd := h.m.Update(msg)
			cmds = append(cmds, cmd)
		}
	}
	h.do(tea.Batch(cmds...))
}

// Keys typed while a form moves to its next field belong to that field.
func TestTypedFastKeysGoToTheNextField(t *testing.T) {
	h := newHarness(t)
	h.chooseLicenses()
	h.key("enter")
	h.requireState(stateDetails)
	h.typeAtOnce("Acme Ltd", "enter", "Ada", "tab", "Lovelace", "enter", "ada@acme.com", "enter", "/Germ")
	a := h.m.c.answers
	if a.Company != "Acme Ltd" || a.FirstName != "Ada" || a.LastName != "Lovelace" || a.Email != "ada@acme.com" {
		t.Fatalf("fields = %q %q %q %q, want Acme Ltd, Ada, Lovelace, ada@acme.com", a.Company, a.FirstName, a.LastName, a.Email)
	}
	h.requireView("Germany (DE)")
	h.typeAtOnce("enter", "030 1234567", "enter", "Unter den Linden 1", "enter", "Berlin", "enter", "10117", "enter", "y")
	a = h.m.c.answers
	if a.Address.City != "Berlin" || a.Address.PostalCode != "10117" || a.Address.Country != "DE" {
		t.Fatalf("address = %+v", a.Address)
	}
	// The form is done: the key after it belongs to the next screen.
	h.requireState(stateAdmin)
}

// The state or province is asked only where addresses carry one; the
// country's field keeps its name while searching.
func TestDetailsStateOnlyWhereUsed(t *testing.T) {
	h := newHarness(t)
	h.chooseLicenses()
	h.key("enter")
	for _, v := range []string{"Contoso Ltd", "Ada", "Lovelace", "ada@contoso.com"} {
		h.typeText(v)
		h.key("enter")
	}
	h.typeText("/United S")
	h.requireView("The company's country")
	h.goldens()
	h.key("enter")
	h.typeText("+1 206 555 0100")
	h.key("enter")
	for _, v := range []string{"1 Main Street", "Seattle", "98101"} {
		h.typeText(v)
		h.key("enter")
	}
	h.requireView("State or province")
	h.typeText("WA")
	h.key("enter")
	h.requireState(stateAgreement)
	if s := h.m.c.answers.Address.State; s != "WA" {
		t.Fatalf("state = %q", s)
	}
}

// A link is one OSC 8 hyperlink carrying the whole address, on a line of
// its own: never hard-wrapped, so copying it from the screen works.
func TestLinkIsOneHyperlinkNeverWrapped(t *testing.T) {
	h := newHarness(t)
	h.toConsent()
	url := h.m.screens[stateConsent].(*consentScreen).link.url
	if url == "" {
		t.Fatal("no invitation link")
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		h.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		if raw := h.m.View().Content; !strings.Contains(raw, ansi.SetHyperlink(url)) {
			t.Errorf("%dx%d: no OSC 8 hyperlink to %s", size[0], size[1], url)
		}
		if !strings.Contains(h.view(), url) {
			t.Errorf("%dx%d: the link is not on one line:\n%s", size[0], size[1], h.view())
		}
	}
}

// A product sold with several terms: t changes the term, the price per
// month and per term follow, and the review says the commitment.
func TestLicensesTermChoice(t *testing.T) {
	h := newHarness(t)
	h.key("down", "down", "2")
	h.requireView("Term: 1 month, billed monthly, €20.60 per seat for the month. Press t")
	h.key("t", "t")
	h.requireView("Term: 1 year, billed annually, €206.40 per seat for the year.")
	h.requireView("€34.40") // 2 seats at EUR 17.20 a month
	if l := h.m.c.answers.Lines; len(l) != 1 || l[0].Term != "P1Y/annual" {
		t.Fatalf("lines %+v, want the P1Y/annual term", l)
	}
	t.Run("licenses", func(t *testing.T) { h.t = t; h.goldens() })
	h.t = t
	h.key("enter")
	h.requireState(stateAccount)
	h.fillDetails()
	h.signIn(contosoPassword)
	h.requireState(stateConsent)
	h.w.accept()
	h.pollConsent()
	h.requireState(stateReview)
	h.requireView("Microsoft 365 Business Premium: 1 year, billed annually, €206.40 per seat")
	h.requireView("Due now")
	h.requireView("€412.80") // the year of 2 seats, paid now
	if l := h.m.c.order.Lines[0]; l.TermDuration != "P1Y" || l.BillingCycle != "annual" {
		t.Fatalf("order line %+v", l)
	}
	t.Run("review", func(t *testing.T) { h.t = t; h.goldens() })
}

// The 1M-user import as it looked at 80x24: the agreement's long label
// pushed its bar out of line, and the licence step, finished without its
// last report, said "✓ … 0 of 1". Bars now share a column, labels give way
// before counts do, and a finished step claims nothing it did not report.
func TestProcessingLongLabelsKeepTheBarsInLine(t *testing.T) {
	for _, lang := range []string{"en", "de", "fr"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, inLocale(lang))
			h.m.c.order = flow.Order{ID: "ord-1", Number: "ORD-000001", Status: flow.StatusPaid}
			s := h.m.screens[stateProcessing].(*processingScreen)
			h.m.state = stateProcessing
			s.spin = newSpinner()
			s.running, s.index = true, map[string]int{}
			s.report(flow.Progress{Step: "link", Label: "Linking your Microsoft account"})
			s.report(flow.Progress{Step: "agreement", Label: "Recording the Microsoft Customer Agreement"})
			s.report(flow.Progress{Step: "line:1", Label: "Setting up Microsoft 365 Business Basic", Total: 1})
			s.report(flow.Progress{Step: "gdap", Label: "Checking the admin relationship"})
			s.report(flow.Progress{Step: "domains", Label: "Importing domains", Done: 50, Total: 50})
			s.report(flow.Progress{Step: "users", Label: "Importing users", Done: 986013, Total: 1000000})
			view := h.view()
			barAt := -1
			for _, l := range strings.Split(view, "\n") {
				if w := ansi.StringWidth(l); w > 80 {
					t.Errorf("line of %d columns: %q", w, l)
				}
				i := strings.Index(l, "#") // every bar here is partly filled
				if i < 0 {
					continue
				}
				if col := ansi.StringWidth(l[:i]); barAt < 0 {
					barAt = col
				} else if col != barAt {
					t.Errorf("bar at column %d, not %d:\n%s", col, barAt, view)
				}
			}
			for _, l := range strings.Split(view, "\n") {
				if strings.Contains(l, "Business Basic") && strings.Contains(l, " 0 ") {
					t.Errorf("a finished step says 0 of 1: %q", l)
				}
			}
			if !strings.Contains(view, h.m.c.loc.Number(986013)) {
				t.Errorf("the import's count is cut:\n%s", view)
			}
			h.golden()
		})
	}
}

// shift+tab goes back a field even where the field left shows an error:
// a customer who pressed Enter on an empty phone number, then saw the
// e-mail was wrong, goes back to it with shift+tab (huh alone keeps them
// on the phone's page with no field focused), and then on through the form.
func TestDetailsShiftTabLeavesAFieldWithAnError(t *testing.T) {
	h := newHarness(t)
	h.chooseLicenses()
	h.key("enter")
	for _, v := range []string{"Contoso Ltd", "Ada", "Lovelace", "ada@contoso.con.com"} {
		h.typeText(v)
		h.key("enter")
	}
	h.typeText("/Germ")
	h.key("enter")
	h.key("enter") // no phone
	h.requireView("enter the phone number")
	h.send(typeAheadExpiredMsg{gen: h.m.ahead.gen}) // the focus stayed: keys go on
	s := h.m.screens[stateDetails].(*detailsScreen)
	h.key("shift+tab") // to the country, on the same page
	if s.form.GetFocusedField() != s.firsts[1] {
		t.Fatalf("shift+tab from the phone did not focus the country:\n%s", h.view())
	}
	h.key("shift+tab") // to the e-mail, on the page before
	h.requireView("ada@contoso.con.com")
	if f := s.form.GetFocusedField(); f == nil || f.GetValue() != "ada@contoso.con.com" {
		t.Fatalf("shift+tab from the country did not focus the e-mail:\n%s", h.view())
	}
	h.typeText("x") // typed where the focus is: the e-mail
	if h.m.c.answers.Email != "ada@contoso.con.comx" {
		t.Fatalf("e-mail %q after typing on it", h.m.c.answers.Email)
	}
	h.key("backspace", "enter")
	h.requireView("Germany") // the country kept
	h.key("enter")
	h.typePhoneAndAddress()
	h.requireState(stateAgreement)
	if a := h.m.c.answers; a.Email != "ada@contoso.con.com" || a.Address.Country != "DE" || a.Phone != "+49301234567" {
		t.Fatalf("answers %+v", a)
	}
}

// With the provider's country setting the details start at that country:
// a German shop's customer presses Enter on Germany instead of searching
// past Argentina, the top of the list.
func TestDetailsStartAtTheProvidersCountry(t *testing.T) {
	h := newHarness(t, func(_ *world, o *Options) { o.Country = "DE" })
	h.chooseLicenses()
	h.key("enter")
	h.requireState(stateDetails)
	for _, v := range []string{"Contoso GmbH", "Ada", "Lovelace", "ada@contoso.com"} {
		h.typeText(v)
		h.key("enter")
	}
	h.requireView("Germany (DE)")
	h.key("enter") // the country as it stands
	h.typePhoneAndAddress()
	h.requireState(stateAgreement)
	if a := h.m.c.answers; a.Address.Country != "DE" || a.Phone != "+49301234567" {
		t.Fatalf("answers %+v", a)
	}
}
