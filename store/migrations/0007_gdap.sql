-- Granular delegated admin relationships (issue 12 part 3): one per
-- customer tenant, requested after the invitation is accepted; the import
-- waits until it is active and its access assignment is made.

CREATE TABLE gdap_relationships (
    tenant_id       TEXT PRIMARY KEY,
    relationship_id TEXT NOT NULL,
    status          TEXT NOT NULL,
    approval_url    TEXT NOT NULL,
    assigned        INTEGER NOT NULL DEFAULT 0,
    end_at          TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL
);
