-- An order is charged at most once, held by the database: besides the one
-- paid checkout per order (0001), a capture the order cannot keep is
-- recorded as 'duplicate' until it is refunded, and a refund is final, so
-- no code path can turn a refunded checkout back into a payment (or refund
-- it again by re-marking it).

CREATE TRIGGER payments_known_state_insert BEFORE INSERT ON payments
WHEN NEW.state NOT IN ('pending', 'paid', 'declined', 'expired', 'duplicate', 'refunded')
BEGIN
    SELECT RAISE(ABORT, 'payments: unknown state');
END;

CREATE TRIGGER payments_known_state_update BEFORE UPDATE OF state ON payments
WHEN NEW.state NOT IN ('pending', 'paid', 'declined', 'expired', 'duplicate', 'refunded')
BEGIN
    SELECT RAISE(ABORT, 'payments: unknown state');
END;

CREATE TRIGGER payments_refund_final BEFORE UPDATE OF state ON payments
WHEN OLD.state = 'refunded' AND NEW.state <> 'refunded'
BEGIN
    SELECT RAISE(ABORT, 'payments: a refunded checkout stays refunded');
END;

CREATE TRIGGER payments_duplicate_to_refund BEFORE UPDATE OF state ON payments
WHEN OLD.state = 'duplicate' AND NEW.state NOT IN ('duplicate', 'refunded')
BEGIN
    SELECT RAISE(ABORT, 'payments: a duplicate capture can only be refunded');
END;
