package ui

import (
	"onboard/flow"
)

// Backend is what the wizard asks of the domain: flow's use cases, in
// flow's types. The UI never decides business rules itself.
type Backend = flow.App

// Browser opens a URL in a web browser.
type Browser interface {
	Open(url string) error
}

// DemoAccount is a sandbox sign-in shown to sales staff on the demo panel.
type DemoAccount struct {
	Tenant   string
	Login    string
	Password string
	Role     string
	Note     string
}
