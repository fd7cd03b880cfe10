// Times the extractor on the 小牧市 text (~100 KB, 3,000 lines) against two baselines in the
// same run: NFKC-normalising the whole text (the least any extractor does to it), and a naive
// extractor that splits on 「。」 with std::regex and keeps the sentences whose ending matches
// (no clauses, roles, questions or checklist). Prints the best of REPEATS for each stage and
// the ratios. Times are CPU time of the process (the work is single-threaded).
//
//   extract_bench [SEED_FILE] [REPEATS]
//
// SEED_FILE defaults to 002_65e417b3328f2695.txt in $LIBAUDIT_SEEDS, else in <repo>/../shared/seeds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "libaudit/base/text.h"
#include "libaudit/checklist/extract.h"

namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Best of `repeats` by CPU time of the process (single-threaded work): steadier than the wall
// clock on a shared, loaded machine.
template <class F>
double best_of(int repeats, F work) {
  double best = 1e9;
  for (int r = 0; r < repeats; ++r) {
    double t0 = cpu_seconds();
    work();
    best = std::min(best, cpu_seconds() - t0);
  }
  return best;
}

volatile std::size_t sink;

std::string default_seed() {
  const char* env = std::getenv("LIBAUDIT_SEEDS");
  const std::string dir = env != nullptr && *env != '\0' ? env : LIBAUDIT_SOURCE_DIR "/../shared/seeds";
  return dir + "/002_65e417b3328f2695.txt";
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = argc > 1 ? argv[1] : default_seed();
  int repeats = argc > 2 ? std::atoi(argv[2]) : 20;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "extract_bench: cannot read %s\n", path.c_str());
    return 1;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();

  libaudit::ExtractOptions o;
  o.id = "komaki-draft";
  o.title = "小牧市 対策基準 (draft)";
  o.body = "小牧市";
  o.source_document = "002_65e417b3328f2695.txt";
  o.part = "対策基準";

  std::size_t items = 0, naive = 0;
  double t_nfkc = best_of(repeats, [&] { sink = libaudit::text::nfkc(text).size(); });
  double t_regex = best_of(std::max(1, repeats / 4), [&] {
    static const std::regex ending("(なければならない|てはならない|ものとする|こと)。$");
    std::size_t n = 0, start = 0;
    const std::string stop = "。";
    for (std::size_t end; (end = text.find(stop, start)) != std::string::npos; start = end + stop.size())
      if (std::regex_search(text.substr(start, end + stop.size() - start), ending)) ++n;
    naive = n;
  });
  double t_norm = best_of(repeats, [&] { sink = libaudit::normalize(text).lines.size(); });
  double t_parse = best_of(repeats, [&] { sink = libaudit::parse_clauses(libaudit::normalize(text)).parts.size(); });
  double t_find = best_of(repeats, [&] {
    auto n = libaudit::normalize(text);
    auto t = libaudit::parse_clauses(n);
    sink = libaudit::find_obligations(n, t).size();
  });
  double t_extract = best_of(repeats, [&] { items = libaudit::extract_checklist(text, o).checklist.size(); });

  std::printf("extract_bench: %s, %zu bytes, best of %d by CPU time\n", path.c_str(), text.size(), repeats);
  std::printf("  baseline nfkc(text)                 %8.2f ms\n", t_nfkc * 1e3);
  std::printf("  baseline split on 。 + std::regex    %8.2f ms  (%zu sentences)\n", t_regex * 1e3, naive);
  std::printf("  normalize                           %8.2f ms\n", t_norm * 1e3);
  std::printf("  normalize + parse_clauses           %8.2f ms\n", t_parse * 1e3);
  std::printf("  ... + find_obligations               %8.2f ms\n", t_find * 1e3);
  std::printf("  extract_checklist (all stages)      %8.2f ms  (%zu items, YAML emitted and validated)\n",
              t_extract * 1e3, items);
  std::printf("  ratio extract / nfkc  %.1fx;  extract / regex  %.2fx;  %.1f MB/s\n", t_extract / t_nfkc,
              t_extract / t_regex, text.size() / t_extract / 1e6);
  return 0;
}
