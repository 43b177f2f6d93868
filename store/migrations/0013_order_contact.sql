-- Who signed each order up and accepted the Microsoft Customer Agreement
-- for it. The customer's contact is its first sign-up's; a later order for
-- the same tenant (another person of the company) keeps its own, for the
-- agreement's record and for finding the order to pay. '' on older orders:
-- the customer's contact stands for them.
ALTER TABLE orders ADD COLUMN contact_first_name TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN contact_last_name TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
