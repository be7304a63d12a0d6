// What goes into the log and what comes out of it: commands to append, recorded events to read.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/japan_date.h"
#include "base/status.h"
#include "schemas/events_generated.h"

namespace shugo::events {

using Position = uint64_t;  // global position, 1-based; 0 means "before the first event"
using Version = uint64_t;   // stream version, 1-based; 0 means "the stream does not exist"
using Hash = std::array<uint8_t, 32>;

constexpr size_t kMaxIdBytes = 200;  // stream ids, command ids, actor ids
constexpr size_t kMaxEventsPerCommand = 1024;
constexpr size_t kMaxEventBytes = 1 << 20;     // one encoded record
constexpr size_t kMaxCommandBytes = 16 << 20;  // all records of one command

// The version a command decided on for one stream (invariant 4).
class ExpectedVersion {
 public:
  static ExpectedVersion Any() { return ExpectedVersion(true, 0); }
  static ExpectedVersion NoStream() { return ExpectedVersion(false, 0); }
  static ExpectedVersion Exact(Version v) { return ExpectedVersion(false, v); }

  bool is_any() const { return any_; }
  // REQUIRES: !is_any(). 0 for NoStream.
  Version version() const { return v_; }
  bool Allows(Version current) const { return any_ || v_ == current; }
  std::string ToString() const;

 private:
  ExpectedVersion(bool any, Version v) : any_(any), v_(v) {}
  bool any_;
  Version v_;
};

// Builds the payload table of one event inside the record's builder; returns its offset.
using PayloadWriter = std::function<flatbuffers::Offset<void>(flatbuffers::FlatBufferBuilder&)>;

struct NewEvent {
  fb::Payload type = fb::Payload::NONE;
  PayloadWriter payload;
  std::optional<JapanDate> effective_date;
};

// Events for one stream within a command.
struct StreamAppend {
  std::string stream;
  ExpectedVersion expected = ExpectedVersion::Any();
  std::vector<NewEvent> events;
};

// One command: all its events land atomically, or none (invariant 2).
struct Command {
  std::string id;  // client-chosen idempotency key (invariant 5); required
  std::string actor_user;
  std::string actor_org;
  std::string correlation_id;
  std::string causation_id;
  // A digest of the request the command came from, kept in each record (empty: none).
  std::string request_digest;
  std::vector<StreamAppend> streams;
};

// A command decided on the writer thread (EventStore::AppendDecided), and how to apply it to the
// decider's own state once it joins a batch.
struct Decision {
  Command command;              // its id is set by AppendDecided
  std::function<void()> apply;  // may be empty; called on the writer thread, in log order
  // May be empty; called on the writer thread, after `apply`, when the group the command joined
  // could not be written (nothing of it is in the log): commands of the group last first, before
  // the writer decides anything else.
  std::function<void()> discard;
};

struct StreamVersion {
  std::string stream;
  Version version;  // the stream's version after the command
  friend bool operator==(const StreamVersion&, const StreamVersion&) = default;
};

struct AppendResult {
  Position first_position = 0;
  Position last_position = 0;
  int64_t recorded_at_us = 0;
  std::vector<StreamVersion> streams;  // in the command's order
  bool duplicate = false;              // a retried command id: nothing was appended now
};

// One event as stored: its position and its record bytes (a verified FlatBuffer `fb::Event`).
class RecordedEvent {
 public:
  RecordedEvent(Position position, std::string bytes)
      : position_(position), bytes_(std::move(bytes)) {}
  Position position() const { return position_; }
  const std::string& bytes() const { return bytes_; }
  // REQUIRES: the bytes were verified (all reads of the store do that).
  const fb::Event& event() const { return *fb::GetEvent(bytes_.data()); }

 private:
  Position position_;
  std::string bytes_;
};

// Checks that `bytes` is a well-formed record. kDataLoss naming `position` otherwise.
// `bytes` must be 8-byte aligned (std::string storage of a record is).
Status VerifyRecord(Position position, std::string_view bytes);

// The chain hash of a record: SHA-256(record.prev_hash ‖ bytes). The next record stores it.
Hash ChainHash(std::string_view bytes);

}  // namespace shugo::events
