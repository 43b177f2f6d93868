package flow

import (
	"errors"
	"strings"

	"onboard/i18n"
)

// FieldErrors maps a field name (the Answers field, e.g. "Email" or
// "Address.PostalCode", "Lines[1].Seats") to the message to show under it.
type FieldErrors struct {
	Fields map[string]string
	Order  []string // fields in the order they were found, for the first-error focus
	// Errs holds each field's error as given, so a front end can say a
	// catalog message (*i18n.Error) in the customer's language (FieldIn).
	Errs map[string]error
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
			ferr := nested.Errs[f]
			if ferr == nil {
				ferr = errors.New(nested.Fields[f])
			}
			e.Add(name, ferr)
		}
		return
	}
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if e.Errs == nil {
		e.Errs = map[string]error{}
	}
	if _, dup := e.Fields[field]; !dup {
		e.Order = append(e.Order, field)
	}
	e.Fields[field] = err.Error()
	e.Errs[field] = err
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

// FieldErr is field's error, nil when it is fine: the catalog error flow
// gave where it gave one, for a front end to say in the customer's language.
func (e *FieldErrors) FieldErr(field string) error {
	if e == nil || e.Fields[field] == "" {
		return nil
	}
	if err := e.Errs[field]; err != nil {
		return err
	}
	return errors.New(e.Fields[field])
}

// ErrorIn lists every field with its message in l's language.
func (e *FieldErrors) ErrorIn(l *i18n.Localizer) string {
	parts := make([]string, 0, len(e.Order))
	for _, f := range e.Order {
		parts = append(parts, f+": "+l.Error(e.FieldErr(f)))
	}
	return strings.Join(parts, "; ")
}
