package flow

import (
	"errors"
	"strings"
)

// FieldErrors maps a field name (the Answers field, e.g. "Email" or
// "Address.PostalCode", "Lines[1].Seats") to the message to show under it.
type FieldErrors struct {
	Fields map[string]string
	Order  []string // fields in the order they were found, for the first-error focus
}

// Add records err under field; a nil err is ignored. A nested *FieldErrors is
// flattened with field as prefix.
func (e *FieldErrors) Add(field string, err error) {
	if err == nil {
		return
	}
	var nested *FieldErrors
	if errors.As(err, &nested) {
		for _, f := range nested.Order {
			name := f
			if field != "" {
				name = field + "." + f
			}
			e.Add(name, errors.New(nested.Fields[f]))
		}
		return
	}
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, dup := e.Fields[field]; !dup {
		e.Order = append(e.Order, field)
	}
	e.Fields[field] = err.Error()
}

// Err returns e when it holds any message, else nil (never a typed nil).
func (e *FieldErrors) Err() error {
	if e == nil || len(e.Order) == 0 {
		return nil
	}
	return e
}

// Error lists every field with its message.
func (e *FieldErrors) Error() string {
	parts := make([]string, 0, len(e.Order))
	for _, f := range e.Order {
		parts = append(parts, f+": "+e.Fields[f])
	}
	return strings.Join(parts, "; ")
}

// Field returns the message for field, "" when it is fine.
func (e *FieldErrors) Field(field string) string {
	if e == nil {
		return ""
	}
	return e.Fields[field]
}
