#include "tasks/save/save.h"

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <thread>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/failpoint.h"
#include "common/file_lock.h"
#include "common/filenames.h"
#include "common/json_util.h"
#include "common/log.h"
#include "common/process_status.h"
#include "common/read_file.h"
#include "common/service_pin.h"
#include "common/sha256.h"
#include "tasks/model/model.h"
#include "tasks/save/deploy_store.h"
#include "tasks/save/deployment_identity.h"
#include "tasks/save/health_probe.h"
#include "tasks/save/quality_gate.h"

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace tasks {

std::string no_service_marker(const std::string& sha256, const fs::path& model_path) {
  return "status: persisted, no service started (--no-serve)\nmodel_sha256: " + sha256 +
         "\nmodel: " + model_path.string() + "\n";
}

std::string service_marker(const std::string& url, const std::string& sha256) {
  return "status: serving\nurl: " + url + "\nmodel_sha256: " + sha256 + "\n";
}

namespace {

void write_marker(const SaveOptions& options, common::TaskContext& context,
                  const std::string& text) {
  if (options.marker.empty()) return;
  context.with_retry("save.marker", [&] {
    common::failpoint("save.marker");
    common::write_file_atomically(options.marker, text);
  });
}

std::string short_sha(const std::string& sha) { return sha.substr(0, 12); }

// The deploy directory as the service is told it: absolute and canonical, so that every
// save finds the service by the same --deploy-dir whatever its cwd and spelling.
fs::path absolute_dir(const fs::path& dir) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::absolute(dir), ec);
  return ec ? fs::absolute(dir).lexically_normal() : canonical;
}

ServiceControl control_for(const SaveOptions& options) {
  return ServiceControl(absolute_dir(options.deploy_dir),
                        options.serve_binary.empty() ? serve_beside_self() : options.serve_binary);
}

struct ServiceOutcome {
  std::string url;
  pid_t pid = 0;
  std::string action;  // "started", "reloaded", "unchanged"
};

// Whether `answer` comes from the service `pid` of deployment `self`: a service is known
// by its deployment and pid, not by the model it happens to answer with.
bool answers_for(const HealthAnswer& answer, const DeploymentIdentity& self, pid_t pid) {
  return answer.ok && answer.pid == pid && answer.deployment_id == self.id &&
         answer.deploy_dir == self.dir.string();
}

// Polls /health until the service `pid` of `self` reports `sha`, at the URL `where` gives
// ("" while the service has not registered itself yet). `gone` says why the service can no
// longer answer ("" while it runs). Returns the URL. Throws TransientError at the deadline
// or when the service is gone.
std::string wait_for_model(const std::function<std::string()>& where, pid_t pid,
                           const DeploymentIdentity& self, const std::string& sha,
                           std::chrono::milliseconds timeout,
                           const std::function<std::string()>& gone) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last = "no answer yet";
  std::string url;
  for (;;) {
    if (std::string why = gone(); !why.empty()) throw common::TransientError(why);
    url = where();
    if (url.empty()) {
      last = "it has not registered in serve.json yet";
    } else {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      // Short probes: one that a busy service misses is simply repeated.
      HealthAnswer answer = probe_health(url, std::clamp(left, 100ms, 300ms));
      bool ours = answers_for(answer, self, pid);
      if (ours && answer.model_sha256 == sha) return url;
      last = !answer.ok ? answer.problem
             : ours     ? "it answers with model " + short_sha(answer.model_sha256)
                        : url + " answers as " + who_answers(answer);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string message =
          url.empty() ? "the service (pid " + std::to_string(pid) + ")" : "the service at " + url;
      message += " did not answer with model " + short_sha(sha);
      message += " within " + std::to_string(timeout.count()) + " ms (" + last + ")";
      throw common::TransientError(message);
    }
    std::this_thread::sleep_for(50ms);
  }
}

// Why a service could not bind `address`: what answers there now, or "" when nothing does
// (the holder has gone meanwhile, and serve's own words say more).
std::string port_holder(const ServiceAddress& address) {
  HealthAnswer answer = probe_health(address.url(), 1000ms);
  if (answer.refused) return "";
  return "port " + std::to_string(address.port) + " is held by " + who_answers(answer) +
         "; choose another --port (0: any free one)";
}

