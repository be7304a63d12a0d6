// The world of the domain tests: a command processor on a real event store with the organisations
// every flow needs (real codes from data/reference), helpers to run commands and to compare the
// exact events appended. Shared by the flow test files of tests/core/.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/chains.h"
#include "core/domain_events.h"
#include "core/letter.h"
#include "core/non_insured.h"
#include "core/processor.h"
#include "core/state.h"
#include "tests/testing/store_fixture.h"

#ifndef SHUGO_REFERENCE_DIR
#error "SHUGO_REFERENCE_DIR must point at data/reference"
#endif

namespace shugo::core::test {

using K = OrganisationKind;
using DK = OrganisationDateKind;
using LS = LetterStatus;
using LC = LetterCommand;
using events::Position;

// Business day n of the tests: day 0 is 2025-04-01, when every world is set up.
inline JapanDate Day(int n) { return JapanDate(2025, 4, 1).AddDays(n); }

inline std::string DateText(const std::optional<JapanDate>& d) { return d ? d->ToString() : "-"; }

// ---- real reference data (data/reference, SOURCES.md)

// The row of a reference CSV whose first column is `key`; the files have no quoted fields.
inline std::vector<std::string> ReferenceRow(const std::string& file, const std::string& key) {
  std::ifstream in(std::string(SHUGO_REFERENCE_DIR) + "/" + file);
  REQUIRE_MESSAGE(in.good(), file);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string col; std::getline(ss, col, ',');) cols.push_back(col);
    if (!cols.empty() && cols[0] == key) return cols;
  }
  FAIL("no row " << key << " in " << file);
  return {};
}

// The F-1-4-2 registration of a clinic of medical_institutions_sample.csv, located where the
// sample says or in `municipality`.
inline RegisterOrganisation Insured(const std::string& code, const std::string& municipality = "") {
  const auto row = ReferenceRow("medical_institutions_sample.csv", code);
  RegisterOrganisation r;
  r.kind = K::kInsuredInstitution;
  r.code = code;
  r.name = row[4];
  r.address = row[6] + row[7];
  r.municipality_code = municipality.empty() ? row[8] : municipality;
  return r;
}

