// Sign-in, the signed-in user, and user administration (F-9, domain.md §5; docs/api.md
// "Accounts"). Routes are registered in http/routes.cc.
#include "http/internal/account_routes.h"

#include <charconv>

#include "base/text.h"
#include "http/internal/limiter.h"

namespace shugo::http::internal {

namespace {

namespace json = boost::json;

struct OrgView {
  core::OrgId id = 0;
  std::string code, name;
  core::OrganisationKind kind = core::OrganisationKind::kMhlw;
  int prefecture = 0;
  core::OrgId municipality = 0, parent = 0, member_of = 0;
};

std::optional<OrgView> ViewOf(const core::Organisation* o) {
  if (o == nullptr) return std::nullopt;
  return OrgView{o->id,         o->code,         o->name,   o->kind,
                 o->prefecture, o->municipality, o->parent, o->member_of};
}

std::optional<OrgView> OrgOf(const Context& ctx, core::OrgId id) {
  if (ctx.processor == nullptr) return std::nullopt;
  return ctx.processor->Read([&](const core::State& s) { return ViewOf(s.FindOrg(id)); });
}

json::object UserJson(const accounts::User& u, const std::optional<OrgView>& org, int64_t now = 0) {
  json::object o{{"id", u.id},
                 {"login_id", u.login_id},
                 {"role", CodeName(u.role)},
                 {"name", u.name},
                 {"kana", u.kana},
                 {"email", u.email},
                 {"phone", u.phone},
                 {"suspended", u.suspended},
                 {"locked", u.locked_until.has_value() && *u.locked_until > now}};
  if (org) {
    o["organisation"] = json::object{{"id", org->id},
                                     {"code", org->code},
                                     {"name", org->name},
                                     {"kind", core::CodeName(org->kind)},
                                     {"kind_name", core::JapaneseName(org->kind)},
                                     {"prefecture", org->prefecture}};
  }
  return o;
}

int64_t Now(const Call& call) {
  return call.ctx.clock != nullptr ? call.ctx.clock->NowMicros() : 0;
}

// Requests that mail someone or probe for accounts (forgotten password or id): at most 20 per
// address in 10 minutes, each counted; nullopt when this one may go on.
std::optional<Response> Throttled(const Call& call) {
  if (call.ctx.limiter == nullptr) return std::nullopt;
  const std::string key = "mail:" + AddressBlock(call.peer);
  const int64_t now = Now(call);
  if (const int64_t wait = call.ctx.limiter->RetryAfter(key, now); wait > 0) {
    Response res = Error(call, bhttp::status::too_many_requests, "too_many_attempts",
                         "このアドレスからの依頼が多すぎます。しばらくしてからお試しください");
    res.set(bhttp::field::retry_after, std::to_string(wait / 1'000'000 + 1));
    return res;
  }
  call.ctx.limiter->Failed(key, now);
  return std::nullopt;
}

Response Unauthenticated(const Call& call) {
  return Error(call, bhttp::status::unauthorized, "unauthenticated",
               "ログインしてください（セッションがないか、有効期限が切れています）");
}

// The answer after each step of signing in: what is still needed, or the signed-in user.
Response NextStep(Call& call, const accounts::User& user, accounts::Stage stage,
                  const std::string& token, bool set_cookie) {
  json::object out{{"csrf_token", call.session ? call.session->csrf : ""}};
  if (stage != accounts::Stage::kReady) {
    out["need"] = CodeName(stage);
    if (stage == accounts::Stage::kSecondFactor) {
      out["message"] = "登録のメールアドレスに送った認証コードを入力してください";
    } else if (stage == accounts::Stage::kPasswordChange) {
      out["message"] = "仮パスワードを新しいパスワードに変更してください";
    } else {
      out["message"] = "医療機関コードを入力して確認してください";
    }
  } else {
    out["user"] = UserJson(user, OrgOf(call.ctx, user.org));
  }
  Response res = Json(bhttp::status::ok, call.req.version(), out);
  if (set_cookie) res.set(bhttp::field::set_cookie, SessionCookie(call, token));
  return res;
}

bool IsInsuredInstitution(const Context& ctx, core::OrgId org) {
  auto o = OrgOf(ctx, org);
  return o && o->kind == core::OrganisationKind::kInsuredInstitution;
}

// Whether the browser's shugo_device cookie is a trusted device of `user` (F-9-1: the second
// factor is asked per browser).
bool TrustedBrowser(const Call& call, uint64_t user) {
  auto trusted = call.ctx.accounts->TrustedDevice(user, RequestCookie(call, "shugo_device"));
  return trusted.ok() && *trusted;
}

// After a step of signing in (or a password change): a new session (token and CSRF token) at
// the user's next stage replaces the old one, mailing a code when that stage is the second factor.
// `device`: the token of a device trusted just now (after the second factor), set as a cookie.
Response AfterStep(Call& call, uint64_t user_id, const std::string& device = {}) {
  accounts::AccountStore& a = *call.ctx.accounts;
  auto user = a.FindUser(user_id);
  if (!user.ok()) return FromStatus(call, user.status());
  if (!*user) return Unauthenticated(call);
  const bool trusted = !device.empty() || TrustedBrowser(call, user_id);
  const accounts::Stage next =
      a.FirstStage(**user, IsInsuredInstitution(call.ctx, (*user)->org), trusted);
  if (next == accounts::Stage::kSecondFactor) {
    if (Status s = a.SendSecondFactor(**user); !s.ok()) return FromStatus(call, s);
  }
  a.CloseSession(call.token).IgnoreError();  // gone already after a password change
  auto opened = a.OpenSession(**user, next);
  if (!opened.ok()) return FromStatus(call, opened.status());
  call.token = opened->first;
  call.session = opened->second;
  Response res = NextStep(call, **user, next, call.token, true);
  if (!device.empty()) {
    res.insert(bhttp::field::set_cookie, DeviceCookie(call, device, a.trusted_device_us()));
  }
  return res;
}

Result<uint64_t> UserIdParam(const Call& call) {
  uint64_t id = 0;
  const std::string& text = call.params.at(0);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || ptr != text.data() + text.size() || id == 0) {
    return Status(StatusCode::kNotFound, "利用者が見つかりません");
  }
  return id;
}

// Whether an admin of `by` may issue the first admin of `target` (the level above;
// docs/accounts.md).
bool IsLevelAbove(const OrgView& by, const OrgView& target) {
  using K = core::OrganisationKind;
  const bool institution =
      target.kind == K::kInsuredInstitution || target.kind == K::kNonInsuredInstitution;
  switch (by.kind) {
    case K::kMhlw:
    case K::kCentralFederation:
      return by.id != target.id;
    case K::kPrefecture:
      return target.prefecture == by.prefecture &&
             (target.kind == K::kMunicipality || target.kind == K::kWideAreaUnion || institution);
    case K::kPrefecturalFederation:
      return target.prefecture == by.prefecture && institution;
    case K::kPrefecturalMedicalAssociation:
      return target.kind == K::kLocalMedicalAssociation && target.parent == by.id;
    case K::kLocalMedicalAssociation:
    case K::kOtherAggregator:
      return institution && target.member_of == by.id;
    case K::kMunicipality:
      return institution && target.municipality == by.id;
    default:
      return false;
  }
}

}  // namespace