// Makes the deploy directory's service answer with `sha`: reloads the one running (or
// leaves it when it already does), or starts one.
ServiceOutcome bring_up(const ServiceControl& control, const SaveOptions& options,
                        const DeploymentIdentity& self, const std::string& sha,
                        common::TaskContext& context) {
  fs::path log_dir = fs::absolute(context.options().log_dir);
  return context.with_retry("save.serve", [&] {
    common::failpoint("save.serve");
    if (std::optional<RunningService> running = control.running()) {
      ServiceOutcome outcome{running->url, running->pid, "unchanged"};
      bool moved = options.address.port == 0 ? running->address.host != options.address.host
                                             : running->address.url() != options.address.url();
      if (moved) {
        context.log().warn("service_address",
                           "the service already runs at " + outcome.url + " (pid " +
                               std::to_string(running->pid) + "); keeping it there instead of " +
                               options.address.url() + " (save --stop first to move it)");
      }
      pid_t pid = running->pid;
      HealthAnswer health = probe_health(outcome.url, 1000ms);
      if (answers_for(health, self, pid) && health.model_sha256 == sha) return outcome;
      if (health.ok && !answers_for(health, self, pid)) {
        throw common::TransientError(outcome.url + " answers as " + who_answers(health) +
                                     ", not as this deployment's service (pid " +
                                     std::to_string(pid) + "); stop it with save --stop");
      }
      ServiceControl::reload(pid);
      outcome.action = "reloaded";
      wait_for_model([&] { return outcome.url; }, pid, self, sha, options.serve_timeout,
                     [&] {
                       return common::process_alive(pid)
                                  ? std::string()
                                  : "the service (pid " + std::to_string(pid) + ") is gone";
                     });
      return outcome;
    }
    pid_t pid = control.start(options.address, log_dir, context.options().run_id);
    context.log().info(
        "service_start",
        "started serve (pid " + std::to_string(pid) + ") for " + options.address.url(),
        json::object{{"pid", pid}, {"address", options.address.url()}});
    ServiceOutcome outcome{"", pid, "started"};
    try {
      outcome.url = wait_for_model(
          [&] {
            std::optional<RunningService> registered = control.registered(pid);
            return registered ? registered->url : std::string();
          },
          pid, self, sha, options.serve_timeout,
          [&] {
            std::string status;
            int code = -1;
            if (!ServiceControl::child_exited(pid, &status, &code)) return std::string();
            constexpr int kPortInUse = static_cast<int>(common::ExitCode::kTempFail);
            if (code == kPortInUse && options.address.port != 0) {
              if (std::string holder = port_holder(options.address); !holder.empty()) return holder;
            }
            std::string said = control.output_tail(1);
            return "serve " + status + (said.empty() ? "" : ": " + said);
          });
    } catch (const common::Error&) {
      control.stop(pid, 1000ms);  // no half-started service left behind
      throw;
    }
    return outcome;
  });
}

// Points current back at `previous` ("" = nothing) after a failed deployment, and has a
// running service reload it (unless `reload` is false: --no-serve never touches it). Best
// effort: the original error is what the user needs.
void restore_current(DeployStore& store, const ServiceControl& control, const std::string& previous,
                     common::TaskContext& context, bool reload = true) {
  try {
    if (previous.empty()) {
      ::unlink(store.current_link().c_str());
    } else {
      store.point_current_at(previous);
    }
    if (!reload) return;
    if (std::optional<RunningService> running = control.running())
      ServiceControl::reload(running->pid);
  } catch (const common::Error& e) {
    context.log().warn("restore_failed", std::string("cannot restore deploy/current: ") + e.what());
  }
}

// Deploys `sha` (already in the store) through the service when options ask for one,
// restoring current on failure. Fills the result's service fields and marker text.
void deploy_to_service(const SaveOptions& options, DeployStore& store, const std::string& sha,
                       const std::string& previous, common::TaskContext& context,
                       SaveResult& result) {
  DeploymentIdentity self = deployment_identity(store.dir());
  if (options.serve == ServeMode::kNoServe) {
    result.service = "none";
    result.marker_text = no_service_marker(sha, store.model_path(sha));
    if (std::optional<RunningService> running = control_for(options).running()) {
      context.log().warn("service_not_reloaded",
                         "--no-serve: the service at " + running->address.url() + " (pid " +
                             std::to_string(running->pid) +
                             ") was not reloaded; run save without --no-serve to "
                             "deploy to it, or save --stop");
    }
    return;
  }
  ServiceControl control = control_for(options);
  try {
    ServiceOutcome outcome = bring_up(control, options, self, sha, context);
    result.url = outcome.url;
    result.service = outcome.action;
    result.service_pid = outcome.pid;
  } catch (const common::Error& e) {
    if (previous != sha) restore_current(store, control, previous, context);
    std::string message =
        "the prediction service did not come up with model " + short_sha(sha) + ": " + e.what() +
        "; " + store.current_link().string() +
        (previous.empty() ? " is not set" : " still points at " + short_sha(previous));
    if (dynamic_cast<const common::InternalError*>(&e) != nullptr)
      throw common::InternalError(message);
    throw common::TransientError(message);
  }
  result.marker_text = service_marker(result.url, sha);
}

