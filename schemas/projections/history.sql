-- Projection "history": one row per domain event of every letter, organisation, campaign and
-- F-1-5 entry (who, when, what, why) for the detail screens; rowid = the log position.
CREATE TABLE history (
  position       INTEGER PRIMARY KEY,
  entity         TEXT NOT NULL,     -- letter, organisation, campaign, registration, day, master
  entity_id      INTEGER NOT NULL,  -- 0 for day/master/contract streams
  version        INTEGER NOT NULL,  -- the stream version of the event
  type           TEXT NOT NULL,     -- the event type's code name
  recorded_at    INTEGER NOT NULL,  -- µs since the epoch (transaction time)
  effective_date TEXT,              -- business date it takes effect (valid time)
  actor_user     TEXT NOT NULL,
  actor_org      TEXT NOT NULL,
  command_id     TEXT NOT NULL,
  status         TEXT,              -- a letter's status after the event
  reason         TEXT,              -- the reason given, if any
  detail         TEXT NOT NULL      -- JSON: what changed
);
-- @indexes
CREATE INDEX IF NOT EXISTS history_entity ON history (entity, entity_id, position);
