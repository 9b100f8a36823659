#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace common {

// Incremental SHA-256 over OpenSSL's EVP interface.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view data);
  // The digest as 64 lowercase hex digits. Call once.
  std::string hex_digest();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// SHA-256 of `data` as lowercase hex.
std::string sha256_hex(std::string_view data);

// SHA-256 of a file's content, read in 1 MiB blocks through open_input() (a pipe is read
// once, and its copy's hash answers). Throws InputMissingError/IoError.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace common
