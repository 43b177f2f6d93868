package cli

import (
	"errors"
	"fmt"
	"net/http"

	"onboard/config"
	"onboard/flow"
	paystripe "onboard/payment/stripe"
)

// errStripeKey is payment = stripe without a usable secret key.
var errStripeKey = errors.New("payment = stripe needs a Stripe secret key: set ONBOARD_STRIPE_SECRET_KEY, " +
	"or stripe_secret_key in the secrets file (mode 0600); a test key starts with sk_test_")

// errLiveWithSandbox refuses real money for the sandbox Microsoft's
// make-believe purchases.
var errLiveWithSandbox = errors.New("a live Stripe key (sk_live_…) with microsoft = sandbox would take real money " +
	"for purchases that do not exist: use a test key (sk_test_…) with the sandbox")

// stripeGateway is the Stripe Checkout gateway the configuration asks for.
func stripeGateway(cfg *config.Config) (*paystripe.Gateway, error) {
	key := cfg.Get("stripe_secret_key")
	if key == "" {
		return nil, errStripeKey
	}
	if paystripe.Mode(key) == "live" && cfg.Get("microsoft") == "sandbox" {
		return nil, errLiveWithSandbox
	}
	g, err := paystripe.New(paystripe.Options{
		SecretKey:    key,
		APIURL:       cfg.Get("stripe_api_url"),
		ReturnURL:    cfg.Get("stripe_return_url"),
		AutomaticTax: cfg.Bool("stripe_automatic_tax"),
	})
	if err != nil {
		return nil, fmt.Errorf("Stripe gateway: %w", err)
	}
	return g, nil
}

// stripeMounts are the HTTP handlers onboard serve mounts beside its own
// (pattern → handler) when the gateway is Stripe: the customer's return
// pages and short links, and the webhook when its signing secret is set
// (without it, terminals poll). afterPaid, if not nil, is told of each
// order a webhook found paid (serve's worker processes it); it must not
// block.
func stripeMounts(cfg *config.Config, svc *flow.Service, afterPaid func(orderID string)) map[string]http.Handler {
	gw, ok := svc.Pay.(*paystripe.Gateway)
	if !ok {
		return nil
	}
	m := map[string]http.Handler{"GET /payments/stripe/": paystripe.ReturnPages(gw)}
	if secret := cfg.Get("stripe_webhook_secret"); secret != "" {
		wh := paystripe.NewWebhookHandler(secret, svc)
		wh.AfterPaid = afterPaid
		m["POST "+paystripe.WebhookPath] = wh
	}
	return m
}
