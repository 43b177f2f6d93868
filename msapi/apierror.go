package msapi

import (
	"strconv"
	"strings"
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
	Hint      string // what to do, for a documented code (see knownCodes)
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
	if e.Hint != "" {
		b.WriteString(". ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

func (e *APIError) Unwrap() error { return e.Err }
