// GCC 12 reports Beast's optional content length as maybe uninitialized once basic_parser::put is
// inlined here (a false positive of -O2; the member is set before it is read).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "http/internal/request_reader.h"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <string>

namespace shugo::http::internal {

namespace beast = boost::beast;
namespace asio = boost::asio;

void LimitParser(RequestParser& parser) {
  parser.header_limit(kHeaderLimit);
  parser.body_limit(kBodyLimit);
}

std::optional<Response> ReadFailure(const beast::error_code& ec) {
  if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
      ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
      ec == asio::error::eof || ec == asio::error::broken_pipe ||
      ec == asio::ssl::error::stream_truncated) {
    return std::nullopt;
  }
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
    return ErrorResponse(bhttp::status::request_header_fields_too_large, 11, "header_too_large",
                         "リクエストのヘッダーが大きすぎます", "");
  }
  if (ec == bhttp::error::body_limit) {
    return ErrorResponse(bhttp::status::payload_too_large, 11, "payload_too_large",
                         "リクエストが大きすぎます", "");
  }
  return ErrorResponse(bhttp::status::bad_request, 11, "bad_request", "リクエストを解釈できません",
                       "");
}

beast::error_code ParseBytes(RequestParser& parser, std::string_view bytes) {
  std::string held;  // the connection's buffer: read but not yet parsed
  beast::error_code ec;
  for (;;) {
    // A read fills the buffer up to its limit; a full buffer the parser cannot use is an error.
    if (held.size() == kReadBufferLimit) return bhttp::error::buffer_overflow;
    const size_t take = std::min(kReadBufferLimit - held.size(), bytes.size());
    if (take == 0) return bhttp::error::partial_message;
    held.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    while (!held.empty()) {
      const size_t used = parser.put(asio::buffer(held), ec);
      held.erase(0, used);
      if (ec == bhttp::error::need_more) {
        ec = {};
        break;
      }
      if (ec) return ec;
      if (parser.is_done()) return ec;
      if (used == 0) break;
    }
    if (parser.is_done()) return ec;
  }
}

}  // namespace shugo::http::internal
