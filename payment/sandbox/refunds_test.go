package sandbox

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"onboard/payment"
)

func TestRefundThroughClient(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "")
	cli := NewClient(f.base, "", f.ts.Client())
	unpaid := f.create("unpaid")
	if _, err := cli.Refund(ctx, payment.Refund{SessionID: unpaid.ID, Amount: 100, IdempotencyKey: "r-unpaid"}); !errors.Is(err, payment.ErrRefundRefused) {
		t.Fatalf("refund of an unpaid checkout: %v, want ErrRefundRefused", err)
	}
	paid := f.create("paid")
	if _, err := f.srv.Pay(paid.ID, "4242 4242 4242 4242"); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Refund(ctx, payment.Refund{SessionID: paid.ID, Amount: paid.Amount + 1, IdempotencyKey: "r-big"}); !errors.Is(err, payment.ErrRefundRefused) {
		t.Fatalf("refund of more than captured: %v, want ErrRefundRefused", err)
	}
	if _, err := cli.Refund(ctx, payment.Refund{SessionID: paid.ID, Amount: 1, Currency: "USD", IdempotencyKey: "r-usd"}); !errors.Is(err, payment.ErrInvalid) {
		t.Fatalf("refund in another currency: %v, want ErrInvalid", err)
	}
	req := payment.Refund{SessionID: paid.ID, Amount: 1000, Currency: "EUR", IdempotencyKey: "r-1", Reason: "duplicate"}
	r1, err := cli.Refund(ctx, req)
	if err != nil || r1.ID == "" || r1.Amount != 1000 || r1.PaymentID == "" {
		t.Fatalf("refund: %+v %v", r1, err)
	}
	r2, err := cli.Refund(ctx, req) // a retry
	if err != nil || r2.ID != r1.ID {
		t.Fatalf("retried refund: %+v %v, want the same refund %s", r2, err, r1.ID)
	}
	req.Amount = 5
	if _, err := cli.Refund(ctx, req); err == nil {
		t.Fatal("a reused key with another amount was accepted")
	}
	st, err := cli.Status(ctx, paid.ID)
	if err != nil || st.State != payment.StatePaid || st.Refunded != 1000 {
		t.Fatalf("status after refund: %+v %v", st, err)
	}
	// The rest: amount 0 refunds what is left, then nothing is left.
	if r, err := cli.Refund(ctx, payment.Refund{SessionID: paid.ID, IdempotencyKey: "r-rest"}); err != nil || r.Amount != paid.Amount-1000 {
		t.Fatalf("refund of the rest: %+v %v", r, err)
	}
	if _, err := cli.Refund(ctx, payment.Refund{SessionID: paid.ID, Amount: 1, IdempotencyKey: "r-more"}); !errors.Is(err, payment.ErrRefundRefused) {
		t.Fatalf("refund after a full refund: %v", err)
	}
	if _, err := cli.Refund(ctx, payment.Refund{SessionID: paid.ID, Amount: 1}); !errors.Is(err, payment.ErrInvalid) {
		t.Fatalf("refund without an idempotency key: %v", err)
	}
	if _, page := newBrowser(t).get(paid.URL); !strings.Contains(page, "has been refunded") {
		t.Error("the receipt does not show the refund")
	}
	captured, refunded := f.srv.Captured(paid.OrderRef)
	if captured != paid.Amount || refunded != paid.Amount {
		t.Fatalf("records: captured %d refunded %d, want %d both", captured, refunded, paid.Amount)
	}
}

func TestConcurrentRefundsNeverExceedCapture(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "")
	cli := NewClient(f.base, "", f.ts.Client())
	c := f.create("paid")
	if _, err := f.srv.Pay(c.ID, "4242424242424242"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			_, _ = cli.Refund(ctx, payment.Refund{SessionID: c.ID, Amount: c.Amount / 2, IdempotencyKey: "k" + string(rune('a'+i))})
		})
	}
	wg.Wait()
	if _, refunded := f.srv.Captured(c.OrderRef); refunded != c.Amount/2*2 {
		t.Fatalf("refunded %d of %d", refunded, c.Amount)
	}
}

func TestRefundsPersisted(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "payments.json")
	f := newFixture(t, path)
	cli := NewClient(f.base, "", f.ts.Client())
	c := f.create("paid")
	if _, err := f.srv.Pay(c.ID, "4242424242424242"); err != nil {
		t.Fatal(err)
	}
	r1, err := cli.Refund(ctx, payment.Refund{SessionID: c.ID, IdempotencyKey: "once"})
	if err != nil {
		t.Fatal(err)
	}
	g := newFixture(t, path) // a restarted sandbox
	r2, err := NewClient(g.base, "", g.ts.Client()).Refund(ctx, payment.Refund{SessionID: c.ID, IdempotencyKey: "once"})
	if err != nil || r2.ID != r1.ID {
		t.Fatalf("after restart: %+v %v, want refund %s", r2, err, r1.ID)
	}
	if ss := g.srv.Sessions(); len(ss) != 1 || ss[0].Refunded != c.Amount || len(ss[0].Refunds) != 1 {
		t.Fatalf("records after restart: %+v", ss)
	}
}
