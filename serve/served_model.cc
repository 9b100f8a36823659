#include "serve/served_model.h"

#include <boost/json.hpp>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/json_util.h"
#include "common/read_file.h"
#include "common/sha256.h"

namespace fs = std::filesystem;
namespace json = boost::json;

namespace serve {

std::string model_metadata(const tasks::Model& model, const std::string& sha256) {
  json::array features;
  for (const tasks::Feature& f : model.features) {
    json::object entry{{"name", f.name}, {"type", tasks::feature_type_name(f.type)}};
    if (f.type == tasks::FeatureType::kCategorical)
      entry["categories"] = json::value_from(f.categories);
    features.push_back(std::move(entry));
  }
  // The document's own sections, so /model says exactly what trained.pkl says.
  json::object document = tasks::model_to_json(model).as_object();
  json::object metadata{
      {"model_sha256", sha256},         {"kind", model.kind},
      {"target", model.target},         {"features", std::move(features)},
      {"intercept", model.intercept},   {"hyperparameters", document["hyperparameters"]},
      {"metrics", document["metrics"]}, {"training_data", document["training_data"]}};
  return common::to_pretty_json(metadata);
}

std::shared_ptr<const ServedModel> load_served_model(const ModelSource& source) {
  fs::path path = source.model_file;
  if (!source.deploy_dir.empty()) {
    path = source.deploy_dir / "current";
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(path, ec))) {
      throw common::InputMissingError(path.string() + ": nothing is deployed (run save first)");
    }
  }
  // Read through the link once: a concurrent re-point gives the old or the new document,
  // and the hash is of exactly the bytes parsed.
  std::string document = common::read_file(path);
  auto served = std::make_shared<ServedModel>();
  served->path = path.string();
  served->model = tasks::model_from_text(document, served->path);
  served->sha256 = common::sha256_hex(document);
  served->metadata = model_metadata(served->model, served->sha256);
  return served;
}

}  // namespace serve
