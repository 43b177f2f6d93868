package flow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"onboard/i18n"
	"onboard/msapi"
)

// Issue 12 part 3: GDAP. A reseller relationship gives the partner no
// directory access; since DAP ended, reading the customer's users,
// licenses, SKUs and roles needs a granular delegated admin relationship
// the customer's Global administrator approves (dap-api-impact). After the
// invitation is accepted onboard requests one, locks it for approval, shows
// the approval link, and once it is active gives the provider's security
// group its roles; the import waits for that.

// GDAP errors a person can meet.
var (
	// ErrGDAPPending: the customer's Global administrator has not approved
	// the admin relationship yet.
	ErrGDAPPending = errors.New("the admin relationship is not approved yet")
	// ErrGDAPEnded: the admin relationship expired or was ended.
	ErrGDAPEnded = errors.New("the admin relationship expired or was ended")
)

// Audit actions of the admin relationship (the event's Detail names the
// relationship).
const (
	ActionGDAPRequested = "gdap.requested"  // created at Microsoft
	ActionGDAPLinkShown = "gdap.link-shown" // the approval link was shown to the customer
	ActionGDAPApproved  = "gdap.approved"   // the customer approved: active
	ActionGDAPAssigned  = "gdap.assigned"   // the provider's group got its roles
	ActionGDAPEnded     = "gdap.ended"      // expired or terminated (refused requests expire)
)

// GDAPSettings are the provider's GDAP settings (config gdap_roles,
// gdap_duration, gdap_group). Without a Group GDAP is not requested and
// the import runs without it: an interim setting until every front end
// shows the approval (see docs/microsoft.md).
type GDAPSettings struct {
	Roles    []string // role template ids; default msapi.DefaultGDAPRoles
	Duration string   // ISO 8601; default msapi.DefaultGDAPDuration
	Group    string   // the partner's security group that gets the roles
}

// Enabled reports whether GDAP is requested before the import.
func (g GDAPSettings) Enabled() bool { return strings.TrimSpace(g.Group) != "" }

func (g GDAPSettings) roles() []string {
	if len(g.Roles) > 0 {
		return g.Roles
	}
	return msapi.DefaultGDAPRoles
}

func (g GDAPSettings) duration() string {
	if g.Duration != "" {
		return g.Duration
	}
	return msapi.DefaultGDAPDuration
}

// GDAPRecord is what the store keeps of a tenant's relationship.
type GDAPRecord struct {
	TenantID       string
	RelationshipID string
	Status         string // Microsoft's status (msapi.GDAP*)
	URL            string // the customer's approval link
	Assigned       bool   // the access assignment was made
	EndAt          time.Time
}

// GDAPState is where the admin relationship stands for a person.
type GDAPState string

const (
	GDAPNotNeeded GDAPState = "not-needed" // the provider does not request GDAP
	GDAPWaiting   GDAPState = "waiting"    // awaiting the customer's approval
	GDAPApproved  GDAPState = "approved"   // active, with the roles assigned: the import may run
	GDAPEnded     GDAPState = "ended"      // expired or terminated (a new one is requested)
)

// GDAP is the admin relationship as front ends show it.
type GDAP struct {
	URL string // the approval link to open and copy
	// Short is the approval link's short link to show and scan while it
	// awaits approval, when the provider has a public_url ("": show URL).
	Short  string
	Status GDAPState
	Roles  []string // the roles asked for, by name
	// Renewed says the previous relationship had ended and a new one was
	// requested: the administrator approves again.
	Renewed bool

	relationshipID string
}

// Ready reports whether the import may run.
func (g GDAP) Ready() bool { return g.Status == GDAPApproved || g.Status == GDAPNotNeeded }

// Explain says what the state means and what to do.
func (g GDAP) Explain() string { return g.ExplainIn(nil) }

// ExplainIn is Explain in l's language.
func (g GDAP) ExplainIn(l *i18n.Localizer) string {
	switch g.Status {
	case GDAPApproved:
		return l.T("GDAPApproved")
	case GDAPNotNeeded:
		return ""
	}
	s := l.T("GDAPApproveAtLink") + " "
	if g.Renewed {
		s = l.T("GDAPRenewed") + " " + s
	}
	return s + l.T("GDAPMovesOn")
}

var gdapRoleNames = map[string]string{
	msapi.RoleDirectoryReaders:            "Directory Readers",
	msapi.RoleDirectoryWriters:            "Directory Writers",
	msapi.RoleGlobalReader:                "Global Reader",
	msapi.RoleLicenseAdministrator:        "License Administrator",
	msapi.RoleUserAdministrator:           "User Administrator",
	msapi.RolePrivilegedRoleAdministrator: "Privileged Role Administrator",
}

