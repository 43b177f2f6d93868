-- Secondary indexes for the list and lookup queries (orders by customer,
-- status and age; users by UPN; the audit trail; drafts per terminal).

CREATE INDEX orders_created_at ON orders (created_at);
CREATE INDEX orders_customer ON orders (customer_id, created_at);
CREATE INDEX orders_status ON orders (status, created_at);
CREATE INDEX customers_created_at ON customers (created_at);
CREATE INDEX tenant_users_upn ON tenant_users (tenant_id, upn);
CREATE INDEX audit_events_order ON audit_events (order_id, at, id);
CREATE INDEX drafts_terminal ON drafts (terminal, updated_at);
CREATE INDEX drafts_expires_at ON drafts (expires_at);
CREATE INDEX payments_order ON payments (order_id, created_at);
