package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"onboard/payment"
)

// merchantName is who the sandbox collects for.
const merchantName = "Sandbox Partner"

// csrfCookie holds the browser's random value the page's token is bound to.
const csrfCookie = "sandbox_pay_csrf"

//go:embed checkout.html
var pageFiles embed.FS

var pageTemplate = template.Must(template.ParseFS(pageFiles, "checkout.html"))

// pageKind is which face of the page is shown.
type pageKind string

const (
	pageForm     pageKind = "form"
	pageReceipt  pageKind = "receipt"
	pageExpired  pageKind = "expired"
	pageNotFound pageKind = "notfound"
	pageProblem  pageKind = "problem" // forbidden or internal error
)

// pageView is everything checkout.html draws.
type pageView struct {
	Kind        pageKind
	Merchant    string
	OrderRef    string
	Description string
	Amount      string
	CSRFToken   string
	Form        formValues
	Errors      fieldErrors
	Alert       string // a decline or processing problem, above the form
	Notice      string // an informational line on the receipt
	Problem     string // the text of a problem page
	Receipt     receiptView
	TestCards   []TestCard
}

// formValues is what the customer typed; the CVC is never echoed back.
type formValues struct {
	Number, Expiry, Name string
}

type fieldErrors struct {
	Number, Expiry, CVC, Name string
}

func (e fieldErrors) any() bool { return e != fieldErrors{} }

type receiptView struct {
	Card, PaymentID, PaidAt string
}

func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	c, err := s.get(r.PathValue("id"))
	if err != nil {
		s.renderLookupError(w, err)
		return
	}
	token := s.issueCSRF(w, r, c.ID)
	v := s.viewOf(c, token)
	if c.State == payment.StateDeclined {
		v.Alert = c.Reason + " Please try again, or use another card."
	}
	s.render(w, http.StatusOK, v)
}

func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		s.render(w, http.StatusBadRequest, problemView("The form could not be read. Reload the page and try again."))
		return
	}
	c, err := s.get(r.PathValue("id"))
	if err != nil {
		s.renderLookupError(w, err)
		return
	}
	token, ok := s.checkCSRF(r, c.ID)
	if !ok {
		s.render(w, http.StatusForbidden, problemView(
			"This form has expired or was not sent from this page. Reload the page and try again."))
		return
	}
	s.submit(w, r, c, token)
}

// submit validates the card form and charges it.
func (s *Server) submit(w http.ResponseWriter, r *http.Request, c checkout, token string) {
	form := formValues{
		Number: strings.TrimSpace(r.PostForm.Get("number")),
		Expiry: strings.TrimSpace(r.PostForm.Get("exp")),
		Name:   strings.TrimSpace(r.PostForm.Get("name")),
	}
	// A paid order is answered before validation: a second submit (double
	// click, back button) must never look like a new payment.
	if c.State == payment.StatePaid || c.State == payment.StateExpired {
		s.renderSettled(w, c, token)
		return
	}
	digits, errs := s.validateForm(form, strings.TrimSpace(r.PostForm.Get("cvc")))
	if errs.any() {
		v := s.viewOf(c, token)
		v.Form, v.Errors = form, errs
		s.render(w, http.StatusUnprocessableEntity, v)
		return
	}
	after, err := s.charge(c.ID, digits)
	switch {
	case errors.Is(err, ErrAlreadyPaid), errors.Is(err, ErrExpired):
		s.renderSettled(w, after, token)
	case errors.Is(err, ErrTryAgain):
		v := s.viewOf(after, token)
		v.Form, v.Alert = form, reasonProcessing
		s.render(w, http.StatusOK, v)
	case err != nil:
		slog.Error("payment sandbox: charge", "checkout", c.ID, "err", err)
		s.render(w, http.StatusInternalServerError, problemView("Something went wrong on our side. You have not been charged. Please try again."))
	case after.State == payment.StateDeclined:
		v := s.viewOf(after, token)
		// Keep who and when; a declined number is cleared for another card.
		v.Form = formValues{Expiry: form.Expiry, Name: form.Name}
		v.Alert = after.Reason + " Please try again, or use another card."
		s.render(w, http.StatusPaymentRequired, v)
	default:
		s.render(w, http.StatusOK, s.viewOf(after, token))
	}
}

