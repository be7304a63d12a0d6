// Encoding a command's events into records, and patching the header at commit.
#pragma once

#include <string>

#include "events/event.h"

namespace shugo::events::internal {

// Validates the command (ids, sizes, payload types): kInvalidArgument naming the field.
Status ValidateCommand(const Command& command);

// Encodes one event as a finished `fb::Event` record with a blank header. Runs on the
// submitter's thread so that the writer only patches and hashes.
std::string EncodeRecord(const Command& command, const StreamAppend& stream, const NewEvent& event);

// Validates and encodes every event of `command` into `records` (sizes checked).
Status EncodeCommand(const Command& command, std::vector<std::string>& records);

// Writes the header fields decided at commit into an encoded record, in place.
void PatchHeader(std::string& record, Position position, Version version, int64_t recorded_at_us,
                 const Hash& prev_hash);

// Reads the stored prev_hash of a verified record.
Hash PrevHash(std::string_view record);

}  // namespace shugo::events::internal
