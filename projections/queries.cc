#include "projections/queries.h"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <set>
#include <variant>

#include "core/chains.h"
#include "core/visibility.h"
#include "projections/internal/sqlite.h"
#include "projections/search_text.h"

namespace shugo::projections {

namespace {

using internal::Statement;
using Bindable = std::variant<int64_t, std::string>;

// A WHERE clause grown term by term, with its bindings in order.
struct Where {
  std::string sql;
  std::vector<Bindable> binds;
  void Add(const std::string& term) { sql += (sql.empty() ? " WHERE " : " AND ") + term; }
  void Add(const std::string& term, Bindable value) {
    Add(term);
    binds.push_back(std::move(value));
  }
};

int BindAll(Statement& st, const std::vector<Bindable>& binds, int i = 1) {
  for (const Bindable& b : binds) {
    if (const auto* n = std::get_if<int64_t>(&b)) {
      st.Bind(i++, *n);
    } else {
      st.Bind(i++, std::get<std::string>(b));
    }
  }
  return i;
}

constexpr const char* kInstitutionKinds = "('insured_institution', 'non_insured_institution')";

// A municipality's area is itself; a 広域連合's is its member municipalities (F-1-9: those whose
// 加入日 has come), from the organisations projection. The viewer's id is bound once.
std::string AreaOf(const Viewer& v) {
  return v.kind == core::OrganisationKind::kWideAreaUnion
             ? "IN (SELECT id FROM organisations WHERE union_id = ? AND in_union = 1)"
             : "= ?";
}

std::string Column(const Statement& st, int c) { return std::string(st.Text(c)); }

int Clamp(int value, int lo, int hi) { return std::max(lo, std::min(hi, value)); }

// Rows per page (1…500) and the offset of page `page` (from 1).
std::pair<int, int64_t> PageOf(int page, int per_page) {
  const int n = Clamp(per_page, 1, 500);
  return {n, int64_t{Clamp(page, 1, 1'000'000) - 1} * n};
}

// The total of a "SELECT count(*) … LIMIT kCountLimit + 1" statement, capped, with `more`.
template <typename T>
Status SetTotal(Statement& count, Page<T>& page) {
  SHUGO_ASSIGN_OR_RETURN(bool counted, count.Step());
  page.total = counted ? count.Int(0) : 0;
  page.more = page.total > kCountLimit;
  page.total = std::min(page.total, kCountLimit);
  return Status::Ok();
}

constexpr const char* kLetterColumns =
    "l.id, l.delegator, l.delegator_code, l.delegator_name, l.delegate, l.delegate_code, "
    "l.delegate_name, l.contract_type, l.status, l.campaign, l.depth, l.under, l.upper, "
    "l.contract_date, l.end_date, l.reason, l.applied_at, l.updated_at, l.version, l.revision, "
    "l.termination_date";

LetterItem ReadLetter(const Statement& st) {
  LetterItem it;
  it.id = static_cast<core::LetterId>(st.Int(0));
  it.delegator = static_cast<core::OrgId>(st.Int(1));
  it.delegator_code = Column(st, 2);
  it.delegator_name = Column(st, 3);
  it.delegate = static_cast<core::OrgId>(st.Int(4));
  it.delegate_code = Column(st, 5);
  it.delegate_name = Column(st, 6);
  it.contract_type = Column(st, 7);
  it.status = Column(st, 8);
  it.campaign = static_cast<core::CampaignId>(st.Int(9));
  it.depth = static_cast<int>(st.Int(10));
  it.under = static_cast<core::LetterId>(st.Int(11));
  it.upper = static_cast<core::LetterId>(st.Int(12));
  it.contract_date = Column(st, 13);
  it.end_date = Column(st, 14);
  it.reason = Column(st, 15);
  it.applied_at = st.Int(16);
  it.updated_at = st.Int(17);
  it.version = static_cast<uint64_t>(st.Int(18));
  it.revision = static_cast<events::Position>(st.Int(19));
  it.termination_date = Column(st, 20);
  return it;
}

// Organisation ids whose name or kana contains `q` (the FTS5 trigram index for three characters
// or more; a scan of the index's text below that).
// An FTS5 phrase: the text in double quotes, quotes doubled.
std::string Phrase(std::string_view text) {
  std::string phrase = "\"";
  for (char c : text) {
    phrase += c;
    if (c == '"') phrase += '"';
  }
  return phrase + "\"";
}

// Organisation ids whose name or kana contains the SearchText() of `q`, as a subquery and its
// binding. Three characters or more: a phrase of the trigram index (rows containing it). One or
// two: the trigrams starting with them (every character of an indexed name starts one, thanks to
// kSearchSentinel), looked up in the index's vocabulary and OR-ed; a scan when too many.
Result<std::pair<std::string, std::string>> NameMatch(const Reader& reader, const std::string& q) {
  static constexpr const char* kMatch =
      "SELECT rowid FROM organisation_search WHERE organisation_search MATCH ?";
  const std::string text = SearchText(q);
  if (CodePoints(text) >= 3) return std::make_pair(std::string(kMatch), Phrase(text));
  constexpr int kMostTerms = 300;
  SHUGO_ASSIGN_OR_RETURN(Statement terms,
                         reader.db().Prepare("SELECT term FROM organisation_trigrams WHERE term >= "
                                             "?1 AND term < ?2 LIMIT ?3"));
  terms.Bind(1, text).Bind(2, PrefixEnd(text)).Bind(3, int64_t{kMostTerms + 1});
  std::string any;
  int n = 0;
  for (;;) {
    SHUGO_ASSIGN_OR_RETURN(bool row, terms.Step());
    if (!row) break;
    any += (n++ ? " OR " : "") + Phrase(terms.Text(0));
  }
  if (n == 0) {  // no name has it
    return std::make_pair(std::string("SELECT id FROM organisations WHERE 0 AND ? IS NOT NULL"),
                          text);
  }
  if (n > kMostTerms) {
    return std::make_pair(
        std::string("SELECT id FROM organisations WHERE instr(search_text, ?) > 0"), text);
  }
  return std::make_pair(std::string(kMatch), any);
}

}  // namespace

Result<Viewer> ViewerOf(const Reader& reader, core::OrgId org) {
  SHUGO_ASSIGN_OR_RETURN(
      Statement st,
      reader.db().Prepare("SELECT kind, prefecture FROM organisations WHERE id = ?1"));
  st.Bind(1, static_cast<int64_t>(org));
  SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("組織がありません: " + std::to_string(org));
  Viewer v;
  v.org = org;
  bool known = false;
  for (const auto& k : core::OrganisationKinds()) {
    if (k.code == st.Text(0)) {
      v.kind = k.value;
      known = true;
    }
  }
  if (!known) return Status::DataLoss("organisations: unknown kind " + Column(st, 0));
  v.prefecture = static_cast<int>(st.Int(1));
  return v;
}

namespace {

// The F-8 rule as separate terms on `letters l`, one per way a viewer may see a row (empty: it
// sees every row). Each has an index whose entries, for a fixed status, run in id order, so the
// newest rows of a branch are read from the end of its index.
std::vector<Where> VisibilityBranches(const Viewer& v) {
  std::vector<Where> out;
  if (v.org == 0 || core::LetterScopeOf(v.kind) == core::LetterScope::kAll) return out;
  const auto me = static_cast<int64_t>(v.org);
  out.emplace_back().Add("l.delegator = ?", me);
  out.emplace_back().Add("l.delegate = ? AND l.delegator != ?");
  out.back().binds = {me, me};
  Where area;
  switch (core::LetterScopeOf(v.kind)) {
    case core::LetterScope::kMunicipalityArea:
      area.Add(std::string("l.delegator_municipality ") + AreaOf(v) + " AND l.delegator_kind IN " +
                   kInstitutionKinds,
               me);
      break;
    case core::LetterScope::kPrefectureArea:
      area.Add(
          std::string("l.delegator_prefecture = ? AND l.delegator_kind IN ") + kInstitutionKinds,
          int64_t{v.prefecture});
      break;
    case core::LetterScope::kPrefecture:
      area.Add("l.delegator_prefecture = ?", int64_t{v.prefecture});
      break;
    default:
      break;
  }
  if (!area.sql.empty()) {
    // Not the viewer's own letters, which the first two branches hold: the branches are
    // disjoint, so their rows are counted and merged without removing duplicates.
    area.Add("l.delegator != ? AND l.delegate != ?");
    area.binds.insert(area.binds.end(), {me, me});
    out.push_back(std::move(area));
  }
  return out;
}

// The same rule as one term on `letters l`: any of the branches (for a single row).
void AddVisibility(Where& w, const Viewer& v) {
  std::string any;
  for (const Where& b : VisibilityBranches(v)) {
    any += (any.empty() ? "((" : " OR (") + b.sql.substr(7) + ")";  // each without " WHERE "
    w.binds.insert(w.binds.end(), b.binds.begin(), b.binds.end());
  }
  if (!any.empty()) w.Add(any + ")");
}

// The branches' ids (disjoint: UNION ALL), each branch with `common`.
//  - kCount: each branch stops at a LIMIT bound after its terms;
//  - kPage: ids and revisions, newest first, one compound whose ORDER BY merges the branches in
//    the order their indexes run, so that no branch is sorted nor read further than the page
//    needs; its LIMIT and OFFSET are bound last.
enum class Ids { kCount, kPage };

std::string UnionIds(const std::vector<Where>& branches, const Where& common, Ids use) {
  std::string sql;
  for (const Where& b : branches) {
    std::string where = b.sql;
    if (!common.sql.empty()) {
      // Both start with " WHERE ": join the second's terms with AND.
      where += where.empty() ? common.sql : " AND " + common.sql.substr(7);
    }
    if (!sql.empty()) sql += " UNION ALL ";
    if (use == Ids::kCount) {
      sql += "SELECT id FROM (SELECT l.id AS id FROM letters l" + where + " LIMIT ?)";
    } else {
      sql += "SELECT l.id AS id, l.revision FROM letters l" + where;
    }
  }
  if (use == Ids::kPage) sql += " ORDER BY 1 DESC LIMIT ? OFFSET ?";
  return sql;
}

// Binds the branches' terms (and with kCount each branch's `limit`); the next index.
int BindUnion(Statement& st, const std::vector<Where>& branches, const Where& common, Ids use,
              int64_t limit = 0) {
  int i = 1;
  for (const Where& b : branches) {
    i = BindAll(st, b.binds, i);
    i = BindAll(st, common.binds, i);
    if (use == Ids::kCount) st.Bind(i++, limit);
  }
  return i;
}

}  // namespace

Result<Page<LetterItem>> ListLetters(
    const Reader& reader, const Viewer& viewer, const LetterFilter& filter,
    const std::function<bool(core::LetterId, events::Position)>& have) {
  Where common;
  if (filter.status) common.Add("l.status = ?", std::string(core::CodeName(*filter.status)));
  if (filter.contract_type) {
    common.Add("l.contract_type = ?", std::string(core::CodeName(*filter.contract_type)));
  }
  if (filter.delegator) common.Add("l.delegator = ?", static_cast<int64_t>(filter.delegator));
  if (filter.delegate) common.Add("l.delegate = ?", static_cast<int64_t>(filter.delegate));
  if (!SearchText(filter.q).empty()) {
    SHUGO_ASSIGN_OR_RETURN(auto name, NameMatch(reader, filter.q));
    const auto& [match, bind] = name;
    common.Add("(l.delegator IN (" + match + ") OR l.delegate IN (" + match + "))");
    common.binds.insert(common.binds.end(), {bind, bind});
  }
  std::vector<Where> branches = VisibilityBranches(viewer);
  if (branches.empty()) branches.emplace_back();  // every row
  const auto [per_page, offset] = PageOf(filter.page, filter.per_page);

  // The union of the branches' ids: counted up to kCountLimit + 1, then the page's.
  Page<LetterItem> page;
  if (filter.known_total) {
    page.total = filter.known_total->first;
    page.more = filter.known_total->second;
  } else {
    SHUGO_ASSIGN_OR_RETURN(Statement count,
                           reader.db().Prepare("SELECT count(*) FROM (" +
                                               UnionIds(branches, common, Ids::kCount) + ")"));
    BindUnion(count, branches, common, Ids::kCount, kCountLimit + 1);
    SHUGO_RETURN_IF_ERROR(SetTotal(count, page));
  }
  if (offset >= page.total && !page.more) return page;
  // The page's ids and revisions come from merging the branches' covering indexes; then the rows
  // the caller does not hold are read by id. A branch's index runs in id order only for a fixed
  // status: without a status filter, each status is a branch of its own, so no branch is sorted
  // whole (a prefecture's letters, unfiltered, took ~6 ms to sort).
  if (!filter.status && !branches.front().sql.empty()) {
    std::vector<Where> by_status;
    for (const Where& b : branches) {
      for (const auto& row : core::LetterStatuses()) {
        if (row.value == core::LetterStatus::kNone) continue;
        by_status.push_back(b);
        by_status.back().Add("l.status = ?", std::string(row.code));
      }
    }
    branches = std::move(by_status);
  }
  // The ids and then the rows must come from one snapshot (a letter re-keyed in between could
  // show under a party the viewer may not see): the reader's read transaction, or one of the
  // page's own should the reader have none.
  struct Snapshot {
    sqlite::Database& db;
    bool own = false;
    ~Snapshot() {
      if (own) db.Exec("COMMIT").IgnoreError();
    }
  } snapshot{reader.db()};
  if (sqlite3_get_autocommit(reader.db().raw()) != 0) {
    SHUGO_RETURN_IF_ERROR(reader.db().Exec("BEGIN"));
    snapshot.own = true;
  }
  SHUGO_ASSIGN_OR_RETURN(Statement ids,
                         reader.db().Prepare(UnionIds(branches, common, Ids::kPage)));
  const int i = BindUnion(ids, branches, common, Ids::kPage);
  ids.Bind(i, int64_t{per_page}).Bind(i + 1, offset);
  page.items.reserve(static_cast<size_t>(per_page));
  for (;;) {
    SHUGO_ASSIGN_OR_RETURN(bool row, ids.Step());
    if (!row) break;
    LetterItem& it = page.items.emplace_back();
    it.id = static_cast<core::LetterId>(ids.Int(0));
    it.revision = static_cast<events::Position>(ids.Int(1));
  }
  SHUGO_ASSIGN_OR_RETURN(Statement one,
                         reader.db().Prepare(std::string("SELECT ") + kLetterColumns +
                                             " FROM letters l WHERE l.id = ?1"));
  for (LetterItem& it : page.items) {
    if (have && have(it.id, it.revision)) continue;
    one.Reset();
    one.Bind(1, static_cast<int64_t>(it.id));
    SHUGO_ASSIGN_OR_RETURN(bool row, one.Step());
    if (!row) return Status::DataLoss("letters: row " + std::to_string(it.id) + " vanished");
    it = ReadLetter(one);
  }
  return page;
}

Result<std::optional<LetterItem>> FindLetter(const Reader& reader, const Viewer& viewer,
                                             core::LetterId id) {
  Where w;
  w.Add("l.id = ?", static_cast<int64_t>(id));
  AddVisibility(w, viewer);
  SHUGO_ASSIGN_OR_RETURN(Statement st, reader.db().Prepare(std::string("SELECT ") + kLetterColumns +
                                                           " FROM letters l" + w.sql));
  BindAll(st, w.binds);
  SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<LetterItem>();
  return std::optional<LetterItem>(ReadLetter(st));
}

Result<std::vector<LetterItem>> LettersFrom(const Reader& reader, const Viewer& viewer,
                                            core::OrgId org, int limit) {
  Where w;
  w.Add("l.delegator = ?", static_cast<int64_t>(org));
  AddVisibility(w, viewer);
  SHUGO_ASSIGN_OR_RETURN(
      Statement st, reader.db().Prepare(std::string("SELECT ") + kLetterColumns +
                                        " FROM letters l" + w.sql + " ORDER BY l.id DESC LIMIT ?"));
  st.Bind(BindAll(st, w.binds), int64_t{std::max(limit, 0)});
  std::vector<LetterItem> out;
  for (;;) {
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadLetter(st));
  }
  return out;
}

