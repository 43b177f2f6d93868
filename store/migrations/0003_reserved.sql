-- Placeholder for migration 0003, which another branch of issue 11 adds.
-- Delete this file when merging that branch (migrations must be numbered without gaps).
SELECT 1;
