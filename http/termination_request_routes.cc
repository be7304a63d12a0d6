// F-7 解除依頼 over HTTP (docs/api.md "Termination requests"): a municipality or union with a
// voluntary contract relation asks the institution's locating authority to terminate its letters;
// the requests are listed for the addressee and the requester (F-8, from the session, never from a
// parameter), and the addressee terminates or declines.
#include "http/internal/termination_request_routes.h"

#include <charconv>

#include "base/text.h"
#include "http/internal/organisation_commands.h"
#include "projections/queries.h"

namespace shugo::http::internal {

namespace {

namespace json = boost::json;
using projections::TerminationRequestItem;

constexpr std::string_view kNotFound = "解除依頼が見つかりません";

constexpr core::TerminationOutcome kOutcomes[] = {core::TerminationOutcome::kTerminated,
                                                  core::TerminationOutcome::kDeclined,
                                                  core::TerminationOutcome::kLapsed};

// A request's status in Japanese: 判断待ち while open, else its outcome's name.
std::string_view StatusName(std::string_view status) {
  for (core::TerminationOutcome o : kOutcomes) {
    if (core::CodeName(o) == status) return core::JapaneseName(o);
  }
  return "判断待ち";
}

std::string StreamOf(core::TerminationRequestId id) {
  return "termination-request-" + std::to_string(id);
}

json::object Party(const projections::PartyItem& p) {
  return json::object{{"id", p.id}, {"code", p.code}, {"name", p.name}};
}

// "a,b" as ["a", "b"] (numbers when `numbers`).
json::array Split(const std::string& list, bool numbers) {
  json::array out;
  for (size_t at = 0; at < list.size();) {
    const size_t end = std::min(list.find(',', at), list.size());
    const std::string item = list.substr(at, end - at);
    uint64_t n = 0;
    if (numbers && std::from_chars(item.data(), item.data() + item.size(), n).ec == std::errc()) {
      out.emplace_back(n);
    } else {
      out.emplace_back(item);
    }
    at = end + 1;
  }
  return out;
}

json::object ItemJson(const TerminationRequestItem& t) {
  json::object o{{"id", t.id},
                 {"institution", Party(t.institution)},
                 {"requester", Party(t.requester)},
                 {"addressee", Party(t.addressee)},
                 {"status", t.status},
                 {"status_name", StatusName(t.status)},
                 {"reason", t.reason},
                 {"contract_types", Split(t.contract_types, false)},
                 {"version", t.version}};
  if (!t.date.empty()) o["date"] = t.date;
  if (!t.decision_reason.empty()) o["decision_reason"] = t.decision_reason;
  if (!t.decision_date.empty()) o["decision_date"] = t.decision_date;
  if (!t.letters.empty()) o["letters"] = Split(t.letters, true);
  return o;
}

// The answer of a command on request `id` (0: the one the command created): its status and the
// version its stream had after the command.
Answer RequestAnswer(core::TerminationRequestId fixed) {
  return [fixed](const core::State& s, const core::Outcome& outcome,
                 const std::vector<core::DomainEvent>& events, json::object& out) {
    const auto* created = FirstOf<core::TerminationRequested>(events);
    const core::TerminationRequestId id = fixed != 0 ? fixed : created ? created->id : 0;
    if (const core::TerminationRequest* r = s.FindTerminationRequest(id)) {
      out["id"] = id;
      const std::string_view status =
          r->decision ? core::CodeName(r->decision->outcome) : std::string_view("open");
      out["status"] = status;
      out["status_name"] = StatusName(status);
      const core::Organisation& a = *s.FindOrg(r->asked.addressee);
      out["addressee"] = Party({a.id, a.code, a.name});
    }
    if (const auto* d = FirstOf<core::TerminationRequestDecided>(events)) {
      json::array letters;
      for (core::LetterId l : d->letters) letters.emplace_back(l);
      if (!letters.empty()) out["letters"] = std::move(letters);
    }
    out["version"] = VersionAfter(outcome, StreamOf(id));
  };
}

Result<core::RequestTermination> RequestBody(const Call& call) {
  SHUGO_RETURN_IF_ERROR(OnlyFields(call, {"code", "reason", "date"}));
  core::RequestTermination r;
  SHUGO_ASSIGN_OR_RETURN(r.code, RequiredText(call, "code"));
  SHUGO_ASSIGN_OR_RETURN(r.reason, RequiredText(call, "reason"));
  SHUGO_ASSIGN_OR_RETURN(r.date, DateMember(call, "date", false));
  return r;
}

Result<core::AnswerTerminationRequest> AnswerBody(const Call& call, core::TerminationRequestId id) {
  SHUGO_RETURN_IF_ERROR(OnlyFields(call, {"decision", "reason", "date"}));
  static const std::array<EnumName<bool>, 2> kDecisions{{{true, "terminate"}, {false, "decline"}}};
  core::AnswerTerminationRequest r;
  r.request = id;
  SHUGO_ASSIGN_OR_RETURN(std::optional<bool> terminate,
                         EnumMember<bool>(call, "decision", true, std::span(kDecisions)));
  r.terminate = *terminate;
  SHUGO_ASSIGN_OR_RETURN(r.reason, RequiredText(call, "reason"));
  SHUGO_ASSIGN_OR_RETURN(r.date, DateMember(call, "date", false));
  return r;
}

Response RequestTerminationRoute(Call& call) {
  auto body = RequestBody(call);
  if (!body.ok()) return FromStatus(call, body.status());
  return RunCommand(call, {*body, false, bhttp::status::created, RequestAnswer(0)});
}

// The request of the path, if the caller may see it (404 otherwise, as for an unknown one).
Result<core::TerminationRequestId> VisibleRequest(const Call& call) {
  SHUGO_ASSIGN_OR_RETURN(uint64_t id, PathNumber(call, 0, kNotFound));
  const bool visible = call.ctx.processor->Read([&](const core::State& s) {
    return core::MaySeeTerminationRequest(s, call.session->org, id);
  });
  if (!visible) return Status(StatusCode::kNotFound, std::string(kNotFound));
  return id;
}

Response AnswerRoute(Call& call) {
  auto id = VisibleRequest(call);
  if (!id.ok()) return FromStatus(call, id.status());
  auto body = AnswerBody(call, *id);
  if (!body.ok()) return FromStatus(call, body.status());
  return RunCommand(call, {*body, true, bhttp::status::ok, RequestAnswer(*id)});
}

Result<projections::TerminationRequestFilter> ListFilter(const Call& call) {
  projections::TerminationRequestFilter f;
  const auto box = call.query.find("box");
  if (box != call.query.end() && !box->second.empty()) {
    if (box->second == "received") {
      f.box = projections::RequestBox::kReceived;
    } else if (box->second == "sent") {
      f.box = projections::RequestBox::kSent;
    } else {
      return Status::InvalidArgument("box",
                                     "box は received（受けた依頼）または sent（送った依頼）"
                                     "です: " +
                                         QuoteInput(box->second));
    }
  }
  const auto status = call.query.find("status");
  if (status != call.query.end() && !status->second.empty()) {
    if (status->second != "open" && StatusName(status->second) == "判断待ち") {
      return Status::InvalidArgument(
          "status", "status は open, terminated, declined, lapsed のいずれかです: " +
                        QuoteInput(status->second));
    }
    f.status = status->second;
  }
  SHUGO_ASSIGN_OR_RETURN(const auto paging, PageParams(call));
  f.page = paging.first;
  f.per_page = paging.second;
  return f;
}

Response ListRoute(Call& call) {
  static constexpr std::string_view kKnown[] = {"box", "status", "page", "per_page",
                                                "min_position"};
  if (Status s = OnlyParams(call, kKnown); !s.ok()) return FromStatus(call, s);
  auto filter = ListFilter(call);
  if (!filter.ok()) return FromStatus(call, filter.status());
  if (auto waited = WaitMinPosition(call); waited) return std::move(*waited);
  auto viewer = ViewerOfCall(call);
  if (!viewer) return FromStatus(call, Status(StatusCode::kUnauthenticated, "組織が不明です"));
  const events::Position position = call.ctx.projections->position();
  auto page = call.ctx.projections->Read([&](const projections::Reader& r) {
    return projections::ListTerminationRequests(r, *viewer, *filter);
  });
  if (!page.ok()) return FromStatus(call, page.status());
  json::array items;
  for (const TerminationRequestItem& t : page->items) items.push_back(ItemJson(t));
  return Json(bhttp::status::ok, call.req.version(),
              json::object{{"items", std::move(items)},
                           {"total", page->total},
                           {"more", page->more},
                           {"page", filter->page},
                           {"per_page", filter->per_page},
                           {"position", position}});
}

Response GetRoute(Call& call) {
  static constexpr std::string_view kKnown[] = {"min_position"};
  if (Status s = OnlyParams(call, kKnown); !s.ok()) return FromStatus(call, s);
  auto id = PathNumber(call, 0, kNotFound);
  if (!id.ok()) return FromStatus(call, id.status());
  if (auto waited = WaitMinPosition(call); waited) return std::move(*waited);
  auto viewer = ViewerOfCall(call);
  if (!viewer) return FromStatus(call, Status(StatusCode::kUnauthenticated, "組織が不明です"));
  auto found = call.ctx.projections->Read([&](const projections::Reader& r) {
    return projections::FindTerminationRequest(r, *viewer, *id);
  });
  if (!found.ok()) return FromStatus(call, found.status());
  if (!*found) return FromStatus(call, Status(StatusCode::kNotFound, std::string(kNotFound)));
  Response res = Json(bhttp::status::ok, call.req.version(), ItemJson(**found));
  res.set(bhttp::field::etag, "\"" + std::to_string((*found)->version) + "\"");
  return res;
}

}  // namespace

std::vector<Route> TerminationRequestRoutes() {
  const std::string requests = "/api/termination-requests";
  std::vector<Route> routes;
  routes.push_back({bhttp::verb::post, requests, Access::kReady, true, RequestTerminationRoute});
  routes.push_back({bhttp::verb::get, requests, Access::kReady, false, ListRoute});
  routes.push_back({bhttp::verb::get, requests + "/{}", Access::kReady, false, GetRoute});
  routes.push_back(
      {bhttp::verb::post, requests + "/{}/decision", Access::kReady, true, AnswerRoute});
  return routes;
}

}  // namespace shugo::http::internal
