package partnercenter

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// mcaQuery selects the Microsoft Customer Agreement.
var mcaQuery = "?" + url.Values{"agreementType": {wire.AgreementTypeMCA}}.Encode()

// HasAgreement reports whether the customer accepted the Microsoft Customer
// Agreement (GET /v1/customers/{id}/agreements, App+User).
func (c *Client) HasAgreement(ctx context.Context, tenantID string) (bool, error) {
	op := fmt.Sprintf("check Microsoft Customer Agreement of %s", tenantID)
	ts, err := c.pcUserToken(op)
	if err != nil {
		return false, err
	}
	r := c.pcRequest(op, customerPath(tenantID, "agreements")+mcaQuery)
	r.token = ts
	items, err := pcAll[wire.CustomerAgreement](ctx, c, r)
	if err != nil {
		return false, err
	}
	for _, a := range items {
		if a.Type == "" || strings.EqualFold(a.Type, wire.AgreementTypeMCA) {
			return true, nil
		}
	}
	return false, nil
}

// AcceptAgreement attests the customer's acceptance of the Microsoft
// Customer Agreement: it looks up the agreement's current template, then
// POSTs the acceptance (App+User). An agreement already accepted is success.
func (c *Client) AcceptAgreement(ctx context.Context, tenantID string, a msapi.AgreementAcceptance) error {
	op := fmt.Sprintf("accept Microsoft Customer Agreement for %s", tenantID)
	if msg := validateAcceptance(a); msg != "" {
		return &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest, Message: msg}
	}
	ts, err := c.pcUserToken(op)
	if err != nil {
		return err
	}
	if done, err := c.HasAgreement(ctx, tenantID); err != nil || done {
		return err
	}
	templateID, err := c.mcaTemplate(ctx, op, ts)
	if err != nil {
		return err
	}
	body := wire.CustomerAgreement{
		PrimaryContact: wire.AgreementContact{FirstName: a.FirstName, LastName: a.LastName, Email: a.Email, PhoneNumber: a.Phone},
		TemplateID:     templateID,
		DateAgreed:     a.DateAgreed.UTC().Format(time.RFC3339),
		Type:           wire.AgreementTypeMCA,
	}
	r := c.pcRequest(op, customerPath(tenantID, "agreements"))
	r.method, r.body, r.token = http.MethodPost, body, ts
	r.accept = []int{http.StatusConflict} // accepted meanwhile: nothing to do
	return c.send(ctx, r, nil)
}

func validateAcceptance(a msapi.AgreementAcceptance) string {
	var problems []string
	if strings.TrimSpace(a.FirstName) == "" || strings.TrimSpace(a.LastName) == "" {
		problems = append(problems, "the contact's first and last name are required")
	}
	if strings.TrimSpace(a.Email) == "" {
		problems = append(problems, "the contact's e-mail is required")
	}
	if a.DateAgreed.IsZero() {
		problems = append(problems, "the date agreed is required")
	}
	return strings.Join(problems, "; ")
}

// mcaTemplate is the templateId of the current Microsoft Customer Agreement:
// the highest versionRank when Microsoft lists several.
func (c *Client) mcaTemplate(ctx context.Context, op string, ts tokenSource) (string, error) {
	r := c.pcRequest(op+": get agreement template", wire.PathAgreements+mcaQuery)
	r.token = ts
	items, err := pcAll[wire.AgreementTemplate](ctx, c, r)
	if err != nil {
		return "", err
	}
	best := -1
	for i, t := range items {
		if t.TemplateID == "" || (t.AgreementType != "" && !strings.EqualFold(t.AgreementType, wire.AgreementTypeMCA)) {
			continue
		}
		if best < 0 || t.VersionRank > items[best].VersionRank {
			best = i
		}
	}
	if best < 0 {
		return "", &msapi.APIError{Op: op, Status: http.StatusOK, Err: msapi.ErrUnavailable,
			Message: "Microsoft lists no Microsoft Customer Agreement template"}
	}
	return items[best].TemplateID, nil
}
