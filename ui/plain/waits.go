package plain

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/huh/v2"
	"github.com/google/uuid"

	"onboard/flow"
)

// admin asks for the Global administrator's login and has the
// administrator sign in on Microsoft's page: the code and the address are
// printed as lines, and one status line per check follows. With the
// provider's password setting it asks the password instead; the password
// lives only in this function.
func (s *session) admin() error {
	for {
		if err := s.form(s.input(s.t("PlainAdminLogin"), &s.a.AdminLogin, flow.ValidateUPN)); err != nil {
			return err
		}
		in, err := s.Backend.StartAdminSignIn(s.ctx, s.a.AdminLogin)
		if err != nil {
			s.sayT("PlainThatDidNotWork", "Why", clean(s.explain(err), maxExplained))
			continue
		}
		var adm flow.Admin
		if in.AskPassword {
			adm, in, err = s.passwordSignIn()
		}
		if err == nil && (in.UserCode != "" || in.Browser || (in.ID != "" && adm.UPN == "")) {
			adm, err = s.pageSignIn(in)
		}
		if errors.Is(err, context.Canceled) {
			return err
		}
		if err != nil {
			s.sayT("PlainThatDidNotWork", "Why", clean(s.explain(err), maxExplained))
			continue
		}
		s.a.AdminUPN, s.a.TenantID = cmp.Or(adm.UPN, s.a.AdminLogin), adm.TenantID
		if _, d, ok := strings.Cut(s.a.AdminUPN, "@"); ok && s.a.Domain == "" {
			s.a.Domain = strings.ToLower(d)
		}
		s.sayT("PlainSignedIn", "Admin", clean(s.a.AdminUPN, 100), "Domain", clean(s.a.Domain, 100))
		return nil
	}
}

// passwordSignIn checks the password (the provider's password setting);
// when Microsoft wants its own page, the sign-in continues there.
func (s *session) passwordSignIn() (flow.Admin, flow.SignIn, error) {
	password, err := s.password()
	if err != nil {
		return flow.Admin{}, flow.SignIn{}, err
	}
	s.sayT("PlainChecking")
	adm, err := s.Backend.VerifyAdmin(s.ctx, s.a.AdminLogin, password)
	password = ""
	var need *flow.SignInRequired
	if errors.As(err, &need) {
		s.say("%s", clean(s.explain(err), maxExplained))
		return flow.Admin{}, need.SignIn, nil
	}
	return adm, flow.SignIn{}, err
}

// pageSignIn prints the code and the page and waits for the sign-in.
func (s *session) pageSignIn(in flow.SignIn) (flow.Admin, error) {
	if in.Browser {
		s.offerURL(s.t("PlainSignInPageLocal"), in.URL)
		s.sayT("PlainSignInThere", "Login", clean(s.a.AdminLogin, 100))
	}
	if in.UserCode != "" {
		s.offerURL(s.t("PlainSignInPage"), in.URL)
		s.sayT("PlainEnterCode", "Code", clean(in.UserCode, 40))
		s.sayT("PlainThenSignIn", "Login", clean(s.a.AdminLogin, 100))
	}
	var adm flow.Admin
	err := s.wait(s.ctx, s.t("PlainWaitingSignIn"), func() (bool, error) {
		a, done, err := s.Backend.CheckAdminSignIn(s.ctx, in.ID)
		adm = a
		return done, err
	})
	return adm, err
}

// password reads the administrator's password: masked by huh on a
// terminal; from a pipe (a braille display's helper, a test) it is read as
// a plain line, since there is no screen to echo it to.
func (s *session) password() (string, error) {
	var pw string
	if s.tty {
		err := s.form(huh.NewInput().Title(s.t("AdminPasswordField")).EchoMode(huh.EchoModePassword).Value(&pw).Validate(s.bounded(nil)))
		return pw, err
	}
	fmt.Fprint(s.Out, s.t("PlainPasswordLine")+" ")
	pw, err := s.in.readLine()
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	return pw, nil
}

