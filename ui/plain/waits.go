package plain

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"charm.land/huh/v2"

	"onboard/flow"
	"onboard/internal/safetext"
	"onboard/msapi"
	"onboard/payment"
)

// admin asks for the Global administrator's login and password and checks
// them with Microsoft. The password lives only in this function.
func (s *session) admin() error {
	for {
		if err := s.form(s.input("Administrator login, such as admin@contoso.onmicrosoft.com", &s.a.AdminLogin, flow.ValidateUPN)); err != nil {
			return err
		}
		password, err := s.password()
		if err != nil {
			return err
		}
		s.say("Checking with Microsoft…")
		adm, err := s.Backend.VerifyAdmin(s.ctx, s.a.AdminLogin, password)
		password = ""
		if err != nil {
			s.say("That did not work: %s. Please try again.", safetext.CleanN(err.Error(), 300))
			continue
		}
		s.a.AdminUPN = cmp.Or(adm.UPN, s.a.AdminLogin)
		if _, d, ok := strings.Cut(s.a.AdminUPN, "@"); ok && s.a.Domain == "" {
			s.a.Domain = strings.ToLower(d)
		}
		s.say("Signed in as %s, a Global administrator of %s.", safetext.CleanN(s.a.AdminUPN, 100), safetext.CleanN(s.a.Domain, 100))
		return nil
	}
}

// password reads the administrator's password: masked by huh on a
// terminal; from a pipe (a braille display's helper, a test) it is read as
// a plain line, since there is no screen to echo it to.
func (s *session) password() (string, error) {
	var pw string
	if s.tty {
		err := s.form(huh.NewInput().Title("Password").EchoMode(huh.EchoModePassword).Value(&pw).Validate(bounded(nil)))
		return pw, err
	}
	fmt.Fprint(s.Out, "Password (input is not a terminal, so it is read as a line): ")
	return readLine(s.In)
}

// readLine reads one line a byte at a time, so nothing after it is taken
// from the forms that read next; an overlong line is refused.
func readLine(r io.Reader) (string, error) {
	var b strings.Builder
	var one [1]byte
	for {
		n, err := r.Read(one[:])
		if n == 1 {
			if one[0] == '\n' {
				return strings.TrimRight(b.String(), "\r"), nil
			}
			if b.Len() < maxField {
				b.WriteByte(one[0])
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) && b.Len() > 0 {
				return b.String(), nil
			}
			return "", fmt.Errorf("read password: %w", err)
		}
	}
}

// consent creates the order, hands out the invitation and waits for it
// to be accepted.
func (s *session) consent() (flow.Order, error) {
	o, err := s.Backend.CreateOrder(s.ctx, s.a)
	if err != nil {
		return o, fmt.Errorf("create order: %w", err)
	}
	s.a.OrderID = o.ID
	url, err := s.Backend.InvitationURL(s.ctx)
	if err != nil {
		return o, fmt.Errorf("invitation: %w", err)
	}
	s.offerURL("the invitation", url)
	s.say("Sign in there as %s and accept the invitation.", safetext.CleanN(s.a.AdminLogin, 100))
	var c msapi.Customer
	err = s.wait("Waiting for Microsoft to confirm the invitation", func() (bool, error) {
		var ok bool
		var err error
		c, ok, err = s.Backend.CheckConsent(s.ctx, s.a.Domain)
		return ok, err
	})
	if err != nil {
		return o, err
	}
	if o, err = s.Backend.ConsentAccepted(s.ctx, o.ID, c); err != nil {
		return o, fmt.Errorf("record the accepted invitation: %w", err)
	}
	s.a.TenantID = c.TenantID
	s.say("Invitation accepted.")
	return o, nil
}

func (s *session) offerURL(what, url string) {
	url = safetext.CleanN(url, 2000)
	if s.OpenURL != nil && s.OpenURL(url) == nil {
		s.say("Opened %s in your browser. If you do not see it, open this address: %s", what, url)
		return
	}
	s.say("Open %s in a browser: %s", what, url)
}

// wait polls check, printing one status line per check: no spinner.
func (s *session) wait(label string, check func() (bool, error)) error {
	start := s.Now()
	for n := 1; ; n++ {
		ok, err := check()
		if err != nil {
			return fmt.Errorf("%s: %w", strings.ToLower(label[:1])+label[1:], err)
		}
		if ok {
			return nil
		}
		el := s.Now().Sub(start).Round(time.Second)
		s.say("%s… (checked %d %s, %d:%02d)", label, n, plural(n, "time", "times"), int(el.Minutes()), int(el.Seconds())%60)
		select {
		case <-s.ctx.Done():
			return s.ctx.Err()
		case <-time.After(s.Poll):
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (s *session) review(o flow.Order) {
	s.say("Order %s for %s:", safetext.CleanN(o.Number, 30), safetext.CleanN(s.a.Company, 100))
	for _, l := range o.Lines {
		s.say("  %d × %s at %s", l.Quantity, safetext.CleanN(l.Name, 80), flow.FormatMoney(l.UnitPrice, o.Currency))
	}
	s.say("Total: %s per month.", flow.FormatMoney(o.Total(), o.Currency))
}

func (s *session) pay(o flow.Order) (flow.Order, error) {
	if o.Status != flow.StatusAwaitingPayment {
		return o, nil // the provider's order flow processes without payment first
	}
	sess, err := s.Backend.StartPayment(s.ctx, o.ID)
	if err != nil {
		return o, fmt.Errorf("start payment: %w", err)
	}
	s.offerURL("the payment page", sess.URL)
	s.say("Card numbers are never typed here: pay on that page.")
	err = s.wait("Waiting for the payment", func() (bool, error) {
		st, got, err := s.Backend.CheckPayment(s.ctx, o.ID, sess.ID)
		if err != nil {
			return false, err
		}
		o = got
		if st == payment.StateDeclined || st == payment.StateExpired {
			return false, fmt.Errorf("the payment did not go through (%s): start again to retry", st)
		}
		return st == payment.StatePaid, nil
	})
	if err == nil {
		s.say("Paid. Thank you.")
	}
	return o, err
}

func (s *session) process(o flow.Order) error {
	if !o.ReadyToProcess() {
		s.say("Your order waits for %s; you will get an e-mail at %s.", safetext.CleanN(s.Provider, 60), safetext.CleanN(s.a.Email, 100))
		return nil
	}
	last := ""
	res, err := s.Backend.Process(s.ctx, o.ID, func(p flow.Progress) {
		line := safetext.CleanN(p.Label, 100)
		if p.Total > 1 {
			line = fmt.Sprintf("%s: %d of %d", line, p.Done, p.Total)
		}
		if p.Step != last || p.Done == p.Total {
			s.say("%s", line) // one line per step and its end: no flood for 100,000 users
			last = p.Step
		}
	})
	if err != nil {
		return fmt.Errorf("process order %s: %w", o.Number, err)
	}
	s.say("%s", safetext.CleanN(res.Summary(), 1000))
	return nil
}