// `e` again with `message`, keeping its exit code and whether it is transient.
[[noreturn]] void rethrow_with_message(const common::Error& e, const std::string& message) {
  if (const auto* io = dynamic_cast<const common::IoError*>(&e))
    throw common::IoError(message, io->error_number());
  if (dynamic_cast<const common::OutputError*>(&e) != nullptr) throw common::OutputError(message);
  if (e.transient()) throw common::TransientError(message);
  throw common::InternalError(message);
}

// Appends the history line of a change of current from `previous` to `sha` (under the
// retry policy, failpoint "save.history"). When it cannot, the change is undone, so that
// the history always knows the model current names (a rollback walks it): current is put
// back at `previous` (a service that was told of the change reloads it), and the error
// says so.
void record_or_undo(const SaveOptions& options, DeployStore& store, const HistoryEntry& entry,
                    common::TaskContext& context) {
  try {
    context.with_retry("save.history", [&] {
      common::failpoint("save.history");
      store.append_history(entry);
    });
  } catch (const common::Error& e) {
    restore_current(store, control_for(options), entry.previous, context,
                    options.serve != ServeMode::kNoServe);
    rethrow_with_message(
        e, (entry.action == "rollback" ? "the rollback to model " : "the deploy of model ") +
               short_sha(entry.sha256) + " could not be recorded in " +
               common::deploy_history_path(store.dir()).string() + ": " + e.what() + "; " +
               store.current_link().string() +
               (entry.previous.empty() ? " is not set"
                                       : " points back at " + short_sha(entry.previous)));
  }
}

// The sha256 of the last change of current history.jsonl records ("" when none); pins
// and releases do not change current.
std::string last_recorded(const DeployStore& store) {
  std::vector<HistoryEntry> history = store.history();
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->action == "deploy" || it->action == "rollback") return it->sha256;
  }
  return "";
}

// The locked deploy directory, with what killed saves and services left removed.
struct LockedStore {
  explicit LockedStore(const SaveOptions& options)
      : store(options.deploy_dir), lock(store.lock_path()) {
    store.remove_stale_temp_links();
    control_for(options).remove_stale_temps();
  }
  DeployStore store;
  common::FileLock lock;
};

// The command that releases the pin of `options.deploy_dir`.
std::string release_command(const SaveOptions& options) {
  return "save --release --deploy-dir " + absolute_dir(options.deploy_dir).string();
}

}  // namespace

SaveResult save_model(const SaveOptions& options, common::TaskContext& context) {
  std::string document = common::read_file(options.model);
  Model candidate = model_from_text(document, options.model.string());
  LockedStore locked(options);
  DeployStore& store = locked.store;

  SaveResult result;
  std::optional<std::string> current = store.current();
  result.previous = current.value_or("");
  std::string sha = common::sha256_hex(document);
  if (std::optional<common::ServicePin> pin = common::read_pin(store.dir());
      pin && pin->sha256 != sha) {
    throw common::PolicyError("refusing to deploy " + options.model.string() + " (model " +
                              short_sha(sha) +
                              "): " + common::describe_pin(options.deploy_dir.string(), *pin));
  }
  if (current && *current != sha) {
    Model deployed = load_model(store.model_path(*current));
    GateDecision gate = quality_gate(candidate.metrics.test.rmse, deployed.metrics.test.rmse,
                                     options.max_regression);
    result.gate = gate.reason;
    if (!gate.allowed && !options.approve) {
      throw common::PolicyError("refusing to deploy " + options.model.string() + ": " +
                                gate.reason + "; after review, deploy it with --approve");
    }
    context.log().info("quality_gate",
                       (gate.allowed ? "passed: " : "approved by --approve: ") + gate.reason);
  }

  context.with_retry("save.deploy", [&] {
    common::failpoint("save.deploy");
    store.persist(document);
    if (current != sha) store.point_current_at(sha);
  });
  result.action = current == sha ? "unchanged" : "deploy";
  result.sha256 = sha;
  deploy_to_service(options, store, sha, result.previous, context, result);
  if (current != sha) {
    record_or_undo(
        options, store,
        {common::rfc3339_now(), context.options().run_id, "deploy", sha, result.previous, ""},
        context);
  } else if (std::string recorded = last_recorded(store); recorded != sha) {
    // A save killed between re-pointing current and appending its line left a deploy the
    // history does not know, and a rollback from it would find nothing: record it now.
    context.with_retry("save.history", [&] {
      common::failpoint("save.history");
      store.append_history(
          {common::rfc3339_now(), context.options().run_id, "deploy", sha, recorded, ""});
    });
    context.log().info("history_repaired",
                       "recorded the deploy of model " + short_sha(sha) +
                           ", which a killed save had left out of the history",
                       json::object{{"sha256", sha}, {"previous_sha256", recorded}});
  }
  write_marker(options, context, result.marker_text);
  return result;
}

