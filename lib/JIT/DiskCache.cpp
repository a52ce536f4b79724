//===- DiskCache.cpp - compiled object code kept on disk ------------------===//

#include "DiskCache.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Chrono.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <vector>

using namespace adjit::jit::detail;

namespace {

constexpr llvm::StringLiteral kMagic = "ADJITOB1";
constexpr llvm::StringLiteral kEntrySuffix = ".adjitobj";
constexpr llvm::StringLiteral kPartialSuffix = ".partial";
/// Magic, payload size, payload checksum, entry name (64 hex digits).
constexpr size_t kHeaderSize = 8 + 8 + 8 + 64;

/// Prints a line about the cache to stderr when ADJIT_LOG is set.
void log(const llvm::Twine &message) {
  if (std::getenv("ADJIT_LOG"))
    llvm::errs() << "adjit: disk cache: " << message << "\n";
}

void appendWord(std::string &out, uint64_t word) {
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<char>(word >> (8 * i)));
}

uint64_t readWord(const char *data) {
  uint64_t word = 0;
  for (int i = 0; i < 8; ++i)
    word |= static_cast<uint64_t>(static_cast<unsigned char>(data[i]))
            << (8 * i);
  return word;
}

/// The name of the entry of `engineKey`: a SHA-256 of the key and of what
/// else the object code depends on.
std::string entryName(llvm::StringRef engineKey) {
  llvm::SHA256 hash;
  hash.update(engineKey);
  hash.update("\n");
  hash.update(getHostAndBuildIdentity());
  return llvm::toHex(hash.final(), /*LowerCase=*/true);
}

/// The GNU build ID of the loaded object that contains `address`, in hex, or
/// empty.
std::string buildIdContaining(const void *address) {
  struct Search {
    uintptr_t address;
    std::string buildId;
  } search{reinterpret_cast<uintptr_t>(address), {}};
  dl_iterate_phdr(
      [](dl_phdr_info *info, size_t, void *data) -> int {
        auto *search = static_cast<Search *>(data);
        bool contains = false;
        for (int i = 0; i < info->dlpi_phnum && !contains; ++i) {
          const ElfW(Phdr) &segment = info->dlpi_phdr[i];
          uintptr_t start = info->dlpi_addr + segment.p_vaddr;
          contains = segment.p_type == PT_LOAD && search->address >= start &&
                     search->address < start + segment.p_memsz;
        }
        if (!contains)
          return 0;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr) &segment = info->dlpi_phdr[i];
          if (segment.p_type != PT_NOTE)
            continue;
          const char *note =
              reinterpret_cast<const char *>(info->dlpi_addr + segment.p_vaddr);
          const char *end = note + segment.p_filesz;
          while (note + sizeof(ElfW(Nhdr)) <= end) {
            auto *header = reinterpret_cast<const ElfW(Nhdr) *>(note);
            const char *name = note + sizeof(ElfW(Nhdr));
            const char *desc = name + ((header->n_namesz + 3) & ~3u);
            if (header->n_type == NT_GNU_BUILD_ID && header->n_namesz == 4 &&
                std::memcmp(name, "GNU", 4) == 0 &&
                desc + header->n_descsz <= end) {
              search->buildId = llvm::toHex(
                  llvm::StringRef(desc, header->n_descsz), /*LowerCase=*/true);
              return 1;
            }
            note = desc + ((header->n_descsz + 3) & ~3u);
          }
        }
        return 1;
      },
      &search);
  return search.buildId;
}

/// The path, size and modification time of the loaded object that contains
/// `address`, when it has no build ID.
std::string fileIdentityContaining(const void *address) {
  Dl_info info;
  struct stat status;
  if (!dladdr(address, &info) || !info.dli_fname ||
      stat(info.dli_fname, &status) != 0)
    return "unknown";
  return std::string(info.dli_fname) + ":" + std::to_string(status.st_size) +
         ":" + std::to_string(status.st_mtim.tv_sec) + "." +
         std::to_string(status.st_mtim.tv_nsec);
}

} // namespace

const std::string &adjit::jit::detail::getHostAndBuildIdentity() {
  static const std::string identity = [] {
    std::string text = "llvm " LLVM_VERSION_STRING "\ncpu ";
    text += llvm::sys::getHostCPUName().str();
    auto features = llvm::sys::getHostCPUFeatures();
    std::vector<std::string> names;
    for (const auto &feature : features)
      names.push_back((feature.second ? "+" : "-") + feature.first().str());
    std::sort(names.begin(), names.end());
    text += "\nfeatures " + llvm::join(names, ",");
    const void *self = reinterpret_cast<const void *>(&getHostAndBuildIdentity);
    std::string buildId = buildIdContaining(self);
    text +=
        "\nbuild " + (buildId.empty() ? fileIdentityContaining(self) : buildId);
    return text;
  }();
  return identity;
}