// What the HTTP layer gives the core as an address's digest (there, HMAC-SHA-256 under the
// account store's key of the address in lower case): the core keeps it as given.
inline std::string NonInsuredDigest(std::string email) {
  for (char& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "keyed-digest-of-" + email;
}

// What a 職域接種 site in 中央区 enters through F-1-5 link `id`.
inline SubmitNonInsuredRegistration NonInsuredEntry(RegistrationId id,
                                                    std::string email = "sesshu@example.jp") {
  SubmitNonInsuredRegistration r;
  r.registration = id;
  r.name = "中央区職域接種センター";
  r.kana = "チュウオウクショクイキセッシュセンター";
  r.address = "東京都中央区築地1-1-1";
  r.municipality_code = "131024";  // 中央区
  r.site_kind = "職域接種";
  r.email_digest = NonInsuredDigest(email);
  r.email = std::move(email);
  r.phone = "03-1234-5678";
  return r;
}

// ---- events as text, so that a mismatch shows every field of both

inline void Fields(std::ostream& o, const OrganisationRegistered& e) {
  o << "id=" << e.id << " kind=" << CodeName(e.kind) << " code=" << e.code << " name=" << e.name
    << " kana=" << e.kana << " address=" << e.address << " prefecture=" << e.prefecture
    << " municipality=" << e.municipality << " parent=" << e.parent << " member_of=" << e.member_of
    << " affiliation=" << static_cast<int>(e.affiliation) << " opening=" << DateText(e.opening_date)
    << " predecessors=";
  for (OrgId p : e.predecessors) o << p << ",";
}
inline void Fields(std::ostream& o, const OrganisationChanged& e) {
  o << "id=" << e.id << " member_of=" << e.member_of << " municipality=" << e.municipality
    << " predecessors=";
  for (OrgId p : e.predecessors) o << p << ",";
  o << " changes=";
  for (const FieldChange& c : e.changes) {
    o << "[" << c.field << ":" << c.before << "->" << c.after << "]";
  }
}
inline void Fields(std::ostream& o, const OrganisationDated& e) {
  o << "id=" << e.id << " kind=" << CodeName(e.kind) << " date=" << e.date.ToString()
    << " other=" << e.other;
}
inline void Fields(std::ostream& o, const LetterApplied& e) {
  o << "id=" << e.id << " delegator=" << e.delegator << " delegate=" << e.delegate
    << " type=" << CodeName(e.contract_type) << " campaign=" << e.campaign
    << " document_confirmed=" << e.document_confirmed;
}
inline void Fields(std::ostream& o, const RedelegationCreated& e) {
  o << "id=" << e.id << " delegator=" << e.delegator << " delegate=" << e.delegate
    << " type=" << CodeName(e.contract_type) << " campaign=" << e.campaign << " under=" << e.under
    << " contract_date=" << e.contract_date.ToString() << " upper=" << e.upper;
}
inline void Fields(std::ostream& o, const LetterTransitioned& e) {
  o << "id=" << e.id << " command=" << CodeName(e.command) << " status=" << CodeName(e.status)
    << " contract_date=" << DateText(e.contract_date) << " date=" << DateText(e.date)
    << " reason=" << e.reason << " upper=" << e.upper;
}
inline void Fields(std::ostream& o, const DayClosed& e) { o << "date=" << e.date.ToString(); }
inline void Fields(std::ostream& o, const EligibilityMasterImported& e) {
  o << "rows=" << e.rows.size() << " removed=" << e.removed.size();
  if (!e.rows.empty()) o << " first=" << e.rows.front().code;
}
inline void Fields(std::ostream& o, const CodeChangeRequested& e) {
  o << "id=" << e.id << " request=" << e.request << " change=" << CodeName(e.change)
    << " new_code=" << e.new_code << " reason=" << e.reason << " consent=" << e.consent
    << " personal_data=" << e.personal_data << " designation_copy=" << e.designation_copy
    << " approver=" << e.approver;
}
inline void Fields(std::ostream& o, const CodeChangeDecided& e) {
  o << "id=" << e.id << " request=" << e.request << " approved=" << e.approved
    << " reason=" << e.reason << " code=" << e.code << " kind=" << CodeName(e.kind)
    << " municipality=" << e.municipality << " affiliation=" << static_cast<int>(e.affiliation)
    << " survivor=" << e.survivor;
}
inline void Fields(std::ostream& o, const LetterRekeyed& e) {
  o << "id=" << e.id << " delegator=" << e.delegator << " code=" << e.code
    << " old_code=" << e.old_code;
}
inline void Fields(std::ostream& o, const CollectiveContractSigned& e) {
  o << "date=" << e.date.ToString() << " note=" << e.note;
}
inline void Fields(std::ostream& o, const CampaignDeclared& e) {
  o << "id=" << e.id << " declared_by=" << e.declared_by << " name=" << e.name
    << " start=" << e.start_date.ToString() << " implementer=" << JapaneseName(e.implementer)
    << " national=" << e.national << " prefectures=";
  for (int p : e.prefectures) o << p << ";";
  o << " fees=";
  for (const VaccineFee& f : e.fees) o << "[" << f.vaccine << ":" << f.yen << "]";
  o << " application_deadline=" << e.application_deadline.ToString()
    << " approval_deadline=" << e.approval_deadline.ToString();
}
inline void Fields(std::ostream& o, const CampaignFeesChanged& e) {
  auto yen = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "-"; };
  o << "id=" << e.id << " municipality=" << e.municipality << " changes=";
  for (const VaccineFeeChange& c : e.changes) {
    o << "[" << c.vaccine << ":" << yen(c.before) << "->" << yen(c.after) << "]";
  }
}
inline void Fields(std::ostream& o, const CampaignEndRegistered& e) {
  o << "id=" << e.id << " end_date=" << e.end_date.ToString();
}
inline void Fields(std::ostream& o, const CampaignEnded& e) {
  o << "id=" << e.id << " date=" << e.date.ToString();
}

