-- Projection "fees": the F-2 settings (domain.md §4.3, §4.4) and the F-10 campaigns with their
-- fees, as the annex (別紙) of a letter and the fee lists (F_帳票1-1, 1-2) read them. Each fee
-- event carries its whole row, so a row is replaced by the event's values.
CREATE TABLE municipal_vaccines (
  owner         INTEGER NOT NULL,  -- the municipality or union (its member, by union unit)
  vaccine       TEXT NOT NULL,
  contract_type TEXT NOT NULL,
  amount        INTEGER NOT NULL,  -- 委託料 / 助成額, yen
  start_date    TEXT NOT NULL,     -- 取扱開始日
  end_date      TEXT,              -- 取扱終了日 (last day in force)
  sex           TEXT NOT NULL,
  age_min       INTEGER,
  age_max       INTEGER,
  contractors   TEXT NOT NULL,     -- all_institutions / local_only
  PRIMARY KEY (owner, vaccine, contract_type)
) WITHOUT ROWID;
CREATE TABLE setting_units (
  owner       INTEGER NOT NULL,
  switch_date TEXT NOT NULL,
  unit        TEXT NOT NULL,
  PRIMARY KEY (owner, switch_date)
) WITHOUT ROWID;
CREATE TABLE institution_contracts (
  owner         INTEGER NOT NULL,  -- the institution
  contract_type TEXT NOT NULL,
  municipality  INTEGER NOT NULL,  -- 0: 全国
  start_date    TEXT NOT NULL,     -- 適用開始日
  end_date      TEXT,
  PRIMARY KEY (owner, contract_type, municipality)
) WITHOUT ROWID;
CREATE TABLE institution_vaccines (
  owner         INTEGER NOT NULL,
  vaccine       TEXT NOT NULL,
  contract_type TEXT NOT NULL,
  cost          INTEGER,           -- 接種費用; NULL for 任意助成
  start_date    TEXT NOT NULL,
  end_date      TEXT,
  PRIMARY KEY (owner, vaccine, contract_type)
) WITHOUT ROWID;
CREATE TABLE fee_floors (
  owner INTEGER PRIMARY KEY,
  floor INTEGER                    -- 希望する委託料の下限; NULL: none
);
CREATE TABLE campaigns (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  declared_by   INTEGER NOT NULL,
  start_date    TEXT NOT NULL,
  implementer   TEXT NOT NULL,
  national      INTEGER NOT NULL,
  prefectures   TEXT NOT NULL,     -- 発令エリア, comma-separated numbers ('' when national)
  application_deadline TEXT NOT NULL,
  approval_deadline    TEXT NOT NULL,
  end_date      TEXT,              -- 脱退日 once registered
  ended         INTEGER NOT NULL,
  version       INTEGER NOT NULL
);
CREATE TABLE campaign_fees (
  campaign     INTEGER NOT NULL,
  municipality INTEGER NOT NULL,   -- 0: 基本委託料; else that municipality's 加算委託料
  vaccine      TEXT NOT NULL,
  yen          INTEGER NOT NULL,
  PRIMARY KEY (campaign, municipality, vaccine)
) WITHOUT ROWID;
-- The 疾病・ワクチン master's reference rows (data/reference), written when the file is created.
CREATE TABLE vaccines (
  id             TEXT PRIMARY KEY,
  vaccine_group  TEXT NOT NULL,
  product_name   TEXT NOT NULL,
  routine_status TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE vaccine_diseases (
  vaccine TEXT NOT NULL,
  disease TEXT NOT NULL,
  PRIMARY KEY (vaccine, disease)
) WITHOUT ROWID;
CREATE TABLE diseases (
  id   TEXT PRIMARY KEY,
  name TEXT NOT NULL
) WITHOUT ROWID;
-- @indexes
CREATE INDEX IF NOT EXISTS institution_contracts_municipality ON institution_contracts (municipality, contract_type, owner);
CREATE INDEX IF NOT EXISTS vaccine_diseases_disease ON vaccine_diseases (disease, vaccine);
CREATE INDEX IF NOT EXISTS institution_vaccines_vaccine ON institution_vaccines (vaccine, owner);
