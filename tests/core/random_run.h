// The randomized run of the domain tests: a World given more organisations, then 4,000 random
// commands over random days (letters, organisation dates, code changes and mergers, campaigns and
// their temporary letters, fees), checked step by step, and the checks of the chains and indexes
// of a State that the run makes every 250 steps. Shared by tests/core/flows_test.cc (which then
// rebuilds the state from the log and follows every letter through the machine) and
// tests/projections/ (which runs the same command sequence against its own World).
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "tests/core/world.h"

namespace shugo::core::test {

inline bool Institution(K kind) {
  return kind == K::kInsuredInstitution || kind == K::kNonInsuredInstitution;
}

// Re-delegations and the letters under them agree (domain.md §3): a live letter stands under a
// live re-delegation, one in force under one in force; a re-delegation is live exactly while
// letters under it are, and counts them; each hop is a step of a routing row. An original letter
// routes by its delegator's kind when it was applied for (`applied_kind`): F-1-4-3 may change the
// kind since (a site given an insured code, an institution become non-insured), never from an
// institution to another kind.
inline void CheckChains(const State& s, const std::map<LetterId, K>& applied_kind) {
  std::map<LetterId, uint32_t> below;
  std::map<std::tuple<OrgId, ContractType, CampaignId>, int> open;
  for (const Letter& l : s.letters()) {
    CAPTURE(l.id);
    if (!l.redelegation && !IsTerminal(l.status)) {
      CHECK_EQ(++open[{l.delegator, l.contract_type, l.campaign}], 1);
    }
    if (!l.live() || l.upper == 0) continue;
    ++below[l.upper];
    const Letter* up = s.FindLetter(l.upper);
    REQUIRE(up != nullptr);
    CHECK(up->redelegation);
    CHECK(up->live());
    CHECK_EQ(up->delegator, l.delegate);
    CHECK_EQ(up->campaign, l.campaign);
    if (l.status == LS::kInContract || l.status == LS::kSecessionScheduled) {
      CHECK_EQ(std::string(CodeName(up->status)), "in_contract");
    }
  }
  for (const Letter& l : s.letters()) {
    if (!l.redelegation) continue;
    CAPTURE(l.id);
    CHECK_EQ(l.live_below, below[l.id]);
    CHECK_EQ(l.live(), below[l.id] > 0);
  }
  // The hops the routing table allows, as (from kind, to kind).
  std::set<std::pair<K, K>> hops;
  for (const ChainRule& rule : ChainRules()) {
    K from = rule.delegate.kind;
    for (const ChainStep& step : rule.redelegations) {
      hops.insert({from, step.kind});
      from = step.kind;
    }
  }
  for (const Letter& l : s.letters()) {
    CAPTURE(l.id);
    const K now = s.FindOrg(l.delegator)->kind;
    const K to = s.FindOrg(l.delegate)->kind;
    if (l.redelegation) {
      CHECK_MESSAGE(hops.contains({now, to}), CodeName(now) << " → " << CodeName(to));
      continue;
    }
    auto kind = applied_kind.find(l.id);
    REQUIRE(kind != applied_kind.end());
    const K from = kind->second;
    CHECK((from == now || (Institution(from) && Institution(now))));
    bool routed = false;
    for (const ChainRule& rule : ChainRules()) {
      routed |= std::find(rule.delegators.begin(), rule.delegators.end(), from) !=
                    rule.delegators.end() &&
                rule.delegate.kind == to &&
                (!rule.temporary_only || l.contract_type == ContractType::kTemporary);
    }
    CHECK_MESSAGE(routed, CodeName(from) << " → " << CodeName(to));
  }
}

inline constexpr ContractType kAllTypes[] = {
    ContractType::kRoutine, ContractType::kVoluntaryConsignment, ContractType::kVoluntarySubsidy,
    ContractType::kTemporary};

// The state's indexes agree with its letters, organisations and campaigns, whatever F-1-4-3 moved
// (re-keys, mergers) and F-10 ended: LettersOf and OpenLetter by delegator (no open original of
// a merged institution), every code of an organisation finds it (a merged one's, the survivor it
// ended in), the letters of each campaign and its live ones, the campaign ends pending.
inline void CheckIndexes(const State& s) {
  std::map<OrgId, std::vector<LetterId>> of;
  std::map<std::tuple<OrgId, ContractType, CampaignId>, LetterId> open;
  std::map<CampaignId, std::vector<LetterId>> of_campaign;
  std::map<CampaignId, std::set<LetterId>> live_of_campaign;
  for (const Letter& l : s.letters()) {
    CAPTURE(l.id);
    of[l.delegator].push_back(l.id);
    if (l.campaign != 0) {
      CHECK_EQ(l.contract_type, ContractType::kTemporary);
      REQUIRE(s.FindCampaign(l.campaign) != nullptr);
      of_campaign[l.campaign].push_back(l.id);
      if (s.FindCampaign(l.campaign)->ended) CHECK_FALSE(l.live());
    } else {
      CHECK_NE(l.contract_type, ContractType::kTemporary);
    }
    if (l.redelegation) continue;
    if (!IsTerminal(l.status)) {
      open[{l.delegator, l.contract_type, l.campaign}] = l.id;
      CHECK_MESSAGE(s.FindOrg(l.delegator)->merged_into == 0,
                    "an open letter of merged " << s.FindOrg(l.delegator)->code);
    }
    if (l.campaign != 0 && l.live()) live_of_campaign[l.campaign].insert(l.id);
  }
  for (const Organisation& o : s.organisations()) {
    CAPTURE(o.code);
    CHECK_EQ(s.LettersOf(o.id), of[o.id]);
    for (ContractType t : kAllTypes) {
      for (CampaignId c = 0; c < s.next_campaign_id(); ++c) {
        if ((t == ContractType::kTemporary) != (c != 0)) continue;
        const Letter* got = s.OpenLetter(o.id, t, c);
        auto want = open.find({o.id, t, c});
        CHECK_EQ(got == nullptr ? 0 : got->id, want == open.end() ? 0 : want->second);
      }
    }
    OrgId survivor = o.id;
    for (int hop = 0; hop < 64 && s.FindOrg(survivor)->merged_into != 0; ++hop) {
      survivor = s.FindOrg(survivor)->merged_into;
    }
    CHECK_EQ(s.FindOrg(survivor)->merged_into, 0u);
    std::vector<std::string> codes = o.old_codes;
    codes.push_back(o.code);
    for (const std::string& code : codes) {
      CAPTURE(code);
      const Organisation* found = s.FindOrgByCode(code);
      REQUIRE(found != nullptr);
      CHECK_EQ(found->id, survivor);
    }
    if (o.merged_into != 0) {
      const std::vector<OrgId>& from = s.FindOrg(o.merged_into)->merged_from;
      CHECK(std::find(from.begin(), from.end(), o.id) != from.end());
      CHECK_FALSE(o.pending_code_change.has_value());
    }
    for (OrgId m : o.merged_from) CHECK_EQ(s.FindOrg(m)->merged_into, o.id);
  }
  size_t ends = 0;
  for (const Campaign& c : s.campaigns()) {
    CAPTURE(c.id);
    CHECK_EQ(s.LettersOfCampaign(c.id), of_campaign[c.id]);
    CHECK_EQ(s.LiveLettersOfCampaign(c.id), live_of_campaign[c.id]);
    if (c.end_date && !c.ended) {
      ++ends;
      CHECK(s.campaign_ends().contains({*c.end_date, c.id}));
    }
    if (c.ended) CHECK(live_of_campaign[c.id].empty());
  }
  CHECK_EQ(s.campaign_ends().size(), ends);
}

// Every 医療機関コード of medical_institutions_sample.csv (the World's eligibility master).
inline std::vector<std::string> SampleCodes() {
  std::ifstream in(std::string(SHUGO_REFERENCE_DIR) + "/medical_institutions_sample.csv");
  REQUIRE(in.good());
  std::vector<std::string> codes;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) codes.push_back(line.substr(0, line.find(',')));
  return codes;
}