Response Login(Call& call) {
  const Context& ctx = call.ctx;
  if (Status s = OnlyFields(call, {"login_id", "password"}); !s.ok()) return FromStatus(call, s);
  auto login_id = StringField(call, "login_id");
  if (!login_id.ok()) return FromStatus(call, login_id.status());
  auto password = StringField(call, "password");
  if (!password.ok()) return FromStatus(call, password.status());
  const int64_t now = ctx.clock != nullptr ? ctx.clock->NowMicros() : 0;
  const std::string address = AddressBlock(call.peer);
  if (ctx.limiter != nullptr) {
    if (const int64_t wait = ctx.limiter->RetryAfter(address, now); wait > 0) {
      Response res = Error(call, bhttp::status::too_many_requests, "too_many_attempts",
                           "ログインの失敗が続いたため、このアドレスからのログインを一時的に"
                           "止めています。しばらくしてからお試しください");
      res.set(bhttp::field::retry_after, std::to_string(wait / 1'000'000 + 1));
      return res;
    }
  }
  const std::string device = RequestCookie(call, "shugo_device");
  auto checked = ctx.accounts->CheckLogin(*login_id, *password, device, address);
  if (!checked.ok()) return FromStatus(call, checked.status());
  switch (checked->kind) {
    case accounts::LoginResult::Kind::kWrong:
      if (ctx.limiter != nullptr) ctx.limiter->Failed(address, now);
      return Error(call, bhttp::status::unauthorized, "login_failed",
                   "ログインIDまたはパスワードが正しくありません");
    case accounts::LoginResult::Kind::kLocked: {
      if (ctx.limiter != nullptr) ctx.limiter->Failed(address, now);
      // The same answer whether this address is locked out of the login id (wrong passwords
      // from it) or the account itself is locked (wrong codes inside a session).
      Response res = Error(call, bhttp::status::too_many_requests, "account_locked",
                           "誤りが続いたため、このアカウントへのログインを一時的に止めています。"
                           "しばらくしてから再度お試しいただくか、組織の管理者に連絡してください");
      res.set(bhttp::field::retry_after, std::to_string(checked->retry_after_us / 1'000'000 + 1));
      return res;
    }
    case accounts::LoginResult::Kind::kSuspended:
      return Error(call, bhttp::status::forbidden, "account_suspended",
                   "このアカウントは利用停止中です。組織の管理者に連絡してください");
    case accounts::LoginResult::Kind::kOk:
      break;
  }
  const accounts::User& user = *checked->user;
  // A session the browser still holds ends: one browser, one session.
  if (!call.token.empty()) ctx.accounts->CloseSession(call.token).IgnoreError();
  const accounts::Stage stage = ctx.accounts->FirstStage(user, IsInsuredInstitution(ctx, user.org),
                                                         TrustedBrowser(call, user.id));
  auto opened = ctx.accounts->OpenSession(user, stage);
  if (!opened.ok()) return FromStatus(call, opened.status());
  call.token = opened->first;
  call.session = opened->second;
  if (stage == accounts::Stage::kSecondFactor) {
    if (Status s = ctx.accounts->SendSecondFactor(user); !s.ok()) return FromStatus(call, s);
  }
  if (call.log != nullptr) call.log->user = user.id;
  return NextStep(call, user, stage, call.token, true);
}

