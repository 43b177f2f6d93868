package msapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"onboard/msapi/wire"
)

// APIError is a failed call to Microsoft. Err is one of the package's
// sentinel errors, so callers branch with errors.Is; Message is Microsoft's
// own description, sanitised for display.
type APIError struct {
	Op        string // what the client was doing, e.g. "list subscriptions of <tenant>"
	Status    int    // HTTP status of the last attempt; 0 when none arrived
	Code      string // Partner Center or Graph error code, when given
	Message   string
	RequestID string // MS-RequestId (Partner Center) or Graph's request-id
	Err       error  // sentinel
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	var details []string
	if e.Status != 0 {
		details = append(details, "HTTP "+strconv.Itoa(e.Status))
	}
	if e.Code != "" {
		details = append(details, "code "+e.Code)
	}
	if e.RequestID != "" {
		details = append(details, "request "+e.RequestID)
	}
	if len(details) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(details, ", "))
		b.WriteString(")")
	}
	return b.String()
}

func (e *APIError) Unwrap() error { return e.Err }

// maxMessageRunes bounds messages taken from Microsoft: long enough for any
// real description, short enough for a terminal line or two.
const maxMessageRunes = 300

// sanitize makes text from Microsoft safe to show: control characters
// (terminal escapes included) become spaces, runs of spaces collapse, long
// text is cut at a word boundary, and every secret is masked.
func sanitize(s string, secrets ...string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "***")
		}
	}
	var b strings.Builder
	space := false
	n := 0
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == unicode.ReplacementChar || unicode.Is(unicode.Cf, r) {
			space = b.Len() > 0
			continue
		}
		if n >= maxMessageRunes {
			return cutAtWord(b.String()) + "…"
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

func cutAtWord(s string) string {
	if i := strings.LastIndexByte(s, ' '); i > len(s)*2/3 {
		return s[:i]
	}
	return s
}

// errorBody is the union of Partner Center, Graph and throttling error
// bodies, so one decode serves every API.
type errorBody struct {
	wire.Error
	StatusCode int             `json:"statusCode"`
	Message    string          `json:"message"`
	Graph      json.RawMessage `json:"error"`
}

// decodedError is what could be learnt from an error response body.
type decodedError struct {
	code, message, requestID string
}

// decodeErrorBody reads whatever Microsoft said. A body that is not the
// expected JSON yields a message saying so, never a panic or silence.
func decodeErrorBody(status int, contentType string, body []byte) decodedError {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return decodedError{message: http.StatusText(status)}
	}
	var eb errorBody
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&eb); err != nil && !isTypeMismatch(err) {
		if !strings.Contains(contentType, "json") && !bytes.HasPrefix(body, []byte("{")) {
			return decodedError{message: sanitize(string(body))}
		}
		return decodedError{message: fmt.Sprintf("malformed error body (%s): %s", err, sanitize(string(body)))}
	}
	d := decodedError{code: codeString(eb.Code), message: eb.Description}
	if len(eb.Graph) > 0 && eb.Graph[0] == '{' {
		var ge wire.GraphErrorBody
		if err := json.Unmarshal(eb.Graph, &ge); err == nil {
			d.code, d.message = ge.Code, ge.Message
			if ge.InnerError != nil {
				d.requestID = ge.InnerError.RequestID
			}
		}
	}
	if d.message == "" {
		d.message = eb.Message
	}
	if d.message == "" {
		d.message = http.StatusText(status)
	}
	d.message = sanitize(d.message)
	d.code = sanitize(d.code)
	return d
}

// isTypeMismatch: a field of an unexpected type still leaves the rest of the
// body decoded, which is enough to report the error.
func isTypeMismatch(err error) bool {
	var te *json.UnmarshalTypeError
	return errors.As(err, &te)
}

// codeString renders Partner Center's code, which is a number or a string.
func codeString(code any) string {
	switch c := code.(type) {
	case nil:
		return ""
	case json.Number:
		return c.String()
	case string:
		return c
	default:
		return fmt.Sprint(c)
	}
}

// sentinelFor maps a final (non-retryable) error response to a sentinel.
func sentinelFor(status int, code string) error {
	switch code {
	case strconv.Itoa(wire.CodeNoRelationship):
		return ErrRelationshipMissing
	case strconv.Itoa(wire.CodeAgreementMissing):
		return ErrAgreementMissing
	case strconv.Itoa(wire.CodeConversionIneligible):
		return ErrConversionIneligible
	case strconv.Itoa(wire.CodeDomainTaken):
		return ErrDomainTaken
	}
	switch {
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusTooManyRequests:
		return ErrThrottled
	case status >= 400 && status < 500:
		return ErrInvalidRequest
	default:
		return ErrUnavailable
	}
}
