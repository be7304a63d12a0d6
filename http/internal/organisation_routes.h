// The organisation routes, registered by http/routes.cc: the queries (http/organisation_routes.cc)
// and the organisation commands of domain.md §2–4 (http/organisation_commands.cc).
#pragma once

#include <vector>

#include "http/internal/call.h"

namespace shugo::core {
class State;
}  // namespace shugo::core

namespace shugo::http::internal {

// {id, code, name} of organisation `id` as the domain state holds it, or null: how the routes
// answered from the state name an organisation.
boost::json::value StateRef(const core::State& s, core::OrgId id);
// One page of `items`, already in order (`page` from 1), with the list members of the other
// routes: items, total, more (always false: the total is exact), page, per_page.
boost::json::object PageOf(boost::json::array items, int page, int per_page);

// GET /api/organisations, /api/organisations/{code}, /api/organisations/{code}/history.
std::vector<Route> OrganisationRoutes();
// GET /api/organisations/{code}/fee-settings and /api/organisations/{code}/fees: F-2 settings
// read back (http/fee_routes.cc).
std::vector<Route> FeeRoutes();
// GET /api/code-changes, /api/non-insured (the queues awaiting the caller's decision) and
// /api/me/actions (http/queue_routes.cc).
std::vector<Route> QueueRoutes();
// GET /api/campaigns, /api/campaigns/{id}, …/non-applicants, …/history, and the histories of an
// F-1-5 entry and of a user (http/campaign_routes.cc).
std::vector<Route> CampaignRoutes();
// POST routes of the masters, fees and vaccines, payment consignment, unions, code changes and
// mergers, non-insured registration and campaigns.
std::vector<Route> OrganisationCommandRoutes();

}  // namespace shugo::http::internal
