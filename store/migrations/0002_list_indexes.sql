-- Secondary indexes for the list and lookup queries (orders by customer,
-- status and age; the audit trail; drafts per terminal). tenant_users has
-- no UPN index on purpose: imports write users in random key order and
-- every extra random-order index multiplies the pages each batch commits,
-- while ListUsers sorting one tenant's users is cheap and rare.

CREATE INDEX orders_created_at ON orders (created_at);
CREATE INDEX orders_customer ON orders (customer_id, created_at);
CREATE INDEX orders_status ON orders (status, created_at);
CREATE INDEX customers_created_at ON customers (created_at);
CREATE INDEX audit_events_order ON audit_events (order_id, at, id);
CREATE INDEX drafts_terminal ON drafts (terminal, updated_at);
CREATE INDEX drafts_expires_at ON drafts (expires_at);
CREATE INDEX payments_order ON payments (order_id, created_at);