Result<std::vector<HistoryItem>> History(const Reader& reader, const std::string& entity,
                                         int64_t id) {
  SHUGO_ASSIGN_OR_RETURN(Statement st, reader.db().Prepare(R"(
SELECT position, version, type, recorded_at, effective_date, actor_user, actor_org, status, reason,
  detail FROM history WHERE entity = ?1 AND entity_id = ?2 ORDER BY position)"));
  st.Bind(1, entity).Bind(2, id);
  std::vector<HistoryItem> out;
  for (;;) {
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    HistoryItem h;
    h.position = static_cast<events::Position>(st.Int(0));
    h.version = static_cast<uint64_t>(st.Int(1));
    h.type = Column(st, 2);
    h.recorded_at = st.Int(3);
    h.effective_date = Column(st, 4);
    h.actor_user = Column(st, 5);
    h.actor_org = Column(st, 6);
    h.status = Column(st, 7);
    h.reason = Column(st, 8);
    h.detail = Column(st, 9);
    out.push_back(std::move(h));
  }
  return out;
}

namespace {

constexpr const char* kOrgColumns =
    "o.id, o.kind, o.code, o.name, o.kana, o.address, o.prefecture, o.municipality, o.parent, "
    "o.member_of, o.merged_into, o.abolished, o.affiliation, o.opening_date, o.abolition_date, "
    "o.union_id, o.union_join_date, o.union_leave_date, o.in_union, o.payment_consignment, "
    "o.payment_consignment_date, o.payment_consignment_cancel_date, o.pending_code, o.version";

Result<OrganisationItem> ReadOrg(const Reader& reader, const Statement& st) {
  OrganisationItem it;
  it.id = static_cast<core::OrgId>(st.Int(0));
  it.kind = Column(st, 1);
  it.code = Column(st, 2);
  it.name = Column(st, 3);
  it.kana = Column(st, 4);
  it.address = Column(st, 5);
  it.prefecture = static_cast<int>(st.Int(6));
  it.municipality = static_cast<core::OrgId>(st.Int(7));
  it.parent = static_cast<core::OrgId>(st.Int(8));
  it.member_of = static_cast<core::OrgId>(st.Int(9));
  it.merged_into = static_cast<core::OrgId>(st.Int(10));
  it.abolished = st.Int(11) != 0;
  it.affiliation = Column(st, 12);
  it.opening_date = Column(st, 13);
  it.abolition_date = Column(st, 14);
  it.union_id = static_cast<core::OrgId>(st.Int(15));
  it.union_join_date = Column(st, 16);
  it.union_leave_date = Column(st, 17);
  it.in_union = st.Int(18) != 0;
  it.payment_consignment = st.Int(19) != 0;
  it.payment_consignment_date = Column(st, 20);
  it.payment_consignment_cancel_date = Column(st, 21);
  it.pending_code = Column(st, 22);
  it.version = static_cast<uint64_t>(st.Int(23));
  SHUGO_ASSIGN_OR_RETURN(
      Statement codes,
      reader.db().Prepare("SELECT code FROM organisation_codes WHERE org = ?1 AND current = 0 "
                          "ORDER BY code"));
  codes.Bind(1, static_cast<int64_t>(it.id));
  for (;;) {
    SHUGO_ASSIGN_OR_RETURN(bool row, codes.Step());
    if (!row) break;
    it.old_codes.push_back(Column(codes, 0));
  }
  return it;
}

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<Page<OrganisationItem>> SearchOrganisations(const Reader& reader,
                                                   const OrganisationFilter& filter) {
  Where w;
  if (filter.kind) w.Add("o.kind = ?", std::string(core::CodeName(*filter.kind)));
  if (filter.prefecture) w.Add("o.prefecture = ?", int64_t{filter.prefecture});
  const std::string q = SearchText(filter.q);
  // A name: the matching ids drive the scan (outer loop), organisations are looked up by id.
  std::string from = " FROM organisations o";
  std::vector<Bindable> from_binds;
  std::string match;  // the name's id subquery, if any
  if (AllDigits(q)) {
    // A code, or its start: any code the organisation has held (F-1-4-3 keeps the old ones).
    std::string upper = q;
    upper.back() = static_cast<char>(upper.back() + 1);
    w.Add("o.id IN (SELECT org FROM organisation_codes WHERE code >= ? AND code < ?)", q);
    w.binds.emplace_back(upper);
  } else if (!q.empty()) {
    SHUGO_ASSIGN_OR_RETURN(auto name, NameMatch(reader, filter.q));
    match = name.first;
    from = " FROM (" + match + ") m CROSS JOIN organisations o ON o.id = m.rowid";
    if (match.find("FROM organisations") != std::string::npos) {
      from = " FROM (" + match + ") m CROSS JOIN organisations o ON o.id = m.id";
    }
    from_binds.emplace_back(name.second);
  }
  auto bind = [&](Statement& st) { return BindAll(st, w.binds, BindAll(st, from_binds)); };
  Page<OrganisationItem> page;
  SHUGO_ASSIGN_OR_RETURN(Statement count, reader.db().Prepare("SELECT count(*) FROM (SELECT 1" +
                                                              from + w.sql + " LIMIT ?)"));
  count.Bind(bind(count), kCountLimit + 1);
  SHUGO_RETURN_IF_ERROR(SetTotal(count, page));
  const auto [per_page, offset] = PageOf(filter.page, filter.per_page);
  if (offset >= page.total && !page.more) return page;
  // Few matches: sort them. Many: walk the (kind, prefecture, kana) index in its order, keep the
  // matching ones and stop at the page's end. (The index is missing only while a first build
  // loads.)
  const std::string order = " ORDER BY o.kind, o.prefecture, o.kana, o.id LIMIT ? OFFSET ?";
  Result<Statement> prepared = Status::NotFound("");
  int next = 0;
  if (page.total > 2000 && !match.empty()) {
    // Matches are dense: the first page's rows come after a short walk, each checked directly.
    prepared = reader.db().Prepare(std::string("SELECT ") + kOrgColumns +
                                   " FROM organisations o INDEXED BY organisations_kind WHERE "
                                   "instr(o.search_text, ?) > 0" +
                                   (w.sql.empty() ? "" : " AND " + w.sql.substr(7)) + order);
    if (prepared.ok()) {
      prepared->Bind(1, q);
      next = BindAll(*prepared, w.binds, 2);
    }
  }
  if (!prepared.ok()) {
    prepared = reader.db().Prepare(std::string("SELECT ") + kOrgColumns + from + w.sql + order);
    if (prepared.ok()) next = bind(*prepared);
  }
  SHUGO_RETURN_IF_ERROR(prepared.status());
  Statement& st = *prepared;
  st.Bind(next, int64_t{per_page}).Bind(next + 1, offset);
  for (;;) {
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    SHUGO_ASSIGN_OR_RETURN(OrganisationItem it, ReadOrg(reader, st));
    page.items.push_back(std::move(it));
  }
  return page;
}

Result<std::optional<OrganisationItem>> FindOrganisation(const Reader& reader, core::OrgId id) {
  SHUGO_ASSIGN_OR_RETURN(Statement st,
                         reader.db().Prepare(std::string("SELECT ") + kOrgColumns +
                                             " FROM organisations o WHERE o.id = ?1"));
  st.Bind(1, static_cast<int64_t>(id));
  SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<OrganisationItem>();
  SHUGO_ASSIGN_OR_RETURN(OrganisationItem it, ReadOrg(reader, st));
  return std::optional<OrganisationItem>(std::move(it));
}

Result<std::optional<OrganisationItem>> FindOrganisationByCode(const Reader& reader,
                                                               const std::string& code) {
  SHUGO_ASSIGN_OR_RETURN(
      Statement st, reader.db().Prepare(
                        "SELECT org FROM organisation_codes WHERE code = ?1 ORDER BY current DESC "
                        "LIMIT 1"));
  st.Bind(1, code);
  SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<OrganisationItem>();
  return FindOrganisation(reader, static_cast<core::OrgId>(st.Int(0)));
}

namespace {

// "o.kind IN (?, …)" with the kinds' code names bound.
void AddKinds(Where& w, const std::set<core::OrganisationKind>& kinds, const std::string& also = {},
              std::optional<int64_t> also_bind = std::nullopt) {
  std::string in;
  std::vector<Bindable> binds;
  for (core::OrganisationKind k : kinds) {
    in += in.empty() ? "?" : ", ?";
    binds.emplace_back(std::string(core::CodeName(k)));
  }
  w.Add("o.kind IN (" + in + ")" + also);
  w.binds.insert(w.binds.end(), binds.begin(), binds.end());
  if (also_bind) w.binds.emplace_back(*also_bind);
}

// The organisations whose whole record `v` may see (queries.h, OrganisationsInScope), as terms on
// `organisations o` to OR; none: every row.
std::vector<Where> OrganisationScope(const Viewer& v) {
  using K = core::OrganisationKind;
  std::vector<Where> out;
  const core::LetterScope scope = core::LetterScopeOf(v.kind);
  if (v.org == 0 || scope == core::LetterScope::kAll) return out;
  const auto me = static_cast<int64_t>(v.org);
  const int64_t prefecture = v.prefecture;
  out.emplace_back().Add("o.id = ?", me);
  // Its neighbours in the chains (an institution's 医師会 or 団体, a 郡市区医師会's 委任先医師会, a
  // site's setting-up authority), the institutions merged into it, and its letters' other party.
  out.emplace_back().Add("o.member_of = ?", me);
  out.emplace_back().Add("o.parent = ?", me);
  out.emplace_back().Add("o.merged_into = ?", me);
  out.emplace_back().Add("o.id IN (SELECT delegate FROM letters WHERE delegator = ?)", me);
  out.emplace_back().Add("o.id IN (SELECT delegator FROM letters WHERE delegate = ?)", me);
  const std::set<K> institutions{K::kInsuredInstitution, K::kNonInsuredInstitution};
  switch (scope) {
    case core::LetterScope::kMunicipalityArea:
      AddKinds(out.emplace_back(), institutions, " AND o.municipality " + AreaOf(v), me);
      if (v.kind == K::kWideAreaUnion) out.emplace_back().Add("o.union_id = ?", me);
      break;
    case core::LetterScope::kPrefectureArea:
      AddKinds(out.emplace_back(), institutions, " AND o.prefecture = ?", prefecture);
      break;
    case core::LetterScope::kPrefecture:
      out.emplace_back().Add("o.prefecture = ?", prefecture);
      break;
    default:
      break;
  }
  // Every organisation the chain table routes to the viewer's kind as a national body (日本医師会,
  // 全国知事会) or as its own prefecture (都道府県), hop by hop.
  std::set<K> national, own_prefecture;
  for (const core::ChainRule& rule : core::ChainRules()) {
    std::set<K> from(rule.delegators.begin(), rule.delegators.end());
    std::vector<core::ChainStep> steps{rule.delegate};
    steps.insert(steps.end(), rule.redelegations.begin(), rule.redelegations.end());
    for (const core::ChainStep& step : steps) {
      if (step.kind == v.kind &&
          (step.hop == core::Hop::kJma || step.hop == core::Hop::kGovernorsAssociation)) {
        national.insert(from.begin(), from.end());
      }
      if (step.kind == v.kind && step.hop == core::Hop::kOwnPrefecture) {
        own_prefecture.insert(from.begin(), from.end());
      }
      from = {step.kind};
    }
  }
  if (!national.empty()) AddKinds(out.emplace_back(), national);
  if (!own_prefecture.empty()) {
    AddKinds(out.emplace_back(), own_prefecture, " AND o.prefecture = ?", prefecture);
  }
  return out;
}

}  // namespace

Result<std::vector<core::OrgId>> OrganisationsInScope(const Reader& reader, const Viewer& viewer,
                                                      const std::vector<core::OrgId>& ids) {
  std::vector<core::OrgId> out;
  if (ids.empty()) return out;
  Where w;
  std::string in;
  for (core::OrgId id : ids) {
    in += in.empty() ? "?" : ", ?";
    w.binds.emplace_back(static_cast<int64_t>(id));
  }
  w.Add("o.id IN (" + in + ")");
  std::string any;
  for (const Where& term : OrganisationScope(viewer)) {
    any += (any.empty() ? "((" : " OR (") + term.sql.substr(7) + ")";  // each without " WHERE "
    w.binds.insert(w.binds.end(), term.binds.begin(), term.binds.end());
  }
  if (!any.empty()) w.Add(any + ")");
  SHUGO_ASSIGN_OR_RETURN(Statement st,
                         reader.db().Prepare("SELECT o.id FROM organisations o" + w.sql));
  BindAll(st, w.binds);
  for (;;) {
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(static_cast<core::OrgId>(st.Int(0)));
  }
  return out;
}

Result<std::vector<OrganisationItem>> UnionMembers(const Reader& reader, core::OrgId union_id) {
  SHUGO_ASSIGN_OR_RETURN(Statement st, reader.db().Prepare(std::string("SELECT ") + kOrgColumns +
                                                           " FROM organisations o WHERE "
                                                           "o.union_id = ?1 ORDER BY o.code"));
  st.Bind(1, static_cast<int64_t>(union_id));
  std::vector<OrganisationItem> out;
  for (;;) {
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    SHUGO_ASSIGN_OR_RETURN(OrganisationItem it, ReadOrg(reader, st));
    out.push_back(std::move(it));
  }
  return out;
}

Result<Successions> SuccessionsOf(const Reader& reader, core::OrgId org) {
  Successions out;
  auto read = [&](const char* where, std::vector<OrganisationItem>& into) -> Status {
    SHUGO_ASSIGN_OR_RETURN(
        Statement st, reader.db().Prepare(std::string("SELECT ") + kOrgColumns +
                                          " FROM organisations o JOIN organisation_successions s "
                                          "ON " +
                                          where + " = ?1 ORDER BY o.code"));
    st.Bind(1, static_cast<int64_t>(org));
    for (;;) {
      SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return Status::Ok();
      SHUGO_ASSIGN_OR_RETURN(OrganisationItem it, ReadOrg(reader, st));
      into.push_back(std::move(it));
    }
  };
  SHUGO_RETURN_IF_ERROR(read("o.id = s.predecessor AND s.successor", out.predecessors));
  SHUGO_RETURN_IF_ERROR(read("o.id = s.successor AND s.predecessor", out.successors));
  return out;
}

namespace {

// The F-21 filter as a WHERE clause on `public_institutions p`.
Where PublicWhere(const PublicFilter& filter) {
  const std::string type(core::CodeName(filter.contract_type));
  const std::string today = filter.today.ToString();
  Where w;
  // The column of the contract type: a fixed name from the enumeration, never user text.
  w.Add("p." + type + " = 1");
  if (filter.prefecture) w.Add("p.prefecture = ?", int64_t{filter.prefecture});
  if (filter.municipality) w.Add("p.municipality = ?", static_cast<int64_t>(filter.municipality));
  if (filter.residence) {
    // It may vaccinate the municipality's residents: its 契約先自治体 names that municipality
    // (or 全国) today, and the municipality itself is in the collective contract (F-21).
    w.Add(
        "p.org IN (SELECT owner FROM institution_contracts WHERE municipality IN (?, 0) AND "
        "contract_type = ? AND start_date <= ? AND (end_date IS NULL OR end_date >= ?))");
    w.binds.insert(w.binds.end(), {static_cast<int64_t>(filter.residence), type, today, today});
    w.Add(
        "EXISTS (SELECT 1 FROM letters m WHERE m.delegator = ? AND m.contract_type = ? AND "
        "m.status IN ('in_contract', 'secession_scheduled'))");
    w.binds.insert(w.binds.end(), {static_cast<int64_t>(filter.residence), type});
  }
  if (!filter.disease.empty()) {
    w.Add(
        "EXISTS (SELECT 1 FROM institution_vaccines v JOIN vaccine_diseases d ON d.vaccine = "
        "v.vaccine WHERE v.owner = p.org AND v.contract_type = ? AND d.disease = ? AND "
        "v.start_date <= ? AND (v.end_date IS NULL OR v.end_date >= ?))");
    w.binds.insert(w.binds.end(), {type, filter.disease, today, today});
  }
  if (const std::string text = SearchText(filter.q); !text.empty()) {
    w.Add("instr(p.search_text, ?) > 0", text);
  }
  return w;
}

// The rows of `w` counted up to kCountLimit, into `page`.
Status CountPublic(const Reader& reader, const Where& w, Page<PublicItem>& page) {
  SHUGO_ASSIGN_OR_RETURN(Statement count, reader.db().Prepare("SELECT count(*) FROM (SELECT 1 FROM "
                                                              "public_institutions p" +
                                                              w.sql + " LIMIT ?)"));
  count.Bind(BindAll(count, w.binds), kCountLimit + 1);
  return SetTotal(count, page);
}

// Rows offset … offset + limit of `w` in the search's order, with what each handles today, into
// `page`.
Status PublicRows(const Reader& reader, const PublicFilter& filter, const Where& w, int64_t limit,
                  int64_t offset, Page<PublicItem>& page) {
  const std::string type(core::CodeName(filter.contract_type));
  const std::string today = filter.today.ToString();
  SHUGO_ASSIGN_OR_RETURN(
      Statement st,
      reader.db().Prepare(
          "SELECT p.org, p.code, p.name, p.address, p.phone, p.digital_questionnaire, "
          "(SELECT name FROM organisations WHERE kind = 'prefecture' AND prefecture = "
          "p.prefecture), (SELECT name FROM organisations WHERE id = p.municipality) "
          "FROM public_institutions p" +
          w.sql + " ORDER BY p.prefecture, p.municipality, p.kana, p.org LIMIT ? OFFSET ?"));
  const int next = BindAll(st, w.binds);
  st.Bind(next, limit).Bind(next + 1, offset);
  for (;;) {
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    PublicItem it;
    it.org = static_cast<core::OrgId>(st.Int(0));
    it.code = Column(st, 1);
    it.name = Column(st, 2);
    it.address = Column(st, 3);
    it.phone = Column(st, 4);
    if (!st.IsNull(5)) it.digital_questionnaire = st.Int(5) != 0;
    it.prefecture_name = Column(st, 6);
    it.municipality_name = Column(st, 7);
    page.items.push_back(std::move(it));
  }
  // What each handles today, for this contract type: 疾病名 and ワクチン種別.
  SHUGO_ASSIGN_OR_RETURN(Statement vaccines, reader.db().Prepare(R"(
SELECT DISTINCT s.name, x.vaccine_group, d.disease FROM institution_vaccines v
  JOIN vaccines x ON x.id = v.vaccine
  JOIN vaccine_diseases d ON d.vaccine = v.vaccine
  JOIN diseases s ON s.id = d.disease
WHERE v.owner = ?1 AND v.contract_type = ?2 AND v.start_date <= ?3
  AND (v.end_date IS NULL OR v.end_date >= ?3)
ORDER BY d.disease, x.vaccine_group)"));
  for (PublicItem& it : page.items) {
    vaccines.Bind(1, static_cast<int64_t>(it.org)).Bind(2, type).Bind(3, today);
    for (;;) {
      SHUGO_ASSIGN_OR_RETURN(bool row, vaccines.Step());
      if (!row) break;
      it.vaccines.push_back({Column(vaccines, 0), Column(vaccines, 1)});
    }
    vaccines.Reset();
  }
  return Status::Ok();
}

}  // namespace

Result<Page<PublicItem>> PublicSearch(const Reader& reader, const PublicFilter& filter) {
  const Where w = PublicWhere(filter);
  Page<PublicItem> page;
  SHUGO_RETURN_IF_ERROR(CountPublic(reader, w, page));
  const auto [per_page, offset] = PageOf(filter.page, filter.per_page);
  if (offset >= page.total && !page.more) return page;
  SHUGO_RETURN_IF_ERROR(PublicRows(reader, filter, w, per_page, offset, page));
  return page;
}

Result<Page<PublicItem>> PublicSearchAll(const Reader& reader, const PublicFilter& filter,
                                         int64_t limit) {
  const Where w = PublicWhere(filter);
  Page<PublicItem> page;
  // The count, the rows and what they handle see each projection as it stood at one moment: the
  // reader's read transaction.
  SHUGO_RETURN_IF_ERROR(CountPublic(reader, w, page));
  if (!page.more && page.total <= limit && page.total > 0) {
    SHUGO_RETURN_IF_ERROR(PublicRows(reader, filter, w, page.total, 0, page));
  }
  if (page.total > limit) page.more = true;
  return page;
}

namespace {

// The requests `viewer` may see in `box`, as a WHERE clause on `termination_requests t`.
Where TerminationWhere(const Viewer& viewer, RequestBox box) {
  const auto org = static_cast<int64_t>(viewer.org);
  // Addressed to the viewer, or to a municipality of the 広域連合 it is (which decides for it).
  const std::string received =
      "(t.addressee = ? OR t.addressee IN (SELECT id FROM organisations WHERE union_id = ? AND "
      "in_union = 1))";
  Where w;
  if (box == RequestBox::kReceived) {
    w.Add(received);
    w.binds.insert(w.binds.end(), {org, org});
  } else if (box == RequestBox::kSent) {
    w.Add("t.requester = ?", org);
  } else if (viewer.org != 0 && core::LetterScopeOf(viewer.kind) != core::LetterScope::kAll) {
    w.Add("(t.requester = ? OR " + received + ")");
    w.binds.insert(w.binds.end(), {org, org, org});
  }
  return w;
}

constexpr const char* kTerminationFrom =
    " FROM termination_requests t JOIN organisations i ON i.id = t.institution JOIN organisations "
    "r ON r.id = t.requester JOIN organisations a ON a.id = t.addressee";

Status TerminationRows(const Reader& reader, const Where& w, int64_t limit, int64_t offset,
                       std::vector<TerminationRequestItem>& out) {
  SHUGO_ASSIGN_OR_RETURN(
      Statement st,
      reader.db().Prepare(
          std::string("SELECT t.id, t.institution, i.code, i.name, t.requester, r.code, r.name, "
                      "t.addressee, a.code, a.name, t.status, t.reason, t.date, t.contract_types, "
                      "t.decision_reason, t.decision_date, t.letters, t.version") +
          kTerminationFrom + w.sql + " ORDER BY t.id DESC LIMIT ? OFFSET ?"));
  const int next = BindAll(st, w.binds);
  st.Bind(next, limit).Bind(next + 1, offset);
  for (;;) {
    SHUGO_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    TerminationRequestItem& it = out.emplace_back();
    it.id = static_cast<core::TerminationRequestId>(st.Int(0));
    // Three parties of three columns each (id, code, name), then the request's texts in order.
    PartyItem* parties[] = {&it.institution, &it.requester, &it.addressee};
    for (int p = 0; p < 3; ++p) {
      *parties[p] = {static_cast<core::OrgId>(st.Int(1 + 3 * p)), Column(st, 2 + 3 * p),
                     Column(st, 3 + 3 * p)};
    }
    std::string* texts[] = {&it.status,          &it.reason,        &it.date,   &it.contract_types,
                            &it.decision_reason, &it.decision_date, &it.letters};
    for (int t = 0; t < 7; ++t) *texts[t] = Column(st, 10 + t);
    it.version = static_cast<uint64_t>(st.Int(17));
  }
  return Status::Ok();
}

}  // namespace

Result<Page<TerminationRequestItem>> ListTerminationRequests(
    const Reader& reader, const Viewer& viewer, const TerminationRequestFilter& filter) {
  Where w = TerminationWhere(viewer, filter.box);
  if (!filter.status.empty()) w.Add("t.status = ?", filter.status);
  Page<TerminationRequestItem> page;
  SHUGO_ASSIGN_OR_RETURN(Statement count, reader.db().Prepare("SELECT count(*) FROM (SELECT 1 FROM "
                                                              "termination_requests t" +
                                                              w.sql + " LIMIT ?)"));
  count.Bind(BindAll(count, w.binds), kCountLimit + 1);
  SHUGO_RETURN_IF_ERROR(SetTotal(count, page));
  const auto [per_page, offset] = PageOf(filter.page, filter.per_page);
  if (offset >= page.total && !page.more) return page;
  SHUGO_RETURN_IF_ERROR(TerminationRows(reader, w, per_page, offset, page.items));
  return page;
}

Result<std::optional<TerminationRequestItem>> FindTerminationRequest(
    const Reader& reader, const Viewer& viewer, core::TerminationRequestId id) {
  Where w = TerminationWhere(viewer, RequestBox::kAll);
  w.Add("t.id = ?", static_cast<int64_t>(id));
  std::vector<TerminationRequestItem> found;
  SHUGO_RETURN_IF_ERROR(TerminationRows(reader, w, 1, 0, found));
  if (found.empty()) return std::optional<TerminationRequestItem>();
  return std::optional<TerminationRequestItem>(std::move(found.front()));
}

}  // namespace shugo::projections
