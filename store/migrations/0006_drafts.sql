-- A draft knows its order (issue 11, reproductions 2, 8 and 11): the order
-- reaching completed or cancelled deletes its drafts in the same
-- transaction, and a save without the order id cannot overwrite one that
-- has it. Drafts saved before this migration carry the id only in their
-- JSON; it is copied out, and drafts of orders already finished go.

ALTER TABLE drafts ADD COLUMN order_id TEXT NOT NULL DEFAULT '';

UPDATE drafts SET order_id = COALESCE(json_extract(data, '$.OrderID'), '')
WHERE json_valid(data);

DELETE FROM drafts WHERE order_id IN
    (SELECT id FROM orders WHERE status IN ('completed', 'cancelled'));

CREATE INDEX drafts_order ON drafts (order_id) WHERE order_id <> '';
