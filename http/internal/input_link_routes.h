// F-1-5 input links over HTTP (seed F-1 "5：非保険医療機関情報", docs/api.md "Input links"): the
// token issued with the link, and the public routes an institution without an account uses to
// read the link and submit its entry. Registered by http/routes.cc.
#pragma once

#include <functional>

#include "http/internal/call.h"

namespace shugo::http::internal {

// The `after` step of POST /api/non-insured/links: the account store issues the link's token for
// the registration the command created (a retry issues a new one and the earlier one stops
// working) and the answer carries it once as `link`.
std::function<Status(const core::Outcome&, boost::json::object&)> InputLinkToken(const Call& call,
                                                                                 JapanDate expires);

// GET /api/input-links/{token}: what the entry form needs.
Response InputLinkForm(Call& call);
// POST /api/input-links/{token}: the entry (core::SubmitNonInsuredRegistration as the input-link
// user).
Response SubmitInputLink(Call& call);

}  // namespace shugo::http::internal
