-- Dashboard sign-in: a password (scrypt, set by the operator or at sign-up) and the operator role.
-- password_set_at ends every session started before a password change.
ALTER TABLE "accounts" ADD COLUMN "password_hash" TEXT;
ALTER TABLE "accounts" ADD COLUMN "password_set_at" TIMESTAMPTZ(3);
ALTER TABLE "accounts" ADD COLUMN "operator" BOOLEAN NOT NULL DEFAULT false;