SaveResult rollback_model(const SaveOptions& options, common::TaskContext& context) {
  LockedStore locked(options);
  DeployStore& store = locked.store;
  std::optional<std::string> current = store.current();
  if (!current) throw common::DataError(options.deploy_dir.string() + ": nothing is deployed");
  std::optional<std::string> target = store.rollback_target(*current);
  if (!target) {
    throw common::DataError(options.deploy_dir.string() +
                            ": no earlier model to roll back to from " + current->substr(0, 12));
  }
  // Pinned first: a save killed in the middle of the rollback leaves a deployment that
  // refuses other models rather than one that the next run silently moves forward again.
  std::optional<common::ServicePin> earlier_pin = common::read_pin(store.dir());
  common::ServicePin pin{*target,
                         common::current_user(),
                         common::rfc3339_now(),
                         context.options().run_id,
                         "rollback from " + short_sha(*current),
                         release_command(options)};
  common::write_pin(store.dir(), pin);
  SaveResult result;
  try {
    context.with_retry("save.deploy", [&] {
      common::failpoint("save.deploy");
      store.point_current_at(*target);
    });
    result.action = "rollback";
    result.sha256 = *target;
    result.previous = *current;
    deploy_to_service(options, store, *target, *current, context, result);
    record_or_undo(
        options, store,
        {common::rfc3339_now(), context.options().run_id, "rollback", *target, *current, ""},
        context);
  } catch (const common::Error&) {
    try {  // the rollback did not happen: neither did its pin
      if (earlier_pin) {
        common::write_pin(store.dir(), *earlier_pin);
      } else {
        common::remove_pin(store.dir());
      }
    } catch (const common::Error& e) {
      context.log().warn("restore_failed", std::string("cannot restore the pin: ") + e.what());
    }
    throw;
  }
  try {
    context.with_retry("save.history", [&] {
      common::failpoint("save.history");
      store.append_history({pin.ts, pin.run_id, "pin", pin.sha256, *current, pin.by});
    });
  } catch (const common::Error& e) {
    // pin.json is the pin; the history line only tells of it.
    context.log().warn("history_failed",
                       std::string("the pin is in place but not in the history: ") + e.what());
  }
  context.log().info("pin", common::describe_pin(options.deploy_dir.string(), pin),
                     json::object{{"sha256", pin.sha256}, {"by", pin.by}});
  write_marker(options, context, result.marker_text);
  return result;
}

SaveResult release_pin(const SaveOptions& options, common::TaskContext& context) {
  LockedStore locked(options);
  DeployStore& store = locked.store;
  SaveResult result;
  result.action = "release";
  result.sha256 = store.current().value_or("");
  result.service = "unchanged";
  std::optional<common::ServicePin> pin = common::read_pin(store.dir());
  if (!pin) return result;
  result.released = pin;
  common::remove_pin(store.dir());
  context.with_retry("save.history", [&] {
    common::failpoint("save.history");
    store.append_history({common::rfc3339_now(), context.options().run_id, "release", pin->sha256,
                          "", common::current_user()});
  });
  return result;
}

SaveResult stop_service(const SaveOptions& options, common::TaskContext& context) {
  LockedStore locked(options);
  DeployStore& store = locked.store;
  ServiceControl control = control_for(options);
  SaveResult result;
  result.action = "stop";
  result.sha256 = store.current().value_or("");
  result.service = "none";
  if (std::optional<RunningService> running = control.running()) {
    control.stop(running->pid, std::chrono::milliseconds(15000));
    result.service = "stopped";
    result.service_pid = running->pid;
    result.url = running->url;
  }
  if (!options.marker.empty()) {
    context.with_retry("save.marker", [&] {
      common::failpoint("save.marker");
      if (::unlink(options.marker.c_str()) != 0 && errno != ENOENT) {
        common::throw_system_error("cannot remove", options.marker, errno,
                                   common::FileRole::kOutput);
      }
    });
  }
  return result;
}

}  // namespace tasks
