-- Gateways cache the owner of each API key they have seen (KeyOwnerCache). Every table the key
-- lookup reads notifies them after each committed change, and they empty their cache on it, so a
-- revoked key, a new plan limit or a removed webhook applies to the very next call.
CREATE FUNCTION "platewise_auth_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('platewise_auth_changed', TG_TABLE_NAME);
  RETURN NULL;
END
$$;

CREATE TRIGGER "api_keys_auth_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "api_keys"
  FOR EACH STATEMENT EXECUTE FUNCTION "platewise_auth_changed"();
CREATE TRIGGER "security_settings_auth_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "security_settings"
  FOR EACH STATEMENT EXECUTE FUNCTION "platewise_auth_changed"();
CREATE TRIGGER "contracts_auth_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "contracts"
  FOR EACH STATEMENT EXECUTE FUNCTION "platewise_auth_changed"();
CREATE TRIGGER "plans_auth_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "plans"
  FOR EACH STATEMENT EXECUTE FUNCTION "platewise_auth_changed"();
CREATE TRIGGER "webhooks_auth_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "webhooks"
  FOR EACH STATEMENT EXECUTE FUNCTION "platewise_auth_changed"();
