// The chain routing table of docs/domain.md §3 (補助資料①), as data: who a delegator's letter goes
// to, and which re-delegations its approval creates. One row per rule, with its flow.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/kinds.h"

namespace shugo::core {

// How a delegator stands, beyond its kind, for routing.
enum class Affiliation {
  kNone,                // 市区町村, 広域連合, 都道府県
  kMedicalAssociation,  // an institution that is a member of a 郡市区医師会
  kNoMembership,     // an institution that is a member of none (**project** reading of the chart)
                     // (**project**)
  kOtherAggregator,  // an institution that is a member of a 取りまとめ団体
  kMunicipalSite,    // a non-insured mass-vaccination site set up by a municipality
  kPrefecturalSite,  // a non-insured mass-vaccination site set up by a prefecture
};

// Where one hop of a chain goes, relative to the organisation before it.
enum class Hop {
  kMemberAssociation,     // the institution's 郡市区医師会
  kAreaAssociation,       // the 郡市区医師会 covering a non-member institution's municipality
  kMemberAggregator,      // the institution's 取りまとめ団体
  kParentAssociation,     // the 郡市区医師会's 委任先医師会 (its 都道府県医師会)
  kJma,                   // 日本医師会
  kSettingUpAuthority,    // the municipality or prefecture that set up the site
  kOwnPrefecture,         // the municipality's or union's 都道府県
  kGovernorsAssociation,  // 全国知事会
};

struct ChainStep {
  Hop hop;
  OrganisationKind kind;  // the kind of organisation the hop reaches
};

struct ChainRule {
  std::string_view flow;  // where the rule comes from
  std::vector<OrganisationKind> delegators;
  Affiliation affiliation;
  bool temporary_only;                   // the row applies to `temporary` letters only
  ChainStep delegate;                    // approves the letter by hand (F-4)
  std::vector<ChainStep> redelegations;  // created, already approved, on the first approval
};

// The whole table, in the order of docs/domain.md §3.
std::span<const ChainRule> ChainRules();

// The rule for a delegator; kFailedPrecondition (in Japanese, naming the kind) when no row lets
// this organisation delegate for this contract type.
Result<const ChainRule*> FindChainRule(OrganisationKind delegator, Affiliation affiliation,
                                       ContractType contract_type);

}  // namespace shugo::core
