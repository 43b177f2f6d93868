package partnercenter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"onboard/msapi"
	"onboard/msapi/partnercenter/wire"
)

// initialDomainSuffix ends every tenant's initial domain.
const initialDomainSuffix = ".onmicrosoft.com"

// CreateCustomer creates a new tenant as the partner's customer (POST
// /v1/customers, "Create a customer"): companyProfile.domain is the full
// initial domain, name.onmicrosoft.com. The answer's userCredentials.userName
// may be the bare "admin" (as the page's example shows); the login returned
// is completed with the domain. The returned AdminPassword is Microsoft's only copy of the
// first administrator's password: it is never logged or put in an error.
func (c *Client) CreateCustomer(ctx context.Context, nc msapi.NewCustomer) (msapi.CreatedCustomer, error) {
	prefix := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(nc.DomainPrefix)), initialDomainSuffix)
	op := fmt.Sprintf("create customer %s", prefix+initialDomainSuffix)
	if err := validateNewCustomer(prefix, nc); err != nil {
		return msapi.CreatedCustomer{}, &msapi.APIError{Op: op, Err: msapi.ErrInvalidRequest, Message: err.Error()}
	}
	r := c.pcRequest(op, wire.PathCustomers)
	r.method, r.body, r.requestID = http.MethodPost, newCustomerBody(prefix, nc), nc.RequestID
	var created wire.Customer
	err := c.send(ctx, r, decodeJSON(&created))
	var apiErr *msapi.APIError
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusConflict {
		// Microsoft's code for a taken domain is not documented: any 409
		// on a create is the domain.
		apiErr.Err, apiErr.Hint = msapi.ErrDomainTaken, "Choose another initial domain."
	}
	if err != nil {
		return msapi.CreatedCustomer{}, err
	}
	out := msapi.CreatedCustomer{TenantID: created.ID, Domain: strings.ToLower(created.CompanyProfile.Domain)}
	if out.TenantID == "" {
		out.TenantID = created.CompanyProfile.TenantID
	}
	if out.TenantID == "" {
		return msapi.CreatedCustomer{}, &msapi.APIError{Op: op, Status: http.StatusCreated, RequestID: nc.RequestID, Err: msapi.ErrUnavailable,
			Message: "Microsoft created the customer but returned no tenant id"}
	}
	if out.Domain == "" {
		out.Domain = prefix + initialDomainSuffix
	}
	if uc := created.UserCredentials; uc != nil {
		out.AdminUserName, out.AdminPassword = msapi.AdminLogin(uc.UserName, out.Domain), uc.Password
	}
	return out, nil
}

func validateNewCustomer(prefix string, nc msapi.NewCustomer) error {
	var problems []string
	if prefix == "" || strings.Contains(prefix, ".") {
		problems = append(problems, "the domain prefix is empty or not a single label")
	}
	for _, f := range []struct{ name, value string }{
		{"company name", nc.CompanyName}, {"e-mail", nc.Email}, {"country", nc.Country},
		{"first name", nc.FirstName}, {"last name", nc.LastName}, {"request id (the idempotency key)", nc.RequestID},
	} {
		if strings.TrimSpace(f.value) == "" {
			problems = append(problems, f.name+" is empty")
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return errors.New(strings.Join(problems, "; "))
}

func newCustomerBody(prefix string, nc msapi.NewCustomer) wire.Customer {
	culture, language := nc.Culture, nc.Language
	if culture == "" {
		culture = "en-US"
	}
	if language == "" {
		language = "en"
	}
	return wire.Customer{
		CompanyProfile: wire.CompanyProfile{Domain: prefix + initialDomainSuffix, Attributes: wire.Attributes{ObjectType: "CustomerCompanyProfile"}},
		BillingProfile: &wire.BillingProfile{
			Email: nc.Email, Culture: culture, Language: language, CompanyName: nc.CompanyName,
			DefaultAddress: &wire.Address{
				Country: strings.ToUpper(nc.Country), City: nc.City, State: nc.State,
				AddressLine1: nc.AddressLine1, AddressLine2: nc.AddressLine2, PostalCode: nc.PostalCode,
				FirstName: nc.FirstName, LastName: nc.LastName, PhoneNumber: nc.Phone,
			},
			Attributes: wire.Attributes{ObjectType: "CustomerBillingProfile"},
		},
		Attributes: wire.Attributes{ObjectType: "Customer"},
	}
}
