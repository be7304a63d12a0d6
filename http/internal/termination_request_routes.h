// The F-7 解除依頼 routes (docs/api.md "Termination requests"), registered by http/routes.cc.
#pragma once

#include <vector>

#include "http/internal/call.h"

namespace shugo::http::internal {

// POST /api/termination-requests, GET /api/termination-requests[/{id}],
// POST /api/termination-requests/{id}/decision.
std::vector<Route> TerminationRequestRoutes();

}  // namespace shugo::http::internal
