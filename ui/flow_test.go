package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"onboard/flow"
	"onboard/msapi"
	"onboard/payment"
)

func sandbox(_ *fakeBackend, o *Options) {
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
	h := newHarness(t)
	h.key("down", "down", "2", "enter")
	h.requireState(stateLicenses)
	h.requireView("Exchange Online (Plan 1): choose between 5 and 1000 seats.")
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
	want := []flow.LineChoice{{OfferID: "m365-bs", Seats: 300}}
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
		h.requireView("contosoltd.onmicrosoft.com")
		h.golden()
	})
	t.Run("new account coming soon", func(t *testing.T) {
		h := newHarness(t, func(fb *fakeBackend, o *Options) { o.Backend = existingOnly{fb} })
		h.chooseLicenses()
		h.key("down", "enter")
		h.requireState(stateAccount)
		h.requireView("coming soon")
		h.golden()
	})
}

func TestNewAccountPath(t *testing.T) {
	h := newHarness(t)
	h.chooseLicenses()
	h.key("down")
	h.typeText("fabrikam")
	h.key("enter")
	h.requireState(stateDetails)
	if a := h.m.c.answers; a.Account != flow.AccountNew || a.Domain != "fabrikam.onmicrosoft.com" {
		t.Fatalf("answers = %s %s", a.Account, a.Domain)
	}
	for _, v := range []string{"Fabrikam Inc", "Ada", "Lovelace", "ada@fabrikam.com"} {
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
	h.requireView("Tmp#Pass-4821")
	h.golden()
	h.key("enter")
	h.requireState(stateReview)
	if strings.Contains(h.view(), "Tmp#Pass-4821") {
		t.Fatal("the new password is still on screen")
	}
	if s := h.m.screens[stateCreateAccount].(*createAccountScreen); s.created.AdminPassword != "" {
		t.Fatal("the new password is kept after it was shown")
	}
	for _, a := range h.fb.draftAnswers {
		if strings.Contains(fmt.Sprintf("%+v", a), "Tmp#Pass-4821") {
			t.Fatal("a draft holds the new password")
		}
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
		name     string
		password string
		err      error
		want     string
	}{
		{"form", "", nil, "Administrator login"},
		{"wrong password", "wrong", nil, "The login or password is wrong."},
		{"not global admin", "Correct-horse-1", msapi.ErrNotGlobalAdmin, "This account is not a Global administrator."},
		{"mfa", "Correct-horse-1", msapi.ErrMFARequired, "multi-factor authentication"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.fb.adminErr = tt.err
			h.chooseLicenses()
			h.fillDetails()
			if tt.password != "" {
				h.signIn(tt.password)
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
	h.typeText("admin@contoso.onmicrosoft.com")
	h.key("enter")
	h.typeText("Correct-horse-1")
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
	if !s.verifying {
		t.Fatal("not verifying after submitting the form")
	}
	if s.password != "" || s.form != nil {
		t.Fatal("the password is still held by the screen while verifying")
	}
	h.golden()
	h.key("esc")
	h.requireState(stateAdmin)
	if s.verifying {
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
	if len(h.fb.passwordsSeen) != 1 || h.fb.passwordsSeen[0] != h.fb.adminPassword {
		t.Fatalf("VerifyAdmin got passwords %q", h.fb.passwordsSeen)
	}
	for code, ans := range h.fb.draftAnswers {
		if strings.Contains(fmt.Sprintf("%+v", ans), h.fb.adminPassword) {
			t.Fatalf("draft %s holds the password", code)
		}
	}
	if len(h.fb.drafts) == 0 {
		t.Fatal("no draft was saved after the completed steps")
	}
	if strings.Contains(h.view(), h.fb.adminPassword) {
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
		if len(h.br.opened) != 1 || h.br.opened[0] != h.fb.inviteURL {
			t.Fatalf("opened %q", h.br.opened)
		}
		h.requireView("could not be opened")
		h.requireView(h.fb.inviteURL)
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
	if h.clipboard != h.fb.inviteURL {
		t.Fatalf("clipboard = %q, want the invitation URL", h.clipboard)
	}
	order := h.m.c.answers.OrderID
	if order == "" {
		t.Fatal("no order created on the consent step")
	}
	h.key("esc")
	h.requireState(stateAdmin)
	if len(h.fb.cancelled) != 1 || h.fb.cancelled[0] != order {
		t.Fatalf("cancelled %v, want [%s]", h.fb.cancelled, order)
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
	h.fb.accept()
	h.pollConsent()
	h.requireState(stateReview)
	h.golden()
}

func TestPaymentGoldens(t *testing.T) {
	h := newHarness(t)
	h.fb.payStates = []payment.State{payment.StatePending, payment.StateDeclined}
	h.toConsent()
	h.fb.accept()
	h.pollConsent()
	h.key("enter")
	t.Run("waiting", func(t *testing.T) {
		h.t = t
		if len(h.br.opened) != 1 || h.br.opened[0] != h.fb.checkoutURL {
			t.Fatalf("opened %q, want the checkout page", h.br.opened)
		}
		h.pollPayment()
		h.requireState(stateReview)
		h.golden()
	})
	t.Run("declined", func(t *testing.T) {
		h.t = t
		h.pollPayment()
		h.requireView("declined")
		h.golden()
	})
	t.Run("try again and pay", func(t *testing.T) {
		h.t = t
		h.key("enter")
		if h.fb.checkouts != 2 {
			t.Fatalf("checkouts = %d, want a new one", h.fb.checkouts)
		}
		h.pollPayment()
		h.requireState(stateDone)
	})
}

func TestProcessingGoldens(t *testing.T) {
	t.Run("in progress", func(t *testing.T) {
		h := newHarness(t)
		h.m.c.order = flow.Order{ID: "ord-1", Number: "NW-1001", Status: flow.StatusPaid}
		s := h.m.screens[stateProcessing].(*processingScreen)
		h.m.state = stateProcessing
		s.spin = newSpinner()
		s.running, s.index = true, map[string]int{}
		for _, p := range h.fb.progress {
			s.report(p)
		}
		h.requireView("Importing users 12,400 of 100,000")
		h.golden()
	})
	t.Run("failed then retried", func(t *testing.T) {
		h := newHarness(t)
		h.fb.processErrs = []error{fmt.Errorf("import users: %w", msapi.ErrThrottled)}
		h.toConsent()
		h.fb.accept()
		h.pollConsent()
		h.key("enter")
		h.pollPayment()
		h.requireState(stateProcessing)
		h.requireView("Press r to try again")
		h.golden()
		h.key("r")
		h.requireState(stateDone)
		if h.fb.retries != 1 {
			t.Fatalf("retries = %d, want Retry before processing again", h.fb.retries)
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
		h.fb.bought = false
		h.toDone()
		h.golden()
		h.key("enter")
		if !h.quit {
			t.Fatal("enter did not finish")
		}
	})
	t.Run("awaiting approval", func(t *testing.T) {
		h := newHarness(t)
		h.m.c.order = flow.Order{Number: "NW-1001", Status: flow.StatusPaid}
		h.m.c.answers.Email = "ada@contoso.com"
		h.m.state = stateDone
		h.golden()
	})
}

func (h *harness) toDone() {
	h.t.Helper()
	h.fb.users = makeUsers(40)
	h.toConsent()
	h.fb.accept()
	h.pollConsent()
	h.key("enter")
	h.pollPayment()
	h.requireState(stateDone)
}

func TestAssign(t *testing.T) {
	h := newHarness(t)
	h.toDone()
	h.key("enter")
	h.requireState(stateAssign)
	s := h.m.screens[stateAssign].(*assignScreen)
	t.Run("list", func(t *testing.T) { h.t = t; h.golden() })
	t.Run("search", func(t *testing.T) {
		h.t = t
		h.typeText("user00001")
		if len(s.matches) != 10 {
			t.Fatalf("matches = %d, want 10 (user000010..19)", len(s.matches))
		}
		h.key("backspace")
		if len(s.matches) != 40 {
			t.Fatalf("after backspace matches = %d, want 40", len(s.matches))
		}
		h.golden()
		h.key("esc")
		if s.search.Value() != "" || len(s.matches) != 40 {
			t.Fatal("esc does not clear the search")
		}
	})
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
	})
	t.Run("save", func(t *testing.T) {
		h.t = t
		h.key("ctrl+s")
		if got := h.fb.assignments["sku-bp"]; len(got) != 1 || got[0] != "u000000" {
			t.Fatalf("assigned %v, want [u000000]", got)
		}
		h.requireView("1 licenses assigned")
	})
}

func TestResumeDraft(t *testing.T) {
	h := newHarness(t, func(fb *fakeBackend, _ *Options) {
		fb.latestDraftOK = true
		a := flow.Answers{Mode: flow.ModeCustomer, Account: flow.AccountExisting, Company: "Contoso Ltd",
			Lines: []flow.LineChoice{{OfferID: "m365-bp", Seats: 4}}}
		fb.drafts["K7QM-4XPA"] = flow.Draft{Code: "K7QM-4XPA", Terminal: "kiosk-1", UpdatedAt: fb.now}
		fb.draftAnswers["K7QM-4XPA"], fb.draftSteps["K7QM-4XPA"] = a, flow.StepDetails
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
	h := newHarness(t, sandbox)
	h.requireView("SANDBOX")
	h.key("f2")
	h.requireView("Demo-Pass-1")
	h.golden()
	h.key("esc")
	h.requireView("Choose licenses")
}

func TestDemoPanelOnlyInSandbox(t *testing.T) {
	h := newHarness(t, func(fb *fakeBackend, o *Options) {
		sandbox(fb, o)
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
	h.m.c.catalog.Offers = slices.Clone(testCatalog.Offers)
	h.m.c.catalog.Offers[0].Name = "Evil\x1b]0;pwned\x07\u202Eoffer"
	v := h.m.View().Content
	if strings.Contains(v, "\x1b]") || strings.Contains(v, "\u202E") {
		t.Fatalf("escape sequence reached the screen: %q", v)
	}
}

func TestPayExistingOrder(t *testing.T) {
	h := newHarness(t)
	h.fb.orders["ord-9"] = flow.Order{ID: "ord-9", Number: "NW-2001", Status: flow.StatusAwaitingPayment,
		Currency: "EUR", TenantDomain: "contoso.onmicrosoft.com",
		Lines: []flow.OrderLine{{Name: "Microsoft 365 Business Premium", Quantity: 10, UnitPrice: 2060}}}
	h.fb.orderEmail["ord-9"] = "ada@contoso.com"
	h.key("ctrl+o")
	h.requireState(statePayOrder)
	t.Run("form", func(t *testing.T) { h.t = t; h.golden() })
	t.Run("not found", func(t *testing.T) {
		h.t = t
		h.typeText("NW-2001")
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
