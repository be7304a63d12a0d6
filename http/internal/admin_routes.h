// The operator's routes (http/admin_routes.cc), registered by http/routes.cc.
#pragma once

#include <vector>

#include "http/internal/call.h"

namespace shugo::http::internal {

// POST /api/admin/clock (demo/test mode), POST /api/admin/day, GET and POST /api/admin/rebuild.
std::vector<Route> AdminRoutes();

}  // namespace shugo::http::internal
