// The JSON writer of the list and record answers (http/internal/json_writer.h): its text must be
// what Boost.JSON would have written, for every kind of value and every character.
#include "http/internal/json_writer.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <random>
#include <string>

namespace shugo::http::internal {
namespace {

namespace json = boost::json;

TEST_CASE("json writer: members and nesting and commas parse back to the same value") {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("items").BeginArray();
  w.BeginObject().Member("id", uint64_t{1}).Member("name", "東京都").EndObject();
  w.BeginObject().Member("id", uint64_t{2}).Key("inner").BeginObject().EndObject().EndObject();
  w.EndArray().Member("total", int64_t{-2}).Member("more", false).Member("page", 1);
  w.Key("empty").BeginArray().EndArray().EndObject();
  CHECK(w.complete());
  const json::value expected = {
      {"items", json::array{json::object{{"id", 1}, {"name", "東京都"}},
                            json::object{{"id", 2}, {"inner", json::object{}}}}},
      {"total", -2},
      {"more", false},
      {"page", 1},
      {"empty", json::array{}}};
  CHECK(json::parse(out) == expected);
  CHECK(out == json::serialize(expected));
}

TEST_CASE("json writer: every string is escaped as Boost.JSON escapes it") {
  // Quotes, backslashes, every control character, multi-byte UTF-8 and a long escaped text.
  std::vector<std::string> texts = {"", "\"", "\\", "a\"b\\c", "改行\nタブ\t", "\x7f", "ｸﾘﾆｯｸ"};
  std::string controls;
  for (char c = 0; c < 0x20; ++c) controls += c;
  texts.push_back(controls);
  texts.push_back(std::string(1000, '"') + "終");
  std::mt19937 random(7);
  for (int i = 0; i < 200; ++i) {
    std::string t;
    const int n = static_cast<int>(random() % 40);
    for (int k = 0; k < n; ++k) {
      if (random() % 4 == 0) {
        t += "東ｸ";  // multi-byte UTF-8 around the bytes that need an escape
      } else {
        t += static_cast<char>(random() % 0x80);
      }
    }
    texts.push_back(t);
  }
  for (const std::string& t : texts) {
    std::string out;
    JsonWriter(out).String(t);
    const std::string expected = json::serialize(json::string_view(t.data(), t.size()));
    CHECK(out == expected);
    CHECK(json::parse(out).as_string() == t);
  }
}

TEST_CASE("json writer: integers at their limits") {
  std::string out;
  JsonWriter w(out);
  w.BeginArray().Int(INT64_MIN).Int(INT64_MAX).Uint(UINT64_MAX).Uint(0).Bool(true).EndArray();
  CHECK(out == json::serialize(json::array{INT64_MIN, INT64_MAX, UINT64_MAX, 0U, true}));
}

}  // namespace
}  // namespace shugo::http::internal
