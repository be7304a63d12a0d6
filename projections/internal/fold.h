// The projections' own fold of the log: the same core::State the command processor decides
// against, applied event by event (State::Apply), noting which records each event touched so that
// a batch carries a copy of exactly those, as they stand at the batch's end.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/state.h"
#include "events/event.h"
#include "projections/internal/batch.h"

namespace shugo::projections::internal {

// A set of dense ids (numbered from 1) cleared in O(1): what a batch touched.
class TouchSet {
 public:
  // True when `id` was not in the set yet.
  bool Insert(uint64_t id) {
    if (id >= stamps_.size()) stamps_.resize(std::max<size_t>(id + 1, stamps_.size() * 2), 0);
    if (stamps_[id] == epoch_) return false;
    stamps_[id] = epoch_;
    ids_.push_back(id);
    return true;
  }
  // The ids in ascending order (B-tree friendly).
  const std::vector<uint64_t>& Sorted() {
    std::sort(ids_.begin(), ids_.end());
    return ids_;
  }
  void Clear() {
    ids_.clear();
    ++epoch_;
  }
  size_t size() const { return ids_.size(); }

 private:
  std::vector<uint32_t> stamps_;
  std::vector<uint64_t> ids_;
  uint32_t epoch_ = 1;
};

class Fold {
 public:
  // Applies the record at `position` to the state; with `batch`, notes what it touched and keeps
  // the event for history. Non-domain records (Opaque) only move the position. kDataLoss naming
  // the position when a record does not decode or apply.
  Status Apply(events::Position position, const fb::Event& record, Batch* batch);
  // Copies the touched records into `batch` and forgets them. `deferred`: the letters and public
  // rows stay noted for a later batch (Batch::deferred).
  void Seal(Batch& batch, bool deferred = false);
  // How many letters and public rows are noted for the next batch.
  size_t touched() const { return public_.size() + letters_.size(); }

  events::Position position() const { return position_; }
  const core::State& state() const { return state_; }

 private:
  // What a letter row copies from each of its parties: where the party is (F-8) and what it is
  // called. When an event changes it, the party's letters are written again.
  struct Where {
    core::OrganisationKind kind{};
    int prefecture = 0;
    core::OrgId municipality = 0;
    std::string code, name;
    friend bool operator==(const Where&, const Where&) = default;
  };
  Where WhereIs(core::OrgId id) const;
  // Notes a letter created by the last event under its delegate (LettersTo).
  void NoteDelegate(core::LetterId id);
  // Letters whose delegate is `org` (a letter's delegate never changes), in id order.
  const std::vector<core::LetterId>& LettersTo(core::OrgId org) const;
  void TouchOrg(core::OrgId id);
  void TouchLetter(core::LetterId id, int64_t at, bool created);  // an event of the letter
  // Its row must be written again (an event of its own, or a party moved or took a new code or
  // name); its revision becomes the position being applied.
  void MarkLetter(core::LetterId id);
  LetterRow MakeLetterRow(core::LetterId id) const;
  PublicRow MakePublicRow(core::OrgId id) const;

  core::State state_;
  events::Position position_ = 0;
  TouchSet orgs_, public_, letters_, campaigns_, registrations_, termination_requests_;
  // What a letter's row takes from the events of the current batch, by letter id.
  struct LetterMarks {
    int64_t created = 0, last = 0;  // recorded_at of its creation and last event (0: none)
    events::Position revision = 0;  // LetterRow::revision
  };
  std::vector<LetterMarks> letter_marks_;
  std::vector<std::vector<core::LetterId>> letters_to_;  // by delegate id (LettersTo)
};

}  // namespace shugo::projections::internal
