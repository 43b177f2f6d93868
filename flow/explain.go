package flow

import (
	"context"
	"errors"

	"onboard/msapi"
	"onboard/payment"
)

// explanations say, for each error a person can meet, what happened and
// what to do, in the order they are tried (the most specific first).
var explanations = []struct {
	err  error
	text string
}{
	{context.Canceled, "Stopped."},
	{context.DeadlineExceeded, "That took too long. Try again."},
	{msapi.ErrBadCredentials, "The login or password is wrong. Check them and try again."},
	{msapi.ErrNotGlobalAdmin, "This account is not a Global administrator. Sign in with a Global administrator of the Microsoft account."},
	{ErrSignInPageRequired, "Microsoft wants this account to sign in on its own page (multi-factor authentication or consent). Open the page shown and sign in there."},
	{msapi.ErrMFARequired, "This account uses multi-factor authentication: sign in on Microsoft's page instead of with the password."},
	{msapi.ErrSignInDeclined, "The sign-in was cancelled on Microsoft's page. Start it again and sign in as the administrator."},
	{msapi.ErrSignInExpired, "The sign-in code expired before it was used. Start again to get a new code."},
	{ErrAdminMismatch, "Microsoft signed in a different user than the login typed. Sign in on Microsoft's page as the administrator you entered, or change the login."},
	{ErrTenantMismatch, "The invitation was accepted for a different Microsoft account than the administrator's. " +
		"Sign in with the administrator you entered and accept it again."},
	{msapi.ErrRelationshipMissing, "The Microsoft account has not accepted the invitation yet. Accept it, then try again."},
	{ErrConsentPending, "The invitation has not been accepted yet. Accept it on the invitation page, then try again."},
	{ErrGDAPPending, "A Global administrator of the Microsoft account has not approved the admin relationship yet. " +
		"Open the approval link, sign in, approve it, then try again."},
	{ErrGDAPEnded, "The admin relationship expired or was ended. Approve the new one at its link, then try again."},
	{msapi.ErrAgreementMissing, "The Microsoft Customer Agreement is not accepted yet. Accept it, then try again."},
	{ErrAgreementNotAttested, "The customer's acceptance of the Microsoft Customer Agreement is not recorded. Record it, then try again."},
	{msapi.ErrDomainTaken, "That name is taken. Choose another one."},
	{msapi.ErrConversionIneligible, "The trial cannot be converted to the product ordered. Contact support."},
	{msapi.ErrOrderInProgress, "Microsoft is still working on an earlier order for this account. Wait a few minutes and try again."},
	{msapi.ErrNotPurchasable, "Microsoft will not sell this product to this account right now. Choose another product, or contact support."},
	{msapi.ErrAppOnlyNotSupported, "The provider's Microsoft sign-in is not set up for this step. Contact support."},
	{ErrOrderPending, "Microsoft accepted the purchase but has not finished setting it up yet. " +
		"Nothing more is bought: try again in a few minutes and the same purchase is picked up."},
	{msapi.ErrThrottled, "Microsoft is busy right now. Wait a minute and try again."},
	{msapi.ErrUnavailable, "Microsoft is not answering right now. Wait a minute and try again."},
	{msapi.ErrInvalidRequest, "Microsoft refused the request. Contact support."},
	{payment.ErrUnavailable, "The payment service is not answering right now. Wait a minute and try again."},
	{ErrBoughtSomething, "This order already bought licenses at Microsoft, so it cannot be cancelled here. " +
		"Cancel the subscriptions in Partner Center within Microsoft's cancellation window and refund the payment, " +
		"or finish the order by retrying it."},
	{ErrOpenOrder, "This Microsoft account already has an open order. Continue with it, or cancel it first."},
	{ErrTenantTaken, "This Microsoft account belongs to another customer of ours. Contact support."},
	{ErrAlreadyPaid, "This order is paid already: nothing more is charged."},
	{ErrAmountMismatch, "The amount paid differs from the order's total; nothing more is charged. Contact support."},
	{ErrNotPayable, "This order is not waiting for a payment."},
	{ErrNotReady, "This order is not ready to be set up yet."},
	{ErrIllegalTransition, "The order's state does not allow that now."},
	{ErrConflict, "The order was changed at the same time elsewhere. Try again."},
	{ErrLeaseHeld, "The order is being set up by another terminal right now. Wait for it to finish."},
	{ErrLeaseLost, "Another terminal took over setting up the order. Wait for it to finish."},
	{ErrDraftExpired, "The saved sign-up is too old to continue. Start a new one."},
	{ErrNotFound, "Nothing was found. Check what you typed and try again."},
}

// Explain says in plain words what went wrong and what to do next, for a
// person at a front end. Answers that need fixing are listed field by field;
// an error nobody foresaw keeps its text (front ends sanitise it).
func Explain(err error) string {
	if err == nil {
		return ""
	}
	var fe *FieldErrors
	if errors.As(err, &fe) {
		return "Some answers need fixing: " + fe.Error() + "."
	}
	for _, e := range explanations {
		if errors.Is(err, e.err) {
			return e.text
		}
	}
	return "Something went wrong (" + err.Error() + "). Try again, or ask for help."
}
