-- migrate:up
-- At most one delivery per key (a run's callback is keyed "run:<id>"): two instances that both
-- decide to enqueue the same callback (a settle racing a recovery sweep) get the same delivery.
-- Older rows keep a NULL key, which the unique index does not constrain.
ALTER TABLE callback_deliveries ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS index_callback_deliveries_on_dedupe_key ON callback_deliveries (dedupe_key);

-- migrate:down
DROP INDEX IF EXISTS index_callback_deliveries_on_dedupe_key;
ALTER TABLE callback_deliveries DROP COLUMN dedupe_key;
