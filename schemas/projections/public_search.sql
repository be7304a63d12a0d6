-- Projection "public_search" (F-21): institutions that may vaccinate, for the public search without
-- login: one row per institution with an in-force letter (集合契約中 or 脱退予定) of some type.
-- What it handles and for whom are joined from fees at query time, by the day asked about.
CREATE TABLE public_institutions (
  org           INTEGER PRIMARY KEY,
  code          TEXT NOT NULL,
  name          TEXT NOT NULL,
  kana          TEXT NOT NULL,
  address       TEXT NOT NULL,
  prefecture    INTEGER NOT NULL,
  municipality  INTEGER,           -- organisations.id where it is located
  phone         TEXT,              -- not yet entered anywhere (docs/todo.md)
  digital_questionnaire INTEGER,   -- デジタル予診票 (F-2-5-1); not yet entered
  routine               INTEGER NOT NULL,  -- 1: an in-force letter of this contract type
  voluntary_consignment INTEGER NOT NULL,
  voluntary_subsidy     INTEGER NOT NULL,
  temporary             INTEGER NOT NULL,
  search_text   TEXT NOT NULL      -- SearchText(name + kana)
);
-- @indexes
CREATE INDEX IF NOT EXISTS public_institutions_place ON public_institutions (prefecture, municipality, kana);
CREATE INDEX IF NOT EXISTS public_institutions_municipality ON public_institutions (municipality, kana);
