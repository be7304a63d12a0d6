#include "events/event.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "events/internal/record.h"

namespace shugo::events {

std::string ExpectedVersion::ToString() const {
  if (is_any()) return "any";
  if (v_ == 0) return "no stream";
  return std::to_string(v_);
}

Status VerifyRecord(Position position, std::string_view bytes) {
  auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  flatbuffers::Verifier verifier(data, bytes.size());
  if (bytes.size() < 8 || !fb::EventBufferHasIdentifier(data) || !fb::VerifyEventBuffer(verifier)) {
    return Status::DataLoss("record at position " + std::to_string(position) +
                            " is not a valid event (" + std::to_string(bytes.size()) + " bytes)");
  }
  const fb::Event* event = fb::GetEvent(data);
  if (event->header()->position() != position) {
    return Status::DataLoss("record at position " + std::to_string(position) + " says position " +
                            std::to_string(event->header()->position()));
  }
  return Status::Ok();
}

namespace {

// One digest context per thread, reused: EVP_MD_fetch and context setup dominate for small inputs.
class Sha256 {
 public:
  Sha256() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {
    if (md_ == nullptr || ctx_ == nullptr) {
      std::fprintf(stderr, "shugo: OpenSSL has no SHA-256; cannot hash the event log\n");
      std::abort();
    }
  }
  ~Sha256() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Hash Digest(const uint8_t* a, size_t an, const uint8_t* b, size_t bn) {
    Hash out{};
    unsigned len = 0;
    EVP_DigestInit_ex2(ctx_, md_, nullptr);
    EVP_DigestUpdate(ctx_, a, an);
    EVP_DigestUpdate(ctx_, b, bn);
    EVP_DigestFinal_ex(ctx_, out.data(), &len);
    return out;
  }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

}  // namespace

Hash ChainHash(std::string_view bytes) {
  thread_local Sha256 sha;
  Hash prev = internal::PrevHash(bytes);
  return sha.Digest(prev.data(), prev.size(), reinterpret_cast<const uint8_t*>(bytes.data()),
                    bytes.size());
}

namespace internal {

namespace {

Status CheckId(std::string_view value, const std::string& field, bool required) {
  if (value.empty()) {
    return required ? Status::InvalidArgument(field, "is required") : Status::Ok();
  }
  if (value.size() > kMaxIdBytes) {
    return Status::InvalidArgument(field,
                                   "is longer than " + std::to_string(kMaxIdBytes) + " bytes");
  }
  if (value.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument(field, "contains a NUL byte");
  }
  return Status::Ok();
}

}  // namespace

Status ValidateCommand(const Command& c) {
  SHUGO_RETURN_IF_ERROR(CheckId(c.id, "command_id", true));
  SHUGO_RETURN_IF_ERROR(CheckId(c.actor_user, "actor_user", false));
  SHUGO_RETURN_IF_ERROR(CheckId(c.actor_org, "actor_org", false));
  SHUGO_RETURN_IF_ERROR(CheckId(c.correlation_id, "correlation_id", false));
  SHUGO_RETURN_IF_ERROR(CheckId(c.causation_id, "causation_id", false));
  SHUGO_RETURN_IF_ERROR(CheckId(c.request_digest, "request_digest", false));
  if (c.streams.empty())
    return Status::InvalidArgument("streams", "a command appends at least one event");
  size_t total = 0;
  for (size_t i = 0; i < c.streams.size(); ++i) {
    const StreamAppend& s = c.streams[i];
    const std::string field = "streams[" + std::to_string(i) + "]";
    SHUGO_RETURN_IF_ERROR(CheckId(s.stream, field + ".stream", true));
    for (size_t j = 0; j < i; ++j) {
      if (c.streams[j].stream == s.stream) {
        return Status::InvalidArgument(field + ".stream",
                                       "stream '" + s.stream + "' appears twice");
      }
    }
    if (s.events.empty()) return Status::InvalidArgument(field + ".events", "no events");
    for (size_t k = 0; k < s.events.size(); ++k) {
      const NewEvent& e = s.events[k];
      if (e.type == fb::Payload::NONE || !e.payload ||
          static_cast<int>(e.type) > static_cast<int>(fb::Payload::MAX)) {
        return Status::InvalidArgument(field + ".events[" + std::to_string(k) + "]",
                                       "has no payload type");
      }
    }
    total += s.events.size();
  }
  if (total > kMaxEventsPerCommand) {
    return Status::InvalidArgument(
        "streams", "more than " + std::to_string(kMaxEventsPerCommand) + " events in one command");
  }
  return Status::Ok();
}

std::string EncodeRecord(const Command& c, const StreamAppend& s, const NewEvent& e) {
  flatbuffers::FlatBufferBuilder fbb(256 + s.stream.size() + c.id.size());
  auto opt_string = [&fbb](const std::string& v) {
    return v.empty() ? flatbuffers::Offset<flatbuffers::String>() : fbb.CreateString(v);
  };
  auto stream = fbb.CreateString(s.stream);
  auto command_id = opt_string(c.id);
  auto actor_user = opt_string(c.actor_user);
  auto actor_org = opt_string(c.actor_org);
  auto correlation = opt_string(c.correlation_id);
  auto causation = opt_string(c.causation_id);
  auto request_digest = opt_string(c.request_digest);
  auto payload = e.payload(fbb);
  fb::Header header(0, 0, 0, fb::Hash256());
  fb::EventBuilder b(fbb);
  b.add_header(&header);
  b.add_stream(stream);
  if (e.effective_date) b.add_effective_date(e.effective_date->yyyymmdd());
  b.add_command_id(command_id);
  b.add_actor_user(actor_user);
  b.add_actor_org(actor_org);
  b.add_correlation_id(correlation);
  b.add_causation_id(causation);
  b.add_payload_type(e.type);
  b.add_payload(payload);
  b.add_request_digest(request_digest);
  fb::FinishEventBuffer(fbb, b.Finish());
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

Status EncodeCommand(const Command& command, std::vector<std::string>& records) {
  SHUGO_RETURN_IF_ERROR(ValidateCommand(command));
  size_t total = 0;
  for (const StreamAppend& s : command.streams) {
    for (const NewEvent& e : s.events) {
      records.push_back(EncodeRecord(command, s, e));
      total += records.back().size();
      if (records.back().size() > kMaxEventBytes) {
        return Status::InvalidArgument("streams", "an event of stream '" + s.stream +
                                                      "' is larger than " +
                                                      std::to_string(kMaxEventBytes) + " bytes");
      }
      if (total > kMaxCommandBytes) {
        return Status::InvalidArgument("streams", "the command's events are larger than " +
                                                      std::to_string(kMaxCommandBytes) +
                                                      " bytes in all");
      }
    }
  }
  return Status::Ok();
}

void PatchHeader(std::string& record, Position position, Version version, int64_t recorded_at_us,
                 const Hash& prev_hash) {
  fb::Header* h = fb::GetMutableEvent(record.data())->mutable_header();
  h->mutate_position(position);
  h->mutate_stream_version(version);
  h->mutate_recorded_at_us(recorded_at_us);
  std::memcpy(h->mutable_prev_hash().mutable_bytes()->Data(), prev_hash.data(), prev_hash.size());
}

Hash PrevHash(std::string_view record) {
  Hash out;
  const fb::Header* h = fb::GetEvent(record.data())->header();
  std::memcpy(out.data(), h->prev_hash().bytes()->Data(), out.size());
  return out;
}

}  // namespace internal
}  // namespace shugo::events