// GDAPStatus requests the order's admin relationship when there is none
// yet, looks its status up once, and gives the provider's security group
// its roles once it is active. The order's invitation must be accepted.
func (s *Service) GDAPStatus(ctx context.Context, orderID string) (GDAP, error) {
	o, err := s.Store.GetOrder(ctx, orderID)
	if err != nil {
		return GDAP{}, fmt.Errorf("get order %s: %w", orderID, err)
	}
	if !s.GDAP.Enabled() {
		return GDAP{Status: GDAPNotNeeded}, nil
	}
	if o.TenantID == "" {
		return GDAP{}, fmt.Errorf("admin relationship of order %s: %w", o.Number, ErrConsentPending)
	}
	done, err := s.Store.StepsDone(ctx, o.ID)
	if err != nil {
		return GDAP{}, fmt.Errorf("steps of order %s: %w", o.Number, err)
	}
	if done[stepNewAccount] {
		return GDAP{Status: GDAPNotNeeded}, nil // a tenant made for the order: nothing to import
	}
	g, err := s.ensureGDAP(ctx, o.ID, o.TenantID)
	if err != nil || g.Status != GDAPWaiting {
		return g, err
	}
	l, err := s.link(ctx, o.ID, LinkGDAP, g.URL)
	if err != nil {
		return GDAP{}, err
	}
	g.Short = l.Short
	return g, s.auditLinkShown(ctx, o.ID, g)
}

// auditLinkShown records, once per relationship, that the approval link
// went to a front end.
func (s *Service) auditLinkShown(ctx context.Context, orderID string, g GDAP) error {
	trail, err := s.Store.AuditTrail(ctx, orderID)
	if err != nil {
		return fmt.Errorf("audit trail of order %s: %w", orderID, err)
	}
	for _, ev := range trail {
		if ev.Action == ActionGDAPLinkShown && ev.Detail == g.relationshipID {
			return nil
		}
	}
	return s.auditGDAP(ctx, orderID, ActionGDAPLinkShown, "", "", g.relationshipID)
}

func (s *Service) auditGDAP(ctx context.Context, orderID, action, from, to, relationshipID string) error {
	if err := s.Store.Audit(ctx, s.event(ctx, orderID, action, from, to, relationshipID)); err != nil {
		return fmt.Errorf("audit %s of order %s: %w", action, orderID, err)
	}
	return nil
}

// ensureGDAP moves the tenant's relationship on as far as it can go now,
// recording in the order's audit trail what happened to it.
func (s *Service) ensureGDAP(ctx context.Context, orderID, tenantID string) (GDAP, error) {
	rec, err := s.Store.GDAPForTenant(ctx, tenantID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return GDAP{}, err
	}
	renewed := false
	// Asked even when recorded as created: a process that locked it for
	// approval and died before recording that left "created" here, and
	// locking it again is refused (it is approvalPending at Microsoft).
	if err == nil {
		rel, err := s.MS.GetGDAPRelationship(ctx, rec.RelationshipID)
		if err != nil && !errors.Is(err, msapi.ErrNotFound) {
			return GDAP{}, fmt.Errorf("admin relationship of %s: %w", tenantID, err)
		}
		if err != nil {
			rel.Status = msapi.GDAPTerminated // gone at Microsoft
		}
		if rel.Status != rec.Status {
			action := ""
			switch rel.Status {
			case msapi.GDAPActive:
				action = ActionGDAPApproved
			case msapi.GDAPExpired, msapi.GDAPTerminated:
				action = ActionGDAPEnded
			}
			if action != "" {
				if err := s.auditGDAP(ctx, orderID, action, rec.Status, rel.Status, rec.RelationshipID); err != nil {
					return GDAP{}, err
				}
			}
		}
		rec.Status, rec.EndAt = rel.Status, rel.EndAt
	}
	switch {
	case errors.Is(err, ErrNotFound):
		if rec, err = s.requestGDAP(ctx, orderID, tenantID, ""); err != nil {
			return GDAP{}, err
		}
	case rec.Status == msapi.GDAPExpired || rec.Status == msapi.GDAPTerminated:
		renewed = true
		if rec, err = s.requestGDAP(ctx, orderID, tenantID, rec.RelationshipID); err != nil {
			return GDAP{}, err
		}
	case rec.Status == msapi.GDAPCreated:
		if err := s.lockGDAP(ctx, &rec); err != nil {
			return GDAP{}, err
		}
	case rec.Status == msapi.GDAPActive && !rec.Assigned:
		if _, err := s.MS.CreateGDAPAccessAssignment(ctx, rec.RelationshipID, s.GDAP.Group, s.GDAP.roles()); err != nil {
			return GDAP{}, fmt.Errorf("assign the admin relationship's roles in %s: %w", tenantID, err)
		}
		rec.Assigned = true
		if err := s.auditGDAP(ctx, orderID, ActionGDAPAssigned, "", s.GDAP.Group, rec.RelationshipID); err != nil {
			return GDAP{}, err
		}
	}
	if err := s.Store.SaveGDAP(ctx, rec); err != nil {
		return GDAP{}, err
	}
	return s.gdapView(rec, renewed), nil
}

