-- Projection "organisations": every organisation of every kind (domain.md §2), its codes old and
-- new (F-1-4-3), name search (F-8), the F-1-5 entries awaiting a prefecture, and the F-7 解除依頼.
CREATE TABLE organisations (
  id                INTEGER PRIMARY KEY,
  kind              TEXT NOT NULL,     -- code name (municipality, insured_institution, …)
  code              TEXT NOT NULL,     -- the current code
  name              TEXT NOT NULL,
  kana              TEXT NOT NULL,
  address           TEXT NOT NULL,
  prefecture        INTEGER NOT NULL,  -- 1…47; 0 for national bodies
  municipality      INTEGER,           -- organisations.id of the municipality it is located in
  parent            INTEGER,           -- 委任先医師会 of a 郡市区医師会
  member_of         INTEGER,           -- the 郡市区医師会 or aggregator of an institution
  affiliation       TEXT,              -- an institution's membership kind
  opening_date      TEXT,              -- F-1-8-1, while not yet open
  abolition_date    TEXT,              -- F-1-8-2
  abolished         INTEGER NOT NULL,
  union_id          INTEGER,           -- F-1-9 広域連合
  union_join_date   TEXT,
  union_leave_date  TEXT,
  in_union          INTEGER NOT NULL,
  payment_consignment             INTEGER NOT NULL,  -- F-5-2
  payment_consignment_date        TEXT,
  payment_consignment_cancel_date TEXT,
  merged_into       INTEGER,           -- F-1-4-3 merger survivor
  pending_code      TEXT,              -- a code change awaiting approval: the new code
  search_text       TEXT NOT NULL,     -- SearchText(name + kana): scanned for 1–2 characters
  version           INTEGER NOT NULL   -- its stream's version
);
-- Every code an organisation has held; current = 1 for the one it holds now.
CREATE TABLE organisation_codes (
  org     INTEGER NOT NULL,
  code    TEXT NOT NULL,
  current INTEGER NOT NULL,
  PRIMARY KEY (org, code)
) WITHOUT ROWID;
-- Name and kana after SearchText() (ICU NFKC + case fold + kana fold) and two sentinel
-- characters; rowid = organisations.id. Three characters or more are a phrase query; one or two
-- look up the trigrams that start with them in organisation_trigrams (the index's vocabulary).
CREATE VIRTUAL TABLE organisation_search USING fts5(text, tokenize = 'trigram');
CREATE VIRTUAL TABLE IF NOT EXISTS organisation_trigrams USING fts5vocab(organisation_search, 'row');
-- F-1-1 （旧）全国地方公共団体コード: a municipality (or union) and each one it succeeds.
CREATE TABLE organisation_successions (
  successor   INTEGER NOT NULL,
  predecessor INTEGER NOT NULL,
  PRIMARY KEY (successor, predecessor)
) WITHOUT ROWID;
-- F-1-5 entries through an input link (F_画面7-1-1).
CREATE TABLE registrations (
  id         INTEGER PRIMARY KEY,
  issuer     INTEGER NOT NULL,
  approver   INTEGER NOT NULL,
  expires    TEXT NOT NULL,
  status     TEXT NOT NULL,  -- issued, submitted, approved, returned
  name       TEXT,
  kana       TEXT,
  address    TEXT,
  municipality INTEGER,
  site_kind  TEXT,
  org        INTEGER,
  reason     TEXT,
  version    INTEGER NOT NULL
);
-- F-7 解除依頼 (core/termination_requests.h): listed for their addressee (and its union) and their
-- requester; 厚生労働省 and 国保中央会 see them all (F-8).
CREATE TABLE termination_requests (
  id              INTEGER PRIMARY KEY,
  institution     INTEGER NOT NULL,
  requester       INTEGER NOT NULL,  -- the municipality or union that asks
  addressee       INTEGER NOT NULL,  -- the locating municipality, or a site's prefecture
  status          TEXT NOT NULL,     -- open, terminated, declined, lapsed
  reason          TEXT NOT NULL,     -- 解除理由 as asked
  date            TEXT,              -- the 解除日 wished
  contract_types  TEXT NOT NULL,     -- the voluntary types of the relation, comma separated
  decision_reason TEXT,
  decision_date   TEXT,              -- terminated: the 解除日
  letters         TEXT,              -- terminated: the letter ids, comma separated
  version         INTEGER NOT NULL
);
-- @indexes
CREATE INDEX IF NOT EXISTS organisations_kind ON organisations (kind, prefecture, kana);
CREATE INDEX IF NOT EXISTS organisations_prefecture ON organisations (prefecture, kind);
CREATE INDEX IF NOT EXISTS organisations_municipality ON organisations (municipality);
CREATE INDEX IF NOT EXISTS organisations_member_of ON organisations (member_of);
CREATE INDEX IF NOT EXISTS organisation_codes_code ON organisation_codes (code);
CREATE INDEX IF NOT EXISTS organisation_successions_predecessor
  ON organisation_successions (predecessor);
CREATE INDEX IF NOT EXISTS registrations_approver ON registrations (approver, status);
CREATE INDEX IF NOT EXISTS termination_requests_addressee ON termination_requests (addressee, id);
CREATE INDEX IF NOT EXISTS termination_requests_requester ON termination_requests (requester, id);
