-- Placeholder for migration 0003, which another change of issue 11 adds.
-- It only keeps the numbering gap-free on this branch: delete this file
-- when merging that change.
SELECT 1;
