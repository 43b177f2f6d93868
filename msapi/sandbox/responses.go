package sandbox

import (
	"encoding/json"
	"net/http"

	"onboard/msapi/partnercenter/wire"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writePCError writes a Partner Center error body. code is one of the
// documented wire.Code* numbers (partner-center/developer/error-codes):
// an int, so no invented string code can slip in.
func writePCError(w http.ResponseWriter, status int, code int, description string) {
	writeJSON(w, status, wire.Error{Code: code, Description: description, Source: "PartnerFD"})
}

func writeGraphError(w http.ResponseWriter, status int, code, message string) {
	inner := &wire.GraphInnerError{RequestID: w.Header().Get("request-id"), Date: w.Header().Get("Date")}
	writeJSON(w, status, wire.GraphError{Error: wire.GraphErrorBody{Code: code, Message: message, InnerError: inner}})
}

// collection wraps items as a Partner Center collection without paging.
func collection[T any](objectType string, items []T) wire.Collection[T] {
	if items == nil {
		items = []T{}
	}
	return wire.Collection[T]{
		TotalCount: len(items),
		Items:      items,
		Attributes: wire.Attributes{ObjectType: objectType},
	}
}

// decodeBody decodes a JSON request body of at most 1 MiB.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	return dec.Decode(v)
}
