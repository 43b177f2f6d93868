-- PostgreSQL's form of migration 16 (see ../0016_user_keys.sql): nothing
-- changes. tenant_users keeps its unique index on user_key: PostgreSQL's
-- import grows with the tenant with it (docs/performance.md).
SELECT 1;
