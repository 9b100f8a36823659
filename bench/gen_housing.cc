// Writes N rows of synthetic California-housing-like data with the schema of
// ../shared/data/housing.csv: plausible relationships between the columns, the same five
// ocean_proximity categories, about 1% empty total_bedrooms cells (as in the real data)
// plus a few empty median_income cells. Deterministic for a given --seed and --rows: the
// random numbers come from splitmix64 and hand-written transforms, not from <random>'s
// distributions, whose output differs between standard libraries.
//
//   gen_housing --rows 20000 --seed 7 --output data/raw.csv

#include <boost/program_options.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>

#include "common/atomic_file.h"
#include "common/run_main.h"

namespace {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double normal() {
    double u1 = uniform();
    double u2 = uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  std::uint64_t state_;
};

struct Region {
  const char* name;
  double weight;       // share of the rows
  double lon, lat;     // centre
  double spread;       // degrees
  double value_bonus;  // effect on median_house_value
};

// Shares close to the real data's: <1H OCEAN 44%, INLAND 32%, NEAR OCEAN 13%, NEAR BAY 11%.
constexpr Region kRegions[] = {
    {"<1H OCEAN", 0.4424, -118.3, 34.1, 0.9, 45000},
    {"INLAND", 0.3174, -119.7, 36.9, 1.6, -35000},
    {"NEAR OCEAN", 0.1287, -118.9, 34.6, 1.4, 50000},
    {"NEAR BAY", 0.1110, -122.3, 37.8, 0.25, 60000},
    {"ISLAND", 0.0005, -118.4, 33.4, 0.05, 180000},
};

double clamp(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }

void append_fixed(std::string& out, double value, int decimals) {
  char buffer[64];
  auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  out.append(buffer, end);
}

void append_row(std::string& out, Rng& rng, double null_rate) {
  double pick = rng.uniform();
  const Region* region = &kRegions[0];
  for (const Region& r : kRegions) {
    if (pick < r.weight) {
      region = &r;
      break;
    }
    pick -= r.weight;
  }
  double lon = clamp(region->lon + region->spread * rng.normal(), -124.35, -114.31);
  double lat = clamp(region->lat + region->spread * 0.8 * rng.normal() - 0.3 * (lon - region->lon),
                     32.54, 41.95);
  double age = std::floor(1 + 51 * rng.uniform());
  double households = std::round(clamp(std::exp(6.0 + 0.55 * rng.normal()), 2, 6000));
  double rooms = std::round(households * clamp(5.3 + 1.2 * rng.normal(), 1.5, 20));
  double bedrooms = std::round(rooms * clamp(0.21 + 0.03 * rng.normal(), 0.08, 0.5));
  double population = std::round(households * clamp(std::exp(1.05 + 0.25 * rng.normal()), 1, 12));
  double income = clamp(std::exp(1.25 + 0.45 * rng.normal()), 0.4999, 15.0001);
  double value = 30000 + 38000 * income + region->value_bonus + 600 * age -
                 2.5 * (population / households - 3) * 1000 + 45000 * rng.normal();
  value = std::round(clamp(value, 14999, 500001) / 100) * 100;

  append_fixed(out, lon, 2);
  out.push_back(',');
  append_fixed(out, lat, 2);
  out.push_back(',');
  append_fixed(out, age, 1);
  out.push_back(',');
  append_fixed(out, rooms, 1);
  out.push_back(',');
  if (rng.uniform() >= null_rate) append_fixed(out, bedrooms, 1);
  out.push_back(',');
  append_fixed(out, population, 1);
  out.push_back(',');
  append_fixed(out, households, 1);
  out.push_back(',');
  if (rng.uniform() >= null_rate / 20) append_fixed(out, income, 4);
  out.push_back(',');
  append_fixed(out, value, 1);
  out.push_back(',');
  out.append(region->name);
  out.push_back('\n');
}

}  // namespace

int main(int argc, char** argv) {
  return common::run_main("gen_housing", [&] {
    namespace po = boost::program_options;
    po::options_description options("gen_housing: synthetic housing.csv-like data");
    options.add_options()("rows", po::value<std::uint64_t>()->default_value(20000), "data rows")(
        "seed", po::value<std::uint64_t>()->default_value(7), "random seed")(
        "null-rate", po::value<double>()->default_value(0.01), "share of empty total_bedrooms")(
        "output", po::value<std::string>(), "output file (default: stdout)")("help,h", "help");
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(options).positional({}).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << options << "\nExample:\n  gen_housing --rows 2000000 --output /tmp/big.csv\n";
      return 0;
    }
    std::uint64_t rows = vm["rows"].as<std::uint64_t>();
    double null_rate = vm["null-rate"].as<double>();
    Rng rng(vm["seed"].as<std::uint64_t>());
    const char* header =
        "longitude,latitude,housing_median_age,total_rooms,total_bedrooms,population,"
        "households,median_income,median_house_value,ocean_proximity\n";
    std::string chunk = header;
    if (vm.count("output")) {
      common::AtomicFile out(vm["output"].as<std::string>());
      for (std::uint64_t i = 0; i < rows; ++i) {
        append_row(chunk, rng, null_rate);
        if (chunk.size() > (1 << 20)) {
          out.write(chunk);
          chunk.clear();
        }
      }
      out.write(chunk);
      out.commit();
    } else {
      for (std::uint64_t i = 0; i < rows; ++i) {
        append_row(chunk, rng, null_rate);
        if (chunk.size() > (1 << 20)) {
          std::fwrite(chunk.data(), 1, chunk.size(), stdout);
          chunk.clear();
        }
      }
      std::fwrite(chunk.data(), 1, chunk.size(), stdout);
    }
    return 0;
  });
}
