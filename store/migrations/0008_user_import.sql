-- Imports of tenants of a million users (issue 17). tenant_users was keyed
-- by (tenant_id, user_id): Graph's user ids are random, so every batch of an
-- import rewrote index pages across the whole tree and a 1M-user import cost
-- 30 times a 100k one. Now rows are stored in import order under a
-- sequential rowid, and the only random-order index is user_key, the 16-byte
-- MD5 of tenant_id, NUL, user_id (onboard_user_key, store/userkey.go): a
-- quarter of the pages of a (tenant_id, user_id) index, so the page cache
-- holds it while an import writes. tenant_users_tenant lists a tenant's
-- users in import order and is appended to in order.
CREATE TABLE tenant_users_by_import (
    id             INTEGER PRIMARY KEY,
    user_key       BLOB NOT NULL,
    tenant_id      TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    upn            TEXT NOT NULL DEFAULT '',
    first_name     TEXT NOT NULL DEFAULT '',
    last_name      TEXT NOT NULL DEFAULT '',
    display_name   TEXT NOT NULL DEFAULT '',
    usage_location TEXT NOT NULL DEFAULT '',
    active         INTEGER NOT NULL DEFAULT 0
);
INSERT INTO tenant_users_by_import (user_key, tenant_id, user_id, upn, first_name, last_name,
    display_name, usage_location, active)
SELECT onboard_user_key(tenant_id, user_id), tenant_id, user_id, upn, first_name, last_name,
    display_name, usage_location, active
FROM tenant_users ORDER BY tenant_id, upn, user_id;
DROP TABLE tenant_users;
ALTER TABLE tenant_users_by_import RENAME TO tenant_users;
CREATE UNIQUE INDEX tenant_users_keys ON tenant_users (user_key);
CREATE INDEX tenant_users_tenant ON tenant_users (tenant_id, id);

-- The assign screen's search: one row per user (rowid = tenant_users.id)
-- holding its display name and the part of its UPN before the @, as words.
-- Contentless and detail=none (rowids only, no positions): about a quarter
-- of the cost of a full FTS5 index during an import, and enough for
-- word-prefix queries. remove_diacritics 0 keeps its words the same as the
-- Go matcher's (store/usersearch.go).
CREATE VIRTUAL TABLE user_search USING fts5(terms, content='', detail=none, columnsize=0,
    tokenize='unicode61 remove_diacritics 0');
INSERT INTO user_search (rowid, terms)
SELECT id, display_name || ' ' || substr(upn, 1, instr(upn || '@', '@') - 1) FROM tenant_users;

-- Where an import of an order's users stands: Graph's @odata.nextLink of the
-- page after the last committed batch, written in that batch's transaction,
-- so a retry or a restart after a crash continues from there.
CREATE TABLE import_positions (
    order_id  TEXT NOT NULL,
    step      TEXT NOT NULL,
    position  TEXT NOT NULL DEFAULT '',
    users     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, step)
);
