package ui

import (
	"context"
	"strings"
	"testing"

	"onboard/flow"
)

// previewBackend is the fake backend with a preview of its order.
type previewBackend struct {
	*fakeBackend
	lines []flow.LinePreview
}

func (b previewBackend) Preview(context.Context, string) ([]flow.LinePreview, error) {
	return b.lines, nil
}

func TestReviewWarnsWhenTrialUsersOutnumberSeats(t *testing.T) {
	lines := []flow.LinePreview{
		{LineNo: 1, Name: "Microsoft 365 Business Premium", Seats: 2, ConvertsTrial: true, TrialUsers: 8},
		{LineNo: 2, Name: "Microsoft 365 Business Standard", Seats: 3},
	}
	h := newHarness(t, func(fb *fakeBackend, o *Options) { o.Backend = previewBackend{fb, lines} })
	h.toConsent()
	h.fb.accept()
	h.pollConsent()
	h.requireState(stateReview)
	v := h.view()
	for _, want := range []string{"a new subscription", "with 2 seats, 6 of them will lose their license"} {
		if !strings.Contains(strings.Join(strings.Fields(v), " "), want) {
			t.Fatalf("review lacks %q:\n%s", want, v)
		}
	}
	h.golden()
}
