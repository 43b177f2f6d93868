package testworld

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"testing"

	"onboard/msapi/sandbox"
	paysandbox "onboard/payment/sandbox"
)

// Fixed host names of NewStable's sandboxes: every URL they hand out
// (invitation page, checkout page) is the same on every run, so screens
// that show them, and their QR codes, can be compared with goldens.
const (
	MicrosoftHost = "microsoft.sandbox.test"
	PayHost       = "pay.sandbox.test"
)

// Cards of the sandbox checkout.
const (
	DeclinedCard = "4000000000000002" // declined; the page invites a retry
)

// NewStable is NewMicrosoft behind fixed host names: the sandboxes listen on
// loopback, and m.HTTP, the client every part of the wiring uses, dials them
// whatever port they got.
func NewStable(tb testing.TB, opts sandbox.Options) *Microsoft {
	tb.Helper()
	ms, err := sandbox.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	msSrv := httptest.NewServer(ms)
	tb.Cleanup(msSrv.Close)
	pay := paysandbox.NewServer(paysandbox.Options{})
	paySrv := httptest.NewServer(pay)
	tb.Cleanup(paySrv.Close)
	addrs := map[string]string{
		MicrosoftHost + ":80": msSrv.Listener.Addr().String(),
		PayHost + ":80":       paySrv.Listener.Addr().String(),
	}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			to, ok := addrs[addr]
			if !ok {
				return nil, fmt.Errorf("testworld: no sandbox at %s", addr)
			}
			var d net.Dialer
			return d.DialContext(ctx, network, to)
		},
	}
	tb.Cleanup(tr.CloseIdleConnections)
	return &Microsoft{
		MS: ms, MSURL: "http://" + MicrosoftHost, Pay: pay, PayURL: "http://" + PayHost,
		HTTP: &http.Client{Transport: tr},
	}
}

// CheckoutID is the checkout session of a checkout page URL, as the
// customer's browser opened it.
func CheckoutID(pageURL string) (string, error) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return "", fmt.Errorf("checkout page %q: %w", pageURL, err)
	}
	id := path.Base(u.Path)
	if id == "" || id == "/" || id == "." {
		return "", fmt.Errorf("checkout page %q names no checkout", pageURL)
	}
	return id, nil
}

// PayPage pays on the checkout page at pageURL with card, as the customer
// does in the browser the wizard opened.
func (m *Microsoft) PayPage(pageURL, card string) error {
	id, err := CheckoutID(pageURL)
	if err != nil {
		return err
	}
	if _, err := m.Pay.Pay(id, card); err != nil {
		return fmt.Errorf("pay on %s: %w", pageURL, err)
	}
	return nil
}
