-- Gateways keep each account's usage answers (/v1/statistics/, /v2/quota/*, ...) until its usage
-- counters change. Every committed change to daily_usage notifies them with the account's id (an
-- empty payload: every account), so the next answer is read afresh.
CREATE FUNCTION "platewise_usage_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('platewise_usage_changed', '');
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('platewise_usage_changed', OLD.account_id::text);
  ELSE
    PERFORM pg_notify('platewise_usage_changed', NEW.account_id::text);
    IF TG_OP = 'UPDATE' AND OLD.account_id <> NEW.account_id THEN
      PERFORM pg_notify('platewise_usage_changed', OLD.account_id::text);
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "daily_usage_changed" AFTER INSERT OR UPDATE OR DELETE ON "daily_usage"
  FOR EACH ROW EXECUTE FUNCTION "platewise_usage_changed"();
CREATE TRIGGER "daily_usage_truncated" AFTER TRUNCATE ON "daily_usage"
  FOR EACH STATEMENT EXECUTE FUNCTION "platewise_usage_changed"();
