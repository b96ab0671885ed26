-- An MSP's price plans (issue 24): what its customers pay it. A plan marks list usage up or
-- down (`markup_bps`, −5 000 to 10 000), optionally per service (`service_markups`, a JSON
-- object of service name to basis points), and may add a fixed monthly fee in cents. One plan
-- per partner is its default; a customer without a plan of its own is priced with it.
CREATE TABLE price_plans (
    plan_id          INTEGER PRIMARY KEY,
    partner_id       BIGINT NOT NULL REFERENCES partners (partner_id),
    name             TEXT NOT NULL,
    markup_bps       BIGINT NOT NULL,
    service_markups  TEXT NOT NULL DEFAULT '{}',
    fee              BIGINT NOT NULL DEFAULT 0,
    fee_label        TEXT NOT NULL DEFAULT '',
    is_default       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (partner_id, name)
);
CREATE UNIQUE INDEX price_plans_one_default ON price_plans (partner_id) WHERE is_default;

ALTER TABLE customers ADD COLUMN price_plan_id BIGINT REFERENCES price_plans (plan_id);
