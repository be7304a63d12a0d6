// What the fold hands the projections for one batch of the log: the events (for history) and a
// copy of every record the batch changed, as the state holds it after the batch (while catching
// up, the letters and public rows only in the last batch: Batch::deferred). Writers need nothing
// else, so a batch can be written while the fold goes on with the next one.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/domain_events.h"
#include "core/state.h"
#include "events/event.h"

namespace shugo::projections::internal {

struct EventMeta {
  events::Position position = 0;
  std::string stream;
  uint64_t version = 0;
  int64_t recorded_at = 0;  // µs
  uint32_t effective = 0;   // YYYYMMDD, 0: none
  std::string actor_user, actor_org, command_id;
  core::DomainEvent event;
};

struct LetterRow {
  core::Letter letter;
  int depth = 0;  // 0 委任状, 1 再委任状, 2 再々委任状
  core::OrganisationKind delegator_kind{}, delegate_kind{};
  int delegator_prefecture = 0, delegate_prefecture = 0;
  // Both parties' current code and name, so that a list page reads one row per letter.
  std::string delegator_code, delegator_name, delegate_code, delegate_name;
  core::OrgId delegator_municipality = 0;
  int64_t created_at = 0;  // recorded_at of its creation when it happened in this batch, else 0
  int64_t updated_at = 0;  // recorded_at of its last event in this batch
  // The position of the last event that changed the row: its own, or one that renamed, re-coded
  // or moved a party. The same whatever the batches, so a cached copy of the row is current
  // exactly while its revision is.
  events::Position revision = 0;
};

struct PublicRow {
  core::Organisation org;
  bool listed = false;  // an institution with an in-force letter, not abolished or merged
  std::array<bool, 4> in_force{};  // by core::ContractType
};

struct Batch {
  events::Position first = 0, last = 0;  // the positions it covers, non-domain events included
  // The letters and public rows it touched are not in it: a later batch of the same catch-up
  // carries them, as they stand then (Fold::Seal). The projections made of those records alone
  // (Projection::Deferrable) write nothing of it and keep their checkpoint.
  bool deferred = false;
  std::vector<EventMeta> events;  // its domain events, in order
  std::vector<core::Organisation> orgs;
  std::vector<LetterRow> letters;
  std::vector<core::Campaign> campaigns;
  std::vector<core::NonInsuredRegistration> registrations;
  std::vector<core::TerminationRequest> termination_requests;
  std::vector<PublicRow> public_rows;
  bool empty() const { return last == 0; }
};

}  // namespace shugo::projections::internal
