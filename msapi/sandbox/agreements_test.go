package sandbox_test

import (
	"net/http"
	"testing"

	"onboard/msapi/partnercenter/wire"
	"onboard/msapi/sandbox"
)

func mca(date string) wire.CustomerAgreement {
	return wire.CustomerAgreement{
		PrimaryContact: wire.AgreementContact{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"},
		TemplateID:     sandbox.MCATemplateID, DateAgreed: date, Type: wire.AgreementTypeMCA,
	}
}

func TestAgreementTemplates(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	var c wire.Collection[wire.AgreementTemplate]
	status, b, _ := e.call("GET", e.urls.PartnerCenter+"/v1/agreements?agreementType=MicrosoftCustomerAgreement", e.appUserToken(), nil, nil, &c)
	if status != http.StatusOK || len(c.Items) != 1 || c.Items[0].TemplateID != sandbox.MCATemplateID || c.Items[0].AgreementType != wire.AgreementTypeMCA {
		t.Fatalf("templates = %d %s", status, b)
	}
	var other wire.Collection[wire.AgreementTemplate]
	e.call("GET", e.urls.PartnerCenter+"/v1/agreements?agreementType=MicrosoftCloudAgreement", e.appUserToken(), nil, nil, &other)
	if len(other.Items) != 0 {
		t.Errorf("other agreement type = %+v", other.Items)
	}
}

func TestCustomerAgreementAttested(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.accept("admin@contoso.onmicrosoft.com", "Contoso-Admin-1")
	id := tenantID(t, e, "contoso")
	u := e.urls.PartnerCenter + "/v1/customers/" + id + "/agreements"
	list := func() []wire.CustomerAgreement {
		var c wire.Collection[wire.CustomerAgreement]
		if status, b, _ := e.call("GET", u+"?agreementType=MicrosoftCustomerAgreement", e.appUserToken(), nil, nil, &c); status != http.StatusOK {
			t.Fatalf("list = %d %s", status, b)
		}
		return c.Items
	}
	if got := list(); len(got) != 0 {
		t.Fatalf("a seeded tenant has accepted already: %+v", got)
	}
	if status, b, _ := e.call("POST", u, e.appOnlyToken(), mca("2026-01-05T00:00:00Z"), nil, nil); status != http.StatusForbidden || pcErrorCode(t, b) != wire.CodeAppUserRequired {
		t.Errorf("app-only attestation = %d %s", status, b)
	}
	if status, b, _ := e.call("GET", u, e.appOnlyToken(), nil, nil, nil); status != http.StatusForbidden {
		t.Errorf("app-only list = %d %s", status, b)
	}
	bad := map[string]wire.CustomerAgreement{
		"unknown template": func() wire.CustomerAgreement { a := mca("2026-01-05T00:00:00Z"); a.TemplateID = "nope"; return a }(),
		"wrong type": func() wire.CustomerAgreement {
			a := mca("2026-01-05T00:00:00Z")
			a.Type = "MicrosoftCloudAgreement"
			return a
		}(),
		"no e-mail":   func() wire.CustomerAgreement { a := mca("2026-01-05T00:00:00Z"); a.PrimaryContact.Email = ""; return a }(),
		"bad date":    mca("5 January 2026"),
		"future date": mca("2099-01-01T00:00:00Z"),
	}
	for name, a := range bad {
		if status, b, _ := e.call("POST", u, e.appUserToken(), a, nil, nil); status != http.StatusBadRequest || pcErrorCode(t, b) != wire.CodeInvalidInput {
			t.Errorf("%s: %d %s", name, status, b)
		}
	}
	var created wire.CustomerAgreement
	if status, b, _ := e.call("POST", u, e.appUserToken(), mca("2026-01-05T10:00:00+01:00"), nil, &created); status != http.StatusCreated || created.DateAgreed != "2026-01-05T09:00:00Z" {
		t.Fatalf("attest = %d %s", status, b)
	}
	if status, b, _ := e.call("POST", u, e.appUserToken(), mca("2026-01-06T00:00:00Z"), nil, nil); status != http.StatusConflict {
		t.Errorf("second attestation = %d %s", status, b)
	}
	if got := list(); len(got) != 1 || got[0].PrimaryContact.Email != "ada@example.com" || got[0].TemplateID != sandbox.MCATemplateID {
		t.Errorf("after attesting: %+v", got)
	}
}

func TestPurchasesNeedTheAgreement(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.accept("admin@fabrikam.onmicrosoft.com", "Fabrikam-Admin-1")
	id := tenantID(t, e, "fabrikam")
	base := e.urls.PartnerCenter + "/v1/customers/" + id
	var c wire.Cart
	e.call("POST", base+"/carts", e.appOnlyToken(), cartOf(offerBasic, 1, "P1M", "monthly"), nil, &c)
	status, b, _ := e.call("POST", base+"/carts/"+c.ID+"/checkout", e.appOnlyToken(), struct{}{}, nil, nil)
	if status != http.StatusForbidden || pcErrorCode(t, b) != wire.CodeAgreementMissing {
		t.Fatalf("checkout without agreement = %d %s", status, b)
	}
	var subs wire.Collection[wire.Subscription]
	e.call("GET", base+"/subscriptions", e.appOnlyToken(), nil, nil, &subs)
	trial := subs.Items[0]
	tr := wire.Transition{ToCatalogItemID: offerSPB, Quantity: 5, TermDuration: "P1M", BillingCycle: "monthly", TransitionType: wire.TransitionOnly}
	hdr := map[string]string{wire.HeaderRequestID: "transition-1"}
	status, b, _ = e.call("POST", base+"/subscriptions/"+trial.ID+"/transitions", e.appUserToken(), tr, hdr, nil)
	if status != http.StatusForbidden || pcErrorCode(t, b) != wire.CodeAgreementMissing {
		t.Fatalf("transition without agreement = %d %s", status, b)
	}
	e.agree(id)
	if status, b, _ := e.call("POST", base+"/carts/"+c.ID+"/checkout", e.appOnlyToken(), struct{}{}, nil, nil); status != http.StatusCreated {
		t.Fatalf("checkout after agreement = %d %s", status, b)
	}
	if status, b, _ := e.call("POST", base+"/subscriptions/"+trial.ID+"/transitions", e.appUserToken(), tr, hdr, nil); status != http.StatusOK {
		t.Fatalf("transition after agreement = %d %s", status, b)
	}
}
