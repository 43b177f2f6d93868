-- PostgreSQL's copy of ../0014_short_links.sql (the same SQL).
-- Short links (docs/kiosk.md): with public_url set, the wizard shows
-- {public_url}/a/{code} instead of a long Microsoft link (the GDAP approval
-- link is ~170 characters: its QR code does not fit an 80x24 kiosk), and
-- onboard serve redirects the code to target. One link per order and
-- purpose (order_id '' for the partner-wide invitation link), so showing
-- it again gives the same code; expires_at is moved on each time it is
-- shown, and a code past it is not followed.
CREATE TABLE short_links (
    code       TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    target     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE UNIQUE INDEX short_links_one_per_purpose ON short_links (order_id, purpose);