std::string adjit::jit::detail::getDefaultDiskCacheDirectory() {
  const char *enabled = std::getenv("ADJIT_CACHE");
  if (enabled && std::string(enabled) == "0")
    return "";
  if (const char *dir = std::getenv("ADJIT_CACHE_DIR"); dir && *dir)
    return dir;
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string(xdg) + "/adjit";
  if (const char *home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.cache/adjit";
  return "";
}

uint64_t adjit::jit::detail::getDefaultDiskCacheMaxBytes() {
  constexpr uint64_t kMegabyte = 1024 * 1024;
  if (const char *text = std::getenv("ADJIT_CACHE_MAX_MB")) {
    char *end = nullptr;
    unsigned long long megabytes = std::strtoull(text, &end, 10);
    if (end != text && *end == '\0')
      return megabytes * kMegabyte;
    log(llvm::Twine("ignoring ADJIT_CACHE_MAX_MB=") + text +
        " (not a number of megabytes)");
  }
  return 1024 * kMegabyte;
}

DiskCache::DiskCache(std::string directory, uint64_t maxBytes)
    : directory(std::move(directory)), maxBytes(maxBytes) {}

std::string DiskCache::pathOf(llvm::StringRef name) const {
  return directory + "/" + name.str() + kEntrySuffix.str();
}

std::unique_ptr<llvm::MemoryBuffer>
DiskCache::load(llvm::StringRef engineKey) const {
  std::string name = entryName(engineKey);
  std::string path = pathOf(name);
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file) {
    if (file.getError() != std::errc::no_such_file_or_directory)
      log("cannot read " + path + ": " + file.getError().message());
    return nullptr;
  }
  llvm::StringRef data = (*file)->getBuffer();
  const char *problem = nullptr;
  if (data.size() < kHeaderSize || !data.starts_with(kMagic))
    problem = "no valid header";
  else if (readWord(data.data() + 8) != data.size() - kHeaderSize)
    problem = "truncated or extended";
  else if (data.substr(24, 64) != name)
    problem = "written for another key";
  else if (llvm::xxh3_64bits(data.drop_front(kHeaderSize)) !=
           readWord(data.data() + 16))
    problem = "checksum mismatch";
  if (problem) {
    log("ignoring corrupted entry " + path + " (" + problem +
        "); it will be rebuilt");
    return nullptr;
  }
  // Least recently used is judged by modification time.
  utimensat(AT_FDCWD, path.c_str(), nullptr, 0);
  log("loaded " + path);
  return llvm::MemoryBuffer::getMemBufferCopy(data.drop_front(kHeaderSize),
                                              path);
}

bool DiskCache::store(llvm::StringRef engineKey, llvm::StringRef object) const {
  if (std::error_code error = llvm::sys::fs::create_directories(directory)) {
    log("cannot create " + directory + ": " + error.message());
    return false;
  }
  std::string name = entryName(engineKey);
  std::string contents = kMagic.str();
  appendWord(contents, object.size());
  appendWord(contents, llvm::xxh3_64bits(object));
  contents += name;
  contents += object;

  int fd = -1;
  llvm::SmallString<256> partial;
  if (std::error_code error = llvm::sys::fs::createUniqueFile(
          directory + "/" + name + "-%%%%%%%%" + kPartialSuffix, fd, partial)) {
    log("cannot write in " + directory + ": " + error.message());
    return false;
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << contents;
    os.close();
    if (os.has_error()) {
      log("cannot write " + partial + ": " + os.error().message());
      os.clear_error();
      llvm::sys::fs::remove(partial);
      return false;
    }
  }
  std::string path = pathOf(name);
  if (std::error_code error = llvm::sys::fs::rename(partial, path)) {
    log("cannot rename " + partial + " to " + path + ": " + error.message());
    llvm::sys::fs::remove(partial);
    return false;
  }
  log("stored " + path + " (" + llvm::Twine(contents.size()) + " bytes)");
  evictBeyondCap(path);
  return llvm::sys::fs::exists(path);
}

void DiskCache::remove(llvm::StringRef engineKey) const {
  std::string path = pathOf(entryName(engineKey));
  if (!llvm::sys::fs::remove(path, /*IgnoreNonExisting=*/false))
    log("removed " + path);
}

void DiskCache::evictBeyondCap(const std::string &justWritten) const {
  struct Entry {
    llvm::sys::TimePoint<> modified;
    uint64_t size;
    std::string path;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  auto now = std::chrono::system_clock::now();
  std::error_code error;
  for (llvm::sys::fs::directory_iterator it(directory, error), end;
       !error && it != end; it.increment(error)) {
    llvm::StringRef path = it->path();
    llvm::sys::fs::file_status status;
    if (llvm::sys::fs::status(path, status))
      continue;
    // Leftovers of writers that died an hour ago or more.
    if (path.ends_with(kPartialSuffix)) {
      if (now - status.getLastModificationTime() > std::chrono::hours(1))
        llvm::sys::fs::remove(path);
      continue;
    }
    if (!path.ends_with(kEntrySuffix))
      continue;
    entries.push_back(
        {status.getLastModificationTime(), status.getSize(), path.str()});
    total += status.getSize();
  }
  if (total <= maxBytes)
    return;
  // Oldest first; the entry just written goes last among equals.
  std::sort(entries.begin(), entries.end(),
            [&](const Entry &a, const Entry &b) {
              if (a.modified != b.modified)
                return a.modified < b.modified;
              return (a.path == justWritten) < (b.path == justWritten);
            });
  for (const Entry &entry : entries) {
    if (total <= maxBytes)
      break;
    if (!llvm::sys::fs::remove(entry.path)) {
      total -= entry.size;
      log("evicted " + entry.path + " (cache over " +
          llvm::Twine(maxBytes / (1024 * 1024)) + " MB)");
    }
  }
}
