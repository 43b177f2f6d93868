-- PostgreSQL's form of migration 10 (see ../0010_user_search.sql): the
-- assign screen's search index, as SQLite's user_search is there. A GIN
-- index of each user's words (display name and the UPN before its @) as a
-- tsvector, maintained by every insert of an import; prefix queries
-- (to_tsquery('simple', 'grace:*')) use it. Built in: no extension needed.
-- The punctuation UPNs allow is turned into spaces first, so that
-- "grace.tan" is the words grace and tan, as SQLite's tokenizer and the Go
-- matcher (flow.UserMatcher) split it, not one host-name token.
CREATE FUNCTION onboard_user_words(display_name TEXT, upn TEXT) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_tsvector('simple'::regconfig,
        translate(display_name || ' ' || split_part(upn, '@', 1), '.-_''!#^~/+&', '           '));
CREATE INDEX tenant_users_words ON tenant_users USING gin (onboard_user_words(display_name, upn));
