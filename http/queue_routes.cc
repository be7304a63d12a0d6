// The signed-in user's work (docs/api.md "Queues and what needs my action"): the F-1-4-3 code
// changes and F-1-5 entries awaiting its organisation's decision (F_画面11-2-1, 7-1-1), and a
// summary of everything waiting for it with the list that opens each (core/work_queues.h).
// Answered from the domain state (every acknowledged command is in it).
#include <algorithm>
#include <functional>
#include <optional>
#include <span>

#include "core/non_insured.h"
#include "core/state.h"
#include "core/work_queues.h"
#include "http/internal/organisation_routes.h"

namespace shugo::http::internal {

namespace {

namespace json = boost::json;

// A paged list answered from the state: `items(state)` gives the whole list, in order.
Response StateList(Call& call, const std::function<json::array(const core::State&)>& items) {
  static constexpr std::string_view kKnown[] = {"page", "per_page"};
  if (Status st = OnlyParams(call, kKnown); !st.ok()) return FromStatus(call, st);
  auto paging = PageParams(call);
  if (!paging.ok()) return FromStatus(call, paging.status());
  json::object out = call.ctx.processor->Read(
      [&](const core::State& s) { return PageOf(items(s), paging->first, paging->second); });
  return Json(bhttp::status::ok, call.req.version(), out);
}

Response CodeChangeQueue(Call& call) {
  return StateList(call, [&](const core::State& s) {
    json::array items;
    for (core::OrgId id : core::CodeChangesAwaiting(s, call.session->org)) {
      const core::Organisation* o = s.FindOrg(id);
      const core::CodeChangeRequested& r = *o->pending_code_change;
      items.push_back(json::object{{"institution", StateRef(s, o->id)},
                                   {"request", r.request},
                                   {"change", core::CodeName(r.change)},
                                   {"change_name", core::JapaneseName(r.change)},
                                   {"new_code", r.new_code},
                                   {"reason", r.reason},
                                   {"approver", StateRef(s, r.approver)},
                                   {"version", o->version},
                                   {"review", "/api/code-changes/" + o->code + "/" +
                                                  std::to_string(r.request) + "/review"}});
    }
    return items;
  });
}

Response RegistrationQueue(Call& call) {
  return StateList(call, [&](const core::State& s) {
    json::array items;
    for (core::RegistrationId id : core::RegistrationsAwaiting(s, call.session->org)) {
      const core::NonInsuredRegistration* r = s.FindRegistration(id);
      json::object item{{"id", r->id},
                        {"status", core::CodeName(r->status)},
                        {"issuer", StateRef(s, r->issuer)},
                        {"approver", StateRef(s, r->approver)},
                        {"expires", r->expires.ToString()},
                        {"version", r->version},
                        {"review", "/api/non-insured/" + std::to_string(r->id) + "/review"}};
      if (r->data) {
        item["name"] = r->data->name;
        item["kana"] = r->data->kana;
        item["address"] = r->data->address;
        item["site_kind"] = r->data->site_kind;
        item["municipality"] = StateRef(s, r->data->municipality);
      }
      items.push_back(std::move(item));
    }
    return items;
  });
}

json::object Item(std::string_view key, std::string_view label, int64_t count, json::object list) {
  return json::object{{"key", key}, {"label", label}, {"count", count}, {"list", std::move(list)}};
}

json::object ListAt(std::string_view route, json::object query = {}) {
  return json::object{{"route", route}, {"query", std::move(query)}};
}

// What needs the signed-in user's action (the main menu's counts): letters awaiting its
// organisation's approval, its returned letters to correct or withdraw, the two queues above, the
// open 解除依頼 addressed to it, and its letters leaving the contract this month (a 脱退日 or a
// scheduled 解除日 in the month of today).
Response MyActions(Call& call) {
  if (Status st = OnlyParams(call, std::span<const std::string_view>()); !st.ok()) {
    return FromStatus(call, st);
  }
  const JapanDate today = call.ctx.processor->Today();
  const std::pair<JapanDate, JapanDate> month = core::MonthOf(today);
  json::object out = call.ctx.processor->Read([&](const core::State& s) {
    const core::OrgId me = call.session->org;
    const core::Organisation* org = s.FindOrg(me);
    const std::string code = org == nullptr ? "" : org->code;
    const core::ActionCounts n = core::ActionsOf(s, me, today);
    json::array items;
    items.push_back(Item("letters_to_approve", "承認待ちの委任状", n.letters_to_approve,
                         ListAt("/api/letters", {{"status", "applied"}, {"delegate", code}})));
    items.push_back(Item("letters_returned", "差戻された委任状", n.letters_returned,
                         ListAt("/api/letters", {{"status", "returned"}, {"delegator", code}})));
    items.push_back(Item("code_changes", "承認待ちの医療機関コード変更", n.code_changes,
                         ListAt("/api/code-changes")));
    items.push_back(
        Item("non_insured", "承認待ちの非保険医療機関", n.non_insured, ListAt("/api/non-insured")));
    items.push_back(
        Item("termination_requests", "対応待ちの解除依頼", n.termination_requests,
             ListAt("/api/termination-requests", {{"box", "received"}, {"status", "open"}})));
    // The list opens every scheduled secession (the letters list has no date filter).
    items.push_back(Item("leaving_this_month", "今月脱退・解除となる委任状", n.leaving_this_month,
                         ListAt("/api/letters", {{"status", "secession_scheduled"}})));
    return json::object{{"organisation", StateRef(s, me)},
                        {"date", today.ToString()},
                        {"month", json::object{{"first", month.first.ToString()},
                                               {"last", month.second.ToString()}}},
                        {"items", std::move(items)}};
  });
  return Json(bhttp::status::ok, call.req.version(), out);
}

}  // namespace

json::value StateRef(const core::State& s, core::OrgId id) {
  const core::Organisation* o = s.FindOrg(id);
  if (o == nullptr) return nullptr;
  return json::object{{"id", o->id}, {"code", o->code}, {"name", o->name}};
}

json::object PageOf(json::array items, int page, int per_page) {
  const auto total = static_cast<int64_t>(items.size());
  const int64_t from = std::min<int64_t>(total, int64_t{page - 1} * per_page);
  const int64_t to = std::min<int64_t>(total, from + per_page);
  json::array out;
  for (int64_t i = from; i < to; ++i) out.push_back(std::move(items[static_cast<size_t>(i)]));
  return json::object{{"items", std::move(out)},
                      {"total", total},
                      {"more", false},
                      {"page", page},
                      {"per_page", per_page}};
}

std::vector<Route> QueueRoutes() {
  using V = bhttp::verb;
  return {
      {V::get, "/api/code-changes", Access::kReady, false, CodeChangeQueue},
      {V::get, "/api/non-insured", Access::kReady, false, RegistrationQueue},
      {V::get, "/api/me/actions", Access::kReady, false, MyActions},
  };
}

}  // namespace shugo::http::internal