Response SecondFactor(Call& call) {
  if (call.session->stage != accounts::Stage::kSecondFactor) {
    return Error(call, bhttp::status::conflict, "wrong_step",
                 "認証コードの入力は求められていません");
  }
  if (Status s = OnlyFields(call, {"code"}); !s.ok()) return FromStatus(call, s);
  auto code = StringField(call, "code");
  if (!code.ok()) return FromStatus(call, code.status());
  const auto agent = call.req[bhttp::field::user_agent];
  auto device = call.ctx.accounts->VerifySecondFactor(call.session->user, *code,
                                                      std::string_view(agent.data(), agent.size()));
  if (!device.ok()) return FromStatus(call, device.status());
  return AfterStep(call, call.session->user, *device);
}

Response ChangePassword(Call& call) {
  if (call.session->stage != accounts::Stage::kPasswordChange &&
      call.session->stage != accounts::Stage::kReady) {
    return Error(call, bhttp::status::conflict, "wrong_step",
                 "ログイン手続きを先に完了してください（認証コードの入力など）");
  }
  if (Status s = OnlyFields(call, {"current", "new"}); !s.ok()) return FromStatus(call, s);
  auto current = StringField(call, "current");
  if (!current.ok()) return FromStatus(call, current.status());
  auto next = StringField(call, "new");
  if (!next.ok()) return FromStatus(call, next.status());
  if (Status s = call.ctx.accounts->ChangePassword(call.session->user, *current, *next); !s.ok()) {
    return FromStatus(call, s);
  }
  // Every session of the user ended with the old password; this one continues under a new token.
  return AfterStep(call, call.session->user);
}

