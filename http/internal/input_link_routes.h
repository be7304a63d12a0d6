// F-1-5 input links over HTTP (seed F-1 "5：非保険医療機関情報", docs/api.md "Input links"): the
// token issued with the link, and the public routes an institution without an account uses to
// read the link and submit its entry. Registered by http/routes.cc.
#pragma once

#include "http/internal/call.h"

namespace shugo::http::internal {

// The answer of POST /api/non-insured/links with the link: once the command created the
// registration (201, or its retry), the account store issues the link's token (a retry issues a
// new one and the earlier one stops working) and the answer carries it once as `link`. Other
// answers pass unchanged.
Response WithInputLink(Call& call, Response res);

// GET /api/input-links/{token}: what the entry form needs.
Response InputLinkForm(Call& call);
// POST /api/input-links/{token}: the entry (core::SubmitNonInsuredRegistration as the input-link
// user).
Response SubmitInputLink(Call& call);

}  // namespace shugo::http::internal
