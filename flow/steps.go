package flow

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Mode is who drives the wizard.
type Mode string

const (
	ModeCustomer Mode = "customer" // self-service at a kiosk
	ModeAgent    Mode = "agent"    // a support agent on the customer's behalf
)

// StepID names a step of a flow.
type StepID string

// Customer flow steps.
const (
	StepLicenses   StepID = "licenses"
	StepAccount    StepID = "account"
	StepDetails    StepID = "details"
	StepAgreement  StepID = "agreement" // the Microsoft Customer Agreement, in every path
	StepAdmin      StepID = "admin"
	StepConsent    StepID = "consent"
	StepGDAP       StepID = "gdap" // the admin relationship (GDAP), after the invitation
	StepReview     StepID = "review"
	StepPay        StepID = "pay"
	StepProcessing StepID = "processing"
	StepDone       StepID = "done"
)

// Agent flow steps (licenses, details and done are shared).
const (
	StepSubdomain  StepID = "subdomain"
	StepInvitation StepID = "invitation"
	StepCreate     StepID = "create"
)

// Account choices.
const (
	AccountExisting = "existing" // "Use existing Microsoft account"
	AccountNew      = "new"      // "Create a new Microsoft account"
)

var (
	customerSteps = []StepID{StepLicenses, StepAccount, StepDetails, StepAgreement, StepAdmin, StepConsent, StepGDAP, StepReview, StepPay, StepProcessing, StepDone}
	// newAccountSteps is the customer's path with "Create a new Microsoft
	// account": no administrator to verify and no invitation to accept.
	newAccountSteps = []StepID{StepLicenses, StepAccount, StepDetails, StepAgreement, StepReview, StepPay, StepProcessing, StepDone}
	agentSteps      = []StepID{StepLicenses, StepSubdomain, StepDetails, StepAgreement, StepInvitation, StepCreate, StepGDAP, StepDone}
)

// Steps lists the steps of mode in order (a copy) on the "Use existing
// Microsoft account" path; nil for an unknown mode. PathSteps knows the
// new-account path too.
func Steps(mode Mode) []StepID { return PathSteps(mode, AccountExisting) }

// PathSteps lists the steps of mode for the account choice (AccountNew
// takes the new-account path in customer mode; agents always use an
// existing account; "" is the existing-account path).
func PathSteps(mode Mode, account string) []StepID {
	switch {
	case mode == ModeCustomer && account == AccountNew:
		return append([]StepID(nil), newAccountSteps...)
	case mode == ModeCustomer:
		return append([]StepID(nil), customerSteps...)
	case mode == ModeAgent:
		return append([]StepID(nil), agentSteps...)
	}
	return nil
}

func stepIndex(steps []StepID, step StepID) int {
	for i, s := range steps {
		if s == step {
			return i
		}
	}
	return -1
}

// Next is the step after step on the existing-account path; false at the end or for an unknown step.
func Next(mode Mode, step StepID) (StepID, bool) { return PathNext(mode, AccountExisting, step) }

// Prev is the step before step on the existing-account path; false at the start or for an unknown step.
func Prev(mode Mode, step StepID) (StepID, bool) { return PathPrev(mode, AccountExisting, step) }

// Number is step's position on the existing-account path for "step n of m"; 0, 0 when unknown.
func Number(mode Mode, step StepID) (n, of int) { return PathNumber(mode, AccountExisting, step) }

// PathNext is the step after step on the path of mode and account.
func PathNext(mode Mode, account string, step StepID) (StepID, bool) {
	steps := PathSteps(mode, account)
	i := stepIndex(steps, step)
	if i < 0 || i+1 >= len(steps) {
		return "", false
	}
	return steps[i+1], true
}

// PathPrev is the step before step on the path of mode and account.
func PathPrev(mode Mode, account string, step StepID) (StepID, bool) {
	steps := PathSteps(mode, account)
	i := stepIndex(steps, step)
	if i <= 0 {
		return "", false
	}
	return steps[i-1], true
}

