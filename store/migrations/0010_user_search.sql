-- The assign screen's search on PostgreSQL (migrations/postgres/0010): a
-- tsvector index of the users' words. SQLite has had its own since
-- migration 8 (user_search, FTS5), so nothing changes here.
SELECT 1;
