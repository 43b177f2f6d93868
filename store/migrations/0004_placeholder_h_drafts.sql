-- PLACEHOLDER on branch h-drafts only: another branch owns migration 4.
-- Drop this file when merging (the loader refuses gaps, so 0006 needs it here).
SELECT 1;
