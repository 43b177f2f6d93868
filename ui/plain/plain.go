// Package plain is the accessible front end: the same flows as the
// full-screen wizard (a customer's sign-up, with an existing or a new
// Microsoft account; "Pay for an existing order"; an agent's sign-up on a
// customer's behalf), as plain line prompts a screen reader reads in order.
// huh forms run standalone in accessible mode; waits are status lines; no
// spinners, cursor movement or colours ever reach the output.
package plain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"charm.land/huh/v2"
	"github.com/charmbracelet/colorprofile"
	"golang.org/x/term"

	"onboard/flow"
	"onboard/i18n"
	"onboard/internal/safetext"
)

// Backend is what the line prompts ask of the domain: flow's use cases.
type Backend = flow.App

// Options configure the line prompts.
type Options struct {
	Backend  Backend
	Catalog  flow.Catalog
	Provider string
	// Mode is who answers: a customer (default) or a support agent signing
	// a customer up on their behalf.
	Mode  flow.Mode
	Agent string // the agent's name, in the agreement's attestation
	// Locale is the language the prompts speak (an i18n tag; "" English);
	// a customer is asked to choose it first where there are several.
	Locale string
	In     io.Reader // default os.Stdin
	Out    io.Writer // default os.Stdout; escape sequences are stripped
	// OpenURL opens a page in a browser; nil or failing: the URL is read out.
	OpenURL func(string) error
	// Poll is how often consent and payment are checked (default 2s).
	Poll time.Duration
	// InviteWait bounds an agent's wait for the invitation's acceptance
	// (default 15 minutes); the order is then created and waits instead.
	InviteWait time.Duration
	Now        func() time.Time
}

// Sentinel errors of Run.
var (
	ErrNoBackend = errors.New("plain: no backend")
	// ErrInputEnded: the answers ran out (a pipe closed) before the flow ended.
	ErrInputEnded  = errors.New("the input ended before the last question")
	ErrUnknownMode = errors.New("plain: unknown mode")
	// ErrNotPaid: the customer chose not to pay again after a decline.
	ErrNotPaid = errors.New("the order is not paid")
)

// maxField bounds one typed line, so a huge paste is refused, not kept.
const maxField = 1024

// agreementURL is Microsoft's published Customer Agreement.
const agreementURL = "https://www.microsoft.com/licensing/docs/customeragreement"

type session struct {
	Options
	loc   *i18n.Localizer
	ctx   context.Context
	in    *lineInput
	a     flow.Answers
	order flow.Order
	// relationship is the admin relationship as flow last reported it to
	// the agent: the done lines say whether its approval still waits.
	relationship flow.GDAP
	tty          bool
}

// Run asks the questions of opts.Mode's flow in order until it is done.
func Run(ctx context.Context, opts Options) error {
	if opts.Backend == nil {
		return ErrNoBackend
	}
	s := newSession(ctx, opts)
	switch s.Mode {
	case flow.ModeCustomer:
		return s.explained(s.customer())
	case flow.ModeAgent:
		return s.explained(s.agent())
	}
	return fmt.Errorf("%w %q", ErrUnknownMode, s.Mode)
}

// explainedError says a failure in flow's plain words (flow.Explain), not
// as the chain of calls it went through; errors.Is still sees the cause.
type explainedError struct {
	err error
	loc *i18n.Localizer
}

func (e *explainedError) Error() string { return flow.ExplainIn(e.loc, e.err) }
func (e *explainedError) Unwrap() error { return e.err }

// explained turns what Run ends with into plain words, but for the ends
// that already are (stopped, input ended, not paid) and cancellation.
func (s *session) explained(err error) error {
	for _, plain := range []error{context.Canceled, ErrInputEnded, ErrStopped, ErrNotPaid, huh.ErrUserAborted} {
		if err == nil || errors.Is(err, plain) {
			return err
		}
	}
	return &explainedError{err: err, loc: s.loc}
}

