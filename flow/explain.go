package flow

import (
	"context"
	"errors"

	"onboard/i18n"
	"onboard/msapi"
	"onboard/payment"
)

// explanations say, for each error a person can meet, what happened and
// what to do, in the order they are tried (the most specific first).
var explanations = []struct {
	err error
	id  string // the message in the i18n catalogs
}{
	{context.Canceled, "ExplainCanceled"},
	{context.DeadlineExceeded, "ExplainDeadlineExceeded"},
	{msapi.ErrBadCredentials, "ExplainBadCredentials"},
	{msapi.ErrTenantNotFound, "ExplainTenantNotFound"},
	{msapi.ErrNotGlobalAdmin, "ExplainNotGlobalAdmin"},
	{ErrSignInPageRequired, "ExplainSignInPageRequired"},
	{msapi.ErrMFARequired, "ExplainMFARequired"},
	{msapi.ErrSignInDeclined, "ExplainSignInDeclined"},
	{msapi.ErrSignInExpired, "ExplainSignInExpired"},
	{ErrAdminMismatch, "ExplainAdminMismatch"},
	{ErrTenantMismatch, "ExplainTenantMismatch"},
	{msapi.ErrRelationshipMissing, "ExplainRelationshipMissing"},
	{ErrConsentPending, "ExplainConsentPending"},
	{ErrGDAPPending, "ExplainGDAPPending"},
	{ErrGDAPEnded, "ExplainGDAPEnded"},
	{msapi.ErrAgreementMissing, "ExplainAgreementMissing"},
	{ErrAgreementNotAttested, "ExplainAgreementNotAttested"},
	{msapi.ErrDomainTaken, "ExplainDomainTaken"},
	{msapi.ErrConversionIneligible, "ExplainConversionIneligible"},
	{msapi.ErrOrderInProgress, "ExplainOrderInProgress"},
	{msapi.ErrNotPurchasable, "ExplainNotPurchasable"},
	{msapi.ErrAppOnlyNotSupported, "ExplainAppOnlyNotSupported"},
	{ErrOrderPending, "ExplainOrderPending"},
	{msapi.ErrThrottled, "ExplainThrottled"},
	{msapi.ErrUnavailable, "ExplainUnavailable"},
	{msapi.ErrInvalidRequest, "ExplainInvalidRequest"},
	{payment.ErrUnavailable, "ExplainPaymentUnavailable"},
	{ErrBoughtSomething, "ExplainBoughtSomething"},
	{ErrOpenOrder, "ExplainOpenOrder"},
	{ErrTenantTaken, "ExplainTenantTaken"},
	{ErrAlreadyPaid, "ExplainAlreadyPaid"},
	{ErrAmountMismatch, "ExplainAmountMismatch"},
	{ErrNotPayable, "ExplainNotPayable"},
	{ErrNotReady, "ExplainNotReady"},
	{ErrIllegalTransition, "ExplainIllegalTransition"},
	{ErrConflict, "ExplainConflict"},
	{ErrLeaseHeld, "ExplainLeaseHeld"},
	{ErrLeaseLost, "ExplainLeaseLost"},
	{ErrDraftExpired, "ExplainDraftExpired"},
	{ErrTooManyLookups, "ExplainTooManyLookups"},
	{ErrNotFound, "ExplainNotFound"},
}

// Explain says in plain words what went wrong and what to do next, for a
// person at a front end. Answers that need fixing are listed field by field;
// an error nobody foresaw keeps its text (front ends sanitise it).
func Explain(err error) string { return ExplainIn(nil, err) }

// ExplainIn is Explain in l's language (nil: English).
func ExplainIn(l *i18n.Localizer, err error) string {
	if err == nil {
		return ""
	}
	var fe *FieldErrors
	if errors.As(err, &fe) {
		return l.T("ExplainFields", "Fields", fe.ErrorIn(l))
	}
	for _, e := range explanations {
		if errors.Is(err, e.err) {
			return l.T(e.id)
		}
	}
	return l.T("ExplainUnknown", "Error", l.Error(err))
}
