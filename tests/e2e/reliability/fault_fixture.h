#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace reliability {

// Made once per test binary: the first 400 rows of data/raw.csv as src.csv, cleaned into
// clean.csv, and two models trained on it (a.pkl with alpha 1, b.pkl with alpha 50), so
// that fault tests start from real inputs in milliseconds.
struct SmallChain {
  std::filesystem::path src_csv;
  std::filesystem::path clean_csv;
  std::filesystem::path model_a;
  std::filesystem::path model_b;
};
const SmallChain& small_chain();

// Every file under `dir` except logs/, metrics/ and runs/, with its bytes (a symlink as
// "-> target"), to prove that a failed step changed nothing.
std::map<std::string, std::string> snapshot(const std::filesystem::path& dir);

}  // namespace reliability
