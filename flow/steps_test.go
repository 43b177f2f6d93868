package flow

import (
	"errors"
	"reflect"
	"testing"
)

func TestStepsNavigation(t *testing.T) {
	if got := Steps(ModeAgent); !reflect.DeepEqual(got, []StepID{"licenses", "subdomain", "details", "agreement", "invitation", "create", "gdap", "done"}) {
		t.Fatalf("agent steps %v", got)
	}
	if got := Steps(ModeCustomer); !reflect.DeepEqual(got, []StepID{"licenses", "account", "details", "agreement", "admin", "consent", "gdap", "review", "pay", "processing", "done"}) {
		t.Fatalf("customer steps %v", got)
	}
	if n, of := Number(ModeCustomer, StepAdmin); n != 5 || of != 11 {
		t.Fatalf("admin is step %d of %d", n, of)
	}
	if n, of := Number(ModeAgent, StepAdmin); n != 0 || of != 0 {
		t.Fatalf("admin is not an agent step, got %d of %d", n, of)
	}
	if s, ok := Next(ModeAgent, StepSubdomain); !ok || s != StepDetails {
		t.Fatalf("next of subdomain: %v %v", s, ok)
	}
	if _, ok := Next(ModeAgent, StepDone); ok {
		t.Fatal("next of done")
	}
	if s, ok := Prev(ModeCustomer, StepAccount); !ok || s != StepLicenses {
		t.Fatalf("prev of account: %v %v", s, ok)
	}
	if _, ok := Prev(ModeCustomer, StepLicenses); ok {
		t.Fatal("prev of the first step")
	}
}

func TestNewAccountSteps(t *testing.T) {
	want := []StepID{"licenses", "account", "details", "agreement", "review", "pay", "processing", "done"}
	if got := PathSteps(ModeCustomer, AccountNew); !reflect.DeepEqual(got, want) {
		t.Fatalf("new-account steps %v", got)
	}
	if got := PathSteps(ModeAgent, AccountNew); !reflect.DeepEqual(got, Steps(ModeAgent)) {
		t.Fatalf("agents have one path, got %v", got)
	}
	if !reflect.DeepEqual(PathSteps(ModeCustomer, ""), Steps(ModeCustomer)) || PathSteps("kiosk", AccountNew) != nil {
		t.Fatal("an unchosen account is the existing-account path; an unknown mode has no steps")
	}
	if s, ok := PathNext(ModeCustomer, AccountNew, StepAgreement); !ok || s != StepReview {
		t.Fatalf("after the agreement on the new path: %v %v", s, ok)
	}
	if s, ok := PathPrev(ModeCustomer, AccountNew, StepReview); !ok || s != StepAgreement {
		t.Fatalf("before review on the new path: %v %v", s, ok)
	}
	if n, of := PathNumber(ModeCustomer, AccountNew, StepPay); n != 6 || of != 8 {
		t.Fatalf("pay is %d of %d on the new path", n, of)
	}
	if n, _ := PathNumber(ModeCustomer, AccountNew, StepAdmin); n != 0 {
		t.Fatal("the new path has no administrator step")
	}
	// Review on the new path needs neither an administrator nor consent.
	a := validAnswers(ModeCustomer)
	a.Account, a.Domain, a.AdminLogin = AccountNew, "tailspin", ""
	if err := a.Validate(StepReview, DefaultCatalog()); err != nil {
		t.Fatalf("review of the new path: %v", err)
	}
}

func validAnswers(mode Mode) Answers {
	return Answers{
		Mode: mode, Lines: []LineChoice{{OfferID: "m365-business-premium", Seats: 10}}, Account: AccountExisting,
		Company: "Contoso GmbH", FirstName: "Anna", LastName: "Berg", Email: "anna@contoso.de",
		Phone: "030 1234567", PhoneCountry: "DE",
		Address:    Address{Line1: "Unter den Linden 1", City: "Berlin", PostalCode: "10117", Country: "DE"},
		AdminLogin: "admin@contoso.onmicrosoft.com", Domain: "contoso", AgreementAccepted: true,
	}
}

