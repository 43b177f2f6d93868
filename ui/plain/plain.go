// Package plain is the accessible front end: the same sign-up as the
// full-screen wizard, as plain line prompts a screen reader reads in order.
// huh forms run standalone in accessible mode; waits are status lines; no
// spinners, cursor movement or colours ever reach the output.
package plain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"charm.land/huh/v2"
	"github.com/charmbracelet/colorprofile"
	"golang.org/x/term"

	"onboard/flow"
	"onboard/internal/safetext"
	"onboard/msapi"
	"onboard/payment"
)

// Backend is what the line prompts ask of the domain (*flow.Service).
type Backend interface {
	VerifyAdmin(ctx context.Context, login, password string) (msapi.Admin, error)
	InvitationURL(ctx context.Context) (string, error)
	CheckConsent(ctx context.Context, domain string) (msapi.Customer, bool, error)
	CreateOrder(ctx context.Context, a flow.Answers) (flow.Order, error)
	ConsentAccepted(ctx context.Context, orderID string, c msapi.Customer) (flow.Order, error)
	StartPayment(ctx context.Context, orderID string) (payment.Session, error)
	CheckPayment(ctx context.Context, orderID, checkoutID string) (payment.State, flow.Order, error)
	Process(ctx context.Context, orderID string, progress func(flow.Progress)) (flow.Result, error)
}

var _ Backend = (*flow.Service)(nil)

// Options configure the line prompts.
type Options struct {
	Backend  Backend
	Catalog  flow.Catalog
	Provider string
	In       io.Reader // default os.Stdin
	Out      io.Writer // default os.Stdout; escape sequences are stripped
	// OpenURL opens a page in a browser; nil or failing: the URL is read out.
	OpenURL func(string) error
	// Poll is how often consent and payment are checked (default 2s).
	Poll time.Duration
	Now  func() time.Time
}

// ErrNoBackend is returned by Run without a backend.
var ErrNoBackend = errors.New("plain: no backend")

// maxField bounds one typed line, so a huge paste is refused, not kept.
const maxField = 1024

type session struct {
	Options
	ctx context.Context
	a   flow.Answers
	tty bool
}

