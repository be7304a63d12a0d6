#include "demo/demo.h"

#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "base/clock.h"
#include "core/codes.h"
#include "core/processor.h"
#include "events/event_store.h"

#ifndef SHUGO_REFERENCE_DIR
#define SHUGO_REFERENCE_DIR "data/reference"
#endif

namespace shugo::demo {

namespace {

using core::Actor;
using core::ContractType;
using core::LetterId;
using K = core::OrganisationKind;
using DK = core::OrganisationDateKind;

// Lines of a CSV file (plain or gzip; the reference files quote nothing), header dropped.
Result<std::vector<std::vector<std::string>>> ReadCsv(const std::filesystem::path& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return Status::NotFound("cannot open " + path.string());
  std::vector<std::vector<std::string>> rows;
  std::string line;
  char buf[4096];
  bool header = true;
  while (gzgets(f, buf, sizeof buf) != nullptr) {
    line += buf;
    if (line.empty() || line.back() != '\n') continue;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (!header && !line.empty()) {
      std::vector<std::string> cells;
      size_t start = 0;
      for (;;) {
        size_t comma = line.find(',', start);
        cells.push_back(line.substr(start, comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      rows.push_back(std::move(cells));
    }
    header = false;
    line.clear();
  }
  gzclose(f);
  return rows;
}

std::string Pad(uint64_t n, size_t width) {
  std::string s = std::to_string(n);
  return std::string(width > s.size() ? width - s.size() : 0, '0') + s;
}

// The simulated year (**project**): registration in March 2025, the system goes live on
// 2025-04-01, the year ends on 2026-03-31.
const JapanDate kStart(2025, 3, 3);
const JapanDate kGoLive(2025, 4, 1);
const JapanDate kEnd(2026, 3, 31);

class Demo {
 public:
  explicit Demo(const DemoOptions& o) : o_(o), clock_(kStart), rng_(o.seed) {}

  Status Build();
  DemoReport report() const { return report_; }

 private:
  struct Muni {
    std::string code, name, kana, pref, kind;
    std::string assoc;  // the code of its 郡市区医師会
  };
  struct Inst {
    std::string code, pref;
    int day;  // the day (offset from go-live) it applies
  };

  uint64_t Rand(uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  void At(JapanDate day, int hour) {
    const int64_t t = day.StartUnixMicros() + int64_t{hour} * 3'600'000'000;
    if (t > clock_.NowMicros()) clock_.SetMicros(t);
  }

  // Runs one command; a refusal is counted and returned (the demo also shows refusals).
  Result<core::Outcome> Run(Actor actor, core::Request request) {
    core::CommandRequest c;
    c.id = "demo-" + std::to_string(++seq_);
    c.actor = std::move(actor);
    c.request = std::move(request);
    clock_.AdvanceMicros(2000);
    Result<core::Outcome> r = processor_->Execute(c);
    if (r.ok()) {
      ++report_.commands;
    } else {
      ++report_.refused;
    }
    return r;
  }
  Status MustRun(Actor actor, core::Request request, const char* what) {
    Result<core::Outcome> r = Run(std::move(actor), std::move(request));
    if (!r.ok()) return Status(r.status().code(), std::string(what) + ": " + r.status().ToString());
    last_ = std::move(*r);
    return Status::Ok();
  }
  static Actor As(const std::string& code) { return Actor{"u-" + code, code}; }

  Status Register(Actor by, core::RegisterOrganisation r, const char* what) {
    SHUGO_RETURN_IF_ERROR(MustRun(std::move(by), std::move(r), what));
    return Status::Ok();
  }

  Status LoadMasters();
  Status Apply(const std::string& code, ContractType type, JapanDate day,
               core::CampaignId campaign = 0);
  Status MunicipalFees(const Muni& m, size_t i);
  Status InstitutionSettings();
  Status Campaign(JapanDate day);
  Status ApproveQueues(bool every_delegate = true);
  Status Day(JapanDate day);
  Status Special(JapanDate day);
  Status CodeChange(bool returned);
  Status Merger();
  void Progress(JapanDate day, bool done);

  DemoOptions o_;
  ManualClock clock_;
  std::mt19937_64 rng_;
  std::unique_ptr<events::EventStore> store_;
  std::unique_ptr<core::Processor> processor_;
  DemoReport report_;
  uint64_t seq_ = 0;
  core::Outcome last_;

  std::vector<Muni> munis_;
  std::unordered_map<std::string, size_t> muni_index_;
  std::map<std::string, std::string> pref_code_;  // "13" -> 130001
  std::vector<std::string> aggregators_;
  std::vector<std::string> unions_;
  std::vector<std::string> joined_;  // union members
  std::vector<Inst> insts_;
  std::vector<std::string> sites_;
  std::vector<std::string> spare_codes_;  // in the eligibility master, not registered
  core::CampaignId campaign_ = 0;         // the year's temporary vaccination (F-10)
  // Letters waiting for their delegate, by the delegate's code.
  std::map<std::string, std::vector<LetterId>> queue_;
  // Follow-ups of returned letters: day → (letter, delegator code, reapply?).
  std::multimap<JapanDate, std::tuple<LetterId, std::string, bool>> followups_;
  std::vector<std::pair<LetterId, std::string>> in_force_institution_letters_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  int last_percent_ = -1;
  uint64_t last_round_ = 0;  // letters seen in the year's last approval round
};

Status Demo::LoadMasters() {
  const Actor sys = Actor::System("setup");
  // National bodies (initial setup, F-2-6 … F-2-10).
  const std::pair<K, const char*> national[] = {{K::kMhlw, "厚生労働省"},
                                                {K::kCentralFederation, "国民健康保険中央会"},
                                                {K::kGovernorsAssociation, "全国知事会"},
                                                {K::kJma, "日本医師会"}};
  const char* national_codes[] = {"mhlw", "kokuho-chuo", "chijikai", "jma"};
  for (size_t i = 0; i < 4; ++i) {
    core::RegisterOrganisation r;
    r.kind = national[i].first;
    r.code = national_codes[i];
    r.name = national[i].second;
    SHUGO_RETURN_IF_ERROR(Register(sys, r, "national body"));
  }
  const Actor mhlw = As("mhlw"), chuo = As("kokuho-chuo");

  SHUGO_ASSIGN_OR_RETURN(auto munis, ReadCsv(o_.reference / "municipalities.csv"));
  std::map<std::string, std::string> pref_names;
  std::map<std::string, std::string> ward_parent;
  for (const auto& row : munis) {
    if (row.size() < 7) return Status::DataLoss("municipalities.csv: a short row");
    const std::string& kind = row[5];
    if (kind == "prefecture") {
      core::RegisterOrganisation r;
      r.kind = K::kPrefecture;
      r.code = row[0];
      r.name = row[3];
      r.kana = row[4];
      SHUGO_RETURN_IF_ERROR(Register(mhlw, r, "prefecture"));
      pref_code_[row[1]] = row[0];
      pref_names[row[1]] = row[2];
      core::RegisterOrganisation f;  // 国保連合会, one per prefecture
      f.kind = K::kPrefecturalFederation;
      f.code = row[1] + "90000";
      f.name = row[2] + "国民健康保険団体連合会";
      f.prefecture = std::stoi(row[1]);
      SHUGO_RETURN_IF_ERROR(Register(sys, f, "federation"));
    } else if (kind == "designated_city_ward") {
      ward_parent[row[0]] = row[6];  // institutions in a ward belong to its city
    } else {
      core::RegisterOrganisation r;
      r.kind = K::kMunicipality;
      r.code = row[0];
      r.name = row[3];
      r.kana = row[4];
      SHUGO_RETURN_IF_ERROR(Register(mhlw, r, "municipality"));
      muni_index_[row[0]] = munis_.size();
      munis_.push_back({row[0], row[3], row[4], row[1], kind, {}});
    }
  }
  for (const auto& [ward, city] : ward_parent) {
    if (auto it = muni_index_.find(city); it != muni_index_.end()) muni_index_[ward] = it->second;
  }

  // 都道府県医師会 (real names) and ~900 郡市区医師会 (generated, **project**): a city or special
  // ward has its own; towns and villages share one per eight, in the order of their codes.
  SHUGO_ASSIGN_OR_RETURN(auto assocs, ReadCsv(o_.reference / "medical_associations.csv"));
  for (const auto& row : assocs) {
    core::RegisterOrganisation r;
    r.kind = K::kPrefecturalMedicalAssociation;
    r.code = row[0] + "000";
    r.name = row[3];
    r.prefecture = std::stoi(row[0]);
    SHUGO_RETURN_IF_ERROR(Register(chuo, r, "prefectural association"));
  }
  std::map<std::string, int> serial, rural;
  std::map<std::string, std::string> rural_code;
  for (Muni& m : munis_) {
    const bool rural_area = m.kind == "town" || m.kind == "village";
    std::string code;
    if (!rural_area || rural[m.pref] % 8 == 0) {
      code = m.pref + Pad(++serial[m.pref], 3);
      core::RegisterOrganisation r;
      r.kind = K::kLocalMedicalAssociation;
      r.code = code;
      r.name = rural_area
                   ? pref_names[m.pref] + "第" + std::to_string(rural[m.pref] / 8 + 1) + "郡医師会"
                   : m.name + "医師会";
      r.prefecture = std::stoi(m.pref);
      r.municipality_code = m.code;
      r.parent_code = m.pref + "000";
      SHUGO_RETURN_IF_ERROR(Register(chuo, r, "local association"));
      if (rural_area) rural_code[m.pref] = code;
    }
    if (rural_area) {
      code = rural_code[m.pref];
      ++rural[m.pref];
    }
    m.assoc = code;
  }
  // A few 取りまとめ団体 (F-1-3; the system numbers them).
  const char* aggregator_names[] = {"全国予防接種取りまとめ協議会（デモ）",
                                    "職域接種推進機構（デモ）", "小児科診療所連絡会（デモ）"};
  for (int i = 0; i < 3; ++i) {
    core::RegisterOrganisation r;
    r.kind = K::kOtherAggregator;
    r.name = aggregator_names[i];
    r.prefecture = 13;
    SHUGO_RETURN_IF_ERROR(Register(mhlw, r, "aggregator"));
    aggregators_.push_back(processor_->Read(
        [&](const core::State& s) { return s.FindOrg(last_.created.front())->code; }));
  }
  // 広域連合 (F-1-9): one in each of three prefectures, with a code of the 8xx range.
  for (const char* pref : {"01", "07", "46"}) {
    for (int n = 1; n < 100; ++n) {
      std::string five = std::string(pref) + "8" + Pad(n, 2);
      std::string code = five + core::LocalGovCode::CheckDigit(five);
      if (processor_->Read([&](const core::State& s) { return s.FindOrgByCode(code); })) continue;
      core::RegisterOrganisation r;
      r.kind = K::kWideAreaUnion;
      r.code = code;
      r.name = pref_names[pref] + "東部予防接種広域連合（デモ）";
      SHUGO_RETURN_IF_ERROR(Register(mhlw, r, "union"));
      unions_.push_back(code);
      break;
    }
  }

  // Institutions (F-1-4-2, registered by their municipality).
  SHUGO_ASSIGN_OR_RETURN(
      auto insts,
      ReadCsv(o_.reference / (o_.scale == "national" ? "medical_institutions_all.csv.gz"
                                                     : "medical_institutions_sample.csv")));
  // F-1-4-1 (F_バッチ_2-1): the オンライン資格確認 master first, in chunks.
  core::ImportEligibilityMaster master;
  std::unordered_set<std::string> in_master;
  for (const auto& row : insts) {
    if (row.size() < 9) return Status::DataLoss("institutions: a short row");
    if (!in_master.insert(row[0]).second) continue;  // a duplicate row
    master.rows.push_back({row[0], row[4], row[6] + row[7], row[8]});
    if (master.rows.size() == 5000) {
      SHUGO_RETURN_IF_ERROR(MustRun(sys, std::move(master), "eligibility master"));
      master = {};
    }
  }
  if (!master.rows.empty()) {
    SHUGO_RETURN_IF_ERROR(MustRun(sys, std::move(master), "eligibility master"));
  }
  size_t row_number = 0;
  for (const auto& row : insts) {
    auto it = muni_index_.find(row[8]);
    if (it == muni_index_.end()) continue;  // outside the municipal list
    if (++row_number % 600 == 0) {          // not registered yet: the new codes of F-1-4-3
      spare_codes_.push_back(row[0]);
      continue;
    }
    const Muni& m = munis_[it->second];
    core::RegisterOrganisation r;
    r.kind = K::kInsuredInstitution;
    r.code = row[0];
    r.name = row[4];
    r.address = row[6] + row[7];
    r.municipality_code = m.code;
    const double p = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (p < 0.88) {
      r.member_of_code = m.assoc;
    } else if (p < 0.92) {
      r.member_of_code = aggregators_[Rand(aggregators_.size())];
    }
    Result<core::Outcome> done = Run(As(m.code), r);
    if (!done.ok()) {
      if (done.status().code() == StatusCode::kAlreadyExists) continue;  // a duplicate row
      return Status(done.status().code(),
                    "institution " + row[0] + ": " + done.status().ToString());
    }
    insts_.push_back({row[0], m.pref, static_cast<int>(Rand(91))});
  }
  // Non-insured mass-vaccination sites (F-1-5), set up by a municipality or a prefecture.
  const size_t sites = o_.scale == "national" ? 300 : 24;
  for (size_t i = 0; i < sites; ++i) {
    const Muni& m = munis_[Rand(munis_.size())];
    const bool by_pref = i % 4 == 3;
    core::RegisterOrganisation r;
    r.kind = K::kNonInsuredInstitution;
    r.name = (by_pref ? pref_names[m.pref] : m.name) + "集団接種会場第" + std::to_string(i + 1);
    r.prefecture = std::stoi(m.pref);
    r.municipality_code = m.code;
    r.parent_code = by_pref ? pref_code_[m.pref] : m.code;
    // F-1-5: the prefecture where the site is registers it, whoever set it up.
    SHUGO_RETURN_IF_ERROR(Register(As(pref_code_[m.pref]), r, "site"));
    sites_.push_back(processor_->Read(
        [&](const core::State& s) { return s.FindOrg(last_.created.front())->code; }));
  }
  return Status::Ok();
}

Status Demo::Apply(const std::string& code, ContractType type, JapanDate,
                   core::CampaignId campaign) {
  core::ApplyLetter a;
  a.contract_type = type;
  a.campaign = campaign;
  a.document_confirmed = true;
  Result<core::Outcome> r = Run(As(code), a);
  if (!r.ok()) return Status::Ok();  // e.g. a union member: refused, as the rules say
  const LetterId id = r->created.front();
  const std::string delegate = processor_->Read(
      [&](const core::State& s) { return s.FindOrg(s.FindLetter(id)->delegate)->code; });
  queue_[delegate].push_back(id);
  return Status::Ok();
}

// Every delegate (or, in the year's last round, every other one) works through its queue: 3 %
// returned with a reason, the rest approved in bulk.
Status Demo::ApproveQueues(bool every_delegate) {
  bool turn = false;
  for (auto& [delegate, ids] : queue_) {
    turn = !turn;
    if (!every_delegate && !turn) continue;
    std::vector<LetterId> approve;
    for (size_t i = 0; i < ids.size(); ++i) {
      const LetterId id = ids[i];
      // The year's last round returns every other letter, so that the demo ends with some.
      if (every_delegate ? Chance(0.03) : ++last_round_ % 2 == 0) {
        core::ReturnLetter ret{id, "委託契約書の確認事項に記入漏れがあります"};
        if (Run(As(delegate), ret).ok()) {
          const std::string delegator = processor_->Read(
              [&](const core::State& s) { return s.FindOrg(s.FindLetter(id)->delegator)->code; });
          const JapanDate when = clock_.Today().AddDays(3 + static_cast<int>(Rand(10)));
          followups_.emplace(when, std::make_tuple(id, delegator, Chance(0.7)));
        }
        continue;
      }
      approve.push_back(id);
    }
    for (size_t i = 0; i < approve.size(); i += 200) {
      core::ApproveLetters a;
      a.letters.assign(approve.begin() + i, approve.begin() + std::min(approve.size(), i + 200));
      SHUGO_RETURN_IF_ERROR(MustRun(As(delegate), a, "approve"));
    }
    ids.clear();
  }
  return Status::Ok();
}

// The reorganisations and exceptions of the year (F-1-8, F-1-9, F-5-2, F-6, F-7).
Status Demo::Special(JapanDate day) {
  const Actor mhlw = As("mhlw");
  auto federation = [](const std::string& code) { return As(code.substr(0, 2) + "90000"); };
  auto date = [](int y, unsigned m, unsigned d) { return JapanDate(y, m, d); };
  if (day == date(2025, 5, 15)) {  // F-1-9-1: three towns will join each union on 2025-07-01
    for (const std::string& u : unions_) {
      int joined = 0;
      for (const Muni& m : munis_) {
        if (m.pref != u.substr(0, 2) || m.kind != "town" || joined == 3) continue;
        core::EnterOrganisationDate e{m.code, DK::kUnionJoinScheduled, date(2025, 7, 1), u};
        if (Run(mhlw, e).ok()) {
          ++joined;
          joined_.push_back(m.code);
        }
      }
      SHUGO_RETURN_IF_ERROR(MustRun(
          federation(u), core::EnterOrganisationDate{u, DK::kPaymentConsignmentRegistered, day, {}},
          "union payment consignment"));
      SHUGO_RETURN_IF_ERROR(Apply(u, ContractType::kRoutine, day));
    }
  }
  if (day == date(2025, 7, 1)) {  // F-1-8: two towns merge into a new one opening 2025-10-01
    const Muni* a = nullptr;
    const Muni* b = nullptr;
    for (const Muni& m : munis_) {
      if (m.pref != "20" || m.kind != "village") continue;
      (a == nullptr ? a : b) = &m;
      if (b != nullptr) break;
    }
    if (a != nullptr && b != nullptr) {
      for (int n = 990; n < 1000; ++n) {
        std::string five = "20" + std::to_string(n);
        std::string code = five + core::LocalGovCode::CheckDigit(five);
        if (processor_->Read([&](const core::State& s) { return s.FindOrgByCode(code); })) continue;
        core::RegisterOrganisation r;
        r.kind = K::kMunicipality;
        r.code = code;
        r.name = "新" + a->name.substr(0, a->name.size() - 3) + "町（デモ）";
        r.opening_date = date(2025, 10, 1);
        SHUGO_RETURN_IF_ERROR(Register(mhlw, r, "new municipality"));
        for (const Muni* old : {a, b}) {
          core::EnterOrganisationDate e{old->code, DK::kAbolitionScheduled, date(2025, 10, 1), {}};
          SHUGO_RETURN_IF_ERROR(MustRun(mhlw, e, "abolition"));
        }
        SHUGO_RETURN_IF_ERROR(
            MustRun(federation(code),
                    core::EnterOrganisationDate{code, DK::kPaymentConsignmentRegistered, day, {}},
                    "payment consignment"));
        SHUGO_RETURN_IF_ERROR(Apply(code, ContractType::kRoutine, day));
        break;
      }
    }
  }
  if (day == kGoLive) {  // F-5-1: the collective contract, signed on paper, announced
    SHUGO_RETURN_IF_ERROR(
        MustRun(As("kokuho-chuo"),
                core::AnnounceCollectiveContract{
                    date(2025, 3, 28), "予防接種の集合契約を締結しました（以後自動更新）"},
                "collective contract"));
  }
  if (day == date(2025, 8, 1) || day == date(2025, 9, 1)) {  // F-1-4-3: code changes
    SHUGO_RETURN_IF_ERROR(CodeChange(day == date(2025, 8, 1)));
  }
  if (day == date(2025, 10, 15)) SHUGO_RETURN_IF_ERROR(Merger());    // F-1-4-3 吸収合併
  if (day == kGoLive) SHUGO_RETURN_IF_ERROR(InstitutionSettings());  // F-2-4/5
  SHUGO_RETURN_IF_ERROR(Campaign(day));                              // F-10
  if (day == date(2025, 9, 10)) {  // F-7: five institutions' letters terminated
    for (size_t i = 0; i < 5 && i < in_force_institution_letters_.size(); ++i) {
      const auto& [id, muni] =
          in_force_institution_letters_[i * 7 % in_force_institution_letters_.size()];
      core::TerminateLetter t{id, day, "接種誤りの多発"};
      (void)Run(As(muni), t);
    }
  }
  if (day == date(2025, 11, 4)) {  // F-5-2: one municipality's payment consignment ends
    const Muni& m = munis_[munis_.size() / 2];
    core::EnterOrganisationDate e{
        m.code, DK::kPaymentConsignmentCancelScheduled, date(2025, 12, 1), {}};
    (void)Run(federation(m.code), e);
  }
  if (day == date(2025, 12, 1)) {  // F-1-9-2: a member leaves its union after 2026-01-31
    if (!joined_.empty()) {
      const std::string& m = joined_.front();
      core::EnterOrganisationDate e{m, DK::kUnionLeaveScheduled, date(2026, 1, 31), {}};
      SHUGO_RETURN_IF_ERROR(MustRun(mhlw, e, "union leave"));
      SHUGO_RETURN_IF_ERROR(Apply(m, ContractType::kRoutine, day));
    }
  }
  if (day.day() == 20 && !in_force_institution_letters_.empty()) {
    // F-6: a few institutions ask to leave at the end of next month.
    const size_t n = std::max<size_t>(1, in_force_institution_letters_.size() / 400);
    for (size_t i = 0; i < n; ++i) {
      const auto& [id, muni] =
          in_force_institution_letters_[Rand(in_force_institution_letters_.size())];
      const std::string inst = processor_->Read([&, id = id](const core::State& s) {
        return s.FindOrg(s.FindLetter(id)->delegator)->code;
      });
      core::RequestSecession r{id, day.AddMonths(1).AddDays(11), "閉院のため"};
      (void)Run(As(inst), r);
    }
  }
  return Status::Ok();
}

// F-1-4-3: an institution with a letter in force asks for a spare code of the master; its new
// location's municipality returns the first request (`returned`) or approves it.
Status Demo::CodeChange(bool returned) {
  if (spare_codes_.empty() || in_force_institution_letters_.empty()) return Status::Ok();
  const std::string new_code = spare_codes_.back();
  const auto [letter, muni] =
      in_force_institution_letters_[(returned ? 3 : 11) % in_force_institution_letters_.size()];
  auto [inst, approver] = processor_->Read([&, letter = letter](const core::State& s) {
    return std::pair(s.FindOrg(s.FindLetter(letter)->delegator)->code,
                     s.FindEligible(new_code)->municipality_code);
  });
  core::RequestCodeChange r;
  r.change = core::CodeChangeKind::kCodeChange;
  r.new_code = new_code;
  r.reason = returned ? "代表者変更" : "移転";
  r.consent = true;
  r.personal_data = true;
  SHUGO_RETURN_IF_ERROR(MustRun(As(inst), r, "code change request"));
  const uint32_t request = processor_->Read(
      [&, i = inst](const core::State& s) { return s.FindOrgByCode(i)->code_change_requests; });
  core::ReviewCodeChange review{inst, request, !returned,
                                returned ? "保険医療機関指定通知の写しの内容と異なります" : ""};
  SHUGO_RETURN_IF_ERROR(MustRun(As(approver), review, "code change review"));
  if (!returned) spare_codes_.pop_back();
  return Status::Ok();
}

// F-1-4-3: the first two insured institutions of one municipality, both with letters, merge: the
// second into the first, approved by their municipality.
Status Demo::Merger() {
  auto pair = processor_->Read([](const core::State& s) {
    std::unordered_map<core::OrgId, const core::Organisation*> first;
    for (const core::Organisation& o : s.organisations()) {
      if (o.kind != K::kInsuredInstitution || o.merged_into != 0 || s.LettersOf(o.id).empty()) {
        continue;
      }
      auto [it, fresh] = first.emplace(o.municipality, &o);
      if (!fresh) return std::tuple(it->second->code, o.code, s.FindOrg(o.municipality)->code);
    }
    return std::tuple(std::string(), std::string(), std::string());
  });
  const auto& [survivor, merged, muni] = pair;
  if (survivor.empty()) return Status::Ok();
  core::RequestCodeChange r;
  r.change = core::CodeChangeKind::kMerger;
  r.new_code = survivor;
  r.reason = "合併";
  r.consent = true;
  SHUGO_RETURN_IF_ERROR(MustRun(As(merged), r, "merger request"));
  const uint32_t request = processor_->Read([code = merged](const core::State& s) {
    return s.FindOrgByCode(code)->code_change_requests;
  });
  return MustRun(As(muni), core::ReviewCodeChange{merged, request, true, ""}, "merger review");
}

// F-2-1-2/3: a municipality's routine vaccines and fees from go-live, and for one in twenty a
// voluntary subsidy (帯状疱疹, from age 50). Amounts vary by prefecture, deterministically.
Status Demo::MunicipalFees(const Muni& m, size_t i) {
  const int pref = std::stoi(m.pref);
  const std::pair<const char*, int> routine[] = {{"dpt_ipv_hib_gobik", 12100 + pref * 10},
                                                 {"mr_mearubik", 9900 + pref * 10},
                                                 {"hpv9_silgard9", 17600 + pref * 10},
                                                 {"flu_bikenha", 4700 + pref * 10}};
  for (const auto& [vaccine, yen] : routine) {
    core::SetMunicipalVaccine v;
    v.municipality_code = m.code;
    v.vaccine = vaccine;
    v.contract_type = ContractType::kRoutine;
    v.amount = std::to_string(yen);
    v.start = kGoLive;
    SHUGO_RETURN_IF_ERROR(MustRun(As(m.code), v, "municipal vaccine"));
  }
  if (i % 20 == 3) {
    core::SetMunicipalVaccine v;
    v.municipality_code = m.code;
    v.vaccine = "zoster_shingrix";
    v.contract_type = ContractType::kVoluntarySubsidy;
    v.amount = "10000";
    v.start = kGoLive;
    v.age_min = 50;
    SHUGO_RETURN_IF_ERROR(MustRun(As(m.code), v, "voluntary subsidy"));
  }
  return Status::Ok();
}

// F-2-4/5: one institution in twenty enters its own settings at go-live: its 契約先自治体 (its own
// municipality, as the transition period requires, F-11-1) and the influenza vaccine it handles.
Status Demo::InstitutionSettings() {
  for (size_t i = 0; i < insts_.size(); i += 20) {
    const std::string& code = insts_[i].code;
    const std::string muni = processor_->Read([&](const core::State& s) {
      const core::Organisation* o = s.FindOrgByCode(code);
      return o == nullptr || o->code != code ? std::string() : s.FindOrg(o->municipality)->code;
    });
    if (muni.empty()) continue;  // merged or re-coded meanwhile
    SHUGO_RETURN_IF_ERROR(
        MustRun(As(code), core::SetContractMunicipality{ContractType::kRoutine, muni, kGoLive, {}},
                "contract municipality"));
    SHUGO_RETURN_IF_ERROR(MustRun(
        As(code),
        core::SetInstitutionVaccine{"flu_bikenha", ContractType::kRoutine, "4500", kGoLive, {}},
        "institution vaccine"));
  }
  return Status::Ok();
}

// F-10: MHLW declares a national temporary vaccination on 2025-10-01 (municipalities carry it
// out); one municipality in five applies, one in ten adds a 加算委託料, one institution in fifty
// applies by its chain; 国保中央会 registers one helpdesk secession; MHLW registers the end, and
// the day job secedes every letter of the campaign on its 脱退日 2026-03-01.
Status Demo::Campaign(JapanDate day) {
  const Actor mhlw = As("mhlw");
  if (day == JapanDate(2025, 10, 1)) {
    core::DeclareCampaign c;
    c.name = "新型コロナウイルス感染症 臨時接種（デモ）";
    c.start_date = JapanDate(2025, 11, 1);
    c.national = true;
    c.fees = {{"covid_comirnaty", 3070}, {"covid_spikevax", 3070}};
    c.application_deadline = JapanDate(2025, 12, 15);
    c.approval_deadline = JapanDate(2026, 1, 31);
    SHUGO_RETURN_IF_ERROR(MustRun(mhlw, c, "campaign"));
    campaign_ = last_.created.front();
  }
  if (campaign_ == 0) return Status::Ok();
  if (day == JapanDate(2025, 10, 15)) {
    for (size_t i = 0; i < munis_.size(); i += 5) {
      SHUGO_RETURN_IF_ERROR(Apply(munis_[i].code, ContractType::kTemporary, day, campaign_));
      if (i % 10 == 0) {
        core::SetAdditionalFees a{campaign_, {{"covid_comirnaty", 500}, {"covid_spikevax", 500}}};
        (void)Run(As(munis_[i].code), a);  // a union member is refused, as the rules say
      }
    }
    for (size_t i = 0; i < insts_.size(); i += 50) {
      SHUGO_RETURN_IF_ERROR(Apply(insts_[i].code, ContractType::kTemporary, day, campaign_));
    }
  }
  if (day == JapanDate(2026, 1, 15)) {  // F-10-4 helpdesk secession, after consultation
    const LetterId id = processor_->Read([&](const core::State& s) {
      for (LetterId l : s.LiveLettersOfCampaign(campaign_)) {
        if (s.FindLetter(l)->status == core::LetterStatus::kInContract) return l;
      }
      return LetterId{0};
    });
    if (id != 0) {
      core::RequestSecession r{id, day.AddMonths(1).AddDays(1), "廃業に伴う相談（ヘルプデスク）"};
      SHUGO_RETURN_IF_ERROR(MustRun(As("kokuho-chuo"), r, "helpdesk secession"));
    }
  }
  if (day == JapanDate(2026, 2, 2)) {
    SHUGO_RETURN_IF_ERROR(
        MustRun(mhlw, core::RegisterCampaignEnd{campaign_, JapanDate(2026, 3, 1)}, "campaign end"));
  }
  return Status::Ok();
}

Status Demo::Day(JapanDate day) {
  At(day, 0);
  SHUGO_RETURN_IF_ERROR(processor_->RunDays(day).status());
  At(day, 9);
  const Actor mhlw = As("mhlw");
  const int from_go_live = day.days_since_epoch() - kGoLive.days_since_epoch();
  if (day < kGoLive) {
    // March: payment consignment (F-5-2) for 95 % of municipalities, municipal letters (F-3)
    // before the contract is live, approved by the prefectures on 03-25 (契約日 = go-live).
    const size_t per_day = munis_.size() / 14 + 1;
    const size_t k = static_cast<size_t>(day.days_since_epoch() - kStart.days_since_epoch());
    for (size_t i = k * per_day; i < std::min(munis_.size(), (k + 1) * per_day); ++i) {
      const Muni& m = munis_[i];
      if (i % 20 != 7) {
        core::EnterOrganisationDate e{m.code, DK::kPaymentConsignmentRegistered, day, {}};
        SHUGO_RETURN_IF_ERROR(MustRun(As(m.pref + "90000"), e, "payment consignment"));
      }
      SHUGO_RETURN_IF_ERROR(Apply(m.code, ContractType::kRoutine, day));
      if (i % 5 < 2) SHUGO_RETURN_IF_ERROR(Apply(m.code, ContractType::kVoluntaryConsignment, day));
      SHUGO_RETURN_IF_ERROR(MunicipalFees(m, i));
    }
    if (day == JapanDate(2025, 3, 25) || day == JapanDate(2025, 3, 31)) {
      SHUGO_RETURN_IF_ERROR(ApproveQueues());
    }
    return Status::Ok();
  }
  if (from_go_live == 70) {  // the late payment consignments
    for (size_t i = 7; i < munis_.size(); i += 20) {
      core::EnterOrganisationDate e{munis_[i].code, DK::kPaymentConsignmentRegistered, day, {}};
      (void)Run(As(munis_[i].pref + "90000"), e);
    }
  }
  // Institutions apply in the spring (F-3); sites in April; latecomers in March 2026.
  for (size_t i = 0; i < insts_.size(); ++i) {
    const Inst& inst = insts_[i];
    const bool late = i % 97 == 0;
    const int apply_day = late ? 340 + static_cast<int>(i % 25) : inst.day;
    if (apply_day != from_go_live) continue;
    SHUGO_RETURN_IF_ERROR(Apply(inst.code, ContractType::kRoutine, day));
    if (i % 5 < 2)
      SHUGO_RETURN_IF_ERROR(Apply(inst.code, ContractType::kVoluntaryConsignment, day));
    if (i % 23 == 0) SHUGO_RETURN_IF_ERROR(Apply(inst.code, ContractType::kVoluntarySubsidy, day));
  }
  if (from_go_live == 10) {
    for (const std::string& s : sites_)
      SHUGO_RETURN_IF_ERROR(Apply(s, ContractType::kRoutine, day));
  }
  // Returned letters: fixed and re-applied, or withdrawn (F-3, F-3-4).
  for (auto it = followups_.begin(); it != followups_.end() && it->first <= day;) {
    const auto& [id, delegator, reapply] = it->second;
    if (reapply) {
      if (Run(As(delegator), core::ReapplyLetter{id}).ok()) {
        const std::string delegate = processor_->Read([&, id = id](const core::State& s) {
          return s.FindOrg(s.FindLetter(id)->delegate)->code;
        });
        queue_[delegate].push_back(id);
      }
    } else {
      (void)Run(As(delegator), core::WithdrawLetter{id, "申請内容を見直すため取り下げます"});
    }
    it = followups_.erase(it);
  }
  // Delegates approve on Mondays and Thursdays (F-4 一括承認), except in the last week, so that
  // the year ends with letters still waiting.
  const int weekday = (day.days_since_epoch() % 7 + 7 + 3) % 7;  // 0 = Monday (1970-01-01: Thu)
  if ((weekday == 0 || weekday == 3) && day < kEnd.AddDays(-6)) {
    SHUGO_RETURN_IF_ERROR(ApproveQueues());
  } else if (day == kEnd) {
    SHUGO_RETURN_IF_ERROR(ApproveQueues(false));  // half the delegates, effective tomorrow
  }
  if (from_go_live == 100) {
    // Institution letters in force, for F-6 and F-7 in the rest of the year.
    processor_->Read([&](const core::State& s) {
      for (const core::Letter& l : s.letters()) {
        if (l.redelegation || l.status != core::LetterStatus::kInContract) continue;
        const core::Organisation& d = *s.FindOrg(l.delegator);
        if (d.kind != K::kInsuredInstitution) continue;
        in_force_institution_letters_.emplace_back(l.id, s.FindOrg(d.municipality)->code);
      }
      return 0;
    });
  }
  return Special(day);
}

void Demo::Progress(JapanDate day, bool done) {
  if (!o_.progress) return;
  const int total = kEnd.days_since_epoch() - kStart.days_since_epoch() + 1;
  const int at = day.days_since_epoch() - kStart.days_since_epoch() + 1;
  const int percent = at * 100 / total;
  if (percent == last_percent_ && !done) return;
  last_percent_ = percent;
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const int width = 30;
  std::string bar(static_cast<size_t>(width * percent / 100), '#');
  bar.resize(width, '.');
  std::fprintf(stderr, "\rshugo demo [%s] %3d%% %s  %llu commands  %.0f/s ", bar.c_str(), percent,
               day.ToString().c_str(), static_cast<unsigned long long>(report_.commands),
               secs > 0 ? report_.commands / secs : 0.0);
  if (done || !isatty(2)) std::fputc('\n', stderr);
}

Status Demo::Build() {
  if (o_.scale != "small" && o_.scale != "national") {
    return Status::InvalidArgument("--scale", "small or national");
  }
  if (std::filesystem::exists(o_.dir / "events")) {
    return Status::AlreadyExists(o_.dir.string() + " already holds a log");
  }
  events::StoreOptions so;
  so.clock = &clock_;
  so.create_if_missing = true;
  // A bulk load: no WAL sync per group; the files are flushed and compacted at the end.
  so.sync = false;
  SHUGO_ASSIGN_OR_RETURN(store_, events::EventStore::Open(o_.dir, so));
  SHUGO_ASSIGN_OR_RETURN(core::ProcessorOptions po, DemoProcessorOptions(o_.reference));
  SHUGO_ASSIGN_OR_RETURN(processor_, core::Processor::Open(store_.get(), &clock_, po));
  At(kStart, 8);
  SHUGO_RETURN_IF_ERROR(LoadMasters());
  for (JapanDate day = kStart; day <= kEnd; day = day.AddDays(1)) {
    SHUGO_RETURN_IF_ERROR(Day(day));
    Progress(day, day == kEnd);
  }
  SHUGO_RETURN_IF_ERROR(store_->Compact());
  report_.head = store_->head();
  report_.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  processor_.reset();
  store_->Close();
  return Status::Ok();
}

}  // namespace

std::filesystem::path DefaultReferenceDir() { return SHUGO_REFERENCE_DIR; }

Result<core::ProcessorOptions> ProcessorOptionsFor(const std::filesystem::path& reference) {
  core::ProcessorOptions po;
  SHUGO_ASSIGN_OR_RETURN(po.vaccines, core::VaccineCatalog::Load(reference.string()));
  return po;
}

Result<core::ProcessorOptions> DemoProcessorOptions(const std::filesystem::path& reference) {
  SHUGO_ASSIGN_OR_RETURN(core::ProcessorOptions po, ProcessorOptionsFor(reference));
  po.go_live = kGoLive;
  po.conformance_date = JapanDate(2027, 4, 1);  // 適合基準日 of the demo (F-11, configuration)
  return po;
}

Result<DemoReport> BuildDemo(const DemoOptions& options) {
  Demo demo(options);
  SHUGO_RETURN_IF_ERROR(demo.Build());
  return demo.report();
}

std::vector<DemoUser> PickDemoUsers(const core::State& state) {
  struct Want {
    const char* login_id;
    K kind;
    int prefecture;  // 0: any (national bodies); -1: the second prefecture
  };
  static constexpr Want kWants[] = {
      {"demo-mhlw", K::kMhlw, 0},
      {"demo-chuokai", K::kCentralFederation, 0},
      {"demo-chijikai", K::kGovernorsAssociation, 0},
      {"demo-jma", K::kJma, 0},
      {"demo-prefecture", K::kPrefecture, 13},
      {"demo-kokuhoren", K::kPrefecturalFederation, 13},
      {"demo-pref-ishikai", K::kPrefecturalMedicalAssociation, 13},
      {"demo-ishikai", K::kLocalMedicalAssociation, 13},
      {"demo-city", K::kMunicipality, 13},
      {"demo-clinic", K::kInsuredInstitution, 13},
      {"demo-aggregator", K::kOtherAggregator, 0},
      {"demo2-city", K::kMunicipality, -1},
      {"demo2-ishikai", K::kLocalMedicalAssociation, -1},
      {"demo2-clinic", K::kInsuredInstitution, -1},
  };
  // The second prefecture: the first (by number) other than Tokyo with a municipality, a
  // 郡市区医師会 and an insured institution.
  int second = 0;
  for (int p = 1; p <= 47 && second == 0; ++p) {
    if (p == 13) continue;
    bool city = false, ishikai = false, clinic = false;
    for (const core::Organisation& o : state.organisations()) {
      if (o.prefecture != p || o.abolished) continue;
      city |= o.kind == K::kMunicipality;
      ishikai |= o.kind == K::kLocalMedicalAssociation;
      clinic |= o.kind == K::kInsuredInstitution;
    }
    if (city && ishikai && clinic) second = p;
  }
  std::vector<DemoUser> out;
  for (const Want& w : kWants) {
    const int prefecture = w.prefecture == -1 ? second : w.prefecture;
    if (w.prefecture == -1 && second == 0) continue;
    for (const core::Organisation& o : state.organisations()) {
      if (o.kind != w.kind || o.abolished || o.merged_into != 0) continue;
      if (prefecture != 0 && o.prefecture != prefecture) continue;
      out.push_back(DemoUser{w.login_id, o.id, o.code, o.name, o.kind, o.prefecture});
      break;
    }
  }
  return out;
}

}  // namespace shugo::demo
