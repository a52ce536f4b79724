//===- PerfMap.cpp - naming JIT-compiled functions for perf ---------------===//

#include "PerfMap.h"

#include "llvm/Object/SymbolSize.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <unistd.h>

using namespace adjit::jit;

namespace {

/// Appends the functions of each loaded object to /tmp/perf-<pid>.map.
class PerfMapListener : public llvm::JITEventListener {
public:
  void
  notifyObjectLoaded(ObjectKey, const llvm::object::ObjectFile &object,
                     const llvm::RuntimeDyld::LoadedObjectInfo &info) override {
    // The object with its sections at their load addresses.
    llvm::object::OwningBinary<llvm::object::ObjectFile> loaded =
        info.getObjectForDebug(object);
    const llvm::object::ObjectFile *symbols =
        loaded.getBinary() ? loaded.getBinary() : &object;
    std::string lines;
    llvm::raw_string_ostream stream(lines);
    for (const auto &[symbol, size] :
         llvm::object::computeSymbolSizes(*symbols)) {
      llvm::Expected<llvm::object::SymbolRef::Type> type = symbol.getType();
      llvm::Expected<llvm::StringRef> name = symbol.getName();
      llvm::Expected<uint64_t> address = symbol.getAddress();
      if (!type || !name || !address) {
        llvm::consumeError(type.takeError());
        llvm::consumeError(name.takeError());
        llvm::consumeError(address.takeError());
        continue;
      }
      if (*type != llvm::object::SymbolRef::ST_Function || size == 0)
        continue;
      stream << llvm::format_hex_no_prefix(*address, 1) << ' '
             << llvm::format_hex_no_prefix(size, 1) << ' ' << *name << '\n';
    }
    std::lock_guard<std::mutex> lock(mutex);
    std::error_code error;
    llvm::raw_fd_ostream file("/tmp/perf-" + std::to_string(getpid()) + ".map",
                              error, llvm::sys::fs::OF_Append);
    if (!error)
      file << lines;
  }

private:
  std::mutex mutex;
};

} // namespace

llvm::JITEventListener *detail::getPerfMapListener() {
  static PerfMapListener *listener = [] {
    const char *value = std::getenv("ADJIT_PERF_MAP");
    return value && std::strcmp(value, "1") == 0 ? new PerfMapListener()
                                                 : nullptr;
  }();
  return listener;
}
