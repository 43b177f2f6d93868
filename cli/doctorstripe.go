package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"onboard/config"
	"onboard/payment"
	paystripe "onboard/payment/stripe"
)

// stripeCheck proves the Stripe key with one read that changes nothing and
// says plainly whether real money moves: the key's prefix says what the
// provider meant, Stripe's answer (livemode) what it is.
func stripeCheck(ctx context.Context, cfg *config.Config) check {
	const name = "payments"
	key := cfg.Get("stripe_secret_key")
	g, err := stripeGateway(cfg)
	if err != nil {
		return check{Name: name, OK: false, Detail: "Stripe: " + err.Error()}
	}
	mode := paystripe.Mode(key)
	if mode == "" {
		return check{Name: name, OK: false, Detail: "Stripe: stripe_secret_key is not a secret key (sk_test_… or sk_live_…; a publishable pk_… key cannot create sessions)"}
	}
	kc, err := g.CheckKey(ctx)
	switch {
	case errors.Is(err, paystripe.ErrKeyRefused):
		return check{Name: name, OK: false, Detail: fmt.Sprintf("Stripe %s mode: Stripe refused the key (wrong, revoked or restricted without balance read): %v", mode, err)}
	case errors.Is(err, payment.ErrUnavailable):
		return check{Name: name, OK: false, Detail: fmt.Sprintf("Stripe %s mode: Stripe did not answer: %v", mode, err)}
	case err != nil:
		return check{Name: name, OK: false, Detail: fmt.Sprintf("Stripe %s mode: %v", mode, err)}
	}
	var b strings.Builder
	if kc.Live {
		b.WriteString("Stripe LIVE mode: customers pay real money")
	} else {
		b.WriteString("Stripe test mode: test cards only, no money moves")
	}
	if kc.Live != (mode == "live") {
		return check{Name: name, OK: false, Detail: fmt.Sprintf("%s, but the key looks like a %s key: check stripe_secret_key", b.String(), mode)}
	}
	where := "https://api.stripe.com"
	if u := cfg.Get("stripe_api_url"); u != "" {
		where = u
	}
	fmt.Fprintf(&b, " (key accepted by %s)", where)
	switch ws := cfg.Get("stripe_webhook_secret"); {
	case ws == "":
		b.WriteString("; no webhook secret: payments are polled from the terminal")
	case !strings.HasPrefix(ws, "whsec_"):
		return check{Name: name, OK: false, Detail: b.String() + "; stripe_webhook_secret is not a signing secret (whsec_…, shown on the webhook endpoint in Stripe's dashboard)"}
	default:
		b.WriteString("; webhooks verified at " + paystripe.WebhookPath)
	}
	if cfg.Bool("stripe_automatic_tax") {
		b.WriteString("; Stripe Tax adds tax")
	}
	return check{Name: name, OK: true, Detail: b.String()}
}