// consent creates the order, hands out the invitation and waits for it
// to be accepted.
func (s *session) consent() error {
	if s.a.OrderID == "" {
		s.a.OrderID = uuid.NewString() // a retry creates the same order, not a second one
	}
	if err := s.createOrder(func() (flow.Order, error) { return s.Backend.CreateOrder(s.ctx, s.a) }); err != nil {
		return err
	}
	check := func() (bool, error) {
		c, err := s.Backend.CheckConsent(s.ctx, s.order.ID)
		switch {
		case errors.Is(err, flow.ErrTenantMismatch):
			return false, fmt.Errorf("the invitation was accepted for a different Microsoft account than %s: %w", clean(s.a.AdminLogin, 100), err)
		case err != nil:
			return s.stillTrying(s.ctx, err)
		case c.OtherTenant != "":
			s.sayT("ConsentAcceptedByOther", "Other", clean(c.OtherTenant, 60), "Admin", clean(s.a.AdminLogin, 100))
		}
		s.order = c.Order
		return c.Accepted, nil
	}
	// Accepted already (an earlier sign-up, or a new order after changing
	// the seats): no invitation to hand out.
	accepted, err := check()
	if err != nil {
		return err
	}
	if !accepted {
		link, err := s.Backend.InvitationLink(s.ctx)
		if err != nil {
			return fmt.Errorf("invitation: %w", err)
		}
		s.offerLink(s.t("PlainTheInvitation"), link)
		s.sayT("PlainAcceptThere", "Login", clean(s.a.AdminLogin, 100))
		if err := s.wait(s.ctx, s.t("PlainWaitingInvitation"), check); err != nil {
			return err
		}
	}
	s.a.TenantID = s.order.TenantID
	s.sayT("PlainInvitationAccepted")
	return nil
}

// stillTrying reports a failed check that the next poll repeats.
func (s *session) stillTrying(ctx context.Context, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	s.sayT("PlainStillTrying", "Why", clean(s.explain(err), maxExplained))
	return false, nil
}

func (s *session) offerURL(what, url string) { s.offerLink(what, flow.Link{URL: url}) }

// offerLink opens the page itself and reads out the link flow says to
// show: the short one, when there is one, is the easier to type.
func (s *session) offerLink(what string, l flow.Link) {
	if s.OpenURL != nil && s.OpenURL(clean(l.URL, 2000)) == nil {
		s.sayT("PlainOpened", "What", what)
	} else {
		s.sayT("PlainOpenIn", "What", what)
	}
	s.say("%s", clean(l.Shown(), 2000))
}

