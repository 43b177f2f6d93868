package partnercenter_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"onboard/msapi"
	"onboard/msapi/partnercenter"
)

// Each documented error body, answered with its documented status, reaches
// the caller as the table's sentinel with what to do, Microsoft's own
// description and the request id.
func TestDocumentedErrorBodies(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "errors", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no documented bodies: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		parts := strings.SplitN(name, "-", 3)
		status, _ := strconv.Atoi(parts[1])
		code := parts[2]
		body, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) {
			f := newFakeMS(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				_, _ = w.Write(body)
			})
			_, err := f.client().Subscriptions(context.Background(), "t1")
			want, hint, ok := partnercenter.Describe(code)
			if !ok {
				t.Fatalf("code %s not described", code)
			}
			if !errors.Is(err, want) {
				t.Fatalf("err = %v, want %v", err, want)
			}
			var apiErr *msapi.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err %T is not an APIError", err)
			}
			if apiErr.Code != code || apiErr.Hint != hint || apiErr.RequestID == "" || apiErr.Message == "" {
				t.Errorf("APIError = %+v", apiErr)
			}
			if hint != "" && !strings.Contains(err.Error(), hint) {
				t.Errorf("error %q does not say what to do", err)
			}
		})
	}
}

// The invented mappings are gone: 800002 is invalid input (not a missing
// relationship), 800010 is inventory (not a trial conversion), 800036 is a
// failed pre-condition (not the agreement).
func TestDocumentedMeaningsOfFormerlyInventedCodes(t *testing.T) {
	for code, want := range map[string]error{
		"800002": msapi.ErrInvalidRequest,
		"800010": msapi.ErrNotPurchasable,
		"800036": msapi.ErrInvalidRequest,
		"20002":  msapi.ErrRelationshipMissing,
		"13605":  msapi.ErrAgreementMissing,
		"800060": msapi.ErrOrderInProgress,
	} {
		got, _, ok := partnercenter.Describe(code)
		if !ok || got != want {
			t.Errorf("Describe(%s) = %v, want %v", code, got, want)
		}
	}
}

// A code nobody documented keeps Microsoft's description and request id.
func TestUnknownCodeKeepsDescriptionAndRequestID(t *testing.T) {
	f := newFakeMS(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"code":"987654","description":"Something Microsoft never documented.","data":[],"source":"PartnerFD"}`))
	})
	_, err := f.client().Subscriptions(context.Background(), "t1")
	var apiErr *msapi.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, msapi.ErrInvalidRequest) {
		t.Fatalf("err = %v", err)
	}
	if apiErr.Message != "Something Microsoft never documented." || apiErr.RequestID == "" ||
		!strings.Contains(err.Error(), "code 987654") || !strings.Contains(err.Error(), "request "+apiErr.RequestID) {
		t.Errorf("err = %q", err)
	}
}
