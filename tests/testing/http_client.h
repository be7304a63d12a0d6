// A blocking HTTP/1.1 client for tests: one request on a fresh connection to 127.0.0.1.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace shugo::testing {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

inline boost::beast::http::response<boost::beast::http::string_body> HttpCall(
    uint16_t port, boost::beast::http::verb verb, const std::string& target, std::string body = {},
    const HttpHeaders& headers = {}) {
  namespace bhttp = boost::beast::http;
  using tcp = boost::asio::ip::tcp;
  boost::asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  bhttp::request<bhttp::string_body> req{verb, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = std::move(body);
  req.prepare_payload();
  bhttp::write(socket, req);
  boost::beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(socket, buffer, res);
  return res;
}

}  // namespace shugo::testing
