-- Projection "letters": every letter and re-delegation (domain.md §3) with its current status,
-- dates and reason, its place in the chain, and the columns that decide who may see it (F-8).
-- Both parties' code and name are copied into the row (a list page reads one row per letter);
-- the runner writes a party's rows again when its code or name changes.
CREATE TABLE letters (
  id             INTEGER PRIMARY KEY,
  delegator      INTEGER NOT NULL,  -- organisations.id (委任元)
  delegate       INTEGER NOT NULL,  -- organisations.id (委任先)
  delegator_code TEXT NOT NULL,     -- the parties' current codes and names (organisations)
  delegator_name TEXT NOT NULL,
  delegate_code  TEXT NOT NULL,
  delegate_name  TEXT NOT NULL,
  contract_type  TEXT NOT NULL,     -- routine, voluntary_consignment, voluntary_subsidy, temporary
  campaign       INTEGER,           -- F-10 campaign of a temporary letter
  status         TEXT NOT NULL,     -- applied, returned, approved, in_contract, …
  depth          INTEGER NOT NULL,  -- 0 委任状, 1 再委任状, 2 再々委任状
  under          INTEGER,           -- a re-delegation: the letter whose approval created it
  upper          INTEGER,           -- the re-delegation this letter stands under, once approved
  contract_date  TEXT,              -- 契約日
  end_date       TEXT,              -- 脱退日 / 解除日
  termination_date TEXT,            -- a 解除日 scheduled (F-7) until the day job carries it out
  reason         TEXT,              -- the last reason given (差戻, 取下げ, 脱退, 解除)
  applied_at     INTEGER NOT NULL,  -- recorded_at (µs) of the application / creation
  updated_at     INTEGER NOT NULL,  -- recorded_at (µs) of its last event
  -- F-8: who may see the row (projections/visibility.cc reads these)
  delegator_kind         TEXT NOT NULL,
  delegator_prefecture   INTEGER NOT NULL,
  delegator_municipality INTEGER,   -- where the delegator is (a municipality: itself)
  delegate_kind          TEXT NOT NULL,
  delegate_prefecture    INTEGER NOT NULL,
  version        INTEGER NOT NULL,
  -- the position of the last event that changed the row (its own, or a party's new code, name
  -- or place): a copy of the row made at this revision is current (the HTTP layer's cache)
  revision       INTEGER NOT NULL
);
-- @indexes
-- One index per way of seeing a row (projections/queries.cc VisibilityBranches): for a fixed
-- status its entries run in id order, so a page of the newest rows is read from its end; `id`,
-- the filter columns, the columns that keep the branches apart and the revision are in the index,
-- so a page's ids (with their revisions) and a count are found without reading the table
-- (covering).
CREATE INDEX IF NOT EXISTS letters_delegator
  ON letters (delegator, status, id, contract_type, revision);
CREATE INDEX IF NOT EXISTS letters_delegate
  ON letters (delegate, status, id, contract_type, delegator, revision);
CREATE INDEX IF NOT EXISTS letters_status ON letters (status, id, contract_type, revision);
CREATE INDEX IF NOT EXISTS letters_delegator_prefecture
  ON letters (delegator_prefecture, status, id, contract_type, delegator_kind, delegator, delegate,
              revision);
CREATE INDEX IF NOT EXISTS letters_delegator_municipality
  ON letters (delegator_municipality, status, id, contract_type, delegator_kind, delegator,
              delegate, revision);
CREATE INDEX IF NOT EXISTS letters_upper ON letters (upper);