// The alternatives of Request, in order, for the run's summary.
inline constexpr const char* kRequestNames[] = {"RegisterOrganisation",
                                                "ChangeOrganisation",
                                                "EnterOrganisationDate",
                                                "ApplyLetter",
                                                "ReapplyLetter",
                                                "ApproveLetters",
                                                "ReturnLetter",
                                                "WithdrawLetter",
                                                "RequestSecession",
                                                "TerminateLetter",
                                                "ImportEligibilityMaster",
                                                "RequestCodeChange",
                                                "ReviewCodeChange",
                                                "AnnounceCollectiveContract",
                                                "DeclareCampaign",
                                                "ChangeCampaignFees",
                                                "SetAdditionalFees",
                                                "RegisterCampaignEnd",
                                                "SetMunicipalVaccine",
                                                "EndMunicipalVaccine",
                                                "SetVaccineSettingUnit",
                                                "SetContractMunicipality",
                                                "SetInstitutionVaccine",
                                                "SetFeeFloor",
                                                "IssueNonInsuredLink",
                                                "SubmitNonInsuredRegistration",
                                                "ReviewNonInsuredRegistration",
                                                "RecordUser",
                                                "RequestTermination",
                                                "AnswerTerminationRequest"};
static_assert(std::size(kRequestNames) == std::variant_size_v<Request>);

