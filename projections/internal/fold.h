// The projections' own fold of the log: the same core::State the command processor decides
// against, applied event by event (State::Apply), noting which records each event touched so that
// a batch carries a copy of exactly those, as they stand at the batch's end.
#pragma once

#include <set>
#include <unordered_map>

#include "core/state.h"
#include "events/event.h"
#include "projections/internal/batch.h"

namespace shugo::projections::internal {

class Fold {
 public:
  // Applies the record at `position` to the state; with `batch`, notes what it touched and keeps
  // the event for history. Non-domain records (Opaque) only move the position. kDataLoss naming
  // the position when a record does not decode or apply.
  Status Apply(events::Position position, const fb::Event& record, Batch* batch);
  // Copies the touched records into `batch` and forgets them.
  void Seal(Batch& batch);

  events::Position position() const { return position_; }
  const core::State& state() const { return state_; }

 private:
  struct Where {
    core::OrganisationKind kind{};
    int prefecture = 0;
    core::OrgId municipality = 0;
    friend bool operator==(const Where&, const Where&) = default;
  };
  Where WhereIs(core::OrgId id) const;
  void TouchOrg(core::OrgId id);
  void TouchLetter(core::LetterId id, int64_t at, bool created);
  LetterRow MakeLetterRow(core::LetterId id) const;
  PublicRow MakePublicRow(core::OrgId id) const;

  core::State state_;
  events::Position position_ = 0;
  std::set<core::OrgId> orgs_, public_;
  std::set<core::LetterId> letters_;
  std::unordered_map<core::LetterId, std::pair<int64_t, int64_t>> letter_times_;  // created, last
  std::set<core::CampaignId> campaigns_;
  std::set<core::RegistrationId> registrations_;
};

}  // namespace shugo::projections::internal