// F-2 fees and vaccines (core/fees.h)
inline void ShowChanges(std::ostream& o, const std::vector<FieldChange>& changes) {
  o << " changes=";
  for (const FieldChange& c : changes)
    o << "[" << c.field << ":" << c.before << "->" << c.after << "]";
}
inline std::string OptText(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "-"; }
inline void Fields(std::ostream& o, const MunicipalVaccineSet& e) {
  o << "owner=" << e.owner << " vaccine=" << e.vaccine << " type=" << CodeName(e.contract_type)
    << " amount=" << e.amount << " start=" << e.start.ToString() << " end=" << DateText(e.end)
    << " sex=" << CodeName(e.sex) << " age_min=" << OptText(e.age_min)
    << " age_max=" << OptText(e.age_max) << " contractors=" << CodeName(e.contractors)
    << " cause=" << e.cause;
  ShowChanges(o, e.changes);
}
inline void Fields(std::ostream& o, const VaccineSettingUnitSet& e) {
  o << "owner=" << e.owner << " unit=" << CodeName(e.unit)
    << " switch_date=" << e.switch_date.ToString();
}
inline void Fields(std::ostream& o, const InstitutionContractSet& e) {
  o << "owner=" << e.owner << " type=" << CodeName(e.contract_type)
    << " municipality=" << e.municipality << " start=" << e.start.ToString()
    << " end=" << DateText(e.end) << " cause=" << e.cause;
  ShowChanges(o, e.changes);
}
inline void Fields(std::ostream& o, const InstitutionVaccineSet& e) {
  o << "owner=" << e.owner << " vaccine=" << e.vaccine << " type=" << CodeName(e.contract_type)
    << " cost=" << OptText(e.cost) << " start=" << e.start.ToString() << " end=" << DateText(e.end);
  ShowChanges(o, e.changes);
}
inline void Fields(std::ostream& o, const FeeFloorSet& e) {
  o << "owner=" << e.owner << " floor=" << OptText(e.floor);
}

// F-1-5 entries through an input link (core/non_insured.h)
inline void Fields(std::ostream& o, const NonInsuredLinkIssued& e) {
  o << "id=" << e.id << " issuer=" << e.issuer << " approver=" << e.approver
    << " expires=" << e.expires.ToString();
}
inline void Fields(std::ostream& o, const NonInsuredRegistrationSubmitted& e) {
  o << "id=" << e.id << " name=" << e.name << " kana=" << e.kana << " address=" << e.address
    << " municipality=" << e.municipality << " site_kind=" << e.site_kind
    << " email_sha256=" << e.email_sha256;
}
inline void Fields(std::ostream& o, const NonInsuredRegistrationDecided& e) {
  o << "id=" << e.id << " approved=" << e.approved << " org=" << e.org << " reason=" << e.reason;
}

// User accounts (core/users.h)
inline void Fields(std::ostream& o, const UserRecorded& e) {
  o << "user=" << e.user << " org=" << e.org << " change=" << CodeName(e.change)
    << " role=" << e.role << " fields=";
  for (const std::string& f : e.fields) o << f << ";";
}

// F-7 解除依頼 (core/termination_requests.h)
inline void Fields(std::ostream& o, const TerminationRequested& e) {
  o << "id=" << e.id << " institution=" << e.institution << " requester=" << e.requester
    << " addressee=" << e.addressee << " reason=" << e.reason << " date=" << DateText(e.date)
    << " types=";
  for (ContractType t : e.contract_types) o << CodeName(t) << ";";
}
inline void Fields(std::ostream& o, const TerminationRequestDecided& e) {
  o << "id=" << e.id << " outcome=" << CodeName(e.outcome) << " reason=" << e.reason
    << " date=" << DateText(e.date) << " letters=";
  for (LetterId l : e.letters) o << l << ";";
}

// An event as text with every field (a new event type needs its Fields overload above).
inline std::string Show(const DomainEvent& event) {
  std::ostringstream o;
  o << EventTypeName(event) << "{";
  std::visit([&o](const auto& e) { Fields(o, e); }, event);
  o << "}";
  return o.str();
}

// Expected events.
inline DomainEvent Applied(LetterId id, OrgId from, OrgId to,
                           ContractType type = ContractType::kRoutine) {
  return LetterApplied{id, from, to, type, 0, true};
}
inline DomainEvent Created(LetterId id, OrgId from, OrgId to, LetterId under,
                           JapanDate contract_date, LetterId upper,
                           ContractType type = ContractType::kRoutine) {
  return RedelegationCreated{id, from, to, type, 0, under, contract_date, upper};
}
inline DomainEvent Moved(LetterId id, LC command, LS status,
                         std::optional<JapanDate> contract_date = std::nullopt,
                         std::optional<JapanDate> date = std::nullopt, std::string reason = "",
                         LetterId upper = 0) {
  return LetterTransitioned{id, command, status, contract_date, date, std::move(reason), upper};
}
inline DomainEvent Dated(OrgId id, DK kind, JapanDate date, OrgId other = 0) {
  return OrganisationDated{id, kind, date, other};
}
inline DomainEvent Closed(JapanDate date) { return DayClosed{date}; }