// PathNumber is step's position on the path of mode and account; 0, 0 when unknown.
func PathNumber(mode Mode, account string, step StepID) (n, of int) {
	steps := PathSteps(mode, account)
	i := stepIndex(steps, step)
	if i < 0 {
		return 0, 0
	}
	return i + 1, len(steps)
}

// LineChoice is an offer of the catalog (by the provider's id) and a seat count.
type LineChoice struct {
	OfferID string
	Seats   int
	// Term is the chosen term's Key ("" for the offer's default).
	Term string `json:",omitempty"`
}

// Answers is everything the wizard collected. It is what a draft saves, so
// it never holds the administrator's password.
type Answers struct {
	Mode         Mode
	Lines        []LineChoice
	Account      string // AccountExisting or AccountNew
	Company      string
	FirstName    string
	LastName     string
	Email        string
	Phone        string
	PhoneCountry string // ISO alpha-2 for national numbers
	Address      Address
	// AgreementAccepted is the attestation that the contact above (the
	// customer, or the agent on their behalf) accepted the Microsoft
	// Customer Agreement, on AgreementDate (zero: when the order is created).
	AgreementAccepted bool
	AgreementDate     time.Time
	AdminLogin        string // the Global administrator's login (UPN)
	// Domain is the tenant's initial domain, name.onmicrosoft.com: the
	// existing account's, or on the new-account path the one wanted for it.
	Domain   string
	TenantID string // set once the invitation was accepted
	AdminUPN string // the verified administrator
	OrderID  string // set once the order exists
	// Language is the customer's language for this sign-up (an i18n
	// catalog tag: "en", "de", "fr"); "" until chosen, when the provider's
	// or kiosk's default applies. It is kept with the draft, so a resumed
	// sign-up speaks it, and given to Microsoft with the new customer.
	Language string
}

// Total is the monthly total of the chosen lines in the catalog's minor units.
func (a Answers) Total(cat Catalog) int64 {
	var t int64
	for _, l := range a.Lines {
		if o, ok := cat.Offer(l.OfferID); ok {
			term, _ := o.Term(l.Term)
			t += term.UnitPrice * int64(l.Seats)
		}
	}
	return t
}

// Validate checks what step collects; the error is a *FieldErrors keyed by
// Answers field names. Review and create check every step before them.
func (a Answers) Validate(step StepID, cat Catalog) error {
	fe := &FieldErrors{}
	switch step {
	case StepLicenses:
		a.validateLines(fe, cat)
	case StepAccount:
		a.validateAccount(fe)
	case StepDetails:
		a.validateDetails(fe)
	case StepAdmin:
		fe.Add("AdminLogin", ValidateUPN(a.AdminLogin))
	case StepConsent:
		if strings.TrimSpace(a.TenantID) == "" {
			fe.Add("TenantID", errors.New("accept the invitation in the browser first"))
		}
	case StepSubdomain:
		_, err := ValidateInitialDomain(a.Domain)
		fe.Add("Domain", err)
	case StepAgreement:
		if !a.AgreementAccepted {
			fe.Add("AgreementAccepted", errors.New("the Microsoft Customer Agreement must be accepted before Microsoft licenses can be bought"))
		}
	case StepReview, StepCreate:
		for _, s := range PathSteps(a.Mode, a.Account) {
			if s == step {
				break
			}
			if err := a.Validate(s, cat); err != nil {
				fe.Add("", err)
			}
		}
	case StepPay:
		if a.OrderID == "" {
			fe.Add("OrderID", errors.New("the order is not created yet: go back to the review"))
		}
	case StepInvitation, StepGDAP, StepProcessing, StepDone:
	default:
		return fmt.Errorf("unknown step %q", step)
	}
	return fe.Err()
}

