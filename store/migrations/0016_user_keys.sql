-- A tenant's users are unique by user_key (issue 17). The unique index on
-- tenant_users.user_key was the one B-tree an import wrote in random order,
-- a key at a time as rows came: at a million users those look-ups missed the
-- CPU's caches and cost about a quarter of the import. The keys now live in their
-- own table, keyed by user_key (so the database still holds one row per
-- user), which an import fills once per transaction with its keys sorted:
-- each page of the tree is visited once, in order. tenant_users keeps the
-- key as a column (to find a row's entry) and is appended to in id order.
-- PostgreSQL keeps its unique index (postgres/0016_user_keys.sql): its
-- import is linear with it.
CREATE TABLE tenant_user_keys (
    user_key BLOB PRIMARY KEY,
    id       INTEGER NOT NULL -- tenant_users.id
) WITHOUT ROWID;
-- In key order, read from the unique index about to go: the tree is filled
-- front to back.
INSERT INTO tenant_user_keys (user_key, id) SELECT user_key, id FROM tenant_users ORDER BY user_key;
DROP INDEX tenant_users_keys;
