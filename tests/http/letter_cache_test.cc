// The letters page's cache of letter objects (http/internal/letter_cache.h): an object is found
// only for the revision it was written at, a later revision replaces it and an older one never
// does, and the cache stays within its bytes.
#include "http/internal/letter_cache.h"

#include <doctest/doctest.h>

namespace shugo::http::internal {
namespace {

TEST_CASE("letter cache: an object is found for its own revision only") {
  LetterCache cache;
  CHECK(cache.Find(7, 100) == nullptr);
  cache.Keep(7, 100, R"({"id":7,"status":"applied"})");
  REQUIRE(cache.Find(7, 100) != nullptr);
  CHECK_EQ(*cache.Find(7, 100), R"({"id":7,"status":"applied"})");
  CHECK(cache.Find(7, 101) == nullptr);  // the row moved on
  CHECK(cache.Find(8, 100) == nullptr);
  cache.Keep(7, 120, R"({"id":7,"status":"approved"})");
  CHECK(cache.Find(7, 100) == nullptr);
  REQUIRE(cache.Find(7, 120) != nullptr);
  CHECK_EQ(*cache.Find(7, 120), R"({"id":7,"status":"approved"})");
  // A page read before the change, written late, does not bring the old object back.
  cache.Keep(7, 100, R"({"id":7,"status":"applied"})");
  CHECK(cache.Find(7, 100) == nullptr);
  CHECK(cache.Find(7, 120) != nullptr);
}

TEST_CASE("letter cache: it stays within its bytes and an object handed out outlives eviction") {
  constexpr size_t kBytes = 64 * 1024;
  LetterCache cache(kBytes);
  const std::string object(400, 'x');
  cache.Keep(1, 1, object);
  auto held = cache.Find(1, 1);
  REQUIRE(held != nullptr);
  size_t found = 0;
  for (core::LetterId id = 1; id <= 10'000; ++id) cache.Keep(id, 1, object);
  for (core::LetterId id = 1; id <= 10'000; ++id) found += cache.Find(id, 1) != nullptr;
  // Each object costs its text and some overhead: far fewer than 10,000 fit in 64 KiB.
  CHECK_GT(found, 0u);
  CHECK_LE(found * object.size(), kBytes);
  CHECK_EQ(*held, object);  // still readable by the page that took it
}

}  // namespace
}  // namespace shugo::http::internal
