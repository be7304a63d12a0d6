// The operator's routes (docs/api.md "Admin"): the business date of a demo/test server, the day
// job on demand, and online projection rebuilds. The operator is an admin of 国保中央会, the
// system's operator (domain.md §2).
#include "http/internal/admin_routes.h"

#include "core/kinds.h"

namespace shugo::http::internal {

namespace {

// kPermissionDenied unless the caller is an admin user of 国保中央会.
Status Operator(const Call& call) {
  const bool central =
      call.ctx.processor != nullptr && call.ctx.processor->Read([&](const core::State& s) {
        const core::Organisation* o = s.FindOrg(call.session->org);
        return o != nullptr && o->kind == core::OrganisationKind::kCentralFederation;
      });
  if (call.session->role != accounts::Role::kAdmin || !central) {
    return Status(StatusCode::kPermissionDenied, "運用管理の操作は国保中央会の管理者のみ行えます");
  }
  return Status::Ok();
}

boost::json::object DayJson(const Call& call, JapanDate today, const core::DayReport& r) {
  boost::json::object out{{"business_date", today.ToString()},
                          {"transitions", r.commands},
                          {"head", call.ctx.store->head()}};
  if (r.first) {
    out["closed_from"] = r.first->ToString();
    out["closed_to"] = r.last->ToString();
  }
  return out;
}

// POST /api/admin/clock {"date"}: demo/test mode only. Moves the business date forward (never
// back) to 09:00 in Japan on `date` and runs the day job up to it, day by day.
Response MoveClock(Call& call) {
  if (Status s = Operator(call); !s.ok()) return FromStatus(call, s);
  const Context& ctx = call.ctx;
  if (!ctx.demo || ctx.business_clock == nullptr || ctx.processor == nullptr) {
    return Error(call, bhttp::status::forbidden, "demo_only",
                 "業務日付の変更はデモ・テストモードでのみ使えます");
  }
  if (Status s = OnlyFields(call, {"date"}); !s.ok()) return FromStatus(call, s);
  Result<std::string> text = StringField(call, "date");
  if (!text.ok()) return FromStatus(call, text.status());
  Result<JapanDate> date = JapanDate::Parse(*text, "date");
  if (!date.ok()) return FromStatus(call, date.status());
  std::lock_guard lock(*ctx.business_date_mu);
  const JapanDate today = ctx.processor->Today();
  if (*date < today) {
    return FromStatus(call, Status::InvalidArgument("date", "業務日付は現在（" + today.ToString() +
                                                                "）より前に戻せません"));
  }
  ctx.business_clock->SetMicros(date->StartUnixMicros() + int64_t{9} * 3'600'000'000);
  Result<core::DayReport> r = ctx.processor->RunDays(*date);
  if (!r.ok()) return FromStatus(call, r.status());
  return Json(bhttp::status::ok, call.req.version(), DayJson(call, *date, *r));
}

// POST /api/admin/day: the day job now (F_バッチ_3-1, F_バッチ_5-1), up to today's business date;
// it closes only the days not closed yet, so a second run changes nothing.
Response RunDayJob(Call& call) {
  if (Status s = Operator(call); !s.ok()) return FromStatus(call, s);
  if (Status s = OnlyFields(call, {}); !s.ok()) return FromStatus(call, s);
  const Context& ctx = call.ctx;
  if (ctx.processor == nullptr) {
    return Error(call, bhttp::status::service_unavailable, "unavailable",
                 "業務処理が動いていません");
  }
  std::lock_guard lock(*ctx.business_date_mu);
  const JapanDate today = ctx.processor->Today();
  Result<core::DayReport> r = ctx.processor->RunDays(today);
  if (!r.ok()) return FromStatus(call, r.status());
  return Json(bhttp::status::ok, call.req.version(), DayJson(call, today, *r));
}

boost::json::object RebuildJson(const projections::RebuildState& r) {
  boost::json::array names;
  for (const std::string& n : r.projections) names.emplace_back(n);
  boost::json::object out{{"running", r.running},   {"projections", std::move(names)},
                          {"position", r.position}, {"target", r.target},
                          {"events", r.events},     {"seconds", r.seconds},
                          {"error", r.error}};
  if (r.last) {
    out["last"] = boost::json::object{{"position", r.last->position},
                                      {"events", r.last->events},
                                      {"seconds", r.last->seconds},
                                      {"file", r.last->file}};
  }
  return out;
}

Response RebuildState(Call& call) {
  if (Status s = Operator(call); !s.ok()) return FromStatus(call, s);
  if (call.ctx.projections == nullptr) {
    return Error(call, bhttp::status::service_unavailable, "unavailable", "投影が動いていません");
  }
  return Json(bhttp::status::ok, call.req.version(),
              boost::json::object{{"rebuild", RebuildJson(call.ctx.projections->rebuild_state())}});
}

// POST /api/admin/rebuild {"projections": [names…]}: an online rebuild (202); one at a time.
Response StartRebuild(Call& call) {
  if (Status s = Operator(call); !s.ok()) return FromStatus(call, s);
  if (call.ctx.projections == nullptr) {
    return Error(call, bhttp::status::service_unavailable, "unavailable", "投影が動いていません");
  }
  if (Status s = OnlyFields(call, {"projections"}); !s.ok()) return FromStatus(call, s);
  std::vector<std::string> names;
  if (const boost::json::value* list = call.body.if_contains("projections"); list != nullptr) {
    const auto* items = list->if_array();
    bool ok = items != nullptr;
    if (ok) {
      for (const boost::json::value& v : *items) {
        if (!v.is_string()) {
          ok = false;
          break;
        }
        names.emplace_back(v.as_string());
      }
    }
    if (!ok) {
      return FromStatus(call, Status::InvalidArgument("projections",
                                                      "{\"projections\": [\"letters\", …]} を送って"
                                                      "ください（省略するとすべて）"));
    }
  }
  Status s = call.ctx.projections->StartRebuild(names);
  if (s.code() == StatusCode::kAlreadyExists) {
    return Error(call, bhttp::status::conflict, "rebuild_running", s.message());
  }
  if (!s.ok()) return FromStatus(call, s);
  return Json(bhttp::status::accepted, call.req.version(),
              boost::json::object{{"rebuild", RebuildJson(call.ctx.projections->rebuild_state())}});
}

}  // namespace

std::vector<Route> AdminRoutes() {
  using V = bhttp::verb;
  return {
      {V::post, "/api/admin/clock", Access::kReady, true, MoveClock},
      {V::post, "/api/admin/day", Access::kReady, true, RunDayJob},
      {V::get, "/api/admin/rebuild", Access::kReady, false, RebuildState},
      {V::post, "/api/admin/rebuild", Access::kReady, true, StartRebuild},
  };
}

}  // namespace shugo::http::internal
