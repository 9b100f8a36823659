#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace tasks {

// <deploy dir>/serve.json: the service that runs for a deployment, written by that service
// itself right after it has bound its port and before it answers a request, so the deploy
// directory knows its service from the first moment anything can reach it, whoever started
// it and whatever happened to them (docs/deploy.md). Removed by the service when it stops.
//
//   {"version":2,"pid":22827,"host":"127.0.0.1","port":8765,"url":"http://127.0.0.1:8765",
//    "deploy_dir":"/srv/work/deploy","deployment_id":"3f0c..."}
//
// Version 1 (written by save, before services registered themselves) has no deploy_dir and
// deployment_id; it is still read.
struct ServiceRecord {
  pid_t pid = 0;
  std::string host;           // what it bound (serve --host)
  int port = 0;               // the port it bound (the chosen one for --port 0)
  std::string url;            // http://host:port
  std::string deploy_dir;     // canonical ("" in version 1)
  std::string deployment_id;  // deployment_identity.h ("" in version 1)
};

// The record in `dir`, or nothing when there is none or it cannot be read as one.
std::optional<ServiceRecord> read_service_record(const std::filesystem::path& dir);

// Writes the record atomically (common::write_file_atomically). Throws on failure.
void write_service_record(const std::filesystem::path& dir, const ServiceRecord& record);

// Removes the record when it names `pid` (a newer service's record is left alone). Never
// throws.
void remove_service_record(const std::filesystem::path& dir, pid_t pid);

// Whether `pid` is alive (not a zombie) and is `serve --deploy-dir D` with D (resolved
// against the process's working directory when relative) the canonical `dir`: a recycled
// pid, or a service of another directory, is never taken for this deployment's.
bool serves_deployment(pid_t pid, const std::filesystem::path& dir);

// Removes the .serve.json.tmp-* files of writers that no longer run. Returns how many.
int remove_stale_service_record_temps(const std::filesystem::path& dir);

}  // namespace tasks
