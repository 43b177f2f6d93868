package flow

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"onboard/i18n"
	"onboard/msapi"
	"onboard/payment"
)

// Progress reports the pipeline's progress, e.g. {"users", "Importing users", 12400, 0}.
// Total is 0 when unknown.
//
// A Progress with an empty Step is a notice about the step under way, such
// as Microsoft asking for a pause ("Microsoft asked us to wait 57 s"); an
// empty Notice ends it.
type Progress struct {
	Step   string
	Label  string
	Done   int
	Total  int
	Notice string

	// wait is the Microsoft client's pause a Notice is about, so that
	// NoticeIn can say it in another language.
	wait *msapi.Wait
	// finished: the step is reported done by another process (Watch),
	// not starting.
	finished bool
}

// Finished reports whether p tells of a step another process already did
// (as Watch reports them), rather than of a step starting or moving on.
func (p Progress) Finished() bool { return p.finished }

// Result is what processing an order did.
type Result struct {
	Order           Order
	Converted       []OrderLine // lines provisioned by converting the tenant's trial
	Bought          []OrderLine // lines provisioned by buying a new subscription
	UsersImported   int
	DomainsImported int
	AssignmentsKept int // license assignments of converted trials, kept on users
	// NewAccount: the tenant was created for this order, so there was
	// nothing to import (no users, no domains beyond the initial one).
	NewAccount bool
	// Paid is the checkout that paid the order, with the tax the gateway
	// added (Stripe's automatic tax), for the customer's summary; zero
	// when the order was not paid through a checkout.
	Paid Payment
}

// PaidWithTax says what the customer paid when the gateway added tax:
// "Paid: €43.00 per month + tax €8.17 = €51.17"; "" when it added none.
func (r Result) PaidWithTax() string { return r.PaidWithTaxIn(nil) }

// PaidWithTaxIn is PaidWithTax in l's language, its money as l's locale
// writes it ("Bezahlt: 43,00 € pro Monat + Steuer 8,17 € = 51,17 €").
func (r Result) PaidWithTaxIn(l *i18n.Localizer) string {
	p := r.Paid
	if p.Tax <= 0 {
		return ""
	}
	lang := l.Lang()
	return l.T("PaidWithTax", "Price", FormatPriceIn(l, p.Amount, p.Currency),
		"Tax", FormatMoneyIn(lang, p.Tax, p.Currency), "Total", FormatMoneyIn(lang, p.Amount+p.Tax, p.Currency))
}

// paidCheckout is the order's paid checkout; the zero Payment when none or
// when the payments cannot be read (it is for display only).
func (s *Service) paidCheckout(ctx context.Context, orderID string) Payment {
	ps, err := s.Store.Payments(ctx, orderID)
	if err != nil {
		return Payment{}
	}
	for _, p := range ps {
		if p.State == string(payment.StatePaid) {
			return p
		}
	}
	return Payment{}
}

// Summary says in plain words which scenario applied.
func (r Result) Summary() string { return r.SummaryIn(nil) }

// SummaryIn is Summary in l's language, with its plural rules.
func (r Result) SummaryIn(l *i18n.Localizer) string { return r.SummaryAssignedIn(l, 0) }

// SummaryAssignedIn is SummaryIn once assigned of the new licenses were
// assigned in the wizard: it says how many instead of asking to assign them.
func (r Result) SummaryAssignedIn(l *i18n.Localizer, assigned int) string {
	return r.summary(l, assigned, "SummaryNewLicenses")
}

// SummaryLookedUpIn is the summary of a completed order found by its
// number and e-mail (FindOrderForPayment): see LookupMayAssign. Licenses
// still to give are pointed to the Microsoft 365 admin center.
func (r Result) SummaryLookedUpIn(l *i18n.Localizer, assigned int) string {
	return r.summary(l, assigned, "SummaryNewLicensesAdminCenter")
}

