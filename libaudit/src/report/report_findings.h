// The one seam between reports and the findings module (libaudit/followup/findings.h): what the
// reports read of findings (指摘事項), their 横展開 check requests and exceptions (例外措置).
// report_findings.cpp fills it from the public Findings / Exceptions / People facades.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libaudit/followup/findings.h"
#include "libaudit/store/store.h"

namespace libaudit::report_detail {

struct ReportFindings {
  bool available = false;                   // the findings tables could be read
  std::vector<Finding> findings;            // every finding in the store (drafts included), by id
  std::vector<ExceptionRecord> exceptions;  // every exception, by id
};

// Reads findings and exceptions for reporting; never writes. An empty result (available =
// false) when the store has no findings module.
ReportFindings load_findings(const Store& store);

}  // namespace libaudit::report_detail