func newSession(ctx context.Context, opts Options) *session {
	if opts.In == nil {
		opts.In = os.Stdin
	}
	if opts.Out == nil {
		opts.Out = os.Stdout
	}
	opts.Out = &colorprofile.Writer{Forward: opts.Out, Profile: colorprofile.NoTTY}
	if opts.Mode == "" {
		opts.Mode = flow.ModeCustomer
	}
	if opts.Poll <= 0 {
		opts.Poll = 2 * time.Second
	}
	if opts.InviteWait <= 0 {
		opts.InviteWait = 15 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Provider == "" {
		opts.Provider = opts.Catalog.Provider
	}
	s := &session{Options: opts, ctx: ctx, loc: i18n.New(opts.Locale)}
	if f, ok := opts.In.(*os.File); ok {
		s.tty = term.IsTerminal(int(f.Fd()))
	}
	s.in = newLineInput(opts.In, s.tty)
	return s
}

func (s *session) say(format string, args ...any) { fmt.Fprintf(s.Out, format+"\n", args...) }

// t is the catalog message id in the session's language.
func (s *session) t(id string, kv ...any) string { return s.loc.T(id, kv...) }

// sayT says the catalog message id as a line.
func (s *session) sayT(id string, kv ...any) { s.say("%s", s.t(id, kv...)) }

// explain is flow.Explain in the session's language.
func (s *session) explain(err error) string { return flow.ExplainIn(s.loc, err) }

// money is an amount as the session's language writes it.
func (s *session) money(minor int64, cur string) string {
	return flow.FormatMoneyIn(s.loc.Lang(), minor, clean(cur, 3))
}

// valid is a validator whose messages are in the session's language.
func (s *session) valid(v func(string) error) func(string) error {
	if v == nil {
		return nil
	}
	return func(x string) error {
		err := s.loc.Localize(v(x))
		if err == nil {
			return nil
		}
		// Said on a line of its own, the message starts as a sentence does
		// (the full-screen wizard shows it after a "*").
		msg := err.Error()
		r, n := utf8.DecodeRuneInString(msg)
		return errors.New(string(unicode.ToUpper(r)) + msg[n:])
	}
}

// clean neutralises text from a user or Microsoft before it is printed.
func clean(v string, limit int) string { return safetext.CleanN(v, limit) }

// maxExplained bounds flow's own sentences (explanations), which quote
// foreign text only bounded; a German or French one runs longer than the
// English.
const maxExplained = 800

func (s *session) stepTitle(mode flow.Mode, step flow.StepID) string {
	switch {
	case mode == flow.ModeAgent && step == flow.StepDetails:
		return s.t("DetailsTitleAgent")
	case mode == flow.ModeAgent && step == flow.StepGDAP:
		return s.t("GDAPTitleAgent")
	}
	id := map[flow.StepID]string{
		flow.StepLicenses: "PlainStepLicenses", flow.StepAccount: "AccountTitle", flow.StepDetails: "DetailsTitle",
		flow.StepAgreement: "AgreementTitle", flow.StepAdmin: "PlainStepAdmin",
		flow.StepConsent: "ConsentTitle", flow.StepGDAP: "GDAPTitle", flow.StepReview: "PlainStepReview", flow.StepPay: "PayTitle",
		flow.StepProcessing: "PlainStepProcessing", flow.StepDone: "DoneTitle",
		flow.StepSubdomain: "PlainStepSubdomain", flow.StepInvitation: "PlainStepInvitation",
		flow.StepCreate: "PlainStepCreate",
	}[step]
	if id == "" {
		return ""
	}
	return s.t(id)
}

// form runs fields as one standalone accessible form.
func (s *session) form(fields ...huh.Field) (err error) {
	if s.in.ended() {
		return ErrInputEnded
	}
	defer func() {
		// huh's accessible select indexes with a refused line when the
		// input ends right after it: that is the end of the answers.
		if r := recover(); r != nil {
			if !s.in.ended() {
				panic(r)
			}
			err = ErrInputEnded
		}
	}()
	err = huh.NewForm(huh.NewGroup(fields...)).
		WithAccessible(true).
		WithTheme(huh.ThemeFunc(huh.ThemeBase)).
		WithInput(s.in.reader()).
		WithOutput(s.Out).
		RunWithContext(s.ctx)
	if s.in.ended() && err == nil {
		// A prompt that met the end of the input took its default: only
		// a line that ended the input without a newline is an answer.
		err = s.in.lastLineErr()
	}
	if errors.Is(err, huh.ErrUserAborted) {
		return fmt.Errorf("stopped: %w", err)
	}
	return err
}

// confirm asks a yes/no question; def is the answer to an empty line.
// huh's accessible confirm takes y/yes and n/no alone: in another language
// the question is a line whose answers are that language's words (and y/n).
func (s *session) confirm(title string, def bool) (bool, error) {
	v := def
	if s.loc.Lang() == i18n.Default {
		err := s.form(huh.NewConfirm().Title(title).Value(&v))
		return v, err
	}
	yes, no := strings.Fields(s.t("PlainYesWords")), strings.Fields(s.t("PlainNoWords"))
	y, n := yes[len(yes)-1], no[len(no)-1] // the short forms: [o/N]
	hint := strings.ToLower(y) + "/" + strings.ToUpper(n)
	if def {
		hint = strings.ToUpper(y) + "/" + strings.ToLower(n)
	}
	var line string
	parse := func(x string) (bool, bool) {
		x = strings.ToLower(strings.TrimSpace(x))
		switch {
		case x == "":
			return def, true
		case slices.Contains(yes, x) || x == "y" || x == "yes":
			return true, true
		case slices.Contains(no, x) || x == "n" || x == "no":
			return false, true
		}
		return false, false
	}
	err := s.form(huh.NewInput().Title(title + " [" + hint + "]").Value(&line).Validate(func(x string) error {
		if _, ok := parse(x); !ok {
			return errors.New(s.t("PlainYesNo", "Yes", yes[0], "No", no[0]))
		}
		return nil
	}))
	v, _ = parse(line)
	return v, err
}

// choose asks for one of opts by its number, as huh's accessible select
// does; *value is the answer to an empty line. huh's select prompts in
// English only ("Enter a number between 1 and 3"): in another language the
// options are said and the number asked in that language.
func (s *session) choose(title string, opts []huh.Option[string], value *string) error {
	if s.loc.Lang() == i18n.Default {
		return s.form(huh.NewSelect[string]().Title(title).Options(opts...).Value(value))
	}
	def := 1
	for i, o := range opts {
		if o.Value == *value {
			def = i + 1
		}
	}
	s.say("%s", title)
	for i, o := range opts {
		s.say("%d. %s", i+1, o.Key)
	}
	pick := func(x string) (int, bool) {
		x = strings.TrimSpace(x)
		if x == "" {
			return def, true
		}
		n, err := strconv.Atoi(x)
		return n, err == nil && n >= 1 && n <= len(opts)
	}
	var line string
	err := s.form(huh.NewInput().Title(s.t("PlainChooseNumber", "Max", len(opts))).Value(&line).Validate(func(x string) error {
		if _, ok := pick(x); !ok {
			return errors.New(s.t("PlainChooseNumberInvalid", "Max", len(opts)))
		}
		return nil
	}))
	if n, ok := pick(line); ok && err == nil {
		*value = opts[n-1].Value
	}
	return err
}

func (s *session) bounded(v func(string) error) func(string) error {
	return func(x string) error {
		if len(x) > maxField {
			return errors.New(s.t("PlainTooLong", "Max", maxField))
		}
		if v == nil {
			return nil
		}
		return v(x)
	}
}

func (s *session) input(title string, value *string, validate func(string) error) *huh.Input {
	return huh.NewInput().Title(title).Value(value).Validate(s.bounded(s.valid(validate)))
}

// again runs do until it works or the person declines to try again: one
// failed call to Microsoft or the payment provider need not end the flow.
func (s *session) again(what string, do func() error) error {
	for {
		err := do()
		if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, flow.ErrAlreadyPaid) {
			return err // done, stopped, or nothing left to do
		}
		s.sayT("PlainDidNotWork", "What", what, "Why", clean(s.explain(err), maxExplained))
		retry, ferr := s.confirm(s.t("PlainTryAgain"), true)
		if ferr != nil || !retry {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
}
