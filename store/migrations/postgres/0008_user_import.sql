-- PostgreSQL's form of migration 8 (see ../0008_user_import.sql): the same
-- tables and columns. user_key is md5(tenant_id, NUL, user_id) as bytes,
-- as store/userkey.go computes it. The search index user_search is SQLite's
-- FTS5; PostgreSQL searches tenant_users with regular expressions
-- (store/usersearch.go).
ALTER TABLE tenant_users DROP CONSTRAINT tenant_users_pkey;
ALTER TABLE tenant_users ADD COLUMN id BIGSERIAL PRIMARY KEY;
ALTER TABLE tenant_users ADD COLUMN user_key BYTEA;
UPDATE tenant_users SET user_key =
    decode(md5(convert_to(tenant_id, 'UTF8') || '\x00'::bytea || convert_to(user_id, 'UTF8')), 'hex');
ALTER TABLE tenant_users ALTER COLUMN user_key SET NOT NULL;
CREATE UNIQUE INDEX tenant_users_keys ON tenant_users (user_key);
CREATE INDEX tenant_users_tenant ON tenant_users (tenant_id, id);

CREATE TABLE import_positions (
    order_id  TEXT NOT NULL,
    step      TEXT NOT NULL,
    position  TEXT NOT NULL DEFAULT '',
    users     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, step)
);