func TestAnswersValidate(t *testing.T) {
	cat := DefaultCatalog()
	tests := []struct {
		name   string
		mode   Mode
		step   StepID
		edit   func(*Answers)
		fields []string
	}{
		{"licenses ok", ModeCustomer, StepLicenses, func(*Answers) {}, nil},
		{"no lines", ModeCustomer, StepLicenses, func(a *Answers) { a.Lines = nil }, []string{"Lines"}},
		{"unknown offer", ModeCustomer, StepLicenses, func(a *Answers) { a.Lines[0].OfferID = "x" }, []string{"Lines[0].OfferID"}},
		{"too many seats", ModeCustomer, StepLicenses, func(a *Answers) { a.Lines[0].Seats = 301 }, []string{"Lines[0].Seats"}},
		{"duplicate offer", ModeCustomer, StepLicenses, func(a *Answers) { a.Lines = append(a.Lines, a.Lines[0]) }, []string{"Lines[1].OfferID"}},
		{"account missing", ModeCustomer, StepAccount, func(a *Answers) { a.Account = "" }, []string{"Account"}},
		{"new account needs domain", ModeCustomer, StepAccount, func(a *Answers) { a.Account, a.Domain = AccountNew, "bad-name" }, []string{"Domain"}},
		{"details", ModeCustomer, StepDetails, func(a *Answers) {
			a.Email, a.Phone, a.Address.PostalCode = "x", "12", "1"
		}, []string{"Email", "Phone", "Address.PostalCode"}},
		{"agreement accepted", ModeCustomer, StepAgreement, func(*Answers) {}, nil},
		{"agreement not accepted", ModeCustomer, StepAgreement, func(a *Answers) { a.AgreementAccepted = false }, []string{"AgreementAccepted"}},
		{"review needs the agreement", ModeCustomer, StepReview, func(a *Answers) {
			a.TenantID, a.AgreementAccepted = "t1", false
		}, []string{"AgreementAccepted"}},
		{"agent create needs the agreement", ModeAgent, StepCreate, func(a *Answers) { a.AgreementAccepted = false }, []string{"AgreementAccepted"}},
		{"admin", ModeCustomer, StepAdmin, func(a *Answers) { a.AdminLogin = "admin" }, []string{"AdminLogin"}},
		{"consent pending", ModeCustomer, StepConsent, func(*Answers) {}, []string{"TenantID"}},
		{"review checks earlier steps", ModeCustomer, StepReview, func(a *Answers) {
			a.TenantID, a.Company = "t1", ""
		}, []string{"Company"}},
		{"review needs consent", ModeCustomer, StepReview, func(*Answers) {}, []string{"TenantID"}},
		{"subdomain", ModeAgent, StepSubdomain, func(a *Answers) { a.Domain = "2x" }, []string{"Domain"}},
		{"create ok without admin", ModeAgent, StepCreate, func(a *Answers) { a.AdminLogin = "" }, nil},
		{"pay needs order", ModeCustomer, StepPay, func(*Answers) {}, []string{"OrderID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := validAnswers(tt.mode)
			tt.edit(&a)
			err := a.Validate(tt.step, cat)
			if len(tt.fields) == 0 {
				if err != nil {
					t.Fatalf("unexpected: %v", err)
				}
				return
			}
			var fe *FieldErrors
			if !errors.As(err, &fe) {
				t.Fatalf("%v is not *FieldErrors", err)
			}
			if !reflect.DeepEqual(fe.Order, tt.fields) {
				t.Fatalf("fields %v, want %v (%v)", fe.Order, tt.fields, err)
			}
		})
	}
	if err := (Answers{}).Validate("nope", cat); err == nil {
		t.Fatal("unknown step accepted")
	}
}

// TestGDAPStepAfterConsent: a customer's accepted invitation goes to the
// admin relationship, which then goes where the order continues.
func TestGDAPStepAfterConsent(t *testing.T) {
	a := Answers{Mode: ModeCustomer, Account: AccountExisting}
	o := Order{ID: "o", TenantID: "t", Status: StatusAwaitingPayment}
	if got := NextStep(a, StepConsent, o); got != StepGDAP {
		t.Fatalf("after consent: %s, want gdap", got)
	}
	if got := NextStep(a, StepGDAP, o); got != StepReview {
		t.Fatalf("after gdap: %s, want review", got)
	}
	if got := PrevStep(a, StepGDAP); got != StepConsent {
		t.Fatalf("before gdap: %s", got)
	}
	if got := NextStep(a, StepConsent, Order{ID: "o", Status: StatusAwaitingConsent}); got != StepConsent {
		t.Fatalf("invitation not accepted: %s, want consent", got)
	}
}

// TestLicensesOfAnOrderGoBackWhereItStood: once the order's lines changed
// (the review's "change seats"), the sign-up goes on where the order
// stands, never through details, agreement and sign-in again; without an
// order of these answers (or with a finished one) the path goes on.
func TestLicensesOfAnOrderGoBackWhereItStood(t *testing.T) {
	a := Answers{Mode: ModeCustomer, Account: AccountExisting, OrderID: "o"}
	for _, c := range []struct {
		o    Order
		want StepID
	}{
		{Order{ID: "o", TenantID: "t", Status: StatusAwaitingPayment}, StepReview},
		{Order{ID: "o", Status: StatusAwaitingConsent}, StepConsent},
		{Order{ID: "o", Status: StatusPaid}, StepProcessing},
		{Order{ID: "o", Status: StatusCancelled}, StepAccount},
		{Order{ID: "other", Status: StatusAwaitingPayment}, StepAccount},
		{Order{}, StepAccount},
	} {
		if got := NextStep(a, StepLicenses, c.o); got != c.want {
			t.Errorf("after licenses with %s order %q: %s, want %s", c.o.Status, c.o.ID, got, c.want)
		}
	}
	newAcct := Answers{Mode: ModeCustomer, Account: AccountNew, OrderID: "o"}
	if got := NextStep(newAcct, StepLicenses, Order{ID: "o", TenantID: "t", Status: StatusAwaitingPayment}); got != StepReview {
		t.Errorf("new account: %s", got)
	}
}