inline constexpr char kNoneBelow[] = "配下の委任状がなくなったため";

// One event as read back from the log.
struct Logged {
  Position position = 0;
  std::string stream;
  uint64_t version = 0;
  std::optional<JapanDate> effective;
  std::string command_id;
  DomainEvent event;
};

struct Want {
  DomainEvent event;
  std::optional<JapanDate> effective;  // the valid time the event must carry
};

inline Actor As(const std::string& code) { return Actor{"u-" + code, code}; }

// A processor on a real store in a temp dir, with the organisations every flow needs, registered
// on day 0 by the actors of F-1 (the national bodies and the 国保連合会 at initial setup).
class World : public testing::StoreFixture {
 public:
  World() {
    auto vaccines = VaccineCatalog::Load(SHUGO_REFERENCE_DIR);  // F-1-6/7: F-2 and F-10
    REQUIRE_MESSAGE(vaccines.ok(), vaccines.status().ToString());
    options.vaccines = *vaccines;
    OpenProcessor();
    RegisterAll();
  }

  // (Re)builds the processor from the log with `options`.
  void OpenProcessor() {
    proc.reset();
    auto p = Processor::Open(store.get(), &clock, options);
    REQUIRE_MESSAGE(p.ok(), p.status().ToString());
    proc = std::move(p).value();
  }

  Result<Outcome> Run(const Actor& actor, Request request,
                      std::optional<uint64_t> expected = std::nullopt) {
    CommandRequest c;
    c.id = "cmd-" + std::to_string(++commands_);
    c.actor = actor;
    c.expected_version = expected;
    c.request = std::move(request);
    return proc->Execute(c);
  }

  Outcome Ok(const Actor& actor, Request request) {
    Result<Outcome> r = Run(actor, std::move(request));
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(r).value();
  }

  // A refusal with `code` that appends nothing.
  void Refused(const Actor& actor, Request request, StatusCode code) {
    Refusal(actor, std::move(request), code).IgnoreError();
  }
  // The same, returned for its message and field; `expected` as the version the caller saw.
  Status Refusal(const Actor& actor, Request request, StatusCode code,
                 std::optional<uint64_t> expected = std::nullopt) {
    const Position before = Head();
    Result<Outcome> r = Run(actor, std::move(request), expected);
    REQUIRE_FALSE(r.ok());
    CHECK_MESSAGE(r.status().code() == code, r.status().ToString());
    CHECK_EQ(Head(), before);
    return r.status();
  }

  OrgId Register(const Actor& by, RegisterOrganisation r) {
    Outcome o = Ok(by, std::move(r));
    REQUIRE_EQ(o.created.size(), 1u);
    return o.created[0];
  }

  // A municipality (or the prefecture) of municipalities.csv, registered by MHLW.
  OrgId RegisterLocalGov(const std::string& code, K kind = K::kMunicipality,
                         std::optional<JapanDate> opening_date = std::nullopt) {
    const auto row = ReferenceRow("municipalities.csv", code);
    RegisterOrganisation r;
    r.kind = kind;
    r.code = code;
    r.name = row[3];
    r.kana = row[4];
    r.opening_date = opening_date;
    return Register(As(kMhlw), r);
  }
  // A 国保連合会, set up by the operator (initial setup).
  OrgId RegisterFederation(const std::string& code, const std::string& name, int prefecture) {
    RegisterOrganisation r;
    r.kind = K::kPrefecturalFederation;
    r.code = code;
    r.name = name;
    r.prefecture = prefecture;
    return Register(Actor::System("operator"), r);
  }

  // An insured institution of medical_institutions_sample.csv, registered by the municipality it
  // is in (F-1-4-2).
  OrgId RegisterInstitution(const std::string& code, const std::string& member_of = "") {
    RegisterOrganisation r = Insured(code);
    r.member_of_code = member_of;
    return Register(As(r.municipality_code), r);
  }

