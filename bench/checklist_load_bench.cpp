// Loads a generated 10,000-item checklist and prints items per second and peak memory,
// against a named baseline in the same run: yaml-cpp parsing the same text into a node tree
// (what any YAML-based loader must do at least). Each measurement runs in its own child
// process so its peak RSS is its own.
//
//   checklist_load_bench [ITEMS] [REPEATS]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "libaudit/checklist/checklist.h"

namespace {

std::string generate(int items) {
  std::string y =
      "id: bench\ntitle: ベンチマーク用点検表\nversion: \"2024-03-01\"\nbody: 小牧市\n"
      "source: {document: generated, title: 生成した対策基準}\nsections:\n";
  const int per_section = 100, sections_per_chapter = 10;
  int n = 0;
  for (int ch = 1; n < items; ++ch) {
    y += "  - id: \"" + std::to_string(ch) + "\"\n    clause: \"" + std::to_string(ch) + "\"\n    title: 第" +
         std::to_string(ch) + "章\n    sections:\n";
    for (int s = 1; s <= sections_per_chapter && n < items; ++s) {
      std::string sid = std::to_string(ch) + "." + std::to_string(s);
      y += "      - id: \"" + sid + "\"\n        clause: \"（" + std::to_string(s) +
           "）\"\n"
           "        title: 節" +
           sid + "\n        items:\n";
      for (int i = 1; i <= per_section && n < items; ++i, ++n) {
        std::string iid = sid + "." + std::to_string(i);
        y += "          - id: \"" + iid + "\"\n            clause: \"" + std::to_string(ch) + "(" + std::to_string(s) +
             ")ア(" + std::to_string(i) +
             ")\"\n"
             "            text: 情報セキュリティ管理者は、所管する情報システムについて、"
             "アクセス記録を取得し、定期的に点検しなければならない。\n"
             "            question: 所管する情報システムについて、アクセス記録を取得し、定期的に点検しているか。\n"
             "            roles: [security_manager, system_administrator]\n"
             "            applies_to: {tiers: [mynumber, lgwan], departments: system_owners}\n"
             "            weight: " +
             std::to_string(1 + i % 3) +
             "\n"
             "            evidence: [アクセス記録, 点検記録]\n";
      }
    }
  }
  return y;
}

struct Result {
  double seconds;  // best of the repeats
  long peak_kib;
};

// Runs `work` `repeats` times in a child; returns the best time and the child's peak RSS.
template <class F>
Result in_child(int repeats, F work) {
  int fds[2];
  if (pipe(fds) != 0) std::abort();
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    double best = 1e9;
    for (int r = 0; r < repeats; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      work();
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    if (write(fds[1], &best, sizeof best) != sizeof best) _exit(2);
    _exit(0);
  }
  close(fds[1]);
  Result r{0, 0};
  if (read(fds[0], &r.seconds, sizeof r.seconds) != sizeof r.seconds) std::abort();
  close(fds[0]);
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "benchmark child failed\n");
    std::exit(1);
  }
  r.peak_kib = ru.ru_maxrss;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int items = argc > 1 ? std::atoi(argv[1]) : 10000;
  int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  const std::string yaml = generate(items);
  // Peak RSS of a child that only holds the text, to subtract the common floor.
  Result floor = in_child(1, [] {});

  std::size_t loaded = 0;
  Result base = in_child(repeats, [&] {
    YAML::Node n = YAML::Load(yaml);
    if (!n.IsMap()) std::abort();
  });
  Result lib = in_child(repeats, [&] {
    auto c = libaudit::Checklist::from_yaml(yaml, "bench.yaml");
    loaded = c.size();
    if (loaded != static_cast<std::size_t>(items)) std::abort();
  });

  std::printf("checklist load: %d items, %.1f MiB of YAML, best of %d\n", items, yaml.size() / 1048576.0, repeats);
  std::printf("  %-36s %8.1f ms  %10.0f items/s  peak +%6.1f MiB\n", "baseline: yaml-cpp YAML::Load only",
              base.seconds * 1e3, items / base.seconds, (base.peak_kib - floor.peak_kib) / 1024.0);
  std::printf("  %-36s %8.1f ms  %10.0f items/s  peak +%6.1f MiB\n", "libaudit Checklist::from_yaml", lib.seconds * 1e3,
              items / lib.seconds, (lib.peak_kib - floor.peak_kib) / 1024.0);
  std::printf("  ratio (libaudit / baseline time): %.2f\n", lib.seconds / base.seconds);
  return 0;
}