func (r Result) summary(l *i18n.Localizer, assigned int, unassigned string) string {
	if r.NewAccount {
		return r.newAccountSummary(l)
	}
	var parts []string
	if n := len(r.Converted); n == 1 {
		parts = append(parts, l.T("SummaryTrialConverted", "Users", l.N("UsersN", r.AssignmentsKept)))
	} else if n > 1 {
		parts = append(parts, l.N("SummaryTrialsConverted", n, "Users", l.N("UsersN", r.AssignmentsKept)))
	}
	seats := 0
	for _, l := range r.Bought {
		seats += l.Quantity
	}
	switch {
	case seats > 0 && assigned >= seats:
		parts = append(parts, l.N("SummaryAllAssigned", seats))
	case seats > 0 && assigned > 0:
		parts = append(parts, l.N("SummaryAssignedOf", seats, "Assigned", l.Number(assigned)))
	case seats > 0:
		parts = append(parts, l.N(unassigned, seats))
	}
	parts = append(parts, l.T("SummaryImported", "Users", l.N("UsersN", r.UsersImported),
		"Domains", l.N("DomainsN", r.DomainsImported)))
	return strings.Join(parts, " ")
}

func (r Result) newAccountSummary(l *i18n.Localizer) string {
	seats := 0
	for _, l := range append(r.Bought, r.Converted...) {
		seats += l.Quantity
	}
	s := l.T("SummaryNewAccount", "Domain", r.Order.TenantDomain, "Licenses", l.N("LicensesN", seats))
	if r.Order.AdminUPN != "" {
		s += " " + l.T("SummaryNewAccountAdmin", "Admin", r.Order.AdminUPN)
	}
	return s + " " + l.T("SummaryNewAccountNothingImported")
}

// Pipeline step names recorded with Store.MarkStepDone. A line's plan is
// recorded before Microsoft is called so a resumed run repeats the same call
// (with the same request id) even after a trial already stopped being a trial.
const (
	stepLink    = "link"
	stepDomains = "domains"
	stepUsers   = "users"
)

func lineStep(n int) string { return "line:" + strconv.Itoa(n) }

func linePlanStep(n int, trialSubID string) string {
	if trialSubID == "" {
		return lineStep(n) + ":buy"
	}
	return lineStep(n) + ":convert=" + trialSubID
}

// linePlan reads a recorded plan: planned, and the trial to convert ("" = buy).
func linePlan(done map[string]bool, n int) (trialSubID string, planned bool) {
	prefix := lineStep(n) + ":"
	for step := range done {
		if rest, ok := strings.CutPrefix(step, prefix); ok {
			if strings.HasPrefix(rest, "order=") || strings.HasPrefix(rest, "cart=") {
				continue // the cart and order of a buy (lineCart, lineOrder), not the plan
			}
			sub, _ := strings.CutPrefix(rest, "convert=")
			if rest == "buy" {
				sub = ""
			}
			return sub, true
		}
	}
	return "", false
}

// run is one Process call's state.
type run struct {
	s         *Service
	o         Order
	done      map[string]bool
	readbacks map[int]LineReadback // lines as Microsoft reported them
	progress  func(Progress)
	res       Result
	subs      []msapi.Subscription // fetched once, lazily
	subsOK    bool
}

