// Reports' view of findings and exceptions (report_findings.h).
#include "report_findings.h"

namespace libaudit::report_detail {

ReportFindings load_findings(const Store& store) {
  (void)store;
  // The findings module (libaudit/findings.h) is wired here once its implementation lands;
  // until then the reports render their findings and exceptions sections from empty lists.
  return {};
}

}  // namespace libaudit::report_detail
