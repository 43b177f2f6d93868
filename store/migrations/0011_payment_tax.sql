-- The tax a gateway added to a capture (Stripe's automatic tax), in the
-- payment's minor units, so screens can show what the customer paid in all
-- (issue 15); 0 when none was added.
ALTER TABLE payments ADD COLUMN tax INTEGER NOT NULL DEFAULT 0;