// Process provisions an order that is ready: paid (pay-first), paid and
// approved (manual-approval), consent accepted (process-immediately), or
// already provisioning (a resumed run). Each step is recorded, so after a
// crash or an error Process (after Retry) continues exactly where it stopped.
//
// Process holds the order's lease while it works, so two processes never
// process one order at once: a second call waits for the holder to finish
// and returns the outcome as it stands (the completed order's Result, or
// why it failed). Processing a completed order returns its Result.
func (s *Service) Process(ctx context.Context, orderID string, progress func(Progress)) (Result, error) {
	if progress == nil {
		progress = func(Progress) {}
	}
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return Result{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	if o.Status == StatusCompleted {
		return s.resultOf(ctx, o)
	}
	if err := processable(o); err != nil {
		return Result{}, err
	}
	owner := leaseOwner()
	o, finished, err := s.takeLease(ctx, o, owner, progress)
	if err != nil {
		return Result{}, err
	}
	if finished {
		return s.resultOf(ctx, o)
	}
	// Released even when ctx is cancelled: the process is over either way,
	// and a released lease lets Retry or the next start resume at once.
	defer func() { _ = s.Store.ReleaseLease(context.WithoutCancel(ctx), o.ID, owner) }()
	parent := ctx
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	go s.renewLease(ctx, o.ID, owner, stop)

	if err := s.startProvisioning(ctx, &o); err != nil {
		return Result{}, err
	}
	r, err := s.newRun(ctx, o, progress)
	if err != nil {
		return Result{}, err
	}
	// Every pause Microsoft asks for is told to the person waiting.
	ctx = msapi.WithWaitReporter(ctx, waitNotice(progress))
	// Partner Center answers in the customer's language (X-Locale).
	if c, err := s.Store.GetCustomer(ctx, o.CustomerID); err == nil && c.Language != "" {
		ctx = msapi.WithLocale(ctx, MicrosoftCulture(c.Language, c.Address.Country))
	}
	step, err := r.steps(ctx)
	if err != nil {
		if errors.Is(context.Cause(ctx), ErrLeaseLost) && parent.Err() == nil {
			// This run stalled past its lease and another process took the
			// order over: wait for it like any second process.
			stop(nil)
			return s.Process(parent, orderID, progress)
		}
		return Result{}, s.fail(ctx, &r.o, step, err)
	}
	if err := s.transition(ctx, &r.o, StatusCompleted, ""); err != nil {
		return Result{}, err
	}
	progress(Progress{Step: "done", Label: "Done"})
	r.res.Order = r.o
	r.res.Paid = s.paidCheckout(ctx, r.o.ID)
	return r.res, nil
}

// waitNotice turns the Microsoft client's waits into notices: the text
// while the pause lasts, an empty notice when it ends.
func waitNotice(progress func(Progress)) func(msapi.Wait) {
	return func(w msapi.Wait) {
		if w.Over {
			progress(Progress{})
			return
		}
		progress(Progress{Notice: w.Text(), wait: &w})
	}
}

// newRun loads what the store recorded of o's processing: the steps done
// and the lines as Microsoft reported them.
func (s *Service) newRun(ctx context.Context, o Order, progress func(Progress)) (*run, error) {
	done, err := s.Store.StepsDone(ctx, o.ID)
	if err != nil {
		return nil, fmt.Errorf("steps of order %s: %w", o.Number, err)
	}
	rbs, err := s.Store.LineReadbacks(ctx, o.ID)
	if err != nil {
		return nil, fmt.Errorf("lines of order %s: %w", o.Number, err)
	}
	return &run{s: s, o: o, done: done, readbacks: rbs, progress: progress}, nil
}

// processable says whether o may be processed now under its policy.
func processable(o Order) error {
	switch {
	case o.Status == StatusProvisioning:
		return nil
	case o.Status == StatusPaid && o.Policy == PolicyManualApproval && !o.Approved:
		return fmt.Errorf("order %s: %w: waiting for approval", o.Number, ErrNotReady)
	case o.Status == StatusPaid:
		return nil
	case o.Status == StatusFailed && o.FailReason != "":
		return fmt.Errorf("order %s: %w: it is failed: %s", o.Number, ErrNotReady, o.FailReason)
	}
	return fmt.Errorf("order %s: %w: it is %s", o.Number, ErrNotReady, o.Status)
}

// startProvisioning checks o may be processed under its policy and moves it to provisioning.
func (s *Service) startProvisioning(ctx context.Context, o *Order) error {
	if err := processable(*o); err != nil {
		return err
	}
	if o.Status == StatusProvisioning {
		return nil
	}
	return s.transition(ctx, o, StatusProvisioning, "")
}

// resultOf builds the Result of a processed order from what the store
// recorded: the lines as Microsoft reported them and the imported data.
func (s *Service) resultOf(ctx context.Context, o Order) (Result, error) {
	r, err := s.newRun(ctx, o, nil)
	if err != nil {
		return Result{}, err
	}
	for _, l := range o.Lines {
		if l.SubscriptionID != "" {
			r.record(l)
		}
	}
	if r.done[stepNewAccount] {
		r.res.NewAccount = true
	} else if err := r.counts(ctx); err != nil {
		return Result{}, err
	}
	r.res.Order = o
	r.res.Paid = s.paidCheckout(ctx, o.ID)
	return r.res, nil
}

// steps runs the pipeline; on error it returns the step that failed.
func (r *run) steps(ctx context.Context) (string, error) {
	if err := r.once(ctx, stepLink, "", r.link); err != nil {
		return stepLink, err
	}
	if err := r.agreement(ctx); err != nil {
		return stepAgreement, err
	}
	for i := range r.o.Lines {
		if err := r.line(ctx, &r.o.Lines[i]); err != nil {
			return lineStep(r.o.Lines[i].LineNo), err
		}
	}
	if r.done[stepNewAccount] {
		r.res.NewAccount = true // a new tenant: nothing to import
		return "", nil
	}
	if err := r.gdap(ctx); err != nil {
		return stepGDAP, err
	}
	if err := r.once(ctx, stepDomains, "", r.domains); err != nil {
		return stepDomains, err
	}
	if err := r.once(ctx, stepUsers, "", r.users); err != nil {
		return stepUsers, err
	}
	return "", r.counts(ctx)
}

// once runs fn unless step is recorded done, then records it.
func (r *run) once(ctx context.Context, step, detail string, fn func(context.Context) error) error {
	if r.done[step] {
		return nil
	}
	if err := fn(ctx); err != nil {
		return err
	}
	return r.mark(ctx, step, detail)
}

func (r *run) mark(ctx context.Context, step, detail string) error {
	ev := r.s.event(ctx, r.o.ID, "step.done", "", step, detail)
	if err := r.s.Store.MarkStepDone(ctx, r.o.ID, step, ev); err != nil {
		return fmt.Errorf("record step %s of order %s: %w", step, r.o.Number, err)
	}
	r.done[step] = true
	return nil
}

func (r *run) link(ctx context.Context) error {
	r.progress(Progress{Step: stepLink, Label: "Linking your Microsoft account"})
	if err := r.s.Store.LinkTenant(ctx, r.o.CustomerID, r.o.TenantID, r.o.TenantDomain); err != nil {
		return fmt.Errorf("link tenant %s: %w", r.o.TenantID, err)
	}
	return nil
}

// fail moves the order to failed with a plain reason (unless ctx was
// cancelled: the order then stays provisioning and Process resumes it).
func (s *Service) fail(ctx context.Context, o *Order, step string, cause error) error {
	err := fmt.Errorf("process order %s at %s: %w", o.Number, step, cause)
	if ctx.Err() != nil {
		return err
	}
	if terr := s.transition(ctx, o, StatusFailed, failReason(*o, step, cause)); terr != nil {
		return errors.Join(err, terr)
	}
	return err
}

// failReason is what a person reads: what went wrong and what to do.
func failReason(o Order, step string, err error) string {
	ref := "order " + o.Number
	switch {
	case errors.Is(err, ErrOrderPending):
		return "Microsoft accepted the purchase but has not finished setting it up (its order is still pending); " +
			"nothing more is bought. Retry " + ref + " in a few minutes: it picks up the same order"
	case errors.Is(err, msapi.ErrUnavailable), errors.Is(err, msapi.ErrThrottled):
		return reasonUnavailable + ref
	case errors.Is(err, ErrGDAPPending):
		return reasonGDAPPending + "approve it at " + gdapLink(err) + ", then retry " + ref
	case errors.Is(err, msapi.ErrRelationshipMissing):
		return "The Microsoft account has not accepted the invitation; accept it, then retry " + ref
	case errors.Is(err, ErrAgreementNotAttested):
		return "The customer's acceptance of the Microsoft Customer Agreement is not recorded; record it, then retry " + ref
	case errors.Is(err, msapi.ErrAgreementMissing):
		return "The Microsoft Customer Agreement is not accepted; accept it, then retry " + ref
	case errors.Is(err, msapi.ErrConversionIneligible):
		return "The trial cannot be converted to the product ordered; contact support with " + ref
	case errors.Is(err, msapi.ErrOrderInProgress):
		return reasonOrderInProgress + ref
	case errors.Is(err, msapi.ErrNotPurchasable):
		return "Microsoft will not sell this product to this account now; contact support with " + ref
	case errors.Is(err, msapi.ErrAppOnlyNotSupported):
		return "The provider's Microsoft sign-in is not set up for this step; contact support with " + ref
	case errors.Is(err, msapi.ErrInvalidRequest):
		return "Microsoft rejected the request; contact support with " + ref
	}
	return fmt.Sprintf("Processing stopped while %s; retry %s", stepLabel(step), ref)
}

func stepLabel(step string) string {
	switch {
	case step == stepLink:
		return "linking the account"
	case step == stepDomains:
		return "importing domains"
	case step == stepUsers:
		return "importing users"
	case step == stepGDAP:
		return "checking the admin relationship"
	case step == stepAgreement:
		return "recording the Microsoft Customer Agreement"
	case strings.HasPrefix(step, "line:"):
		return "setting up the licenses"
	}
	return "processing"
}

// gdapLink is the approval link an ErrGDAPPending carries after "approve it at ".
func gdapLink(err error) string {
	_, link, _ := strings.Cut(err.Error(), "approve it at ")
	return link
}
