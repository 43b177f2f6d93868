package flow

import "onboard/msapi"

// Microsoft's refusals that front ends explain to people, named here so a
// front end branches on flow's errors and never imports the Microsoft port.
var (
	ErrBadCredentials = msapi.ErrBadCredentials
	ErrNotGlobalAdmin = msapi.ErrNotGlobalAdmin
	ErrMFARequired    = msapi.ErrMFARequired
	ErrUnavailable    = msapi.ErrUnavailable
	ErrThrottled      = msapi.ErrThrottled
	ErrDomainTaken    = msapi.ErrDomainTaken
)
