-- Initial schema. Portable SQL: the PostgreSQL backend uses the same tables.
-- Timestamps are fixed-width RFC 3339 UTC text so that text order is time order.

CREATE TABLE customers (
    id           TEXT PRIMARY KEY,
    company_name TEXT NOT NULL DEFAULT '',
    first_name   TEXT NOT NULL DEFAULT '',
    last_name    TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    addr_line1   TEXT NOT NULL DEFAULT '',
    addr_line2   TEXT NOT NULL DEFAULT '',
    city         TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL DEFAULT '',
    postal_code  TEXT NOT NULL DEFAULT '',
    country      TEXT NOT NULL DEFAULT '',
    tenant_id    TEXT NOT NULL DEFAULT '',
    domain       TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);

-- tenants links a Microsoft tenant to the customer it belongs to.
CREATE TABLE tenants (
    tenant_id   TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    domain      TEXT NOT NULL DEFAULT '',
    linked_at   TEXT NOT NULL
);

CREATE TABLE orders (
    id              TEXT PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    customer_id     TEXT NOT NULL REFERENCES customers (id),
    status          TEXT NOT NULL,
    policy          TEXT NOT NULL DEFAULT '',
    currency        TEXT NOT NULL DEFAULT '',
    tenant_id       TEXT NOT NULL DEFAULT '',
    tenant_domain   TEXT NOT NULL DEFAULT '',
    admin_upn       TEXT NOT NULL DEFAULT '',
    approved        INTEGER NOT NULL DEFAULT 0,
    fail_reason     TEXT NOT NULL DEFAULT '',
    failed_from     TEXT NOT NULL DEFAULT '',
    created_by_kind TEXT NOT NULL DEFAULT '',
    created_by_name TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE order_lines (
    order_id   TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no    INTEGER NOT NULL,
    offer_id   TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    sku_id     TEXT NOT NULL DEFAULT '',
    quantity   INTEGER NOT NULL,
    unit_price BIGINT NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

-- subscriptions records what provisioning made of each line.
CREATE TABLE subscriptions (
    order_id        TEXT NOT NULL,
    line_no         INTEGER NOT NULL,
    subscription_id TEXT NOT NULL,
    converted       INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (order_id, line_no),
    FOREIGN KEY (order_id, line_no) REFERENCES order_lines (order_id, line_no) ON DELETE CASCADE
);

CREATE TABLE payments (
    checkout_id TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    amount      BIGINT NOT NULL,
    currency    TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL,
    payment_id  TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- An order is paid at most once, whatever the callers race to do.
CREATE UNIQUE INDEX payments_one_paid_per_order ON payments (order_id) WHERE state = 'paid';

CREATE TABLE tenant_users (
    tenant_id      TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    upn            TEXT NOT NULL DEFAULT '',
    first_name     TEXT NOT NULL DEFAULT '',
    last_name      TEXT NOT NULL DEFAULT '',
    display_name   TEXT NOT NULL DEFAULT '',
    usage_location TEXT NOT NULL DEFAULT '',
    active         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, user_id)
);

CREATE TABLE tenant_domains (
    tenant_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    is_initial  INTEGER NOT NULL DEFAULT 0,
    is_default  INTEGER NOT NULL DEFAULT 0,
    is_verified INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, name)
);

-- WITHOUT ROWID (SQLite only; a plain table elsewhere): every column is in
-- the key, so one B-tree holds it instead of a table plus an index. No
-- foreign key to tenant_users: SaveUsers writes both in one transaction and
-- AddAssignments checks the users, and a per-row parent lookup would slow
-- imports of 100,000 users.
CREATE TABLE license_assignments (
    tenant_id TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    sku_id    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, sku_id)
) WITHOUT ROWID;

CREATE TABLE drafts (
    code       TEXT PRIMARY KEY,
    terminal   TEXT NOT NULL DEFAULT '',
    mode       TEXT NOT NULL DEFAULT '',
    step       TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- audit_events.order_id is deliberately not a foreign key: the trail
-- outlives whatever it describes and also holds events of no order ('').
CREATE TABLE audit_events (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor_kind TEXT NOT NULL DEFAULT '',
    actor_name TEXT NOT NULL DEFAULT '',
    order_id   TEXT NOT NULL DEFAULT '',
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL DEFAULT '',
    to_state   TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE pipeline_steps (
    order_id TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    step     TEXT NOT NULL,
    done_at  TEXT NOT NULL,
    PRIMARY KEY (order_id, step)
);

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
