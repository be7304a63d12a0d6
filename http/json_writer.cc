#include "http/internal/json_writer.h"

#include <boost/json/serializer.hpp>
#include <charconv>
#include <cstddef>
#include <cstring>

namespace shugo::http::internal {

namespace {

// Whether `text` has a byte JSON must escape: a control character, '"' or '\\'. Eight bytes at a
// time (a byte is "less than n" when subtracting n borrows into its high bit).
bool NeedsEscape(std::string_view text) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t v = 0;
    std::memcpy(&v, text.data() + i, 8);
    const uint64_t quote = v ^ (kOnes * '"'), backslash = v ^ (kOnes * '\\');
    const uint64_t found = (((v - kOnes * 0x20) & ~v) | ((quote - kOnes) & ~quote) |
                            ((backslash - kOnes) & ~backslash)) &
                           kHigh;
    if (found != 0) return true;
  }
  for (; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (u < 0x20 || u == '"' || u == '\\') return true;
  }
  return false;
}

template <typename Integer>
void AppendInteger(std::string& out, Integer n) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, static_cast<size_t>(end - digits));
}

// `text` as a JSON string (quotes included) appended to `out`.
void AppendJsonString(std::string& out, std::string_view text) {
  // Most texts (codes, dates, Japanese names) need no escape: copied as they are.
  if (!NeedsEscape(text)) {
    out += '"';
    out += text;
    out += '"';
    return;
  }
  boost::json::serializer sr;
  sr.reset(boost::json::string_view(text.data(), text.size()));
  char buffer[256];
  while (!sr.done()) {
    const boost::json::string_view part = sr.read(buffer);
    out.append(part.data(), part.size());
  }
}

}  // namespace

JsonWriter& JsonWriter::Key(std::string_view name) {
  BeforeValue();
  AppendJsonString(out_, name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

void JsonWriter::BeforeValue() {
  if (after_key_) {  // the value of the member just named
    after_key_ = false;
    return;
  }
  if (open_.empty()) return;
  if (open_.back()) out_ += ',';
  open_.back() = true;
}

JsonWriter& JsonWriter::Open(char bracket) {
  BeforeValue();
  out_ += bracket;
  open_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::Close(char bracket) {
  open_.pop_back();
  out_ += bracket;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view text) {
  BeforeValue();
  AppendJsonString(out_, text);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t n) {
  BeforeValue();
  AppendInteger(out_, n);
  return *this;
}

JsonWriter& JsonWriter::Uint(uint64_t n) {
  BeforeValue();
  AppendInteger(out_, n);
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_ += json;
  return *this;
}

JsonWriter& JsonWriter::Bool(bool b) {
  BeforeValue();
  out_ += b ? "true" : "false";
  return *this;
}

}  // namespace shugo::http::internal
