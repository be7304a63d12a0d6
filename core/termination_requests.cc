#include "core/termination_requests.h"

#include <algorithm>
#include <set>

#include "core/codes.h"
#include "core/draft.h"
#include "core/fees.h"
#include "core/visibility.h"

namespace shugo::core {

namespace {

using K = OrganisationKind;

constexpr char kLapsedReason[] =
    "医療機関の委任状が他の手続（脱退・解除・取下げ等）で全て終了したため（F-7）";

std::string RequestLabel(TerminationRequestId id) { return "解除依頼" + std::to_string(id); }

bool InForce(LetterStatus s) {
  return s == LetterStatus::kInContract || s == LetterStatus::kSecessionScheduled;
}

// The institution a request names (its own field first: a malformed code is kInvalidArgument
// naming `code`; a well-formed one registered for no institution is kNotFound).
Result<const Organisation*> RequestedInstitution(const State& s, const std::string& code) {
  if (code.empty()) return Status::InvalidArgument("code", "医療機関コードを入力してください");
  if (!IsDigits(code, 10)) {
    return Status::InvalidArgument("code", "医療機関コードは10桁の数字です");
  }
  const Organisation* o = s.FindOrgByCode(code);
  if (o == nullptr) {
    if (code[2] == '1' || code[2] == '3') {  // a 医療機関コード's own rule (not a 類似コード)
      SHUGO_RETURN_IF_ERROR(MedicalInstitutionCode::Parse(code, "code").status());
    }
    return Status::NotFound("医療機関（" + code + "）が登録されていません");
  }
  if (!IsInstitution(o->kind)) {
    return Status::InvalidArgument("code", code + "は" + std::string(JapaneseName(o->kind)) +
                                               "です（医療機関コードを指定してください）");
  }
  return o;
}

// The live original letters of `institution` as `d` has them, in id order.
std::vector<const Letter*> LiveLetters(const Draft& d, OrgId institution) {
  std::vector<const Letter*> out;
  for (LetterId id : d.state().LettersOf(institution)) {
    const Letter& l = *d.state().FindLetter(id);
    if (!l.redelegation && IsLive(d.StatusOf(l))) out.push_back(&l);
  }
  return out;
}

}  // namespace

const Organisation* LocatingAuthorityOf(const State& s, const Organisation& institution) {
  if (institution.kind == K::kNonInsuredInstitution) return s.PrefectureOf(institution.prefecture);
  return s.FindOrg(institution.municipality);
}

std::vector<ContractType> VoluntaryRelation(const State& s, OrgId municipal, OrgId institution,
                                            JapanDate day) {
  std::set<ContractType> in_force;
  for (LetterId id : s.LettersOf(institution)) {
    const Letter& l = *s.FindLetter(id);
    if (!l.redelegation && InForce(l.status)) in_force.insert(l.contract_type);
  }
  std::vector<ContractType> out;
  if (!in_force.contains(ContractType::kVoluntaryConsignment) &&
      !in_force.contains(ContractType::kVoluntarySubsidy)) {
    return out;
  }
  const std::vector<ApplicableFee> fees = FeesFor(s, institution, municipal, day);
  for (ContractType type : {ContractType::kVoluntaryConsignment, ContractType::kVoluntarySubsidy}) {
    if (!in_force.contains(type)) continue;
    if (std::any_of(fees.begin(), fees.end(),
                    [type](const ApplicableFee& f) { return f.fee.contract_type == type; })) {
      out.push_back(type);
    }
  }
  return out;
}

bool MaySeeTerminationRequest(const State& s, OrgId viewer, TerminationRequestId id) {
  const TerminationRequest* r = s.FindTerminationRequest(id);
  const Organisation* v = s.FindOrg(viewer);
  if (r == nullptr || v == nullptr) return false;
  return LetterScopeOf(v->kind) == LetterScope::kAll || viewer == r->asked.requester ||
         DecidesFor(s, *v, r->asked.addressee);
}

// Checks in the order of every command (docs/core.md "Order of checks"): the request's fields
// (code, reason, date), then who asks and where it routes (a municipality or union, the
// institution registered, not its own locating authority, a voluntary contract relation, the
// addressee found), then the state (one open request per requester and institution: 409).
Status DecideRequestTermination(Draft& d, const RequestTermination& r) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* by, ActingOrg(d));
  const State& s = d.state();
  Result<const Organisation*> found = RequestedInstitution(s, r.code);
  if (!found.ok() && found.status().code() == StatusCode::kInvalidArgument) return found.status();
  SHUGO_RETURN_IF_ERROR(NeedReason(r.reason));
  if (r.date && *r.date < d.today()) {
    return Status::InvalidArgument("date", "希望する解除日は本日以降の日付を入力してください");
  }
  if (by == nullptr || !IsMunicipal(by->kind)) {
    return Status(
        StatusCode::kPermissionDenied,
        "医療機関の解除依頼は任意接種の委託関係のある市区町村・広域連合が行います（F-7）");
  }
  SHUGO_RETURN_IF_ERROR(found.status());
  const Organisation& inst = **found;
  if (IsLocatingAuthority(s, *by, inst)) {
    return Status(StatusCode::kPermissionDenied,
                  by->name + "は" + inst.name +
                      "の所在地の自治体です。解除依頼ではなく、集合契約の解除（F_画面10-1-2）で直接"
                      "解除してください（F-7）",
                  "code");
  }
  std::vector<ContractType> relation = VoluntaryRelation(s, by->id, inst.id, d.today());
  if (relation.empty()) {
    return Status(StatusCode::kPermissionDenied,
                  by->name + "は" + inst.name +
                      "と任意接種（任意委託・任意助成）の委託関係がないため、解除を依頼できません（"
                      "F-7）",
                  "code");
  }
  const Organisation* addressee = LocatingAuthorityOf(s, inst);
  if (addressee == nullptr) {
    return Status::NotFound(inst.name + "の所在地の自治体が登録されていません");
  }
  if (const TerminationRequest* open = s.OpenTerminationRequest(inst.id, by->id)) {
    return Status::AlreadyExists(inst.name + "について判断待ちの" + RequestLabel(open->asked.id) +
                                 "があります。判断の後に依頼してください");
  }
  TerminationRequested e;
  e.id = s.next_termination_request_id();
  e.institution = inst.id;
  e.requester = by->id;
  e.addressee = addressee->id;
  e.reason = r.reason;
  e.date = r.date;
  e.contract_types = std::move(relation);
  d.created().push_back(e.id);
  return d.Emit(std::move(e), d.today());
}

