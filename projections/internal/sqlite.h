// The projections' names for the SQLite wrapper (projections/sqlite.h).
#pragma once

#include "projections/sqlite.h"

namespace shugo::projections::internal {

using sqlite::Database;
using sqlite::Statement;

}  // namespace shugo::projections::internal