// The seed of the random test: SHUGO_RANDOM_SEED when set (to try others), else a fixed one so
// that CI is deterministic.
inline constexpr uint64_t kDefaultSeed = 20250401;
inline uint64_t RandomSeed() {
  const char* env = std::getenv("SHUGO_RANDOM_SEED");
  return env != nullptr && *env != '\0' ? std::strtoull(env, nullptr, 10) : kDefaultSeed;
}

// What a run leaves for the checks after it.
struct RandomRun {
  uint64_t seed = 0;                    // the seed it ran with (RandomSeed())
  std::vector<std::string> sample;      // every code of the eligibility master (SampleCodes())
  std::map<LetterId, Letter> terminal;  // each letter as it was when it became terminal
  std::map<LetterId, K> applied_kind;   // each original's delegator kind when it was applied for
  int accepted = 0, refused = 0, days = 0;           // commands accepted and refused; day job runs
  std::map<StatusCode, int> codes;                   // refusals by status code
  std::map<size_t, std::pair<int, int>> by_request;  // accepted and refused by Request index
};

// Runs the randomized command sequence of the domain tests on `w` (which must be a freshly
// constructed World); `after_step` (optional) is called after every step with the step number.
inline RandomRun RunRandomCommands(World& w, const std::function<void(int step)>& after_step = {}) {
  RandomRun run;
  // F-11: a transition period for part of the run (F-11-1 contract municipalities, F-11-3
  // relocations).
  w.options.conformance_date = Day(120);
  w.OpenProcessor();
  // More institutions, in more places.
  const OrgId chuo_member = w.RegisterInstitution("1310237487", World::kChuoMa);
  const OrgId hachioji_inst = w.RegisterInstitution("1312929628");
  const OrgId tachikawa_inst = w.RegisterInstitution("1313024593", World::kChiyodaMa);
  const OrgId minato_inst = w.RegisterInstitution("1315822838", w.Code(w.aggregator));
  RegisterOrganisation opening;
  opening.kind = K::kMunicipality;
  opening.code = "132039";
  opening.name = ReferenceRow("municipalities.csv", "132039")[3];
  opening.opening_date = Day(30);
  const OrgId musashino = w.Register(As(World::kMhlw), opening);
  // Where the institutions may move to (F-1-4-3): municipalities with master codes nobody holds.
  const OrgId shinjuku = w.RegisterLocalGov("131041");
  const OrgId koto = w.RegisterLocalGov("131083");
  const OrgId shinagawa = w.RegisterLocalGov("131091");

  const std::vector<OrgId> insured = {w.inst_member,     w.inst_member2, w.inst_nonmember,
                                      w.inst_aggregated, chuo_member,    hachioji_inst,
                                      tachikawa_inst,    minato_inst};
  std::vector<OrgId> institutions = insured;
  institutions.push_back(w.site_municipal);
  institutions.push_back(w.site_prefectural);
  const std::vector<OrgId> municipal = {w.chiyoda,    w.chuo,    w.minato, w.hachioji, w.tachikawa,
                                        w.wide_union, musashino, shinjuku, koto,       shinagawa};
  std::vector<OrgId> delegators = institutions;
  delegators.insert(delegators.end(), municipal.begin(), municipal.end());
  delegators.push_back(w.tokyo);  // a campaign's 実施主体 (F-10)
  // New codes: of the master in a registered municipality (valid), of the master elsewhere (no
  // approver), outside the master, with a wrong check digit, malformed.
  const std::vector<std::string> new_codes = {
      "1315722152", "1310430280", "1310831487", "1310832485", "1310829051",
      "1310935643", "1310936153", "1310931568", "1313370129", "1311137124",
      "0110112745", "1312929610", "1312929629", "13101"};
  const std::vector<std::string> vaccines = {"mr_mearubik", "bcg", "hpv9_silgard9",
                                             "covid_comirnaty", "covid_spikevax"};
  const std::vector<std::string> groups = {"", World::kChiyodaMa, World::kChuoMa,
                                           w.Code(w.aggregator)};
  run.sample = SampleCodes();
  std::vector<std::string> everyone;
  w.proc->Read([&](const State& s) {
    for (const Organisation& o : s.organisations()) everyone.push_back(o.code);
    return 0;
  });
  const ContractType types[] = {ContractType::kRoutine, ContractType::kVoluntaryConsignment,
                                ContractType::kVoluntarySubsidy};

  run.seed = RandomSeed();
  MESSAGE("seed " << run.seed << " (SHUGO_RANDOM_SEED)");
  std::mt19937_64 rng(run.seed);
  auto pick = [&rng](size_t n) { return static_cast<size_t>(rng() % n); };
  auto reason = [&] { return pick(10) == 0 ? std::string() : "理由" + std::to_string(pick(100)); };
  auto some_date = [&](int from, int span) {
    return w.Today().AddDays(from + static_cast<int>(pick(static_cast<size_t>(span))));
  };
  auto maybe_date = [&](int from, int span) {
    return pick(2) == 0 ? std::nullopt : std::optional<JapanDate>(some_date(from, span));
  };
  // The locating authority of an institution (F-7).
  auto locating = [&](const Organisation& o) {
    if (o.kind == K::kNonInsuredInstitution) return std::string(World::kTokyo);
    if (o.municipality == 0) return std::string(World::kTokyo);
    const Organisation m = w.Org(o.municipality);
    if (m.in_union && pick(2) == 0) return w.Code(m.union_id);
    return m.code;
  };
  auto campaigns = [&] {
    return w.proc->Read([](const State& s) { return s.campaigns().size(); });
  };
  // Mostly one of the last campaigns; sometimes one that does not exist.
  auto some_campaign = [&]() -> CampaignId {
    const size_t n = campaigns();
    if (n == 0 || pick(12) == 0) return n + 1;
    return n - pick(std::min<size_t>(n, 3));
  };
  auto declared_by = [&](CampaignId c) {
    return w.proc->Read([c](const State& s) {
      const Campaign* known = s.FindCampaign(c);
      return known == nullptr ? OrgId{0} : known->declared_by;
    });
  };
  // A campaign's fees: one or two vaccines (maybe twice the same, or one the master lacks).
  auto fees = [&] {
    static const char* kCampaignVaccines[] = {"covid_comirnaty", "covid_spikevax",
                                              "covid_nuvaxovid", "nope"};
    std::vector<CampaignFee> out;
    for (size_t i = 1 + pick(2); i > 0; --i) {
      out.push_back({kCampaignVaccines[pick(pick(6) == 0 ? 4 : 3)],
                     static_cast<int64_t>(3000 + pick(3) * 500)});
    }
    return out;
  };

  std::optional<Letter> acted_on;  // the letter a letter command names
  constexpr int kSteps = 4000;
  for (int step = 0; step < kSteps; ++step) {
    CAPTURE(step);
    const Position before = w.Head();
    const size_t op = pick(100);
    acted_on.reset();
    std::optional<Request> request;
    std::string actor;
    std::optional<Result<Outcome>> result;
    const LetterId letters = w.proc->Read([](const State& s) { return s.next_letter_id(); });
    if (op < 7) {  // days pass (0 to 2) and the day job runs; sometimes the same day again
      w.RunTo(some_date(0, 3));
      ++run.days;
    } else if (op < 26 || letters == 1) {  // F-3, F-10-2
      const OrgId who = delegators[pick(delegators.size())];
      ApplyLetter a{types[pick(3)], 0, pick(12) != 0};
      if (pick(3) == 0) {
        a.contract_type = ContractType::kTemporary;
        a.campaign = pick(20) == 0 ? 0 : some_campaign();
      } else if (pick(40) == 0) {
        a.campaign = 1;  // a campaign on another type
      }
      actor = w.Code(who);
      request = a;
    } else if (op < 77) {  // a user command on a letter (ids up to one that does not exist)
      // Mostly an open letter and a command its status allows, so that many are accepted.
      std::vector<LetterId> open_ids;
      w.proc->Read([&](const State& s) {
        for (const Letter& x : s.letters()) {
          if (!x.redelegation && !IsTerminal(x.status)) open_ids.push_back(x.id);
        }
        return 0;
      });
      const LetterId id =
          !open_ids.empty() && pick(3) != 0 ? open_ids[pick(open_ids.size())] : 1 + pick(letters);
      std::optional<Letter> l;
      if (id < letters) l = acted_on = w.L(id);
      std::string right = World::kChiyoda;
      size_t command = pick(7);  // reapply, approve ×2, return, withdraw, secession, terminate
      if (l && pick(5) < 3) {
        static const std::map<LS, std::vector<size_t>> kFitting = {{LS::kApplied, {1, 3, 4}},
                                                                   {LS::kReturned, {0, 4}},
                                                                   {LS::kApproved, {3, 4, 6}},
                                                                   {LS::kInContract, {5, 6}},
                                                                   {LS::kSecessionScheduled, {6}}};
        if (auto it = kFitting.find(l->status); it != kFitting.end()) {
          command = it->second[pick(it->second.size())];
        }
      }
      const bool temporary = l && l->contract_type == ContractType::kTemporary;
      switch (command) {
        case 0:
          request = ReapplyLetter{id};
          if (l) right = w.Code(l->delegator);
          break;
        case 1:
        case 2: {  // approve one, or a bulk of letters with the same delegate
          std::vector<LetterId> ids = {id};
          if (l && pick(3) == 0) {
            w.proc->Read([&](const State& s) {
              for (const Letter& other : s.letters()) {
                if (other.id != id && other.delegate == l->delegate &&
                    other.status == LS::kApplied && ids.size() < 4 && pick(2) == 0) {
                  ids.push_back(other.id);
                }
              }
              return 0;
            });
            if (pick(4) == 0) ids.push_back(letters + 5);  // one bad id: all or none
          }
          request = ApproveLetters{ids};
          if (l) right = w.Code(l->delegate);
          break;
        }
        case 3:
          request = ReturnLetter{id, reason()};
          if (l) right = w.Code(l->delegate);
          break;
        case 4:
          request = WithdrawLetter{id, reason()};
          if (l) right = w.Code(l->delegator);
          break;
        case 5:
          if (temporary && pick(5) != 0) {  // F-10-4: by the helpdesk, a month ahead or more
            request = RequestSecession{
                id, w.Today().AddMonths(1).AddDays(static_cast<int>(pick(8)) - 2), reason()};
            right = World::kChuokai;
          } else {
            request = RequestSecession{id, some_date(-1, 6), reason()};
            if (l) right = w.Code(l->delegator);
          }
          break;
        default: {
          const size_t f7 = pick(4);
          const size_t asked =
              w.proc->Read([](const State& s) { return s.termination_requests().size(); });
          if (l && f7 == 0) {  // F-7 解除依頼 of its institution, by some municipality
            request = RequestTermination{w.Code(l->delegator), reason(), maybe_date(-1, 5)};
            right = w.Code(municipal[pick(municipal.size())]);
            acted_on.reset();
          } else if (f7 == 1 && asked > 0) {  // the answer to one of the last requests
            const TerminationRequestId rid = asked - pick(std::min<size_t>(asked, 3));
            const bool terminate = pick(2) == 0;
            request = AnswerTerminationRequest{
                rid, terminate, reason(),
                terminate ? std::optional(some_date(-1, 5)) : std::nullopt};
            right = w.Code(w.proc->Read(
                [rid](const State& s) { return s.FindTerminationRequest(rid)->asked.addressee; }));
            acted_on.reset();
          } else {
            request = TerminateLetter{id, some_date(-1, 5), reason()};
            if (l) right = locating(w.Org(l->delegator));
          }
          break;
        }
      }
      actor = pick(10) < 7 ? right : everyone[pick(everyone.size())];
    } else if (op < 85) {  // F-1-8, F-1-9, F-5-2 dates, and membership changes (F-1-4-2)
      const OrgId m = municipal[pick(municipal.size())];
      switch (pick(9)) {
        case 0:
        case 1:
          actor = World::kFederation;
          request = EnterOrganisationDate{w.Code(m), DK::kPaymentConsignmentRegistered,
                                          some_date(-2, 3), ""};
          break;
        case 2:
          actor = World::kFederation;
          request = EnterOrganisationDate{w.Code(m), DK::kPaymentConsignmentCancelScheduled,
                                          some_date(0, 6), ""};
          break;
        case 3:
          actor = World::kMhlw;
          request = EnterOrganisationDate{w.Code(m), DK::kUnionJoinScheduled, some_date(1, 6),
                                          World::kUnion};
          break;
        case 4:
          actor = World::kMhlw;
          request = EnterOrganisationDate{w.Code(m), DK::kUnionLeaveScheduled, some_date(1, 6), ""};
          break;
        case 5:
          if (pick(8) == 0) {
            actor = World::kMhlw;
            request =
                EnterOrganisationDate{w.Code(m), DK::kAbolitionScheduled, some_date(5, 30), ""};
          }
          break;
        case 6:
          actor = World::kMhlw;
          request = EnterOrganisationDate{"132039", DK::kOpeningScheduled, some_date(1, 10), ""};
          break;
        case 7: {
          // F-1-2: a 医師会's new name (a delegate: its letters' copies follow).
          if (pick(4) == 0) {
            const OrgId associations[] = {w.tokyo_ma, w.chiyoda_ma, w.chuo_ma};
            ChangeOrganisation g;
            g.code = w.Code(associations[pick(3)]);
            g.name = "改称医師会" + std::to_string(step);
            actor = World::kChuokai;
            request = g;
            break;
          }
          const OrgId inst = insured[pick(insured.size())];
          ChangeOrganisation c;
          c.code = w.Code(inst);
          c.member_of_code = groups[pick(groups.size())];
          // Sometimes a new name too: the letters' copies of it must follow (projections).
          if (pick(3) == 0) c.name = "改称" + std::to_string(step) + "クリニック";
          actor = w.Code(w.Org(inst).municipality);
          request = c;
          break;
        }
        default:
          actor = everyone[pick(everyone.size())];
          request =
              EnterOrganisationDate{everyone[pick(everyone.size())], static_cast<DK>(pick(11)),
                                    some_date(-2, 6), World::kUnion};
          break;
      }
    } else if (op < 91) {  // F-1-4-3: code changes, mergers, to non-insured; their reviews
      std::vector<Organisation> pending;
      w.proc->Read([&](const State& s) {
        for (const Organisation& o : s.organisations()) {
          if (o.pending_code_change) pending.push_back(o);
        }
        return 0;
      });
      // A request, or a review of one waiting (half the time); sometimes a review of nothing.
      const bool ask = pending.empty() ? pick(10) != 0 : pick(2) == 0;
      if (ask) {
        const OrgId inst = institutions[pick(institutions.size())];
        RequestCodeChange r;
        r.reason = reason();
        r.consent = pick(12) != 0;
        r.personal_data = pick(2) == 0;
        r.designation_copy = pick(2) == 0;
        const size_t kind = pick(20);
        if (kind < 11) {  // a new code, of the master or not
          r.new_code = new_codes[pick(new_codes.size())];
        } else if (kind < 14) {  // merger into another institution (or itself)
          r.change = CodeChangeKind::kMerger;
          r.new_code = w.Code(institutions[pick(institutions.size())]);
        } else if (kind < 15) {  // merger into a new code
          r.change = CodeChangeKind::kMerger;
          r.new_code = new_codes[pick(new_codes.size())];
        } else if (kind < 18) {  // to non-insured (naming a code is refused)
          r.change = CodeChangeKind::kToNonInsured;
          if (pick(8) == 0) r.new_code = new_codes[0];
        } else {  // a code someone holds
          r.new_code = w.Code(institutions[pick(institutions.size())]);
        }
        actor = pick(10) < 8 ? w.Code(inst) : everyone[pick(everyone.size())];
        request = r;
      } else {
        ReviewCodeChange r;
        r.approve = pick(10) < 7;
        r.reason = r.approve ? std::string() : reason();
        if (pending.empty()) {
          r.code = w.Code(institutions[pick(institutions.size())]);
          r.request = 1;
          actor = everyone[pick(everyone.size())];
        } else {
          const Organisation& o = pending[pick(pending.size())];
          r.code =
              !o.old_codes.empty() && pick(4) == 0 ? o.old_codes[pick(o.old_codes.size())] : o.code;
          r.request = o.pending_code_change->request + (pick(15) == 0 ? 1 : 0);
          const Organisation approver = w.Org(o.pending_code_change->approver);
          std::string right = approver.code;
          if (approver.in_union && pick(3) == 0) right = w.Code(approver.union_id);
          actor = pick(10) < 8 ? right : everyone[pick(everyone.size())];
        }
        request = r;
      }
    } else if (op < 96) {  // F-10-1, F-10-4 campaigns; F-1-4-1 master; F-5-1 contract
      const size_t what = pick(20);
      if (what < 4) {
        DeclareCampaign r;
        r.name = pick(15) == 0 ? std::string() : "臨時接種" + std::to_string(step);
        r.start_date = some_date(-3, 15);
        const size_t by = pick(20);
        actor = by < 14 ? World::kMhlw : by < 19 ? World::kTokyo : everyone[pick(everyone.size())];
        r.implementer =
            pick(5) == 0 ? CampaignImplementer::kPrefecture : CampaignImplementer::kMunicipalities;
        const size_t area = pick(10);
        if (area < 3 && actor == World::kMhlw) {
          r.national = true;
        } else if (area < 8) {
          r.prefectures = {13};
        } else if (area < 9) {
          r.prefectures = {13, 14};
        } else {
          r.prefectures = {14};
        }
        r.fees = fees();
        r.application_deadline = some_date(-1, 25);
        r.approval_deadline =
            r.application_deadline.AddDays(static_cast<int>(pick(10)) - (pick(10) == 0 ? 5 : 0));
        request = r;
      } else if (what < 6) {
        const CampaignId c = some_campaign();
        const OrgId declarer = declared_by(c);
        actor = declarer != 0 && pick(5) != 0 ? w.Code(declarer) : World::kMhlw;
        request = ChangeCampaignFees{c, fees()};
      } else if (what < 8) {
        const CampaignId c = some_campaign();
        actor = w.Code(municipal[pick(municipal.size())]);
        std::vector<CampaignFee> extra = fees();
        if (pick(4) == 0) extra.clear();
        for (CampaignFee& f : extra) f.yen /= 10;
        request = SetAdditionalFees{c, extra};
      } else if (what < 13) {
        const CampaignId c = some_campaign();
        const OrgId declarer = declared_by(c);
        const size_t by = pick(10);
        actor = by < 6                    ? World::kMhlw
                : by < 9 && declarer != 0 ? w.Code(declarer)
                                          : everyone[pick(everyone.size())];
        request = RegisterCampaignEnd{c, some_date(0, 20)};
      } else if (what < 18) {  // the master: a row changed or removed (by the system)
        const std::string code = new_codes[pick(9)];
        const auto row = ReferenceRow("medical_institutions_sample.csv", code);
        ImportEligibilityMaster m;
        if (pick(3) == 0) {
          m.removed.push_back(code);
        } else {
          m.rows.push_back(
              {code, row[4] + (pick(2) == 0 ? "" : "（新）"), row[6] + row[7], row[8]});
        }
        if (pick(10) == 0) m.rows.push_back({code, "", "", row[8]});  // refused: no name
        const bool by_system = pick(10) != 0;
        result = w.Run(
            by_system ? Actor::System("eligibility-import") : As(everyone[pick(everyone.size())]),
            m);
      } else {
        actor = pick(4) == 0 ? everyone[pick(everyone.size())] : World::kChuokai;
        request = AnnounceCollectiveContract{some_date(-30, 32), "集合契約を締結しました"};
      }
    } else {  // F-2 fees and vaccines
      const OrgId m = municipal[pick(municipal.size())];
      const OrgId inst = institutions[pick(institutions.size())];
      const ContractType type = pick(8) == 0 ? ContractType::kTemporary : types[pick(3)];
      const std::string vaccine = pick(12) == 0 ? "nope" : vaccines[pick(vaccines.size())];
      switch (pick(6)) {
        case 0: {
          SetMunicipalVaccine r;
          r.municipality_code = pick(3) == 0 ? w.Code(m) : "";
          r.vaccine = vaccine;
          r.contract_type = type;
          static const char* kAmounts[] = {"12100", "9,000", "15000", "8800", "-1", ""};
          r.amount = kAmounts[pick(pick(4) == 0 ? 6 : 4)];
          r.start = some_date(-3, 10);
          r.end = maybe_date(5, 60);
          if (type == ContractType::kVoluntarySubsidy && pick(2) == 0) {
            r.sex = FeeSex::kFemale;
            r.age_min = 12;
            r.age_max = 16;
          }
          if (type != ContractType::kRoutine && pick(3) == 0)
            r.contractors = Contractors::kLocalOnly;
          actor = pick(10) < 8 ? w.Code(m) : everyone[pick(everyone.size())];
          request = r;
          break;
        }
        case 1:
          actor = pick(10) < 8 ? w.Code(m) : everyone[pick(everyone.size())];
          {
            EndMunicipalVaccine r{pick(3) == 0 ? w.Code(m) : "", vaccine, type, some_date(-2, 30)};
            w.proc->Read([&](const State& s) {  // mostly a vaccine it has
              const FeeSettings* fs = s.fees().Find(m);
              if (fs != nullptr && !fs->vaccines.empty() && pick(4) != 0) {
                auto it =
                    std::next(fs->vaccines.begin(), static_cast<long>(pick(fs->vaccines.size())));
                r.vaccine = it->first.first;
                r.contract_type = it->first.second;
              }
              return 0;
            });
            request = r;
          }
          break;
        case 2:
          actor = pick(10) < 8 ? std::string(World::kUnion) : w.Code(m);
          request = SetVaccineSettingUnit{
              pick(2) == 0 ? VaccineSettingUnit::kPerUnion : VaccineSettingUnit::kPerMember,
              some_date(-1, 10)};
          break;
        case 3: {
          const Organisation o = w.Org(inst);
          std::string where;
          switch (pick(4)) {
            case 0:
              break;  // 全国
            case 1:
              where = o.municipality == 0 ? "" : w.Code(o.municipality);
              break;
            case 2:
              where = w.Code(m);
              break;
            default:
              where = w.Code(institutions[pick(institutions.size())]);  // not a municipality
              break;
          }
          actor = w.Code(inst);
          request = SetContractMunicipality{pick(6) == 0 ? ContractType::kTemporary : type, where,
                                            some_date(-1, 10), maybe_date(10, 60)};
          break;
        }
        case 4: {
          static const char* kCosts[] = {"7000", "8,500", "", "x"};
          actor = w.Code(inst);
          request = SetInstitutionVaccine{vaccine, type, kCosts[pick(4)], some_date(-1, 10),
                                          maybe_date(10, 60)};
          break;
        }
        default: {
          static const char* kFloors[] = {"3,000", "", "2500", "3000円"};
          actor = pick(10) < 9 ? w.Code(inst) : w.Code(m);
          request = SetFeeFloor{kFloors[pick(4)]};
          break;
        }
      }
    }
    if (request) {
      const size_t index = request->index();
      result = w.Run(As(actor), *request);
      (result->ok() ? run.by_request[index].first : run.by_request[index].second)++;
      if (result->ok() && acted_on) {  // the approval of a bulk counts every letter it names
        CHECK_NE(w.L(acted_on->id).version, acted_on->version);
      }
    }
    if (result) {
      if (result->ok()) {
        ++run.accepted;
        CHECK_GT(w.Head(), before);
      } else {
        ++run.refused;
        ++run.codes[result->status().code()];
        CHECK_MESSAGE(w.Head() == before, result->status().ToString());
        const StatusCode c = result->status().code();
        CHECK_MESSAGE((c != StatusCode::kInternal && c != StatusCode::kDataLoss &&
                       c != StatusCode::kUnavailable && c != StatusCode::kAborted),
                      result->status().ToString());
        CHECK_FALSE(result->status().message().empty());
      }
    }
    w.proc->Read([&](const State& s) {
      for (LetterId id = letters; id < s.next_letter_id(); ++id) {
        const Letter& l = *s.FindLetter(id);
        if (!l.redelegation) run.applied_kind.emplace(id, s.FindOrg(l.delegator)->kind);
      }
      for (const Letter& l : s.letters()) {
        if (IsTerminal(l.status) && !run.terminal.contains(l.id)) run.terminal.emplace(l.id, l);
      }
      if (step % 250 == 0) {
        CheckChains(s, run.applied_kind);
        CheckIndexes(s);
      }
      return 0;
    });
    if (after_step) after_step(step);
  }
  w.RunTo(w.Today());
  std::string refusals;
  for (const auto& [code, n] : run.codes) {
    refusals += " " + std::string(StatusCodeName(code)) + "=" + std::to_string(n);
  }
  std::string requests;
  for (const auto& [index, n] : run.by_request) {
    requests += " " + std::string(kRequestNames[index]) + "=" + std::to_string(n.first) + "/" +
                std::to_string(n.second);
  }
  MESSAGE("accepted " << run.accepted << ", refused " << run.refused << " (" << refusals
                      << " ), day runs " << run.days
                      << "; accepted/refused by request:" << requests);
  CHECK_GT(run.accepted, 600);
  CHECK_GT(run.refused, 600);
  return run;
}

}  // namespace shugo::core::test
