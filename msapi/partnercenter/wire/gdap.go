package wire

// Granular delegated admin privileges (GDAP), Microsoft Graph v1.0
// (delegatedAdminRelationships-api-overview; tenantrelationship-post-
// delegatedadminrelationships; delegatedadminrelationship-post-requests;
// delegatedadminrelationship-get; delegatedadminrelationship-post-accessassignments).

// PathDelegatedAdminRelationships is the collection of the partner's GDAP relationships.
const PathDelegatedAdminRelationships = "/tenantRelationships/delegatedAdminRelationships"

// DelegatedAdminRelationship is a delegatedAdminRelationship resource.
type DelegatedAdminRelationship struct {
	ODataEtag            string                       `json:"@odata.etag,omitempty"`
	ID                   string                       `json:"id,omitempty"`
	DisplayName          string                       `json:"displayName"`
	Duration             string                       `json:"duration"`
	Customer             *DelegatedAdminCustomer      `json:"customer,omitempty"`
	AccessDetails        DelegatedAdminAccessDetails  `json:"accessDetails"`
	Status               string                       `json:"status,omitempty"`
	AutoExtendDuration   string                       `json:"autoExtendDuration,omitempty"`
	CreatedDateTime      string                       `json:"createdDateTime,omitempty"`
	LastModifiedDateTime string                       `json:"lastModifiedDateTime,omitempty"`
	ActivatedDateTime    string                       `json:"activatedDateTime,omitempty"`
	EndDateTime          string                       `json:"endDateTime,omitempty"`
	Partner              *DelegatedAdminPartnerTenant `json:"partner,omitempty"`
}

// DelegatedAdminCustomer is delegatedAdminRelationshipCustomerParticipant.
type DelegatedAdminCustomer struct {
	TenantID    string `json:"tenantId"`
	DisplayName string `json:"displayName,omitempty"`
}

// DelegatedAdminPartnerTenant is the partner side of a relationship (read only).
type DelegatedAdminPartnerTenant struct {
	TenantID string `json:"tenantId"`
}

// DelegatedAdminAccessDetails lists the roles of a relationship or assignment.
type DelegatedAdminAccessDetails struct {
	UnifiedRoles []UnifiedRole `json:"unifiedRoles"`
}

// UnifiedRole names a Microsoft Entra role by its role definition (template) id.
type UnifiedRole struct {
	RoleDefinitionID string `json:"roleDefinitionId"`
}

// DelegatedAdminRelationshipRequest is an action on a relationship
// (lockForApproval, approve, terminate, reject).
type DelegatedAdminRelationshipRequest struct {
	ID                   string `json:"id,omitempty"`
	Action               string `json:"action"`
	Status               string `json:"status,omitempty"` // created, inProgress, succeeded, failed
	CreatedDateTime      string `json:"createdDateTime,omitempty"`
	LastModifiedDateTime string `json:"lastModifiedDateTime,omitempty"`
}

// DelegatedAdminAccessAssignment gives an access container (a security group
// of the partner's tenant) roles of the relationship.
type DelegatedAdminAccessAssignment struct {
	ODataEtag            string                        `json:"@odata.etag,omitempty"`
	ID                   string                        `json:"id,omitempty"`
	AccessContainer      DelegatedAdminAccessContainer `json:"accessContainer"`
	AccessDetails        DelegatedAdminAccessDetails   `json:"accessDetails"`
	Status               string                        `json:"status,omitempty"` // pending, active, deleting, deleted, error
	CreatedDateTime      string                        `json:"createdDateTime,omitempty"`
	LastModifiedDateTime string                        `json:"lastModifiedDateTime,omitempty"`
}

// DelegatedAdminAccessContainer is the security group that gets the roles.
type DelegatedAdminAccessContainer struct {
	AccessContainerID   string `json:"accessContainerId"`
	AccessContainerType string `json:"accessContainerType"` // securityGroup
}
