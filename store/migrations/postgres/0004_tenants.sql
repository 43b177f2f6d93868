-- PostgreSQL's copy of ../0004_tenants.sql (no WITHOUT ROWID).
-- One customer per Microsoft tenant and at most one open order per tenant,
-- held by the database so that no caller (two terminals, an agent and a
-- customer, a crash and its retry) can break them.

-- customers.tenant_id mirrors the tenants table, whose primary key already
-- gives a tenant one customer; this keeps the mirror from diverging.
CREATE UNIQUE INDEX customers_one_per_tenant ON customers (tenant_id) WHERE tenant_id <> '';

-- duplicate_of marks open orders that already stood side by side for one
-- tenant before this migration: they stay visible (one may be paid) for an
-- agent to finish or cancel, but take no part in the constraint. New orders
-- never set it.
ALTER TABLE orders ADD COLUMN duplicate_of TEXT NOT NULL DEFAULT '';

-- An open order sharing a tenant id or an initial domain with an older
-- open order is marked as a duplicate of it.
UPDATE orders SET duplicate_of = (
    SELECT MIN(o2.id) FROM orders o2
    WHERE o2.status NOT IN ('completed', 'cancelled')
      AND ((orders.tenant_id <> '' AND lower(o2.tenant_id) = lower(orders.tenant_id))
        OR (orders.tenant_domain <> '' AND lower(o2.tenant_domain) = lower(orders.tenant_domain)))
      AND (o2.created_at < orders.created_at OR (o2.created_at = orders.created_at AND o2.id < orders.id))
)
WHERE status NOT IN ('completed', 'cancelled')
  AND EXISTS (
    SELECT 1 FROM orders o2
    WHERE o2.status NOT IN ('completed', 'cancelled')
      AND ((orders.tenant_id <> '' AND lower(o2.tenant_id) = lower(orders.tenant_id))
        OR (orders.tenant_domain <> '' AND lower(o2.tenant_domain) = lower(orders.tenant_domain)))
      AND (o2.created_at < orders.created_at OR (o2.created_at = orders.created_at AND o2.id < orders.id))
  );

-- An order names its tenant by the initial domain it was ordered for (agent
-- orders, new accounts) and, once Microsoft confirmed it, by its tenant id;
-- an initial domain belongs to one tenant. No two open orders (neither
-- completed nor cancelled) share either.
CREATE UNIQUE INDEX orders_one_open_per_tenant_id ON orders (lower(tenant_id))
    WHERE tenant_id <> '' AND status NOT IN ('completed', 'cancelled') AND duplicate_of = '';
CREATE UNIQUE INDEX orders_one_open_per_domain ON orders (lower(tenant_domain))
    WHERE tenant_domain <> '' AND status NOT IN ('completed', 'cancelled') AND duplicate_of = '';

-- consent_baselines is, per order waiting for its invitation, the partner's
-- customers when it started waiting (a row with tenant_id '' marks that the
-- baseline was taken): a customer that appears later while the order still
-- waits accepted the invitation meanwhile, maybe with the wrong account.
CREATE TABLE consent_baselines (
    order_id  TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL,
    PRIMARY KEY (order_id, tenant_id)
);
