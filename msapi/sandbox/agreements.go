package sandbox

import (
	"net/http"
	"strings"
	"time"

	"onboard/msapi/partnercenter/wire"
)

// MCATemplateID is the templateId of the Microsoft Customer Agreement the
// sandbox lists (the one Microsoft's documentation shows).
const MCATemplateID = "117a77b0-9360-443b-8795-c6dedc750cf9"

// agreementTypeOK: no agreementType asks for every type; the sandbox knows one.
func agreementTypeOK(r *http.Request) bool {
	q := r.URL.Query().Get("agreementType")
	return q == "" || strings.EqualFold(q, wire.AgreementTypeMCA)
}

// listAgreementTemplates is GET /v1/agreements?agreementType=….
func (s *Sandbox) listAgreementTemplates(w http.ResponseWriter, r *http.Request, _ token) {
	var items []wire.AgreementTemplate
	if agreementTypeOK(r) {
		items = append(items, wire.AgreementTemplate{
			TemplateID: MCATemplateID, AgreementType: wire.AgreementTypeMCA, VersionRank: 1,
			AgreementLink: "https://aka.ms/customeragreement",
			Attributes:    wire.Attributes{ObjectType: "AgreementMetaData"},
		})
	}
	writeJSON(w, http.StatusOK, collection("Collection", items))
}

// listCustomerAgreements is GET /v1/customers/{id}/agreements (App+User).
func (s *Sandbox) listCustomerAgreements(w http.ResponseWriter, r *http.Request, _ token) {
	t, ok := s.customerOf(w, r)
	if !ok {
		return
	}
	var items []wire.CustomerAgreement
	if agreementTypeOK(r) {
		s.mu.Lock()
		items = append(items, s.st.Agreements[t.ID]...)
		s.mu.Unlock()
	}
	writeJSON(w, http.StatusOK, collection("Collection", items))
}

// postCustomerAgreement is POST /v1/customers/{id}/agreements (App+User):
// the partner attests that the customer's contact accepted the agreement.
// A second attestation is 409: the first one stands.
func (s *Sandbox) postCustomerAgreement(w http.ResponseWriter, r *http.Request, _ token) {
	t, ok := s.customerOf(w, r)
	if !ok {
		return
	}
	var body wire.CustomerAgreement
	if err := decodeBody(r, &body); err != nil {
		writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, "The request body is not a valid agreement.")
		return
	}
	if msg := s.validateAgreement(&body); msg != "" {
		writePCError(w, http.StatusBadRequest, wire.CodeInvalidInput, msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.hasAgreement(t.ID) {
		// Assumption: no page documents a second attestation; refused as invalid input.
		writePCError(w, http.StatusConflict, wire.CodeInvalidInput, "The customer has already accepted the Microsoft Customer Agreement.")
		return
	}
	body.Attributes = wire.Attributes{ObjectType: "Agreement"}
	s.st.Agreements[t.ID] = append(s.st.Agreements[t.ID], body)
	if err := s.saveLocked(); err != nil {
		delete(s.st.Agreements, t.ID)
		writePCError(w, http.StatusInternalServerError, wire.CodeServiceError, "The agreement could not be saved.")
		return
	}
	writeJSON(w, http.StatusCreated, body)
}

// validateAgreement checks the documented fields; dateAgreed is normalised
// to RFC 3339 in UTC and may not lie in the future.
func (s *Sandbox) validateAgreement(a *wire.CustomerAgreement) string {
	c := a.PrimaryContact
	switch {
	case !strings.EqualFold(a.Type, wire.AgreementTypeMCA):
		return "type must be " + wire.AgreementTypeMCA + "."
	case !strings.EqualFold(a.TemplateID, MCATemplateID):
		return "templateId " + a.TemplateID + " is not a current Microsoft Customer Agreement template."
	case strings.TrimSpace(c.FirstName) == "" || strings.TrimSpace(c.LastName) == "" || !strings.Contains(c.Email, "@"):
		return "primaryContact needs firstName, lastName and a valid email."
	}
	at, err := time.Parse(time.RFC3339, a.DateAgreed)
	if err != nil {
		return "dateAgreed must be an RFC 3339 date, e.g. 2026-11-24T00:00:00Z."
	}
	// A day of slack for clocks and time zones.
	if at.After(s.now().Add(24 * time.Hour)) {
		return "dateAgreed must not be in the future."
	}
	a.DateAgreed = at.UTC().Format(time.RFC3339)
	a.Type = wire.AgreementTypeMCA
	return ""
}

// agreementRequired answers 403 CodeAgreementMissing when t has not accepted
// the Microsoft Customer Agreement. Cart checkouts and trial transitions,
// which turn a free trial into a paid subscription, both need it. The caller
// holds s.mu.
func (s *Sandbox) agreementRequired(w http.ResponseWriter, t *tenant) bool {
	if s.st.hasAgreement(t.ID) {
		return false
	}
	writePCError(w, http.StatusForbidden, wire.CodeAgreementMissing,
		"The customer "+t.ID+" has not accepted the Microsoft Customer Agreement; attest the acceptance first.")
	return true
}
