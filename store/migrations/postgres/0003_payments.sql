-- PostgreSQL's copy of ../0003_payments.sql: the same rules, as CHECK
-- constraints and a trigger function instead of SQLite's RAISE triggers,
-- with the same messages.
-- An order is charged at most once, held by the database: besides the one
-- paid checkout per order (0001), a capture the order cannot keep is
-- recorded as 'duplicate' until it is refunded, and a refund is final, so
-- no code path can turn a refunded checkout back into a payment (or refund
-- it again by re-marking it).

CREATE FUNCTION payments_check_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state NOT IN ('pending', 'paid', 'declined', 'expired', 'duplicate', 'refunded') THEN
        RAISE EXCEPTION 'payments: unknown state';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.state = 'refunded' AND NEW.state <> 'refunded' THEN
        RAISE EXCEPTION 'payments: a refunded checkout stays refunded';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.state = 'duplicate' AND NEW.state NOT IN ('duplicate', 'refunded') THEN
        RAISE EXCEPTION 'payments: a duplicate capture can only be refunded';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER payments_check_state BEFORE INSERT OR UPDATE OF state ON payments
FOR EACH ROW EXECUTE FUNCTION payments_check_state();
