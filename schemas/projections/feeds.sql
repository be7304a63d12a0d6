-- Projection "feeds": the F-31 outbound feeds to 予予・請求システム, one table per interface id
-- (projections/feeds.cc holds the id → feed table), and the notification outbox. The tables and
-- their cursor (the log position) exist now; the feeds and notifications issues fill them.
CREATE TABLE feed_days (
  business_date TEXT PRIMARY KEY,  -- a day the day job closed: feeds never show half a day
  position      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE notification_outbox (
  id           INTEGER PRIMARY KEY,
  position     INTEGER NOT NULL,   -- the event that caused it
  notice       TEXT NOT NULL,      -- BO-3-004, CO-99-012, …
  recipient    INTEGER NOT NULL,   -- organisations.id
  subject      TEXT NOT NULL,
  body         TEXT NOT NULL,
  created_at   INTEGER NOT NULL
);
