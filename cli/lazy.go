package cli

import (
	"context"

	"onboard/flow"
	"onboard/msapi"
	"onboard/payment"
	"onboard/ui"
)

// lazyBackend lets the wizard draw its first screen, which needs only the
// catalog, while the database opens and the sandbox starts. Every call runs
// in a command off the UI loop, so waiting here never blocks a frame.
type lazyBackend struct {
	ready chan struct{}
	svc   *flow.Service
	err   error
}

var _ ui.Backend = (*lazyBackend)(nil)

// connectInBackground starts open and returns at once.
func connectInBackground(open func() (*flow.Service, error)) *lazyBackend {
	b := &lazyBackend{ready: make(chan struct{})}
	go func() {
		defer close(b.ready)
		b.svc, b.err = open()
	}()
	return b
}

// wait reports whether the service started (ui.Options.Ready).
func (b *lazyBackend) wait(ctx context.Context) error {
	_, err := b.get(ctx)
	return err
}

func (b *lazyBackend) get(ctx context.Context) (*flow.Service, error) {
	select {
	case <-b.ready:
		return b.svc, b.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (b *lazyBackend) VerifyAdmin(ctx context.Context, login, password string) (msapi.Admin, error) {
	s, err := b.get(ctx)
	if err != nil {
		return msapi.Admin{}, err
	}
	return s.VerifyAdmin(ctx, login, password)
}

func (b *lazyBackend) InvitationURL(ctx context.Context) (string, error) {
	s, err := b.get(ctx)
	if err != nil {
		return "", err
	}
	return s.InvitationURL(ctx)
}

func (b *lazyBackend) CheckConsent(ctx context.Context, domain string) (msapi.Customer, bool, error) {
	s, err := b.get(ctx)
	if err != nil {
		return msapi.Customer{}, false, err
	}
	return s.CheckConsent(ctx, domain)
}

func (b *lazyBackend) CreateOrder(ctx context.Context, a flow.Answers) (flow.Order, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Order{}, err
	}
	return s.CreateOrder(ctx, a)
}

func (b *lazyBackend) ConsentAccepted(ctx context.Context, orderID string, c msapi.Customer) (flow.Order, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Order{}, err
	}
	return s.ConsentAccepted(ctx, orderID, c)
}

func (b *lazyBackend) StartPayment(ctx context.Context, orderID string) (payment.Session, error) {
	s, err := b.get(ctx)
	if err != nil {
		return payment.Session{}, err
	}
	return s.StartPayment(ctx, orderID)
}

func (b *lazyBackend) CheckPayment(ctx context.Context, orderID, checkoutID string) (payment.State, flow.Order, error) {
	s, err := b.get(ctx)
	if err != nil {
		return "", flow.Order{}, err
	}
	return s.CheckPayment(ctx, orderID, checkoutID)
}

func (b *lazyBackend) FindOrderForPayment(ctx context.Context, number, email string) (flow.Order, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Order{}, err
	}
	return s.FindOrderForPayment(ctx, number, email)
}

func (b *lazyBackend) Process(ctx context.Context, orderID string, progress func(flow.Progress)) (flow.Result, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Result{}, err
	}
	return s.Process(ctx, orderID, progress)
}

func (b *lazyBackend) Retry(ctx context.Context, orderID string) (flow.Order, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Order{}, err
	}
	return s.Retry(ctx, orderID)
}

func (b *lazyBackend) Cancel(ctx context.Context, orderID, reason string) (flow.Order, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Order{}, err
	}
	return s.Cancel(ctx, orderID, reason)
}

func (b *lazyBackend) AssignLicenses(ctx context.Context, orderID, skuID string, userIDs []string) error {
	s, err := b.get(ctx)
	if err != nil {
		return err
	}
	return s.AssignLicenses(ctx, orderID, skuID, userIDs)
}

func (b *lazyBackend) ListUsers(ctx context.Context, tenantID string) ([]flow.User, error) {
	s, err := b.get(ctx)
	if err != nil {
		return nil, err
	}
	return s.ListUsers(ctx, tenantID)
}

func (b *lazyBackend) SaveDraft(ctx context.Context, code, terminal string, step flow.StepID, a flow.Answers) (flow.Draft, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Draft{}, err
	}
	return s.SaveDraft(ctx, code, terminal, step, a)
}

func (b *lazyBackend) LoadDraft(ctx context.Context, code string) (flow.StepID, flow.Answers, error) {
	s, err := b.get(ctx)
	if err != nil {
		return "", flow.Answers{}, err
	}
	return s.LoadDraft(ctx, code)
}

func (b *lazyBackend) LatestDraft(ctx context.Context, terminal string) (flow.Draft, bool, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Draft{}, false, err
	}
	return s.LatestDraft(ctx, terminal)
}

func (b *lazyBackend) CheckSubdomain(ctx context.Context, prefix string) (bool, []string, error) {
	s, err := b.get(ctx)
	if err != nil {
		return false, nil, err
	}
	return s.CheckSubdomain(ctx, prefix)
}

func (b *lazyBackend) CreateMicrosoftAccount(ctx context.Context, orderID string) (msapi.CreatedCustomer, error) {
	s, err := b.get(ctx)
	if err != nil {
		return msapi.CreatedCustomer{}, err
	}
	return s.CreateMicrosoftAccount(ctx, orderID)
}

func (b *lazyBackend) Preview(ctx context.Context, orderID string) ([]flow.LinePreview, error) {
	s, err := b.get(ctx)
	if err != nil {
		return nil, err
	}
	return s.Preview(ctx, orderID)
}
