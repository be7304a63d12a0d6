// The F-31 interface ids and what each carries (domain.md §6). The seed's chart pairs only 委任状
// with F_310-120_IF/F_310-130_IF legibly; the rest of this mapping is the project's reading, kept
// in this one table (and docs/projections.md). Outbound feeds are projection tables a reader
// pages through by cursor; inbound ones are imports and have no table.
#pragma once

#include <span>
#include <string_view>

namespace shugo::projections {

enum class FeedDirection { kOutbound, kInbound };

struct FeedInfo {
  std::string_view interface_id;  // F_310-120_IF …
  std::string_view table;         // its projection table (outbound), or empty
  std::string_view name;          // what it carries, in the seed's words
  std::string_view cadence;       // the seed's 日次 / 月次 (the reader may read at any time)
  FeedDirection direction;
};

// Every interface id of the seed, in id order.
std::span<const FeedInfo> FeedInterfaces();
// The outbound ones only (each has a table).
std::span<const FeedInfo> Feeds31();

}  // namespace shugo::projections
