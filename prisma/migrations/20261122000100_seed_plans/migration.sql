-- Seed plans: a free trial shaped like Plate Recognizer's (2,500 calls/month, 1 call/s, no overage)
-- and paid plans that allow above-quota calls. Operators can add or edit plans afterwards.
INSERT INTO "plans" ("id", "name", "monthly_calls", "indicative_yearly_quota", "calls_per_second", "allow_above_quota", "above_quota_unit_price", "mmc_included", "max_upload_bytes") VALUES
    ('6f1c2d3e-0000-4000-8000-000000000001', 'trial', 2500, 30000, 1, false, 0, false, 3145728),
    ('6f1c2d3e-0000-4000-8000-000000000002', 'pro', 50000, 600000, 8, true, 0.004, false, 3145728),
    ('6f1c2d3e-0000-4000-8000-000000000003', 'business', 250000, 3000000, 20, true, 0.003, true, 3145728)
ON CONFLICT ("name") DO NOTHING;
