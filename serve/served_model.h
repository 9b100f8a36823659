#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "tasks/model/model.h"

namespace serve {

// Where the service reads its model from: a deployment directory (its `current` link,
// docs/deploy.md) or one model file. Exactly one is set.
struct ModelSource {
  std::filesystem::path deploy_dir;  // serve <deploy_dir>/current
  std::filesystem::path model_file;  // or serve this file
};

// A model as the service answers with it; immutable once loaded, shared by the requests
// that use it (a reload swaps in a new one while older requests finish with theirs).
struct ServedModel {
  tasks::Model model;    // the parsed document
  std::string sha256;    // of the document's bytes (the deploy store's content address)
  std::string path;      // the file it was read from (for messages)
  std::string metadata;  // the body of GET /model (indented JSON, ends with a newline)
};

// Reads the model `source` names. Throws InputMissingError (66) when nothing is deployed
// or the file is missing, DataError (65) for a document that is not a model, IoError (74).
std::shared_ptr<const ServedModel> load_served_model(const ModelSource& source);

// The body of GET /model for `model` with content address `sha256`: model_sha256, kind,
// target, features (name, type, categories), hyperparameters, metrics, training_data.
std::string model_metadata(const tasks::Model& model, const std::string& sha256);

// The model the service currently answers with. get() and set() may be called from any
// thread; a reader keeps the model it got alive for as long as it holds the pointer.
class ModelHolder {
 public:
  explicit ModelHolder(std::shared_ptr<const ServedModel> model) : model_(std::move(model)) {}
  std::shared_ptr<const ServedModel> get() const { return model_.load(std::memory_order_acquire); }
  void set(std::shared_ptr<const ServedModel> model) {
    model_.store(std::move(model), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const ServedModel>> model_;
};

}  // namespace serve
