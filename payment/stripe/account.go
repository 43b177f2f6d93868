package stripe

import (
	"context"
	"fmt"
)

// KeyCheck is what Stripe says of the secret key.
type KeyCheck struct {
	Live bool // the key moves real money (Stripe's livemode)
}

// CheckKey proves the key works with one cheap authenticated read that
// changes nothing (GET /v1/balance) and says whether it is a live key.
func (g *Gateway) CheckKey(ctx context.Context) (KeyCheck, error) {
	ctx, cancel := context.WithTimeout(ctx, g.opts.Timeout)
	defer cancel()
	b, err := g.sc.V1Balance.Retrieve(ctx, nil)
	if err != nil {
		return KeyCheck{}, fmt.Errorf("read the Stripe balance: %w", classify(err))
	}
	return KeyCheck{Live: b.Livemode}, nil
}
