-- PostgreSQL's copy of ../0006_drafts.sql. No PostgreSQL database holds
-- drafts from before this migration (the backend came later), so there is
-- no order id to copy out of their JSON.
-- A draft knows its order (issue 11, reproductions 2, 8 and 11): the order
-- reaching completed or cancelled deletes its drafts in the same
-- transaction, and a save without the order id cannot overwrite one that
-- has it.

ALTER TABLE drafts ADD COLUMN order_id TEXT NOT NULL DEFAULT '';

CREATE INDEX drafts_order ON drafts (order_id) WHERE order_id <> '';
