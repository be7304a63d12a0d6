// Failed logins per client address in a sliding window (docs/accounts.md): past the limit the
// address gets 429 until its oldest failure leaves the window. Per-account lockout lives in the
// account store; this stops one address from trying many accounts.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace shugo::http::internal {

// What the limits count a client address by: an IPv4 address as it is; an IPv6 address by its
// /64, since one subscriber usually holds a whole /64 and could otherwise change address at every
// try; an IPv4-mapped IPv6 address as its IPv4 address. Text that is not an address is kept as is.
inline std::string AddressBlock(std::string_view address) {
  boost::system::error_code ec;
  const boost::asio::ip::address a = boost::asio::ip::make_address(std::string(address), ec);
  if (ec) return std::string(address);
  if (a.is_v4()) return a.to_v4().to_string();
  const boost::asio::ip::address_v6 v6 = a.to_v6();
  if (v6.is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
  }
  boost::asio::ip::address_v6::bytes_type bytes = v6.to_bytes();
  for (size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

class LoginLimiter {
 public:
  LoginLimiter(int max_failures, int64_t window_us)
      : max_failures_(max_failures), window_us_(window_us) {}

  // Microseconds until `address` may try again; 0 when it may now.
  int64_t RetryAfter(const std::string& address, int64_t now) {
    std::lock_guard lock(mu_);
    auto it = failures_.find(address);
    if (it == failures_.end()) return 0;
    Trim(it->second, now);
    if (static_cast<int>(it->second.size()) < max_failures_) return 0;
    return it->second.front() + window_us_ - now;
  }
  void Failed(const std::string& address, int64_t now) {
    std::lock_guard lock(mu_);
    if (failures_.size() > 100'000) {
      // Bounded memory: addresses whose failures have all left the window go first.
      std::erase_if(failures_, [&](const auto& e) {
        return e.second.empty() || e.second.back() + window_us_ <= now;
      });
      if (failures_.size() > 100'000) failures_.clear();  // a flood of live addresses
    }
    auto& q = failures_[address];
    Trim(q, now);
    q.push_back(now);
  }

 private:
  void Trim(std::deque<int64_t>& q, int64_t now) const {
    while (!q.empty() && q.front() + window_us_ <= now) q.pop_front();
  }
  std::mutex mu_;
  const int max_failures_;
  const int64_t window_us_;
  std::unordered_map<std::string, std::deque<int64_t>> failures_;
};

}  // namespace shugo::http::internal