// requestGDAP creates the relationship, records it, and locks it for
// approval. Its displayName is derived from the tenant and the relationship
// it replaces, so a request whose create answered but was never recorded (a
// crash in between) is found by name (FindGDAPRelationship) and not made a
// second time.
func (s *Service) requestGDAP(ctx context.Context, orderID, tenantID, replaces string) (GDAPRecord, error) {
	name := gdapName(tenantID, replaces)
	rel, err := s.MS.FindGDAPRelationship(ctx, name)
	switch {
	case errors.Is(err, msapi.ErrNotFound):
		rel, err = s.MS.CreateGDAPRelationship(ctx, msapi.GDAPRequest{DisplayName: name, CustomerTenantID: tenantID,
			Duration: s.GDAP.duration(), RoleIDs: s.GDAP.roles()})
		if err != nil {
			return GDAPRecord{}, fmt.Errorf("request an admin relationship with %s: %w", tenantID, err)
		}
	case err != nil:
		return GDAPRecord{}, fmt.Errorf("look up the admin relationship %q: %w", name, err)
	}
	rec := GDAPRecord{TenantID: tenantID, RelationshipID: rel.ID, Status: rel.Status, URL: s.MS.GDAPApprovalURL(rel.ID)}
	if err := s.Store.SaveGDAP(ctx, rec); err != nil {
		return GDAPRecord{}, err
	}
	if err := s.auditGDAP(ctx, orderID, ActionGDAPRequested, "", rec.Status, rec.RelationshipID); err != nil {
		return GDAPRecord{}, err
	}
	if rec.Status != msapi.GDAPCreated {
		return rec, nil // found already locked (or further)
	}
	return rec, s.lockGDAP(ctx, &rec)
}

// gdapName is the relationship's displayName (unique among the partner's
// relationships, at most 50 characters): the tenant, and a digest of the
// relationship it replaces ("" for the first), so each renewal has its own.
func gdapName(tenantID, replaces string) string {
	sum := sha256.Sum256([]byte(tenantID + "|" + replaces))
	return "onboard " + tenantID[:min(len(tenantID), 18)] + " " + hex.EncodeToString(sum[:4])
}

func (s *Service) lockGDAP(ctx context.Context, rec *GDAPRecord) error {
	if err := s.MS.LockGDAPForApproval(ctx, rec.RelationshipID); err != nil {
		return fmt.Errorf("send the admin relationship to %s for approval: %w", rec.TenantID, err)
	}
	rec.Status = msapi.GDAPApprovalPending
	return nil
}

func (s *Service) gdapView(rec GDAPRecord, renewed bool) GDAP {
	// The link is built now, not taken as recorded: the admin center's
	// address is the configuration's (another cloud's, or a sandbox's that
	// an earlier process served on another port).
	url := rec.URL
	if s.MS != nil && rec.RelationshipID != "" {
		url = s.MS.GDAPApprovalURL(rec.RelationshipID)
	}
	g := GDAP{URL: url, Status: GDAPWaiting, Renewed: renewed, relationshipID: rec.RelationshipID}
	switch {
	case rec.Status == msapi.GDAPActive && rec.Assigned:
		g.Status = GDAPApproved
	case rec.Status == msapi.GDAPExpired || rec.Status == msapi.GDAPTerminated:
		g.Status = GDAPEnded
	}
	for _, r := range s.GDAP.roles() {
		if n, ok := gdapRoleNames[r]; ok {
			g.Roles = append(g.Roles, n)
		} else {
			g.Roles = append(g.Roles, r)
		}
	}
	return g
}

// stepGDAP is the pipeline's wait for the admin relationship.
const stepGDAP = "gdap"

// gdap lets the import run only through an approved relationship.
func (r *run) gdap(ctx context.Context) error {
	if !r.s.GDAP.Enabled() || (r.done[stepDomains] && r.done[stepUsers]) {
		return nil
	}
	r.progress(Progress{Step: stepGDAP, Label: "Checking the admin relationship"})
	g, err := r.s.ensureGDAP(ctx, r.o.ID, r.o.TenantID)
	if err != nil {
		return err
	}
	if !g.Ready() {
		return fmt.Errorf("%w: approve it at %s", ErrGDAPPending, g.URL)
	}
	return nil
}
