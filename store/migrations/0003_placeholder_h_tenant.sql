-- Placeholder on branch h-tenant for migration 0003 (0003_payments.sql of
-- another change of issue 11). It only keeps the numbering gap-free here:
-- delete this file when merging.
SELECT 1;
