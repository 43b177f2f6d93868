package sandbox

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"onboard/payment"
)

// API limits.
const (
	maxBodyBytes      = 16 << 10
	maxIdempotencyKey = 255
	maxOrderRef       = 64
	maxDescription    = 500
	maxAmount         = 1_000_000_000_00 // a billion in a two-digit currency
)

// Error codes of the API's {"error":{"code","message"}} bodies.
const (
	codeInvalidRequest      = "invalid_request"
	codeUnauthorized        = "unauthorized"
	codeNotFound            = "not_found"
	codeIdempotencyConflict = "idempotency_conflict"
	codeMethodNotAllowed    = "method_not_allowed"
	codeInternal            = "internal_error"
	// Refund refusals, named as Stripe names them.
	codeNotPaid         = "payment_intent_unexpected_state" // the checkout holds no capture
	codeAmountTooLarge  = "amount_too_large"                // more than is left of the capture
	codeAlreadyRefunded = "charge_already_refunded"         // nothing is left of the capture
	codeNotOpen         = "checkout_not_open"               // only an open checkout can be expired
)

// refusalCodes are the API error codes the client reports as payment.ErrRefundRefused.
var refusalCodes = map[string]bool{codeNotPaid: true, codeAmountTooLarge: true, codeAlreadyRefunded: true}

// createRequest is the body of POST /v1/checkouts.
type createRequest struct {
	OrderRef      string `json:"order_ref"`
	Description   string `json:"description"`
	Amount        int64  `json:"amount"`
	Currency      string `json:"currency"`
	CustomerEmail string `json:"customer_email,omitempty"`
}

// checkoutResponse is a checkout as the API returns it.
type checkoutResponse struct {
	ID        string        `json:"id"`
	URL       string        `json:"url"`
	State     payment.State `json:"state"`
	Amount    int64         `json:"amount"`
	Currency  string        `json:"currency"`
	OrderRef  string        `json:"order_ref"`
	PaymentID string        `json:"payment_id,omitempty"`
	Reason    string        `json:"reason,omitempty"`
	Refunded  int64         `json:"amount_refunded"`
	CreatedAt time.Time     `json:"created_at"`
	ExpiresAt time.Time     `json:"expires_at"`
}

// errorResponse is the body of every API error.
type errorResponse struct {
	Error apiError `json:"error"`
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (s *Server) requireAPIKey(next http.HandlerFunc) http.Handler {
	want := []byte("Bearer " + s.opts.APIKey)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sandbox-pay"`)
			writeError(w, http.StatusUnauthorized, codeUnauthorized, "missing or wrong API key")
			return
		}
		next(w, r)
	})
}

func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if msg := checkIdempotencyKey(key); msg != "" {
		writeError(w, http.StatusBadRequest, codeInvalidRequest, msg)
		return
	}
	req, err := decodeCreate(w, r)
	if err != nil {
		writeError(w, http.StatusBadRequest, codeInvalidRequest, err.Error())
		return
	}
	if msg := validateCreate(req); msg != "" {
		writeError(w, http.StatusBadRequest, codeInvalidRequest, msg)
		return
	}
	c, err := s.create(req, key, hashRequest(req))
	switch {
	case errors.Is(err, errIdempotencyConflict):
		writeError(w, http.StatusConflict, codeIdempotencyConflict,
			"this Idempotency-Key was already used with a different request")
	case err != nil:
		s.internalError(w, "create checkout", err)
	default:
		writeJSON(w, http.StatusOK, toResponse(c, externalBase(r)))
	}
}

func (s *Server) handleGet(w http.ResponseWriter, r *http.Request) {
	c, err := s.get(r.PathValue("id"))
	switch {
	case errors.Is(err, payment.ErrNotFound):
		writeError(w, http.StatusNotFound, codeNotFound, "no such checkout")
	case err != nil:
		s.internalError(w, "get checkout", err)
	default:
		writeJSON(w, http.StatusOK, toResponse(c, externalBase(r)))
	}
}