func (a Answers) validateLines(fe *FieldErrors, cat Catalog) {
	if len(a.Lines) == 0 {
		fe.Add("Lines", errors.New("choose at least one product"))
		return
	}
	seen := map[string]bool{}
	for i, l := range a.Lines {
		field := fmt.Sprintf("Lines[%d]", i)
		o, ok := cat.Offer(l.OfferID)
		switch {
		case !ok:
			fe.Add(field+".OfferID", fmt.Errorf("%q is not in the catalog: choose a product from the list", l.OfferID))
		case seen[l.OfferID]:
			fe.Add(field+".OfferID", fmt.Errorf("%s is chosen twice: change the seats of the first one instead", o.Name))
		default:
			fe.Add(field+".Seats", ValidateSeats(o, l.Seats))
			if _, ok := o.Term(l.Term); !ok {
				fe.Add(field+".Term", fmt.Errorf("%s is not sold with the term %s: choose one of its terms", o.Name, l.Term))
			}
		}
		seen[l.OfferID] = true
	}
}

func (a Answers) validateAccount(fe *FieldErrors) {
	switch a.Account {
	case AccountExisting:
	case AccountNew:
		_, err := ValidateInitialDomain(a.Domain)
		fe.Add("Domain", err)
	default:
		fe.Add("Account", errors.New("choose to use an existing Microsoft account or create a new one"))
	}
}

func (a Answers) validateDetails(fe *FieldErrors) {
	fe.Add("Company", ValidateCompanyName(a.Company))
	fe.Add("FirstName", ValidatePersonName(a.FirstName))
	fe.Add("LastName", ValidatePersonName(a.LastName))
	fe.Add("Email", ValidateEmail(a.Email))
	_, err := ValidatePhone(a.Phone, a.PhoneCountry)
	fe.Add("Phone", err)
	fe.Add("Address", ValidateAddress(a.Address))
}

// NextStep is the step after step on the path the answers take: the one
// place that decides where every path and mode goes next. Once the order
// exists (after the invitation, the new account or the agent's create
// step), the order's state decides: see StepForOrder.
func NextStep(a Answers, step StepID, o Order) StepID {
	switch step {
	case StepLicenses:
		if a.OrderID != "" && o.ID == a.OrderID && !o.Status.Final() {
			// The order's lines were changed (ChangeLines, from the
			// review): it goes on where it stood, nothing is asked again.
			return resumeStepOf(o, a)
		}
	case StepConsent:
		if a.Mode == ModeCustomer && o.TenantID != "" && o.Status != StatusCancelled {
			return StepGDAP // the admin relationship, once the invitation is accepted
		}
		return StepForOrder(a.Mode, o)
	case StepCreate:
		if a.Mode == ModeAgent && o.TenantID != "" && o.Status != StatusCancelled {
			return StepGDAP // the invitation was accepted: hand over the admin relationship too
		}
		return StepForOrder(a.Mode, o)
	case StepGDAP:
		return StepForOrder(a.Mode, o)
	case StepReview, StepPay:
		if o.ID != "" && o.Status != StatusAwaitingPayment {
			return StepForOrder(a.Mode, o)
		}
		if a.Account == AccountNew && o.TenantID == "" {
			return StepReview // the new account is not created yet
		}
		return StepProcessing
	case StepProcessing:
		return StepDone
	}
	if next, ok := PathNext(a.Mode, a.Account, step); ok {
		return next
	}
	return StepDone
}

// PrevStep is the step before step on the answers' path; step itself at the start.
func PrevStep(a Answers, step StepID) StepID {
	if prev, ok := PathPrev(a.Mode, a.Account, step); ok {
		return prev
	}
	return step
}

// StepForOrder is where a sign-up continues once its order exists, by the
// order's state: the invitation while it waits for it, review and pay while
// it waits for payment, processing once paid (or failed, to retry), done
// when finished. An agent's part ends once the order is created, unless it
// is processed at once (process-immediately).
func StepForOrder(mode Mode, o Order) StepID {
	switch o.Status {
	case StatusAwaitingConsent, StatusDraft:
		if mode == ModeAgent {
			return StepDone
		}
		return StepConsent
	case StatusAwaitingPayment:
		if mode == ModeAgent {
			return StepDone
		}
		return StepReview
	case StatusPaid, StatusProvisioning, StatusFailed:
		if mode == ModeAgent && o.Policy != PolicyProcessImmediately {
			return StepDone
		}
		return StepProcessing
	case StatusCancelled:
		return StepLicenses // nothing to continue: a new sign-up
	}
	return StepDone
}
