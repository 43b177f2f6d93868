-- The term and billing cycle each order line buys (issue 13): the
-- customer chooses them where the product offers several. Empty for lines
-- made before: those buy the catalog offer's term.

ALTER TABLE order_lines ADD COLUMN term_duration TEXT NOT NULL DEFAULT '';
ALTER TABLE order_lines ADD COLUMN billing_cycle TEXT NOT NULL DEFAULT '';
