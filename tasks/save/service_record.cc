#include "tasks/save/service_record.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <vector>

#include "common/atomic_file.h"
#include "common/filenames.h"
#include "common/json_util.h"
#include "common/process_status.h"
#include "common/read_file.h"

namespace fs = std::filesystem;
namespace json = boost::json;

namespace tasks {

std::optional<ServiceRecord> read_service_record(const fs::path& dir) {
  try {
    json::value doc = json::parse(common::read_file(common::service_record_path(dir)));
    const json::object& o = doc.as_object();
    ServiceRecord record;
    record.pid = static_cast<pid_t>(o.at("pid").to_number<std::int64_t>());
    record.host = std::string(o.at("host").as_string());
    record.port = static_cast<int>(o.at("port").to_number<std::int64_t>());
    const json::value* url = o.if_contains("url");
    record.url = url != nullptr && url->is_string()
                     ? std::string(url->get_string())
                     : "http://" + record.host + ":" + std::to_string(record.port);
    if (const json::value* d = o.if_contains("deploy_dir"); d != nullptr && d->is_string())
      record.deploy_dir = std::string(d->get_string());
    if (const json::value* i = o.if_contains("deployment_id"); i != nullptr && i->is_string())
      record.deployment_id = std::string(i->get_string());
    if (record.pid <= 1) return std::nullopt;
    return record;
  } catch (const std::exception&) {
    return std::nullopt;  // missing, torn by hand or foreign: no record
  }
}

void write_service_record(const fs::path& dir, const ServiceRecord& record) {
  json::object o{{"version", 2},
                 {"pid", record.pid},
                 {"host", record.host},
                 {"port", record.port},
                 {"url", record.url},
                 {"deploy_dir", record.deploy_dir},
                 {"deployment_id", record.deployment_id}};
  common::write_file_atomically(common::service_record_path(dir), common::to_json_line(o) + "\n");
}

void remove_service_record(const fs::path& dir, pid_t pid) {
  std::optional<ServiceRecord> record = read_service_record(dir);
  if (record && record->pid == pid) ::unlink(common::service_record_path(dir).c_str());
}

namespace {

// The argv of process `pid` from /proc (empty when it is gone).
std::vector<std::string> command_line(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::vector<std::string> args;
  std::string arg;
  while (std::getline(in, arg, '\0')) args.push_back(arg);
  return args;
}

bool same_directory(pid_t pid, const fs::path& named, const fs::path& dir) {
  fs::path path = named;
  if (path.is_relative()) {
    std::error_code ec;
    fs::path cwd = fs::read_symlink("/proc/" + std::to_string(pid) + "/cwd", ec);
    if (ec) return false;
    path = cwd / path;
  }
  if (path.lexically_normal() == dir.lexically_normal()) return true;
  std::error_code ec;
  return fs::weakly_canonical(path, ec) == dir && !ec;
}

}  // namespace

bool serves_deployment(pid_t pid, const fs::path& dir) {
  if (pid <= 1 || !common::process_alive(pid)) return false;
  std::vector<std::string> args = command_line(pid);
  if (args.empty() || fs::path(args[0]).filename() != "serve") return false;
  const std::string flag = "--deploy-dir";
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == flag && i + 1 < args.size()) return same_directory(pid, args[i + 1], dir);
    if (args[i].rfind(flag + "=", 0) == 0)
      return same_directory(pid, args[i].substr(flag.size() + 1), dir);
  }
  return false;
}

int remove_stale_service_record_temps(const fs::path& dir) {
  return common::remove_stale_temp_files(common::service_record_path(dir));
}

}  // namespace tasks
