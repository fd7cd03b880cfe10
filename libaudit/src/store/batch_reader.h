// Internal to the store: a "responses" batch state (trail.cpp, ResponseBatch) read without
// building a JSON tree, and a keyed 64-bit digest of a response's fields. Used by verify's chain
// replay (is the state a valid batch?), its streamed check of the responses table
// (verify_responses.cpp) and the batch rule (rules.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace libaudit::detail::verify {

// One row of a batch: its 課 code, item, action and the state fields the responses row holds
// (answered_by / answered_at are the batch's own when the row does not carry them).
struct BatchRow {
  std::string_view department, item, action, answer, comment, evidence, answered_by, answered_at;
};

class BatchReader {
 public:
  // Reads `state` (which must outlive the rows). True when it is a valid batch: an object with
  // an integer "cycle", "answered_by", "answered_at" and "rows", every row an array of 6 or 8
  // strings. False otherwise; `rows` then holds the rows before the first malformed one, as the
  // JSON reading of it would (the canonical form ResponseBatch writes is read by a scanner, any
  // other form through nlohmann::json).
  bool read(std::string_view state);
  std::int64_t cycle = 0;
  bool has_cycle = false;
  std::vector<BatchRow> rows;

 private:
  bool scan(std::string_view state);
  bool read_json(std::string_view state);
  std::deque<std::string> decoded_;  // strings that held escapes, decoded (stable addresses)
};

// SipHash-2-4 of a response's five fields (length-prefixed), under a 128-bit key drawn at
// random per verify: a row someone altered cannot be made to collide with the trail's digest
// without the key (chance 2^-64 per row).
class FieldDigest {
 public:
  FieldDigest();  // a random key
  FieldDigest(std::uint64_t k0, std::uint64_t k1) : k0_(k0), k1_(k1) {}
  std::uint64_t operator()(std::string_view answer, std::string_view comment, std::string_view evidence,
                           std::string_view answered_by, std::string_view answered_at);

 private:
  std::uint64_t k0_, k1_;
  std::string buf_;
};

}  // namespace libaudit::detail::verify