// wait polls check, printing one status line per check: no spinner.
func (s *session) wait(ctx context.Context, label string, check func() (bool, error)) error {
	t := time.NewTimer(0)
	defer t.Stop()
	for n := 1; ; n++ {
		ok, err := check()
		if err != nil {
			return fmt.Errorf("%s: %w", strings.ToLower(label[:1])+label[1:], err)
		}
		if ok {
			return nil
		}
		if n == 1 {
			// Said once: a screen reader reads every line, and a line per
			// check would drown what changes.
			s.sayT("PlainWaiting", "Label", label)
		}
		t.Reset(s.Poll)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// clock writes d as m:ss.
func clock(d time.Duration) string {
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

func (s *session) review(o flow.Order) {
	if s.a.Company != "" {
		s.sayT("PlainOrderFor", "Number", clean(o.Number, 30), "Company", clean(s.a.Company, 100))
	} else {
		s.sayT("PlainOrder", "Number", clean(o.Number, 30))
	}
	for _, l := range o.Lines {
		line := "  " + s.t("PlainLine", "Seats", s.loc.Number(l.Quantity), "Name", clean(l.Name, 80), "Price", s.money(l.UnitPrice, o.Currency))
		if l.TermDuration != "" {
			t := flow.Term{TermDuration: l.TermDuration, BillingCycle: l.BillingCycle, UnitPrice: l.UnitPrice}
			line += " " + s.t("PlainLineTerm", "Term", t.LabelIn(s.loc), "Price", s.money(t.PricePerTerm(), o.Currency), "Period", t.PeriodIn(s.loc))
		}
		s.say("%s", line)
	}
	s.sayT("PlainTotal", "Total", s.money(o.Total(), o.Currency))
	if due := o.DueNow(); due != o.Total() {
		s.sayT("PlainDueNow", "Due", s.money(due, o.Currency))
	}
}

// confirmPayment reads the order back and asks before the payment starts,
// as the full-screen wizard's review does. On "no" the person changes the
// seats (canChange: the same order gets the new lines through flow, and is
// read back again), cancels the order, or hears it again; an order looked
// up to be paid (canChange false) stays open to be paid later. stop: not
// paying.
func (s *session) confirmPayment(canChange bool) (stop bool, err error) {
	if s.order.Status != flow.StatusAwaitingPayment {
		s.review(s.order) // nothing to pay here (the provider's order flow)
		return false, nil
	}
	num := clean(s.order.Number, 30)
	for {
		s.review(s.order)
		s.sayT("PlainTaxNote")
		pay, err := s.confirm(s.t("PlainPayNow", "Due", s.money(s.order.DueNow(), s.order.Currency)), true)
		if err != nil || pay {
			return false, err
		}
		if !canChange {
			s.sayT("PlainPayLater", "Number", num)
			return true, nil
		}
		const change, cancel, again = "change", "cancel", "again"
		choice := change
		if err := s.choose(s.t("PlainInstead"), []huh.Option[string]{
			huh.NewOption(s.t("PlainInsteadChange"), change),
			huh.NewOption(s.t("PlainInsteadCancel"), cancel),
			huh.NewOption(s.t("PlainInsteadAgain"), again),
		}, &choice); err != nil {
			return false, err
		}
		switch choice {
		case again:
			continue
		case change:
			if paid, err := s.changeLines(); err != nil || paid {
				return false, err
			}
			continue
		}
		// Cancelled before anything else happens, so an order the person
		// no longer sees cannot be paid.
		if err := s.again(s.t("PlainCancellingOrder"), func() error {
			_, err := s.Backend.Cancel(s.ctx, s.order.ID, "customer cancelled the order at the review")
			return err
		}); err != nil {
			return false, err
		}
		s.sayT("PlainCancelledNothingCharged", "Number", num)
		return true, nil
	}
}

// changeLines asks the licenses again and gives them to the same order
// through flow: details, agreement, administrator, invitation and admin
// relationship stand. paid: a payment on the old page arrived meanwhile
// and stands; the sign-up goes on to set the order up as it was.
func (s *session) changeLines() (paid bool, err error) {
	before := s.a.Lines
	s.a.Lines = nil
	if err := s.licenses(); err != nil {
		s.a.Lines = before
		return false, err
	}
	var o flow.Order
	err = s.again(s.t("PlainChangingOrder"), func() error {
		var err error
		o, err = s.Backend.ChangeLines(s.ctx, s.order.ID, s.a.Lines)
		return err
	})
	if errors.Is(err, flow.ErrAlreadyPaid) {
		s.a.Lines = before
		if o, err = s.Backend.GetOrder(s.ctx, s.order.ID); err != nil {
			return false, fmt.Errorf("read order %s: %w", clean(s.order.Number, 30), err)
		}
		s.order = o
		s.say("%s", flow.PaymentPaid.ExplainIn(s.loc))
		return true, nil
	}
	if err != nil {
		s.a.Lines = before
		return false, err
	}
	s.order = o
	s.sayT("PlainOrderChanged", "Number", clean(o.Number, 30))
	return false, nil
}

// pay takes the payment on the hosted checkout page when the order waits
// for one; under the other order flows there is nothing to pay here.
func (s *session) pay() error {
	if s.order.Status != flow.StatusAwaitingPayment {
		return nil
	}
	for {
		st, err := s.checkout()
		if err != nil || st == flow.PaymentPaid {
			return err
		}
		s.say("%s", st.ExplainIn(s.loc))
		again, err := s.confirm(s.t("PlainNewPaymentPage"), true)
		if err != nil {
			return err
		}
		if !again {
			return fmt.Errorf("order %s is not paid: %w", clean(s.order.Number, 30), ErrNotPaid)
		}
	}
}

// checkout opens one payment page and waits until it is paid, declined or
// expired; a payment already made on an earlier page counts.
func (s *session) checkout() (flow.PaymentState, error) {
	var sess flow.Checkout
	err := s.again(s.t("PlainOpeningPayment"), func() error {
		var err error
		sess, err = s.Backend.StartPayment(s.ctx, s.order.ID)
		return err
	})
	if errors.Is(err, flow.ErrAlreadyPaid) {
		s.say("%s", flow.PaymentPaid.ExplainIn(s.loc))
		o, err := s.Backend.GetOrder(s.ctx, s.order.ID)
		s.order = o
		return flow.PaymentPaid, err
	}
	if err != nil {
		return "", err
	}
	s.offerURL(s.t("PlainThePaymentPage"), sess.URL)
	s.sayT("PlainCardNever")
	var st flow.PaymentState
	err = s.wait(s.ctx, s.t("PlainWaitingPayment"), func() (bool, error) {
		var got flow.Order
		var err error
		if st, got, err = s.Backend.CheckPayment(s.ctx, s.order.ID, sess.ID); err != nil {
			return false, err
		}
		s.order = got
		return st.Final(), nil
	})
	if err == nil && st == flow.PaymentPaid {
		s.say("%s", st.ExplainIn(s.loc))
	}
	return st, err
}

// plainProgressEvery is how often a long step gets a line of its own:
// often enough to show it moves, rarely enough for a screen reader.
const plainProgressEvery = 10 * time.Second

// process sets the order up with a line when each step starts and one when
// it is finished, and for long steps a line every plainProgressEvery with
// the time left.
func (s *session) process() error {
	o := s.order
	if !o.ReadyToProcess() {
		s.sayT("PlainOrderWaits", "Provider", clean(s.Provider, 60), "Email", clean(s.a.Email, 100))
		return nil
	}
	var cur flow.Progress // the step under way, as last reported
	var est flow.Estimate
	var said time.Time
	// finish says the step under way is done: the pipeline runs its steps
	// one after another, so it is once the next one starts (the full-screen
	// wizard ticks a step off the same way). A count that reached its total
	// is said with it; a count of lines set up so far is not.
	finish := func() {
		if cur.Step == "" {
			return
		}
		label := clean(cur.LabelIn(s.loc), 100)
		if cur.Total > 1 && cur.Done == cur.Total {
			s.sayT("PlainStepFinishedCount", "Label", label, "Count", flow.CountOf(s.loc, cur.Done, cur.Total))
		} else {
			s.sayT("PlainStepFinished", "Label", label)
		}
		cur = flow.Progress{}
	}
	res, err := s.Backend.Process(s.ctx, o.ID, func(p flow.Progress) {
		if p.Step == "" {
			if p.Notice != "" {
				s.say("%s.", clean(p.NoticeIn(s.loc), 100)) // e.g. Microsoft asked us to wait 57 s.
			}
			return
		}
		line := clean(p.LabelIn(s.loc), 100)
		switch {
		case p.Step == cur.Step:
			cur = p
			if left, long := est.Left(p, time.Now()); long && time.Since(said) >= plainProgressEvery {
				// A long import: a line now and then, none per batch.
				s.say("%s, %s", s.t("PlainProgressCount", "Label", line, "Count", flow.CountOf(s.loc, p.Done, p.Total)), flow.FormatLeftIn(s.loc, left))
				said = time.Now()
			}
		case p.Finished() || p.Step == "done":
			// Another process did the step (its end is all there is to
			// say), or everything is done.
			finish()
			s.say("%s", line)
		default:
			finish()
			s.sayT("PlainStepStarted", "Label", line)
			cur, said = p, time.Now()
			est.Left(p, said)
		}
	})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		s.sayT("PlainSetupFailed", "Number", clean(o.Number, 30), "Why", clean(s.explain(err), maxExplained))
		return fmt.Errorf("set up order %s: %w", clean(o.Number, 30), err)
	}
	s.order = res.Order
	s.say("%s", clean(res.SummaryIn(s.loc), 1000))
	if paid := res.PaidWithTaxIn(s.loc); paid != "" {
		s.say("%s", paid) // the tax Stripe computed
	}
	return s.assign(res)
}
