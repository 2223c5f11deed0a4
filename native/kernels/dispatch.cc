#include "dispatch.h"

#include <atomic>
#include <cstdlib>

#include "isa/cpu_probe.h"

namespace descent {

namespace {

struct Entry {
  const char* name;
  const KernelTable* table;
};

std::vector<Entry>& entries() {
  static std::vector<Entry> list = [] {
    std::vector<Entry> out{{"scalar", kernelsScalar()}};
    const CpuFeatures cpu = probeCpu();
    if (cpu.avx2 && kernelsAvx2()) out.push_back({"avx2", kernelsAvx2()});
    if (cpu.avx512 && kernelsAvx512()) out.push_back({"avx512", kernelsAvx512()});
    if (cpu.neon && kernelsNeon()) out.push_back({"neon", kernelsNeon()});
    return out;
  }();
  return list;
}

std::atomic<const KernelTable*> active{nullptr};

const KernelTable* find(const std::string& name) {
  for (const Entry& e : entries())
    if (name == e.name) return e.table;
  return nullptr;
}

}  // namespace

const KernelTable& activeKernels() {
  const KernelTable* t = active.load(std::memory_order_acquire);
  return t ? *t : *kernelsScalar();
}

const std::vector<std::string>& availableIsas() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Entry& e : entries()) out.emplace_back(e.name);
    return out;
  }();
  return names;
}

std::string initDispatch() {
  // The addon is initialised once per JS thread that loads it (worker_threads): only the first
  // load chooses, so a worker starting later does not undo a setIsa() made on the main thread.
  if (active.load(std::memory_order_acquire)) return "";
  const char* forced = std::getenv("DESCENT_ISA");
  if (forced && *forced) {
    if (const KernelTable* t = find(forced)) {
      active.store(t, std::memory_order_release);
      return "";
    }
    std::string known;
    for (const std::string& n : availableIsas()) known += (known.empty() ? "" : ", ") + n;
    return std::string("DESCENT_ISA=") + forced + " is not available on this CPU or build (available: " +
           known + "). Unset DESCENT_ISA or choose one of those.";
  }
  active.store(entries().back().table, std::memory_order_release);
  return "";
}

bool selectIsa(const std::string& name) {
  const KernelTable* t = find(name);
  if (!t) return false;
  active.store(t, std::memory_order_release);
  return true;
}

}  // namespace descent
