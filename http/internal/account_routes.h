// The account routes (http/account_routes.cc), registered by http/routes.cc.
#pragma once

#include "http/internal/call.h"

namespace shugo::http::internal {

Response Login(Call& call);
Response SecondFactor(Call& call);
Response ChangePassword(Call& call);
Response ConfirmInstitutionCode(Call& call);
Response Logout(Call& call);
Response Me(Call& call);
Response UpdateMe(Call& call);
Response ListDevices(Call& call);
Response RevokeDevice(Call& call);
Response RequestEmailChange(Call& call);
Response ConfirmEmail(Call& call);
Response ForgotPassword(Call& call);
Response ForgotLoginId(Call& call);
Response ListUsers(Call& call);
Response CreateUser(Call& call);
Response ManageUser(Call& call, std::string_view action);

}  // namespace shugo::http::internal
