// JSON text written straight into a string, for answers made of many rows (letter lists, one
// letter): building a boost::json::value first costs an allocation per member and a second pass,
// which made up about half of a letters page's CPU time (docs/benchmarks.md "HTTP"). Strings are
// escaped by Boost.JSON's serializer; the writer only places commas, colons and brackets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shugo::http::internal {

class JsonWriter {
 public:
  // Appends to `out`, which must outlive the writer.
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  // A member's name inside an object; the next value written is its value.
  JsonWriter& Key(std::string_view name);

  JsonWriter& String(std::string_view text);
  JsonWriter& Int(int64_t n);
  JsonWriter& Uint(uint64_t n);
  JsonWriter& Bool(bool b);
  // A value that is JSON text already (written by another JsonWriter), copied as it is.
  JsonWriter& Raw(std::string_view json);

  // Shorthands for a member with its value.
  JsonWriter& Member(std::string_view name, std::string_view text) {
    return Key(name).String(text);
  }
  JsonWriter& Member(std::string_view name, const char* text) { return Key(name).String(text); }
  JsonWriter& Member(std::string_view name, int64_t n) { return Key(name).Int(n); }
  JsonWriter& Member(std::string_view name, uint64_t n) { return Key(name).Uint(n); }
  JsonWriter& Member(std::string_view name, int n) { return Key(name).Int(n); }
  JsonWriter& Member(std::string_view name, bool b) { return Key(name).Bool(b); }

  // True when every object and array opened is closed again.
  bool complete() const { return open_.empty(); }

 private:
  JsonWriter& Open(char bracket);
  JsonWriter& Close(char bracket);
  void BeforeValue();

  std::string& out_;
  std::vector<bool> open_;  // per open container: whether it has an element yet
  bool after_key_ = false;
};

}  // namespace shugo::http::internal
