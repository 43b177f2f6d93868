package cli

import (
	"context"

	"onboard/flow"
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

func (b *lazyBackend) LatestDraft(ctx context.Context, terminal string) (flow.Draft, bool, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Draft{}, false, err
	}
	return s.LatestDraft(ctx, terminal)
}

func (b *lazyBackend) LoadDraft(ctx context.Context, code string) (flow.StepID, flow.Answers, error) {
	s, err := b.get(ctx)
	if err != nil {
		return "", flow.Answers{}, err
	}
	return s.LoadDraft(ctx, code)
}

func (b *lazyBackend) ResumeStep(ctx context.Context, code string) (flow.StepID, flow.Answers, flow.Order, error) {
	s, err := b.get(ctx)
	if err != nil {
		return "", flow.Answers{}, flow.Order{}, err
	}
	return s.ResumeStep(ctx, code)
}

func (b *lazyBackend) SaveDraft(ctx context.Context, code string, terminal string, step flow.StepID, a flow.Answers) (flow.Draft, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Draft{}, err
	}
	return s.SaveDraft(ctx, code, terminal, step, a)
}

func (b *lazyBackend) DropDraft(ctx context.Context, code string) error {
	s, err := b.get(ctx)
	if err != nil {
		return err
	}
	return s.DropDraft(ctx, code)
}

func (b *lazyBackend) CheckDomain(ctx context.Context, domain string) (bool, error) {
	s, err := b.get(ctx)
	if err != nil {
		return false, err
	}
	return s.CheckDomain(ctx, domain)
}

func (b *lazyBackend) CheckSubdomain(ctx context.Context, prefix string) (bool, []string, error) {
	s, err := b.get(ctx)
	if err != nil {
		return false, nil, err
	}
	return s.CheckSubdomain(ctx, prefix)
}

func (b *lazyBackend) VerifyAdmin(ctx context.Context, login string, password string) (flow.Admin, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Admin{}, err
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

func (b *lazyBackend) InvitationLink(ctx context.Context) (flow.Link, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Link{}, err
	}
	return s.InvitationLink(ctx)
}

func (b *lazyBackend) InvitationAccepted(ctx context.Context, domain string) (bool, error) {
	s, err := b.get(ctx)
	if err != nil {
		return false, err
	}
	return s.InvitationAccepted(ctx, domain)
}

func (b *lazyBackend) CheckConsent(ctx context.Context, orderID string) (flow.Consent, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Consent{}, err
	}
	return s.CheckConsent(ctx, orderID)
}

func (b *lazyBackend) RefreshConsent(ctx context.Context, orderID string) (flow.Order, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Order{}, err
	}
	return s.RefreshConsent(ctx, orderID)
}

func (b *lazyBackend) GDAPStatus(ctx context.Context, orderID string) (flow.GDAP, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.GDAP{}, err
	}
	return s.GDAPStatus(ctx, orderID)
}

func (b *lazyBackend) CreateOrder(ctx context.Context, a flow.Answers) (flow.Order, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Order{}, err
	}
	return s.CreateOrder(ctx, a)
}

func (b *lazyBackend) CreateMicrosoftAccount(ctx context.Context, orderID string) (flow.NewAccount, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.NewAccount{}, err
	}
	return s.CreateMicrosoftAccount(ctx, orderID)
}

func (b *lazyBackend) FindOrderForPayment(ctx context.Context, number string, email string) (flow.Order, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Order{}, err
	}
	return s.FindOrderForPayment(ctx, number, email)
}

func (b *lazyBackend) Preview(ctx context.Context, orderID string) ([]flow.LinePreview, error) {
	s, err := b.get(ctx)
	if err != nil {
		return nil, err
	}
	return s.Preview(ctx, orderID)
}

func (b *lazyBackend) ChangeLines(ctx context.Context, orderID string, lines []flow.LineChoice) (flow.Order, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Order{}, err
	}
	return s.ChangeLines(ctx, orderID, lines)
}

func (b *lazyBackend) Approve(ctx context.Context, orderID string) (flow.Order, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Order{}, err
	}
	return s.Approve(ctx, orderID)
}

func (b *lazyBackend) Cancel(ctx context.Context, orderID string, reason string) (flow.Order, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Order{}, err
	}
	return s.Cancel(ctx, orderID, reason)
}

func (b *lazyBackend) StartPayment(ctx context.Context, orderID string) (flow.Checkout, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Checkout{}, err
	}
	return s.StartPayment(ctx, orderID)
}

func (b *lazyBackend) CheckPayment(ctx context.Context, orderID string, checkoutID string) (flow.PaymentState, flow.Order, error) {
	s, err := b.get(ctx)
	if err != nil {
		return "", flow.Order{}, err
	}
	return s.CheckPayment(ctx, orderID, checkoutID)
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

func (b *lazyBackend) ResumeInterrupted(ctx context.Context) ([]flow.Order, error) {
	s, err := b.get(ctx)
	if err != nil {
		return nil, err
	}
	return s.ResumeInterrupted(ctx)
}

func (b *lazyBackend) ListUsers(ctx context.Context, tenantID string) ([]flow.User, error) {
	s, err := b.get(ctx)
	if err != nil {
		return nil, err
	}
	return s.ListUsers(ctx, tenantID)
}

func (b *lazyBackend) SearchUsers(ctx context.Context, tenantID string, q flow.UserQuery) (flow.UserPage, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.UserPage{}, err
	}
	return s.SearchUsers(ctx, tenantID, q)
}

func (b *lazyBackend) CountMatchingUsers(ctx context.Context, tenantID, text string) (int, error) {
	s, err := b.get(ctx)
	if err != nil {
		return 0, err
	}
	return s.CountMatchingUsers(ctx, tenantID, text)
}

func (b *lazyBackend) CountAssigned(ctx context.Context, tenantID, skuID string) (int, error) {
	s, err := b.get(ctx)
	if err != nil {
		return 0, err
	}
	return s.CountAssigned(ctx, tenantID, skuID)
}

func (b *lazyBackend) AssignedSeats(ctx context.Context, orderID string) (int, error) {
	s, err := b.get(ctx)
	if err != nil {
		return 0, err
	}
	return s.AssignedSeats(ctx, orderID)
}

func (b *lazyBackend) AssignLicenses(ctx context.Context, orderID string, skuID string, userIDs []string) error {
	s, err := b.get(ctx)
	if err != nil {
		return err
	}
	return s.AssignLicenses(ctx, orderID, skuID, userIDs)
}

func (b *lazyBackend) GetOrder(ctx context.Context, orderID string) (flow.Order, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Order{}, err
	}
	return s.GetOrder(ctx, orderID)
}

func (b *lazyBackend) SyncCatalog(ctx context.Context, country string) (flow.Catalog, []flow.CatalogChange, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Catalog{}, nil, err
	}
	return s.SyncCatalog(ctx, country)
}

func (b *lazyBackend) StartAdminSignIn(ctx context.Context, login string) (flow.SignIn, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.SignIn{}, err
	}
	return s.StartAdminSignIn(ctx, login)
}

func (b *lazyBackend) CheckAdminSignIn(ctx context.Context, signInID string) (flow.Admin, bool, error) {
	s, err := b.get(ctx)
	if err != nil {
		return flow.Admin{}, false, err
	}
	return s.CheckAdminSignIn(ctx, signInID)
}
