-- order_leases: who processes an order now, until when. A process takes
-- the lease before touching the order and renews it while it works; a
-- lease past expires_at belongs to a process that died, so its order may
-- be resumed. A separate table keeps the orders table's columns as they are.
CREATE TABLE order_leases (
    order_id   TEXT PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    owner      TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- line_readbacks: what Microsoft reported for a provisioned line after the
-- call (the subscription read back), never what was asked for.
CREATE TABLE line_readbacks (
    order_id        TEXT NOT NULL,
    line_no         INTEGER NOT NULL,
    subscription_id TEXT NOT NULL,
    quantity        INTEGER NOT NULL,
    read_at         TEXT NOT NULL,
    PRIMARY KEY (order_id, line_no),
    FOREIGN KEY (order_id, line_no) REFERENCES order_lines (order_id, line_no) ON DELETE CASCADE
);
