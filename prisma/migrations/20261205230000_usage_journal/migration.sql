-- Served calls are journaled first (in Redis, by the gateway that answered them) and counted in
-- daily_usage afterwards, off the response path. Each call has an id, and counting it inserts the
-- id here in the same statement: a call applied twice (by its gateway and by the recovery sweep of
-- another, or again after a lost acknowledgement) is counted once. Ids are kept two days, far
-- longer than a journal entry waits to be applied.
CREATE TABLE "usage_calls_applied" (
    "call_id" UUID NOT NULL,
    "applied_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_calls_applied_pkey" PRIMARY KEY ("call_id")
);

CREATE INDEX "usage_calls_applied_applied_at_idx" ON "usage_calls_applied"("applied_at");
