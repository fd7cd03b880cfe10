// Reports' view of findings and exceptions (report_findings.h), read through the public
// read-only facades of libaudit/followup/findings.h.
#include "report/report_findings.h"

namespace libaudit::report_detail {

ReportFindings load_findings(const Store& store) {
  ReportFindings out;
  const Findings findings(store);  // read-only: built from a const Store
  const Exceptions exceptions(store);
  FindingFilter all;
  all.include_drafts = true;
  out.findings = findings.list(all);
  out.exceptions = exceptions.list();
  out.available = true;
  return out;
}

}  // namespace libaudit::report_detail