Response ConfirmInstitutionCode(Call& call) {
  if (call.session->stage != accounts::Stage::kInstitutionCode) {
    return Error(call, bhttp::status::conflict, "wrong_step",
                 "医療機関コードの確認は求められていません");
  }
  if (Status s = OnlyFields(call, {"code"}); !s.ok()) return FromStatus(call, s);
  auto code = StringField(call, "code");
  if (!code.ok()) return FromStatus(call, code.status());
  auto org = OrgOf(call.ctx, call.session->org);
  if (!org || org->code != *code) {
    return FromStatus(
        call, Status::InvalidArgument("code",
                                      "医療機関コードが登録内容と一致しません。もう一度確認して"
                                      "ください（違う場合は市区町村へ連絡してください）"));
  }
  if (Status s = call.ctx.accounts->MarkInstitutionConfirmed(call.session->user); !s.ok()) {
    return FromStatus(call, s);
  }
  return AfterStep(call, call.session->user);
}

Response Logout(Call& call) {
  if (Status s = call.ctx.accounts->CloseSession(call.token); !s.ok()) return FromStatus(call, s);
  Response res{bhttp::status::no_content, call.req.version()};
  res.set(bhttp::field::set_cookie, SessionCookie(call, ""));
  return res;
}

Response Me(Call& call) {
  auto user = call.ctx.accounts->FindUser(call.session->user);
  if (!user.ok()) return FromStatus(call, user.status());
  if (!*user) return Unauthenticated(call);
  // Until signing in is complete, only what the next step needs.
  json::object out;
  if (call.session->stage == accounts::Stage::kReady)
    out = UserJson(**user, OrgOf(call.ctx, (*user)->org));
  out["stage"] = CodeName(call.session->stage);
  out["csrf_token"] = call.session->csrf;
  return Json(bhttp::status::ok, call.req.version(), out);
}

Response UpdateMe(Call& call) {
  if (Status s = OnlyFields(call, {"name", "kana", "phone"}); !s.ok()) return FromStatus(call, s);
  auto name = OptionalString(call, "name");
  auto kana = OptionalString(call, "kana");
  auto phone = OptionalString(call, "phone");
  for (const auto* r : {&name, &kana, &phone}) {
    if (!r->ok()) return FromStatus(call, r->status());
  }
  if (Status s = call.ctx.accounts->UpdateProfile(call.session->user, *name, *kana, *phone);
      !s.ok()) {
    return FromStatus(call, s);
  }
  return Me(call);
}

Response ListDevices(Call& call) {
  auto devices =
      call.ctx.accounts->TrustedDevicesOf(call.session->user, RequestCookie(call, "shugo_device"));
  if (!devices.ok()) return FromStatus(call, devices.status());
  json::array items;
  for (const accounts::TrustedDeviceInfo& d : *devices) {
    json::object o{{"id", d.id},
                   {"created", JapanTime(d.created_at)},
                   {"expires", JapanTime(d.expires)},
                   {"user_agent", d.user_agent},
                   {"current", d.current}};
    o["last_used"] = d.last_used > 0 ? json::value(JapanTime(d.last_used)) : json::value(nullptr);
    items.push_back(std::move(o));
  }
  return Json(bhttp::status::ok, call.req.version(),
              json::object{{"items", std::move(items)}, {"total", devices->size()}});
}

Response RevokeDevice(Call& call) {
  auto current = call.ctx.accounts->RevokeDevice(call.session->user, call.params.at(0),
                                                 RequestCookie(call, "shugo_device"));
  if (!current.ok()) return FromStatus(call, current.status());
  Response res{bhttp::status::no_content, call.req.version()};
  // This browser's own device: its cookie goes too.
  if (*current) res.set(bhttp::field::set_cookie, DeviceCookie(call, "", 0));
  return res;
}

