#include "tests/e2e/serve/serve_test_support.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "common/number.h"
#include "common/sha256.h"
#include "tasks/model/model.h"

namespace fs = std::filesystem;

namespace serve_test {

namespace {

std::size_t append(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  return addr;
}

}  // namespace

HttpClient::HttpClient(int port, bool reuse_connection) : curl_(nullptr), port_(port) {
  static const bool initialized = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialized) throw std::runtime_error("curl_global_init failed");
  curl_ = curl_easy_init();
  curl_easy_setopt(curl_, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 30L);
  if (!reuse_connection) curl_easy_setopt(curl_, CURLOPT_FORBID_REUSE, 1L);
}

HttpClient::~HttpClient() { curl_easy_cleanup(curl_); }

HttpResponse HttpClient::get(const std::string& path) { return request("GET", path, {}, ""); }

HttpResponse HttpClient::post(const std::string& path, const std::string& content_type,
                              const std::string& body) {
  return request("POST", path, {"Content-Type: " + content_type}, body);
}

HttpResponse HttpClient::request(const std::string& method, const std::string& path,
                                 const std::vector<std::string>& headers, const std::string& body) {
  HttpResponse response;
  std::string url = "http://127.0.0.1:" + std::to_string(port_) + path;
  curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST") {
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  } else {
    curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method == "GET" ? nullptr : method.c_str());
  }
  curl_slist* list = nullptr;
  for (const std::string& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, append);
  curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &response.headers);
  CURLcode code = curl_easy_perform(curl_);
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(list);
  if (code != CURLE_OK) {
    response.error = curl_easy_strerror(code);
    return response;
  }
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

RawConnection::RawConnection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr = loopback(port);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error(std::string("cannot connect: ") + std::strerror(errno));
  }
}

RawConnection::~RawConnection() { ::close(fd_); }

void RawConnection::send(const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error(std::string("cannot send: ") + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

void RawConnection::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

std::string RawConnection::read_until_closed(double guard_s) {
  timeval tv{};
  tv.tv_sec = static_cast<long>(guard_s);
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return out;  // closed, reset, or the guard expired
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

bool connection_refused(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr = loopback(port);
  bool refused =
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno == ECONNREFUSED;
  ::close(fd);
  return refused;
}

namespace {

fs::path train_model(const fs::path& dir, const fs::path& clean_csv, const std::string& name,
                     const std::string& alpha) {
  fs::path out = dir / (name + ".pkl");
  test_util::ProcessResult r = test_util::run_process(
      {test_util::bin("train").string(), "--input", clean_csv.string(), "--output", out.string(),
       "--target", "median_house_value", "--alpha", alpha},
      dir);
  if (r.exit_code != 0) throw std::runtime_error("train failed: " + r.err);
  return out;
}

}  // namespace

static test_util::TempDir& model_dir() {
  static test_util::TempDir dir;
  return dir;
}

const Models& models() {
  static const Models m;
  return m;
}

const fs::path& Models::clean_csv() const {
  static const fs::path path = [] {
    fs::path out = model_dir() / "clean.csv";
    test_util::ProcessResult r = test_util::run_process(
        {test_util::bin("clean").string(), "--input", test_util::source("data/raw.csv").string(),
         "--output", out.string()},
        model_dir().path());
    if (r.exit_code != 0) throw std::runtime_error("clean failed: " + r.err);
    return out;
  }();
  return path;
}

const fs::path& Models::good() const {
  static const fs::path path = train_model(model_dir().path(), clean_csv(), "good", "1");
  return path;
}

const fs::path& Models::other() const {
  static const fs::path path = train_model(model_dir().path(), clean_csv(), "other", "30");
  return path;
}

const fs::path& Models::worse() const {
  static const fs::path path = train_model(model_dir().path(), clean_csv(), "worse", "1000000");
  return path;
}

std::string test_rmse_text(const fs::path& model) {
  return common::format_number(tasks::load_model(model).metrics.test.rmse);
}

std::string file_sha256(const fs::path& path) { return common::sha256_file(path); }

void kill_and_wait(int pid) {
  if (pid <= 0 || ::kill(pid, SIGTERM) != 0) return;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (::kill(pid, 0) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      deadline = std::chrono::steady_clock::now() + std::chrono::hours(1);
    }
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    std::size_t paren = line.rfind(')');
    if (paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z') return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int ServiceGuard::pid() const {
  std::ifstream in(deploy_dir_ / "serve.pid");
  int pid = 0;
  in >> pid;
  return pid;
}

ServiceGuard::~ServiceGuard() { kill_and_wait(pid()); }

ServeProcess::ServeProcess(const std::vector<std::string>& args, const fs::path& cwd)
    : port_(test_util::free_port()) {
  std::vector<std::string> argv = {test_util::bin("serve").string(), "--port",
                                   std::to_string(port_)};
  argv.insert(argv.end(), args.begin(), args.end());
  process_ = std::make_unique<test_util::BackgroundProcess>(argv, cwd);
  // Ready when it answers: the port accepts connections a little before (while the pid
  // file is being written).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (HttpClient(port_).get("/health").status != 200) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("serve did not answer on port " + std::to_string(port_));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string sample_row_json() {
  return R"({"longitude":-122.23,"latitude":37.88,"housing_median_age":41,"total_rooms":880,)"
         R"("total_bedrooms":129,"population":322,"households":126,"median_income":8.3252,)"
         R"("ocean_proximity":"NEAR BAY"})";
}

}  // namespace serve_test