  // Every row of medical_institutions_sample.csv as the オンライン資格確認 master (F_バッチ_2-1).
  void ImportEligibility() {
    std::ifstream in(std::string(SHUGO_REFERENCE_DIR) + "/medical_institutions_sample.csv");
    REQUIRE(in.good());
    ImportEligibilityMaster m;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::vector<std::string> cols;
      std::stringstream ss(line);
      for (std::string col; std::getline(ss, col, ',');) cols.push_back(col);
      REQUIRE(cols.size() >= 9);
      m.rows.push_back({cols[0], cols[4], cols[6] + cols[7], cols[8]});
    }
    Ok(Actor::System("eligibility-import"), std::move(m));
  }

  void RegisterAll() {
    auto national = [&](K kind, const std::string& code, const std::string& name) {
      RegisterOrganisation r;
      r.kind = kind;
      r.code = code;
      r.name = name;
      return Register(Actor::System("operator"), r);
    };
    mhlw = national(K::kMhlw, kMhlw, "厚生労働省");
    chuokai = national(K::kCentralFederation, kChuokai, "国民健康保険中央会");
    chijikai = national(K::kGovernorsAssociation, kChijikai, "全国知事会");
    jma = national(K::kJma, kJma, "日本医師会");
    tokyo = RegisterLocalGov(kTokyo, K::kPrefecture);
    chiyoda = RegisterLocalGov(kChiyoda);
    chuo = RegisterLocalGov(kChuo);
    minato = RegisterLocalGov(kMinato);
    hachioji = RegisterLocalGov(kHachioji);
    tachikawa = RegisterLocalGov(kTachikawa);
    federation = RegisterFederation(kFederation, "東京都国民健康保険団体連合会", 13);
    {  // F-1-2: the 医師会 master is kept by 国保中央会.
      RegisterOrganisation r;
      r.kind = K::kPrefecturalMedicalAssociation;
      r.code = kTokyoMa;
      r.name = ReferenceRow("medical_associations.csv", "13")[3];  // 東京都医師会
      r.prefecture = 13;
      tokyo_ma = Register(As(kChuokai), r);
      r.kind = K::kLocalMedicalAssociation;
      r.code = kChiyodaMa;
      r.name = "千代田区医師会";
      r.municipality_code = kChiyoda;
      r.parent_code = kTokyoMa;
      chiyoda_ma = Register(As(kChuokai), r);
      r.code = kChuoMa;
      r.name = "中央区医師会";
      r.municipality_code = kChuo;
      chuo_ma = Register(As(kChuokai), r);
    }
    {  // F-1-3: numbered by the system.
      RegisterOrganisation r;
      r.kind = K::kOtherAggregator;
      r.name = "予防接種取りまとめ学会";
      r.prefecture = 13;
      aggregator = Register(As(kMhlw), r);
    }
    {
      // municipalities.csv lists no 広域連合: a code of the union range (digit 3 = 8) with the
      // check digit of the rule, which the registration validates.
      RegisterOrganisation r;
      r.kind = K::kWideAreaUnion;
      r.code = kUnion;
      r.name = "多摩地域予防接種広域連合";
      wide_union = Register(As(kMhlw), r);
    }
    ImportEligibility();  // F-1-4-1: before the institutions of F-1-4-2
    inst_member = RegisterInstitution("1310129668", kChiyodaMa);            // 千代田区
    inst_member2 = RegisterInstitution("1310137455", kChiyodaMa);           // 千代田区
    inst_nonmember = RegisterInstitution("1310235432");                     // 中央区
    inst_aggregated = RegisterInstitution("1310338574", Code(aggregator));  // 港区
    {  // F-1-5: mass-vaccination sites, numbered by the system and registered by the prefecture
       // where they are, whoever set them up.
      RegisterOrganisation r;
      r.kind = K::kNonInsuredInstitution;
      r.name = "千代田区集団接種会場";
      r.prefecture = 13;
      r.municipality_code = kChiyoda;
      r.parent_code = kChiyoda;
      site_municipal = Register(As(kTokyo), r);
      r.name = "東京都大規模接種会場";
      r.municipality_code = kMinato;
      r.parent_code = kTokyo;
      site_prefectural = Register(As(kTokyo), r);
    }
  }

  // ---- reading

  Position Head() const { return store->head(); }
  JapanDate Today() const { return clock.Today(); }

  std::string Code(OrgId id) const {
    return proc->Read([id](const State& s) {
      const Organisation* o = s.FindOrg(id);
      REQUIRE(o != nullptr);
      return o->code;
    });
  }
  Organisation Org(OrgId id) const {
    return proc->Read([id](const State& s) {
      const Organisation* o = s.FindOrg(id);
      REQUIRE(o != nullptr);
      return *o;
    });
  }
  Letter L(LetterId id) const {
    return proc->Read([id](const State& s) {
      const Letter* l = s.FindLetter(id);
      REQUIRE(l != nullptr);
      return *l;
    });
  }
  std::string StatusOf(LetterId id) const { return std::string(CodeName(L(id).status)); }

  std::vector<Logged> Since(Position after) const {
    auto r = store->ReadRange(after + 1, SIZE_MAX);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    std::vector<Logged> out;
    for (const events::RecordedEvent& rec : *r) {
      const fb::Event& e = rec.event();
      Result<DomainEvent> d = Decode(e);
      REQUIRE_MESSAGE(d.ok(), d.status().ToString());
      Logged l{rec.position(),
               e.stream()->str(),
               e.header()->stream_version(),
               std::nullopt,
               e.command_id() == nullptr ? "" : e.command_id()->str(),
               std::move(d).value()};
      if (e.effective_date() != 0)
        l.effective = JapanDate::FromYyyymmdd(e.effective_date()).value();
      out.push_back(std::move(l));
    }
    return out;
  }

  // Exactly `want` was appended after `since`, in this order, each in its own stream.
  std::vector<Logged> ExpectAppended(Position since, const std::vector<Want>& want) const {
    std::vector<Logged> got = Since(since);
    CHECK_EQ(got.size(), want.size());
    for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
      CAPTURE(i);
      CHECK_EQ(Show(got[i].event), Show(want[i].event));
      CHECK_EQ(got[i].stream, StreamOf(want[i].event));
      CHECK_EQ(DateText(got[i].effective), DateText(want[i].effective));
    }
    return got;
  }

  // ---- letters

  LetterId Apply(OrgId delegator, ContractType type = ContractType::kRoutine) {
    Outcome o = Ok(As(Code(delegator)), ApplyLetter{type, 0, true});
    REQUIRE_EQ(o.created.size(), 1u);
    return o.created[0];
  }
  Outcome Approve(std::vector<LetterId> ids) {
    const OrgId delegate = L(ids.front()).delegate;
    return Ok(As(Code(delegate)), ApproveLetters{std::move(ids)});
  }
  LetterId ApplyApproved(OrgId delegator, ContractType type = ContractType::kRoutine) {
    const LetterId id = Apply(delegator, type);
    Approve({id});
    return id;
  }
  DayReport RunTo(JapanDate day) {
    clock.SetDate(day);
    Result<DayReport> r = proc->RunDays(day);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return *r;
  }
  void RegisterPaymentConsignment(OrgId municipal) {
    Ok(As(kFederation),
       EnterOrganisationDate{Code(municipal), DK::kPaymentConsignmentRegistered, Today(), ""});
  }

  static constexpr const char* kMhlw = "mhlw";
  static constexpr const char* kChuokai = "kokuho-chuokai";
  static constexpr const char* kChijikai = "zenkoku-chijikai";
  static constexpr const char* kJma = "jma";
  static constexpr const char* kTokyo = "130001";
  static constexpr const char* kChiyoda = "131016";
  static constexpr const char* kChuo = "131024";
  static constexpr const char* kMinato = "131032";
  static constexpr const char* kHachioji = "132012";
  static constexpr const char* kTachikawa = "132021";
  static constexpr const char* kFederation = "13";
  static constexpr const char* kTokyoMa = "1300";
  static constexpr const char* kChiyodaMa = "1301";
  static constexpr const char* kChuoMa = "1302";
  static constexpr const char* kUnion = "138029";

  ProcessorOptions options;  // the reference vaccines from data/reference
  std::unique_ptr<Processor> proc;
  OrgId mhlw = 0, chuokai = 0, chijikai = 0, jma = 0, tokyo = 0, chiyoda = 0, chuo = 0, minato = 0,
        hachioji = 0, tachikawa = 0, federation = 0, tokyo_ma = 0, chiyoda_ma = 0, chuo_ma = 0,
        aggregator = 0, wide_union = 0, inst_member = 0, inst_member2 = 0, inst_nonmember = 0,
        inst_aggregated = 0, site_municipal = 0, site_prefectural = 0;

 private:
  uint64_t commands_ = 0;
};

inline bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// ---- F-3 申請
}  // namespace shugo::core::test
