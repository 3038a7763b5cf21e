-- Read history, watchlists and e-mail notices (issue 25).

-- levenshtein(), to confirm look-alike candidates found through the variants index.
CREATE EXTENSION IF NOT EXISTS "fuzzystrmatch";

-- Where notices are e-mailed (none when null), and how many days recognition results are kept
-- (0: none are stored, the default).
ALTER TABLE "accounts" ADD COLUMN "email" TEXT;
ALTER TABLE "accounts" ADD COLUMN "read_retention_days" INTEGER NOT NULL DEFAULT 0;

-- The key lookup reads read_retention_days; gateways forget cached owners when it changes.
CREATE TRIGGER "accounts_auth_changed" AFTER UPDATE OR DELETE OR TRUNCATE ON "accounts"
  FOR EACH STATEMENT EXECUTE FUNCTION "platewise_auth_changed"();

-- A notice that must be sent once (a quota threshold in one period) carries a key; a second
-- insert with the same key is a no-op.
ALTER TABLE "notifications" ADD COLUMN "dedupe_key" TEXT;
CREATE UNIQUE INDEX "notifications_account_id_dedupe_key_key" ON "notifications"("account_id", "dedupe_key");

-- One row per plate read, no image. `lookalike` is the plate with O/0, I/1, B/8 (and a few other
-- pairs) folded together; `variants` is that key and every form of it with one character left
-- out, so two plates within one edit share a variant (the GIN index finds them) and levenshtein
-- confirms it.
CREATE TABLE "reads" (
    "id" BIGSERIAL NOT NULL,
    "account_id" UUID NOT NULL,
    "read_at" TIMESTAMPTZ(3) NOT NULL,
    "timestamp" TEXT NOT NULL,
    "plate" TEXT NOT NULL,
    "lookalike" TEXT NOT NULL,
    "variants" TEXT[] NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "region" TEXT,
    "vehicle" JSONB,
    "camera_id" TEXT,
    "request_type" TEXT NOT NULL,
    CONSTRAINT "reads_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "reads_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- exact and prefix (LIKE 'ABC%') search, newest first
CREATE INDEX "reads_account_id_plate_idx" ON "reads"("account_id", "plate" text_pattern_ops, "read_at" DESC, "id" DESC);
-- listing by time (and camera), and the retention purge
CREATE INDEX "reads_account_id_read_at_idx" ON "reads"("account_id", "read_at" DESC, "id" DESC);
-- No pending list (fastupdate off): a search would scan the whole unmerged list (10+ ms after a
-- burst of inserts); reads are inserted in batches off the call's path, so the dearer insert is
-- paid by the worker, not by a caller.
CREATE INDEX "reads_variants_idx" ON "reads" USING GIN ("variants") WITH (fastupdate = off);

CREATE TABLE "watchlists" (
    "id" SERIAL NOT NULL,
    "account_id" UUID NOT NULL,
    "plate" TEXT NOT NULL,
    "label" TEXT NOT NULL DEFAULT '',
    "match" TEXT NOT NULL DEFAULT 'exact',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "watchlists_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "watchlists_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "watchlists_account_id_idx" ON "watchlists"("account_id");

-- What operators did from the dashboard's console: who, what, on which account, when.
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "actor_id" UUID NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_events_created_at_idx" ON "audit_events"("created_at");
