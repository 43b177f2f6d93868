-- The language a customer signed up in (issue 18): the billing profile's
-- culture and language that Microsoft is given follow it. '' is English.
ALTER TABLE customers ADD COLUMN language TEXT NOT NULL DEFAULT '';