// handleNoEndpoint answers API paths no route took, in the API's JSON.
func (s *Server) handleNoEndpoint(w http.ResponseWriter, r *http.Request) {
	allow := ""
	switch rest, ok := strings.CutPrefix(r.URL.Path, "/v1/checkouts"); {
	case ok && rest == "":
		allow = http.MethodPost
	case ok && strings.Count(rest, "/") == 1 && len(rest) > 1:
		allow = http.MethodGet
	case r.URL.Path == "/v1/refunds":
		allow = http.MethodPost
	}
	if allow != "" {
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, codeMethodNotAllowed, fmt.Sprintf("%s %s is not supported; use %s", r.Method, r.URL.Path, allow))
		return
	}
	writeError(w, http.StatusNotFound, codeNotFound, fmt.Sprintf("no endpoint %s %s", r.Method, r.URL.Path))
}

func (s *Server) internalError(w http.ResponseWriter, what string, err error) {
	slog.Error("payment sandbox: "+what, "err", err)
	writeError(w, http.StatusInternalServerError, codeInternal, "internal error, retry later")
}

func decodeCreate(w http.ResponseWriter, r *http.Request) (createRequest, error) {
	var req createRequest
	return req, decodeBody(w, r, &req)
}

// decodeBody decodes one JSON object, strictly: no unknown fields, nothing after it.
func decodeBody(w http.ResponseWriter, r *http.Request, req any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(req); err != nil {
		return fmt.Errorf("malformed JSON body: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("malformed JSON body: trailing data after the object")
	}
	return nil
}

func checkIdempotencyKey(key string) string {
	switch {
	case key == "":
		return "the Idempotency-Key header is required"
	case len(key) > maxIdempotencyKey:
		return fmt.Sprintf("the Idempotency-Key header is longer than %d characters", maxIdempotencyKey)
	case hasControl(key):
		return "the Idempotency-Key header contains control characters"
	}
	return ""
}

// validateCreate returns what is wrong with req, or "".
func validateCreate(req createRequest) string {
	switch {
	case req.Amount <= 0:
		return "amount must be a positive number of minor units"
	case req.Amount > maxAmount:
		return fmt.Sprintf("amount must be at most %d minor units", int64(maxAmount))
	case len(req.Currency) != 3 || strings.ToUpper(req.Currency) != req.Currency:
		return "currency must be a 3-letter uppercase ISO 4217 code"
	case !currencies[req.Currency]:
		return fmt.Sprintf("currency %q is not supported", req.Currency)
	case strings.TrimSpace(req.OrderRef) == "":
		return "order_ref is required"
	}
	if msg := checkText("order_ref", req.OrderRef, maxOrderRef); msg != "" {
		return msg
	}
	if msg := checkText("description", req.Description, maxDescription); msg != "" {
		return msg
	}
	if req.CustomerEmail != "" {
		if a, err := mail.ParseAddress(req.CustomerEmail); err != nil || a.Address != req.CustomerEmail {
			return "customer_email is not an e-mail address"
		}
	}
	return ""
}

func checkText(field, v string, max int) string {
	switch {
	case !utf8.ValidString(v):
		return field + " is not valid UTF-8"
	case utf8.RuneCountInString(v) > max:
		return fmt.Sprintf("%s is longer than %d characters", field, max)
	case hasControl(v):
		return field + " contains control characters"
	}
	return ""
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// hashRequest fingerprints a create request, so a reused Idempotency-Key
// with a different request is told apart from a retry.
func hashRequest(req createRequest) string {
	b, _ := json.Marshal(req) // a struct of strings and ints always encodes
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func toResponse(c checkout, base string) checkoutResponse {
	return checkoutResponse{
		ID: c.ID, URL: base + "/checkout/" + c.ID, State: c.State,
		Amount: c.Amount, Currency: c.Currency, OrderRef: c.OrderRef,
		PaymentID: c.PaymentID, Reason: c.Reason, Refunded: c.refunded(),
		CreatedAt: c.CreatedAt, ExpiresAt: c.ExpiresAt,
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client went away; nothing to do
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorResponse{Error: apiError{Code: code, Message: msg}})
}
