package stripe

import (
	"html/template"
	"net/http"
	"regexp"

	stripe "github.com/stripe/stripe-go/v85"

	"onboard/payment"
)

// Paths of the pages the customer is sent to, under ReturnURL.
const (
	PaidPath      = "/payments/stripe/paid"
	CancelledPath = "/payments/stripe/cancelled"
	// GoPath + a session id redirects to the session's Checkout page. The
	// terminal shows this short link: Stripe's own URLs run to some 400
	// characters, a QR code too big for an 80×24 screen.
	GoPath = "/payments/stripe/go/"
)

// returnPage is deliberately plain: the terminal is where the sign-up goes
// on, so the page only says to go back to it. The order number comes from
// the URL and is escaped by html/template.
var returnPage = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style>
</head><body>
<h1>{{.Title}}</h1>
<p>{{.Text}}{{if .Order}} (order {{.Order}}){{end}}</p>
<p>Return to the terminal to continue. You can close this page.</p>
</body></html>
`))

// sessionID is what Stripe's Checkout Session ids look like; anything else
// is not looked up.
var sessionID = regexp.MustCompile(`^cs_(test|live)_[A-Za-z0-9]{1,200}$`)

func page(w http.ResponseWriter, status int, title, text, order string) {
	if len(order) > 40 {
		order = order[:40]
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	_ = returnPage.Execute(w, struct{ Title, Text, Order string }{title, text, order})
}

// ReturnPages serves the pages at PaidPath and CancelledPath and, when g is
// not nil, the short links at GoPath. Mount it at the root of the HTTP
// endpoint ReturnURL points at.
func ReturnPages(g *Gateway) http.Handler {
	mux := http.NewServeMux()
	static := func(title, text string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			page(w, http.StatusOK, title, text, r.URL.Query().Get("order"))
		}
	}
	mux.HandleFunc("GET "+PaidPath, static("Payment received", "Thank you: Stripe has taken your payment"))
	mux.HandleFunc("GET "+CancelledPath, static("Payment cancelled", "Nothing was charged"))
	if g != nil {
		mux.HandleFunc("GET "+GoPath+"{id}", g.redirect)
	}
	return mux
}

// redirect sends the customer on to an open session's Checkout page, and
// says why not otherwise.
func (g *Gateway) redirect(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !sessionID.MatchString(id) {
		page(w, http.StatusNotFound, "No such payment page", "This link is not a payment page", "")
		return
	}
	s, err := g.session(r.Context(), id)
	if err != nil {
		page(w, http.StatusBadGateway, "Payment page not available", "Stripe did not give the payment page; try again in a moment", "")
		return
	}
	order := s.ClientReferenceID
	switch {
	case SessionStatus(s).State == payment.StatePaid:
		page(w, http.StatusOK, "Payment received", "This order is already paid", order)
	case s.Status != stripe.CheckoutSessionStatusOpen || s.URL == "":
		page(w, http.StatusGone, "Payment page closed", "This payment page has closed; nothing was charged on it", order)
	default:
		http.Redirect(w, r, s.URL, http.StatusSeeOther)
	}
}
