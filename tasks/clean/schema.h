#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tasks {

enum class ColumnType { kNumeric, kCategorical };
const char* to_string(ColumnType type);

// The approved shape of a dataset (docs/schema.md): columns in order with their types,
// and optionally the target column.
struct Schema {
  struct Column {
    std::string name;
    ColumnType type = ColumnType::kNumeric;
    bool operator==(const Column&) const = default;
  };
  std::vector<Column> columns;
  std::string target;  // empty when not declared
};

inline constexpr const char* kSchemaFormat = "pipeline-schema";
inline constexpr int kSchemaVersion = 1;

// Reads a schema file. Throws InputMissingError, DataError (malformed, newer version).
Schema load_schema(const std::filesystem::path& path);

// The schema document, byte-stable JSON.
std::string schema_json(const Schema& schema);

// Human-readable differences between the approved and the found schema, one line each:
//   + column "bedrooms" (numeric) added
//   - column "total_bedrooms" (numeric) missing
//   ~ column "total_rooms" renamed to "rooms"
//   ~ column "median_income": numeric -> categorical
//   ~ column "population" moved from position 6 to 5
// Empty when they agree. The target is not compared (it is a choice, not a property).
std::vector<std::string> diff_schema(const Schema& approved, const Schema& found);

}  // namespace tasks
