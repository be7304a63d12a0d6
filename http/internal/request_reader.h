// How a connection reads a request (http/server.cc): the limits of its header, trailer and body,
// the answer to each way a read can fail, and the same parsing over bytes in memory for the fuzz
// target (tests/http/request_fuzz.cc). Only http/ and its tests include this.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <optional>
#include <string_view>

#include "http/internal/routes.h"

namespace shugo::http::internal {

// The request line and header fields together.
inline constexpr size_t kHeaderLimit = 16 * 1024;
inline constexpr size_t kBodyLimit = 1 << 20;
// The unparsed bytes a connection holds at most. A header, or the whole trailer of a chunked
// body, must fit in it: Beast bounds the trailer by nothing else, and a trailer field over 64 KiB
// would make its field container throw.
inline constexpr size_t kReadBufferLimit = kHeaderLimit + 4 * 1024;

using RequestParser = bhttp::request_parser<bhttp::string_body>;

// Sets the header and body limits of a new parser.
void LimitParser(RequestParser& parser);

// The answer to a request that could not be read, when the client is told why: 431 for a header
// or trailer over its limit, 413 for a body over its limit, 400 for anything malformed. nullopt
// when the connection just ends (the peer closed, a deadline passed, the server is stopping).
std::optional<Response> ReadFailure(const boost::beast::error_code& ec);

// Parses `bytes` as a connection would read them, never holding more than kReadBufferLimit
// unparsed bytes: the error a connection would meet, none when the parser holds a whole request,
// bhttp::error::partial_message when the bytes end before it.
boost::beast::error_code ParseBytes(RequestParser& parser, std::string_view bytes);

}  // namespace shugo::http::internal