Response RequestEmailChange(Call& call) {
  if (Status s = OnlyFields(call, {"email", "password"}); !s.ok()) return FromStatus(call, s);
  auto email = StringField(call, "email");
  if (!email.ok()) return FromStatus(call, email.status());
  auto password = StringField(call, "password");
  if (!password.ok()) return FromStatus(call, password.status());
  // A session alone does not move the address that forgotten passwords are sent to.
  if (Status s = call.ctx.accounts->VerifyPassword(call.session->user, *password); !s.ok()) {
    return FromStatus(call, s);
  }
  // The configured address of the server: a Host header is the client's word.
  const std::string base = call.ctx.public_base_url + "/email/confirm?token=";
  if (Status s = call.ctx.accounts->RequestEmailChange(call.session->user, *email, base); !s.ok()) {
    return FromStatus(call, s);
  }
  return Json(bhttp::status::accepted, call.req.version(),
              json::object{{"message",
                            "新しいメールアドレスに確認メールを送りました。リンクを開くと変更が"
                            "確定します"}});
}

Response ConfirmEmail(Call& call) {
  if (Status s = OnlyFields(call, {"token"}); !s.ok()) return FromStatus(call, s);
  auto token = StringField(call, "token");
  if (!token.ok()) return FromStatus(call, token.status());
  auto user = call.ctx.accounts->ConfirmEmail(*token);
  if (!user.ok()) return FromStatus(call, user.status());
  return Json(bhttp::status::ok, call.req.version(),
              json::object{{"message", "メールアドレスを変更しました"}});
}

Response ForgotPassword(Call& call) {
  if (auto limited = Throttled(call); limited) return std::move(*limited);
  if (Status s = OnlyFields(call, {"login_id", "email"}); !s.ok()) return FromStatus(call, s);
  auto login_id = StringField(call, "login_id");
  if (!login_id.ok()) return FromStatus(call, login_id.status());
  auto email = StringField(call, "email");
  if (!email.ok()) return FromStatus(call, email.status());
  auto done = call.ctx.accounts->ForgotPassword(*login_id, *email);
  if (!done.ok()) return FromStatus(call, done.status());
  // The same answer either way: it must not tell which login ids and addresses exist.
  return Json(bhttp::status::accepted, call.req.version(),
              json::object{{"message",
                            "登録内容と一致した場合、仮パスワードを登録のメールアドレスに送り"
                            "ました"}});
}

Response ForgotLoginId(Call& call) {
  if (auto limited = Throttled(call); limited) return std::move(*limited);
  if (Status s = OnlyFields(call, {"email", "phone"}); !s.ok()) return FromStatus(call, s);
  auto email = StringField(call, "email");
  if (!email.ok()) return FromStatus(call, email.status());
  auto phone = StringField(call, "phone");
  if (!phone.ok()) return FromStatus(call, phone.status());
  auto done = call.ctx.accounts->ForgotLoginId(*email, *phone);
  if (!done.ok()) return FromStatus(call, done.status());
  return Json(bhttp::status::accepted, call.req.version(),
              json::object{{"message",
                            "登録内容と一致した場合、ログインIDを登録のメールアドレスに送り"
                            "ました"}});
}

Response ListUsers(Call& call) {
  if (call.session->role != accounts::Role::kAdmin) {
    return Error(call, bhttp::status::forbidden, "forbidden",
                 "利用者の一覧は組織の管理者のみ見られます");
  }
  auto users = call.ctx.accounts->UsersOf(call.session->org);
  if (!users.ok()) return FromStatus(call, users.status());
  json::array items;
  for (const accounts::User& u : *users) items.push_back(UserJson(u, std::nullopt, Now(call)));
  return Json(bhttp::status::ok, call.req.version(),
              json::object{{"items", std::move(items)}, {"total", users->size()}});
}