// Checks: the fields (reason; a 解除日 to terminate, of today or later; none to decline), then the
// request (unknown: 404) and who decides it (the addressee or its union: 403), then the version
// and the state (closed, no letter left to terminate: 409), then each letter by TerminateLetter's
// rules.
Status DecideAnswerTerminationRequest(Draft& d, const AnswerTerminationRequest& r,
                                      std::optional<uint64_t> expected) {
  SHUGO_ASSIGN_OR_RETURN(const Organisation* by, ActingOrg(d));
  const State& s = d.state();
  SHUGO_RETURN_IF_ERROR(NeedReason(r.reason));
  if (r.terminate && !r.date) {
    return Status::InvalidArgument("date", "解除日を入力してください");
  }
  if (r.terminate && *r.date < d.today()) {
    return Status::InvalidArgument("date", "解除日は本日以降の日付を入力してください");
  }
  if (!r.terminate && r.date) {
    return Status::InvalidArgument("date", "見送りには解除日を指定できません");
  }
  const TerminationRequest* q = s.FindTerminationRequest(r.request);
  if (q == nullptr) return Status::NotFound(RequestLabel(r.request) + "はありません");
  const TerminationRequested& asked = q->asked;
  if (by == nullptr || !DecidesFor(s, *by, asked.addressee)) {
    return Status(StatusCode::kPermissionDenied, RequestLabel(asked.id) + "の判断は依頼先（" +
                                                     d.Org(asked.addressee).name +
                                                     "）が行います（F-7）");
  }
  if (expected && *expected != q->version) {
    return Status::Aborted(RequestLabel(asked.id) + "は他の操作で更新されています（表示した版 " +
                               std::to_string(*expected) + "、現在の版 " +
                               std::to_string(q->version) + "）。画面を更新してください",
                           "termination-request-" + std::to_string(asked.id));
  }
  if (!q->open()) {
    return Status::FailedPrecondition(RequestLabel(asked.id) + "は判断済みです（" +
                                      std::string(JapaneseName(q->decision->outcome)) + "）");
  }
  TerminationRequestDecided e;
  e.id = asked.id;
  e.reason = r.reason;
  if (!r.terminate) {
    e.outcome = TerminationOutcome::kDeclined;
    return d.Emit(std::move(e), d.today());
  }
  const std::vector<const Letter*> letters = LiveLetters(d, asked.institution);
  if (letters.empty()) {
    return Status::FailedPrecondition(d.Org(asked.institution).name +
                                      "に解除できる委任状がありません。見送りとしてください");
  }
  e.outcome = TerminationOutcome::kTerminated;
  e.date = r.date;
  for (const Letter* l : letters) e.letters.push_back(l->id);
  SHUGO_RETURN_IF_ERROR(d.Emit(std::move(e), d.today()));
  for (const Letter* l : letters) {
    SHUGO_RETURN_IF_ERROR(DecideTerminate(d, TerminateLetter{l->id, *r.date, r.reason}, {}));
  }
  return Status::Ok();
}

Status CloseLapsedTerminationRequests(Draft& d) {
  const State& s = d.state();
  if (!s.any_open_termination_request()) return Status::Ok();
  std::set<OrgId> ended;                   // institutions whose letter this command ended
  std::set<TerminationRequestId> decided;  // requests this command closed itself
  for (const Draft::Out& o : d.out()) {
    if (const auto* t = std::get_if<LetterTransitioned>(&o.event)) {
      const Letter* l = s.FindLetter(t->id);
      if (l != nullptr && !l->redelegation && !IsLive(d.StatusOf(*l))) ended.insert(l->delegator);
    } else if (const auto* c = std::get_if<TerminationRequestDecided>(&o.event)) {
      decided.insert(c->id);
    }
  }
  for (OrgId inst : ended) {
    const std::vector<TerminationRequestId> open = s.OpenTerminationRequestsAbout(inst);
    if (open.empty() || !LiveLetters(d, inst).empty()) continue;
    for (TerminationRequestId id : open) {
      if (decided.contains(id)) continue;
      SHUGO_RETURN_IF_ERROR(d.Emit(
          TerminationRequestDecided{
              id, TerminationOutcome::kLapsed, kLapsedReason, std::nullopt, {}},
          d.today()));
    }
  }
  return Status::Ok();
}

}  // namespace shugo::core
