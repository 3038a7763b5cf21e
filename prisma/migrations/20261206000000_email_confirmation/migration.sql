-- Notice addresses are confirmed before anything is e-mailed to them: an owner who sets or changes
-- the address gets a single-use link at it, and notices are held until it is followed.

-- When the account's address was confirmed; null: unconfirmed, no notice is e-mailed to it.
ALTER TABLE "accounts" ADD COLUMN "email_confirmed_at" TIMESTAMPTZ(3);

-- Addresses set before confirmation existed are kept as confirmed: their owners have been getting
-- their notices there, and holding every account's notices until someone follows a link nobody
-- was sent would silence them all at once. Any address an owner sets from now on is confirmed
-- first; an operator who doubts an old one can remove it (owners then set and confirm their own).
UPDATE "accounts" SET "email_confirmed_at" = CURRENT_TIMESTAMP WHERE "email" IS NOT NULL;

-- The pending confirmation of each account's address: only the SHA-256 of the token e-mailed.
CREATE TABLE "email_confirmations" (
    "account_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "token_hash" TEXT,
    "expires_at" TIMESTAMPTZ(3),
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "email_confirmations_pkey" PRIMARY KEY ("account_id"),
    CONSTRAINT "email_confirmations_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE UNIQUE INDEX "email_confirmations_token_hash_key" ON "email_confirmations"("token_hash");
