package ui

// What a wrapper (the kiosk) may ask of the wizard without reaching into it.

// AtFirstScreen reports whether the wizard shows its first screen (or is
// still deciding which one that is), where Esc has nothing to go back to;
// the licenses opened from the review to change the seats go back there.
func (m *Model) AtFirstScreen() bool {
	return m.state == stateLoading || m.state == stateResume || (m.state == stateLicenses && !m.c.changeLines)
}

// OverlayShown reports whether an overlay (the demo accounts) covers the
// screen: Esc closes it rather than leaving the screen.
func (m *Model) OverlayShown() bool { return m.showDemo }

// Finished reports whether the Done screen is shown.
func (m *Model) Finished() bool { return m.state == stateDone }

// Busy reports whether the order is being processed right now, which an
// idle reset must not interrupt.
func (m *Model) Busy() bool { return m.state == stateProcessing }

// WaitsOnThePhone reports whether the sign-up waits for the customer to act
// on Microsoft's or the payment provider's page, usually on their phone:
// signing in, accepting the invitation, approving the admin relationship or
// paying. The terminal shows no key presses meanwhile, but nobody left.
func (m *Model) WaitsOnThePhone() bool {
	switch m.state {
	case stateConsent, stateGDAP:
		return true
	case stateAdmin:
		s, ok := m.screens[stateAdmin].(*adminScreen)
		return ok && s.phase == adminCode
	case stateReview:
		s, ok := m.screens[stateReview].(*reviewScreen)
		return ok && s.phase != payReview
	}
	return false
}

// DraftCode is the code of the draft this sign-up saved, "" when none.
func (m *Model) DraftCode() string { return m.draftCode }
