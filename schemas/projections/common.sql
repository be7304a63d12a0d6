-- Shared by every projection file (docs/projections.md). One row per projection: the last log
-- position it applied, written in the same transaction as its rows (invariant 7).
CREATE TABLE IF NOT EXISTS checkpoints (
  projection TEXT PRIMARY KEY,
  position   INTEGER NOT NULL,  -- last log position applied (0: none)
  events     INTEGER NOT NULL   -- domain events applied so far
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
