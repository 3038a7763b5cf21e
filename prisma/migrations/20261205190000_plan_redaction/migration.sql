-- Redaction (POST /v1/redact/) is allowed per plan, like mmc: off unless the plan includes it.
-- The seeded plan that includes mmc includes redaction too.
ALTER TABLE "plans" ADD COLUMN "redact_included" BOOLEAN NOT NULL DEFAULT false;
UPDATE "plans" SET "redact_included" = true WHERE "name" = 'business';