Response CreateUser(Call& call) {
  if (call.session->role != accounts::Role::kAdmin) {
    return Error(call, bhttp::status::forbidden, "forbidden",
                 "利用者の発行は組織の管理者のみ行えます");
  }
  if (Status s =
          OnlyFields(call, {"login_id", "name", "kana", "email", "phone", "role", "organisation"});
      !s.ok()) {
    return FromStatus(call, s);
  }
  accounts::NewUser n;
  auto login_id = OptionalString(call, "login_id");
  auto name = StringField(call, "name");
  auto kana = OptionalString(call, "kana");
  auto email = StringField(call, "email");
  auto phone = OptionalString(call, "phone");
  auto role = OptionalString(call, "role");
  auto organisation = OptionalString(call, "organisation");
  for (const auto* r : {&login_id, &kana, &phone, &role, &organisation}) {
    if (!r->ok()) return FromStatus(call, r->status());
  }
  if (!name.ok()) return FromStatus(call, name.status());
  if (!email.ok()) return FromStatus(call, email.status());
  const std::string role_name = role->value_or("user");
  if (role_name != "admin" && role_name != "user") {
    return FromStatus(call, Status::InvalidArgument("role", "role は admin か user です"));
  }
  auto own = OrgOf(call.ctx, call.session->org);
  if (!own) return Unauthenticated(call);
  OrgView target = *own;
  if (*organisation && **organisation != own->code) {
    // The first admin of an organisation below (F-9, seed 003): the level above issues it.
    auto found = call.ctx.processor->Read(
        [&](const core::State& s) { return ViewOf(s.FindOrgByCode(**organisation)); });
    if (!found) {
      return FromStatus(
          call, Status(StatusCode::kNotFound, "組織が見つかりません: " + QuoteInput(**organisation),
                       "organisation"));
    }
    if (!IsLevelAbove(*own, *found)) {
      return Error(call, bhttp::status::forbidden, "forbidden",
                   "この組織の利用者は発行できません（上位の組織が最初の管理者のみ発行できます）",
                   "organisation");
    }
    n.first_admin = true;  // checked again inside the store's transaction
    if (role_name != "admin") {
      return FromStatus(call, Status::InvalidArgument(
                                  "role", "他の組織に発行できるのは最初の管理者（admin）のみです"));
    }
    target = *found;
  }
  n.login_id = login_id->value_or("");
  n.org = target.id;
  n.org_code = target.code;
  n.role = role_name == "admin" ? accounts::Role::kAdmin : accounts::Role::kUser;
  n.name = *name;
  n.kana = kana->value_or("");
  n.email = *email;
  n.phone = phone->value_or("");
  n.by = call.session->user;
  n.by_org = call.session->org;
  auto created = call.ctx.accounts->CreateUser(n);
  if (!created.ok()) {
    if (created.status().code() == StatusCode::kAlreadyExists &&
        created.status().field() == "organisation") {
      return Error(call, bhttp::status::conflict, "admin_exists", created.status().message(),
                   "organisation");
    }
    return FromStatus(call, created.status());
  }
  return Json(bhttp::status::created, call.req.version(), UserJson(*created, target));
}

// POST /api/users/{id}/suspend | resume | reset-password: an admin of the user's organisation.
Response ManageUser(Call& call, std::string_view action) {
  if (call.session->role != accounts::Role::kAdmin) {
    return Error(call, bhttp::status::forbidden, "forbidden",
                 "利用者の管理は組織の管理者のみ行えます");
  }
  if (Status s = OnlyFields(call, {}); !s.ok()) return FromStatus(call, s);
  auto id = UserIdParam(call);
  if (!id.ok()) return FromStatus(call, id.status());
  auto user = call.ctx.accounts->FindUser(*id);
  if (!user.ok()) return FromStatus(call, user.status());
  // Another organisation's user is not there for this caller.
  if (!*user || (*user)->org != call.session->org) {
    return FromStatus(call, Status(StatusCode::kNotFound, "利用者が見つかりません"));
  }
  if (*id == call.session->user && action != "reset-password") {
    return Error(call, bhttp::status::conflict, "self", "自分自身は停止できません");
  }
  Status s = action == "reset-password"
                 ? call.ctx.accounts->ResetPassword(*id, call.session->user)
                 : call.ctx.accounts->SetSuspended(*id, action == "suspend", call.session->user);
  if (!s.ok()) return FromStatus(call, s);
  auto after = call.ctx.accounts->FindUser(*id);
  if (!after.ok() || !*after) return FromStatus(call, Status::Internal("user vanished"));
  return Json(bhttp::status::ok, call.req.version(), UserJson(**after, std::nullopt, Now(call)));
}

}  // namespace shugo::http::internal