// renderSettled answers a submit to a checkout that can no longer be paid.
func (s *Server) renderSettled(w http.ResponseWriter, c checkout, token string) {
	v := s.viewOf(c, token)
	if c.State == payment.StatePaid {
		v.Notice = "This order is already paid. You have not been charged again."
		s.render(w, http.StatusOK, v)
		return
	}
	s.render(w, http.StatusGone, v)
}

// validateForm checks the card fields and returns the card's digits.
func (s *Server) validateForm(f formValues, cvc string) (string, fieldErrors) {
	var errs fieldErrors
	digits, err := normalizeNumber(f.Number)
	switch {
	case f.Number == "":
		errs.Number = "Enter your card number."
	case err != nil:
		errs.Number = err.Error()
	}
	if f.Expiry == "" {
		errs.Expiry = "Enter your card's expiry date."
	} else if _, _, err := parseExpiry(f.Expiry, s.opts.Now()); err != nil {
		errs.Expiry = err.Error()
	}
	switch {
	case cvc == "":
		errs.CVC = "Enter your card's security code."
	case !validCVC(cvc):
		errs.CVC = "The security code is 3 or 4 digits."
	}
	if f.Name == "" {
		errs.Name = "Enter the name on the card."
	} else if hasControl(f.Name) || len(f.Name) > 100 {
		errs.Name = "Enter the name as printed on the card."
	}
	return digits, errs
}

func (s *Server) viewOf(c checkout, token string) pageView {
	v := pageView{
		Kind: pageForm, Merchant: merchantName, OrderRef: c.OrderRef,
		Description: c.Description, Amount: formatAmount(c.Amount, c.Currency),
		CSRFToken: token, TestCards: TestCards,
	}
	switch c.State {
	case payment.StatePaid:
		v.Kind = pageReceipt
		v.Receipt = receiptView{PaymentID: c.PaymentID, PaidAt: c.PaidAt.Format("2 January 2006, 15:04 MST")}
		if c.Card != nil {
			v.Receipt.Card = c.Card.Brand + " •••• " + c.Card.Last4
		}
		if r := c.refunded(); r > 0 {
			v.Notice = formatAmount(r, c.Currency) + " of this payment has been refunded to your card."
		}
	case payment.StateExpired:
		v.Kind = pageExpired
	}
	return v
}

func problemView(msg string) pageView {
	return pageView{Kind: pageProblem, Merchant: merchantName, Problem: msg}
}

func (s *Server) renderLookupError(w http.ResponseWriter, err error) {
	if errors.Is(err, payment.ErrNotFound) {
		s.render(w, http.StatusNotFound, pageView{Kind: pageNotFound, Merchant: merchantName})
		return
	}
	slog.Error("payment sandbox: load checkout", "err", err)
	s.render(w, http.StatusInternalServerError, problemView("Something went wrong on our side. Please try again."))
}

func (s *Server) denyCrossOrigin(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusForbidden, problemView(
		"This payment form was sent from another site and was refused. Open the checkout link again."))
}

// render draws the page with headers that keep it out of caches and frames
// and forbid scripts: the page needs none.
func (s *Server) render(w http.ResponseWriter, status int, v pageView) {
	var buf bytes.Buffer
	if err := s.page.ExecuteTemplate(&buf, "page", v); err != nil {
		slog.Error("payment sandbox: render checkout page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// issueCSRF makes sure the browser has a CSRF cookie and returns this page's
// token: an HMAC of the checkout id and the cookie, so a token is only good
// for this checkout in this browser (double-submit, signed).
func (s *Server) issueCSRF(w http.ResponseWriter, r *http.Request, id string) string {
	value := ""
	if ck, err := r.Cookie(csrfCookie); err == nil && len(ck.Value) >= 16 {
		value = ck.Value
	} else {
		value = rand.Text()
		http.SetCookie(w, &http.Cookie{
			Name: csrfCookie, Value: value, Path: mountPrefix(r) + "/checkout/",
			HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode,
		})
	}
	return s.csrfToken(id, value)
}

// checkCSRF verifies the posted token against the cookie.
func (s *Server) checkCSRF(r *http.Request, id string) (string, bool) {
	ck, err := r.Cookie(csrfCookie)
	if err != nil || ck.Value == "" {
		return "", false
	}
	want := s.csrfToken(id, ck.Value)
	got := r.PostForm.Get("csrf_token")
	return want, hmac.Equal([]byte(got), []byte(want))
}

func (s *Server) csrfToken(id, cookie string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte(id + "\x00" + cookie))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
