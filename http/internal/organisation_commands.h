// The organisation commands over HTTP (docs/api.md "Organisation commands"): the F-1 masters,
// F-2 fees and vaccines, F-5 contract and payment consignment, F-1-4-3 code changes, F-1-5
// non-insured entries and F-10 campaigns. Each route maps its JSON body member by member onto one
// core request, acts as the caller's own organisation (never one named in the body), and answers
// with the command's log position and the target's version after it. Shared by
// http/organisation_commands*.cc.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/text.h"
#include "http/internal/call.h"

namespace shugo::http::internal {

// ---- body members: the type is checked here (HTTP 400 naming the member); the rules of the
// domain are the core's (422).

// kInvalidArgument naming a required member that is missing (or null).
Status Missing(std::string_view name);
// "YYYY-MM-DD".
Result<std::optional<JapanDate>> DateMember(const Call& call, std::string_view name, bool required);
// A whole number (JSON integer).
Result<std::optional<int64_t>> IntegerMember(const Call& call, std::string_view name,
                                             bool required);
// Money as whole yen (JSON integer ≥ 0), in the decimal form the core's Yen::Parse takes.
Result<std::optional<std::string>> YenMember(const Call& call, std::string_view name,
                                             bool required);
Result<std::optional<bool>> BoolMember(const Call& call, std::string_view name, bool required);
// An array of strings (none when absent or null); its elements are checked by the core.
Result<std::optional<std::vector<std::string>>> StringListMember(const Call& call,
                                                                 std::string_view name);
// A string member that must be present and not empty (StringField).
Result<std::string> RequiredText(const Call& call, std::string_view name);
// A string member, "" when absent or null.
Result<std::string> OptionalText(const Call& call, std::string_view name);

// One code name of an enumeration, as the core spells it (CodeName) or as the schema does.
template <typename E>
struct EnumName {
  E value;
  std::string_view code;
};

// The code names of `values` by the core's CodeName overloads.
template <typename E, size_t N>
std::array<EnumName<E>, N> CodeNames(const E (&values)[N]) {
  std::array<EnumName<E>, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = {values[i], core::CodeName(values[i])};
  return out;
}

// A member naming one of `names` by its code; kInvalidArgument listing them otherwise.
template <typename E>
Result<std::optional<E>> EnumMember(const Call& call, std::string_view name, bool required,
                                    std::span<const EnumName<E>> names) {
  SHUGO_ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalString(call, name));
  if (!text) {
    if (required) return Missing(name);
    return std::optional<E>();
  }
  std::string list;
  for (const EnumName<E>& n : names) {
    if (n.code == *text) return std::optional<E>(n.value);
    list += (list.empty() ? "" : ", ") + std::string(n.code);
  }
  return Status::InvalidArgument(std::string(name), std::string(name) + " は次のいずれかです（" +
                                                        list + "）: " + QuoteInput(*text));
}

// A decision on a request, {approve, reason}: approve (true) or return (差戻, false) with a
// reason (required to return).
struct Decision {
  bool approve = false;
  std::string reason;
};
Result<Decision> DecisionBody(const Call& call);

// ---- targets

// The organisation the path's {code} names (a current or former code); kNotFound otherwise.
Result<core::Organisation> PathOrganisation(const Call& call);
// A positive whole number of the path (a campaign, a registration or a request number), or
// kNotFound with `missing` as the message.
Result<uint64_t> PathNumber(const Call& call, size_t index, std::string_view missing);
// kPermissionDenied unless `org` is the caller's own organisation (settings only it keeps).
Status OwnOrganisation(const Call& call, const core::Organisation& org);

// ---- running a command

// What a route adds to the answer, read under the state's lock after the command; `events` are
// the events the command appended (the first command's on a retry), read back from the log.
using Answer =
    std::function<void(const core::State& s, const core::Outcome& outcome,
                       const std::vector<core::DomainEvent>& events, boost::json::object& out)>;

struct CommandRoute {
  core::Request request;
  // The route takes If-Match (the core checks it against the target's version); other routes
  // refuse the header rather than ignore it.
  bool if_match = false;
  bhttp::status status = bhttp::status::ok;  // 201 for routes that create
  Answer answer;
};

// Runs `route.request` as the caller (NewCommand: Idempotency-Key, If-Match) and answers
// {position, duplicate, created?, changes?, …answer}: `changes` lists the validated diffs the
// command recorded ([{field, before, after}], or [{vaccine, before, after}] for campaign fees). A
// refusal answers through DomainRefusal and appends nothing. When the answer has a `version`, it
// is also the ETag.
Response RunCommand(Call& call, CommandRoute route);
// kInvalidArgument naming If-Match when the request has one (routes whose target has no version).
Status NoIfMatch(const Call& call);

// The version `stream` had after the command (the first result's on a retry), or 0.
uint64_t VersionAfter(const core::Outcome& outcome, std::string_view stream);
// The first appended event of type E, or nullptr.
template <typename E>
const E* FirstOf(const std::vector<core::DomainEvent>& events) {
  for (const core::DomainEvent& e : events) {
    if (const E* found = std::get_if<E>(&e)) return found;
  }
  return nullptr;
}
// {id, code, kind, kind_name, name, version}.
boost::json::object OrgJson(const core::Organisation& o);

// ---- routes (POST; docs/api.md lists bodies, answers and errors)

// http/organisation_commands.cc: F-1 masters, F-1-8/9 and F-5-2 dates, F-1-4-3, F-5-1.
Response RegisterOrganisationRoute(Call& call);
Response PreviewChangeRoute(Call& call);
Response ChangeOrganisationRoute(Call& call);
Response EnterDateRoute(Call& call);
Response RequestCodeChangeRoute(Call& call);
Response ReviewCodeChangeRoute(Call& call);
Response AnnounceContractRoute(Call& call);

// http/organisation_commands_fees.cc: F-2.
Response SetMunicipalVaccineRoute(Call& call);
Response EndMunicipalVaccineRoute(Call& call);
Response SetVaccineSettingUnitRoute(Call& call);
Response SetContractMunicipalityRoute(Call& call);
Response SetInstitutionVaccineRoute(Call& call);
Response SetFeeFloorRoute(Call& call);

// http/organisation_commands_campaigns.cc: F-10 and F-1-5.
Response DeclareCampaignRoute(Call& call);
Response ChangeCampaignFeesRoute(Call& call);
Response SetAdditionalFeesRoute(Call& call);
Response RegisterCampaignEndRoute(Call& call);
Response IssueNonInsuredLinkRoute(Call& call);
Response ReviewNonInsuredRoute(Call& call);

}  // namespace shugo::http::internal
