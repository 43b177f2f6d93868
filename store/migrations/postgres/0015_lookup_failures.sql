-- PostgreSQL's copy of ../0015_lookup_failures.sql (the same SQL).
-- Order look-ups by number and e-mail that found nothing, per actor (a
-- terminal's SSH key, a kiosk process): order numbers are short and
-- counted, so flow stops an actor that keeps guessing for a while
-- (flow.MaxFailedLookups in flow.FailedLookupsWindow). Rows older than a
-- day are dropped as new ones come.
CREATE TABLE lookup_failures (
    actor TEXT NOT NULL,
    at    TEXT NOT NULL
);

CREATE INDEX lookup_failures_actor ON lookup_failures (actor, at);
