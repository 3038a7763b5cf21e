-- Notices raised while the account's address is unconfirmed are held, not dropped: once an
-- address is confirmed, the held ones of the last 48 hours are e-mailed to it (NotificationsService).

-- The e-mail's subject, so a held notice can be e-mailed later as it would have been at once.
ALTER TABLE "notifications" ADD COLUMN "subject" TEXT;
-- Its e-mail is held until an address is confirmed (or removed).
ALTER TABLE "notifications" ADD COLUMN "email_held" BOOLEAN NOT NULL DEFAULT false;

-- Only the held ones are ever looked up by it, and few are held at a time.
CREATE INDEX "notifications_held_idx" ON "notifications"("account_id") WHERE "email_held";

-- Owners confirming their address while this is deployed get what was raised meanwhile too: the
-- notices since the pending link was asked for, within the last 48 hours, of an account whose
-- address is still unconfirmed. Not watchlist matches: one may have been listed only (a plate's
-- e-mails are throttled), and nothing stored says which. The subjects are rebuilt as the code
-- writes them (quota-notices.ts, contract-reminders.ts, webhooks.service.ts); should a message not
-- match, a plain one.
UPDATE "notifications" AS n
SET "email_held" = true,
    "subject" = COALESCE(
      CASE
        WHEN n."kind" = 'quota.threshold' AND n."message" LIKE 'You have used all of your monthly calls%'
          THEN 'platewise: monthly calls used up'
        WHEN n."kind" = 'quota.threshold'
          THEN 'platewise: ' || substring(n."message" from '^You have used (\d+) % ') || ' % of your monthly calls used'
        WHEN n."kind" = 'contract.expired'
          THEN 'platewise: your contract has expired'
        WHEN n."kind" = 'contract.expiring'
          THEN 'platewise: your contract expires on ' || substring(n."message" from ' expires on (\d{4}-\d{2}-\d{2})')
        WHEN n."kind" = 'webhook.failing'
          THEN 'platewise: webhook ' || substring(n."message" from '^Webhook \S+ \((.*)\) failed \d+ deliveries') || ' is failing'
        WHEN n."kind" = 'webhook.removed'
          THEN 'platewise: webhook ' || substring(n."message" from '^Webhook \S+ \((.*)\) was removed after') || ' removed'
      END,
      'platewise: a notice for your account')
FROM "accounts" AS a
JOIN "email_confirmations" AS c ON c."account_id" = a."id"
WHERE n."account_id" = a."id"
  AND a."email" IS NOT NULL
  AND a."email_confirmed_at" IS NULL
  AND c."email" = a."email"
  AND c."used_at" IS NULL
  AND n."created_at" >= c."requested_at"
  AND n."created_at" > CURRENT_TIMESTAMP - interval '48 hours'
  AND n."kind" <> 'watchlist.match';
