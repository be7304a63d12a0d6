#include "http/internal/organisation_routes.h"

namespace shugo::http::internal {

std::vector<Route> OrganisationCommandRoutes() { return {}; }

}  // namespace shugo::http::internal