// Run asks the customer flow's questions in order and processes the order.
func Run(ctx context.Context, opts Options) error {
	if opts.Backend == nil {
		return ErrNoBackend
	}
	if opts.In == nil {
		opts.In = os.Stdin
	}
	if opts.Out == nil {
		opts.Out = os.Stdout
	}
	opts.Out = &colorprofile.Writer{Forward: opts.Out, Profile: colorprofile.NoTTY}
	if opts.Poll <= 0 {
		opts.Poll = 2 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Provider == "" {
		opts.Provider = opts.Catalog.Provider
	}
	s := &session{Options: opts, ctx: ctx}
	if f, ok := opts.In.(*os.File); ok {
		s.tty = term.IsTerminal(int(f.Fd()))
	}
	s.a = flow.Answers{Mode: flow.ModeCustomer, Account: flow.AccountExisting}
	return s.run()
}

func (s *session) say(format string, args ...any) { fmt.Fprintf(s.Out, format+"\n", args...) }

func (s *session) run() error {
	s.say("%s: Microsoft 365 sign-up.", safetext.CleanN(s.Provider, 60))
	steps := flow.PathSteps(s.a.Mode, s.a.Account)
	var o flow.Order
	for i, step := range steps {
		s.say("")
		s.say("Step %d of %d: %s", i+1, len(steps), stepTitle(step))
		var err error
		switch step {
		case flow.StepLicenses:
			err = s.licenses()
		case flow.StepAccount:
			s.say("You are signing up with your existing Microsoft account.")
		case flow.StepDetails:
			err = s.details()
		case flow.StepAgreement:
			err = s.agreement()
		case flow.StepAdmin:
			err = s.admin()
		case flow.StepConsent:
			o, err = s.consent()
		case flow.StepReview:
			s.review(o)
		case flow.StepPay:
			o, err = s.pay(o)
		case flow.StepProcessing:
			err = s.process(o)
		case flow.StepDone:
			s.say("Done. Order number %s.", safetext.CleanN(o.Number, 30))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func stepTitle(step flow.StepID) string {
	return map[flow.StepID]string{
		flow.StepLicenses: "Licenses", flow.StepAccount: "Microsoft account", flow.StepDetails: "Your details",
		flow.StepAgreement: "Microsoft Customer Agreement", flow.StepAdmin: "Global administrator",
		flow.StepConsent: "Accept the invitation", flow.StepReview: "Review", flow.StepPay: "Pay",
		flow.StepProcessing: "Setting up", flow.StepDone: "Done",
	}[step]
}

// form runs fields as one standalone accessible form.
func (s *session) form(fields ...huh.Field) error {
	err := huh.NewForm(huh.NewGroup(fields...)).
		WithAccessible(true).
		WithTheme(huh.ThemeFunc(huh.ThemeBase)).
		WithInput(s.In).
		WithOutput(s.Out).
		RunWithContext(s.ctx)
	if errors.Is(err, huh.ErrUserAborted) {
		return fmt.Errorf("sign-up stopped: %w", err)
	}
	return err
}

func bounded(v func(string) error) func(string) error {
	return func(x string) error {
		if len(x) > maxField {
			return fmt.Errorf("that is too long: at most %d characters", maxField)
		}
		if v == nil {
			return nil
		}
		return v(x)
	}
}

func (s *session) input(title string, value *string, validate func(string) error) *huh.Input {
	return huh.NewInput().Title(title).Value(value).Validate(bounded(validate))
}

func (s *session) licenses() error {
	for {
		var offerID string
		var seats string
		opts := make([]huh.Option[string], 0, len(s.Catalog.Offers))
		for _, o := range s.Catalog.Offers {
			opts = append(opts, huh.NewOption(fmt.Sprintf("%s, %s per user per month",
				safetext.CleanN(o.Name, 80), flow.FormatMoney(o.UnitPrice, s.Catalog.Currency)), o.ID))
		}
		if err := s.form(huh.NewSelect[string]().Title("Which product?").Options(opts...).Value(&offerID)); err != nil {
			return err
		}
		offer, _ := s.Catalog.Offer(offerID)
		if err := s.form(s.input(fmt.Sprintf("How many users (%d to %d)?", offer.MinSeats, offer.MaxSeats), &seats,
			func(v string) error { return flow.ValidateSeats(offer, atoi(v)) })); err != nil {
			return err
		}
		s.a.Lines = append(s.a.Lines, flow.LineChoice{OfferID: offerID, Seats: atoi(seats)})
		if err := s.a.Validate(flow.StepLicenses, s.Catalog); err != nil {
			s.a.Lines = s.a.Lines[:len(s.a.Lines)-1]
			s.say("%s", safetext.CleanN(err.Error(), 300))
			continue
		}
		s.say("Total: %s per month.", flow.FormatMoney(s.a.Total(s.Catalog), s.Catalog.Currency))
		more := false
		if err := s.form(huh.NewConfirm().Title("Add another product?").Value(&more)); err != nil || !more {
			return err
		}
	}
}

func atoi(v string) int {
	n := 0
	for _, r := range strings.TrimSpace(v) {
		if r < '0' || r > '9' || n > 1_000_000 {
			return -1
		}
		n = n*10 + int(r-'0')
	}
	return n
}

func (s *session) details() error {
	a := &s.a
	country := ""
	err := s.form(
		s.input("Company name", &a.Company, flow.ValidateCompanyName),
		s.input("First name", &a.FirstName, flow.ValidatePersonName),
		s.input("Last name", &a.LastName, flow.ValidatePersonName),
		s.input("E-mail (order confirmations go here)", &a.Email, flow.ValidateEmail),
		s.input("Country, as a two-letter code such as GB or DE", &country, func(v string) error {
			if _, ok := flow.CountryByCode(strings.ToUpper(strings.TrimSpace(v))); !ok {
				return errors.New("enter the two-letter country code, such as GB, DE or US")
			}
			return nil
		}),
	)
	if err != nil {
		return err
	}
	a.Address.Country = strings.ToUpper(strings.TrimSpace(country))
	a.PhoneCountry = a.Address.Country
	for {
		err = s.form(
			s.input("Phone, with the country code or a national number", &a.Phone, func(v string) error {
				_, err := flow.ValidatePhone(v, a.PhoneCountry)
				return err
			}),
			s.input("Street and number", &a.Address.Line1, nil),
			s.input("City", &a.Address.City, nil),
			s.input("Postal code", &a.Address.PostalCode, nil),
			s.input("State or province (only for the US, Canada and Australia; else leave empty)", &a.Address.State, nil),
		)
		if err != nil {
			return err
		}
		if err := flow.ValidateAddress(a.Address); err != nil {
			s.say("The address is not complete: %s. Please enter it again.", safetext.CleanN(err.Error(), 300))
			continue
		}
		return nil
	}
}

func (s *session) agreement() error {
	for !s.a.AgreementAccepted {
		s.say("Microsoft licenses can only be bought under the Microsoft Customer Agreement: https://www.microsoft.com/licensing/docs/customeragreement")
		if err := s.form(huh.NewConfirm().Title("Do you accept the Microsoft Customer Agreement?").Value(&s.a.AgreementAccepted)); err != nil {
			return err
		}
	}
	return nil
}
