// Prediction service benchmark: single-row POST /predict throughput and latency, and the
// latency of GET /health while four clients post 8 MiB CSV batches.
//
//   serve_bench [--serve PATH] [--data CSV] [--seconds S] [--connections N]
//               [-- SERVE_ARGS...]
//
// Trains a model on the housing data (default ../shared/data/housing.csv beside the source
// tree, else data/raw.csv) with the clean and train programs beside `serve` (by default the
// one beside this program), starts `serve --model ... --port 0` in a temporary directory
// (with SERVE_ARGS appended) and drives it over loopback:
//   1. single row: N keep-alive connections (default 16) on one epoll thread, each sending
//      the next one-row JSON request as soon as the previous answer is in (like wrk), for
//      S seconds (default 5); prints requests/s, p50, p99 and errors.
//   2. health under batches: 4 threads post an 8 MiB CSV (the data's rows repeated, just
//      under serve's default --body-limit) in a loop, each answer checked for its row
//      count, while one client sends GET /health every 10 ms (a new connection every 10th
//      probe); prints the probes' p50, p99 and max, and the batches answered, for
//      2 S seconds.
// Connections the service closes (Connection: close) are reopened.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Starts argv in `cwd`, stdout and stderr to `log`; returns the pid.
pid_t spawn(const std::vector<std::string>& argv, const fs::path& cwd, const fs::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
    throw std::runtime_error("cannot start " + argv[0]);
  }
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void run(const std::vector<std::string>& argv, const fs::path& cwd) {
  if (wait_exit(spawn(argv, cwd, cwd / (fs::path(argv[0]).filename().string() + ".out"))) != 0) {
    throw std::runtime_error(argv[0] + " failed; see " + cwd.string());
  }
}

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// A parsed answer: status, body, and whether the service closes the connection after it.
struct Answer {
  int status = 0;
  std::string body;
  bool close = false;
};

// Incremental response parser: feed bytes; complete() once a whole response is in `in`.
// Returns the number of bytes the response took, 0 while incomplete.
std::size_t parse_answer(const std::string& in, Answer& answer) {
  std::size_t end = in.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  std::string head = in.substr(0, end);
  std::string lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::size_t length = 0;
  std::size_t at = lower.find("\r\ncontent-length:");
  if (at != std::string::npos) length = std::stoul(head.substr(at + 17));
  if (in.size() < end + 4 + length) return 0;
  answer.status = std::atoi(head.c_str() + 9);
  answer.body = in.substr(end + 4, length);
  answer.close = lower.find("\r\nconnection: close") != std::string::npos;
  return end + 4 + length;
}

// One blocking keep-alive client (reconnects when the service closes).
class Client {
 public:
  explicit Client(int port) : port_(port) {}
  ~Client() {
    if (fd_ >= 0) ::close(fd_);
  }
  Answer exchange(const std::string& request) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0) fd_ = connect_to(port_);
      if (fd_ < 0) return {};
      Answer answer;
      if (send_all(request) && receive(answer)) {
        if (answer.close) reset();
        return answer;
      }
      reset();  // closed between requests: retry once on a new connection
    }
    return {};
  }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    in_.clear();
  }

 private:
  bool send_all(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }
  bool receive(Answer& answer) {
    char buffer[65536];
    for (;;) {
      std::size_t used = parse_answer(in_, answer);
      if (used > 0) {
        in_.erase(0, used);
        return true;
      }
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return false;
      in_.append(buffer, static_cast<std::size_t>(n));
    }
  }
  int port_;
  int fd_ = -1;
  std::string in_;
};

std::string post(const std::string& content_type, const std::string& body) {
  return "POST /predict HTTP/1.1\r\nHost: bench\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  std::size_t i = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(i, values.size() - 1)];
}

// Phase 1: `connections` closed-loop connections on one epoll thread for `seconds`.
void bench_single_row(int port, const std::string& row_json, int connections, double seconds) {
  const std::string request = post("application/json", row_json);
  struct Conn {
    int fd = -1;
    std::string in;
    Clock::time_point sent;
  };
  int ep = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<Conn> conns(static_cast<std::size_t>(connections));
  std::vector<double> latencies;
  latencies.reserve(1 << 20);
  long errors = 0;
  auto open = [&](std::size_t i) {
    Conn& c = conns[i];
    if (c.fd >= 0) {
      ::epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
      ::close(c.fd);
    }
    c.in.clear();
    c.fd = connect_to(port);
    if (c.fd < 0) throw std::runtime_error("cannot connect to serve");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
    c.sent = Clock::now();
    if (::send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
      throw std::runtime_error("short send");
    }
  };
  for (std::size_t i = 0; i < conns.size(); ++i) open(i);
  Clock::time_point start = Clock::now();
  Clock::time_point stop =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<epoll_event> events(conns.size());
  char buffer[16384];
  while (Clock::now() < stop) {
    int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    for (int e = 0; e < n; ++e) {
      std::size_t i = events[static_cast<std::size_t>(e)].data.u64;
      Conn& c = conns[i];
      ssize_t got = ::recv(c.fd, buffer, sizeof buffer, 0);
      if (got <= 0) {  // closed by the service: reopen and resend
        ++errors;
        open(i);
        continue;
      }
      c.in.append(buffer, static_cast<std::size_t>(got));
      Answer answer;
      std::size_t used = parse_answer(c.in, answer);
      if (used == 0) continue;
      Clock::time_point now = Clock::now();
      latencies.push_back(ms_between(c.sent, now));
      if (answer.status != 200) ++errors;
      c.in.erase(0, used);
      if (answer.close) {
        open(i);
        continue;
      }
      c.sent = now;
      if (::send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) !=
          static_cast<ssize_t>(request.size())) {
        open(i);
      }
    }
  }
  double elapsed = ms_between(start, Clock::now()) / 1000;
  for (Conn& c : conns) ::close(c.fd);
  ::close(ep);
  std::size_t count = latencies.size();
  double p50 = percentile(latencies, 0.50);
  double p99 = percentile(latencies, 0.99);
  std::printf(
      "single row, %d connections, %.0f s: %.0f requests/s, p50 %.3f ms, p99 %.3f ms, "
      "%ld errors\n",
      connections, seconds, static_cast<double>(count) / elapsed, p50, p99, errors);
}

// Phase 2: /health probes while four clients post `batch` (of `rows` rows) in a loop.
void bench_health_under_batches(int port, const std::string& batch, std::size_t rows,
                                double seconds) {
  std::atomic<bool> done{false};
  std::atomic<long> batches{0};
  std::atomic<long> batch_errors{0};
  const std::string request = post("text/csv", batch);
  std::vector<std::thread> posters;
  for (int t = 0; t < 4; ++t) {
    posters.emplace_back([&] {
      Client client(port);
      while (!done) {
        Answer a = client.exchange(request);
        if (done) break;
        // Every row answered: the predictions array has rows - 1 commas.
        std::size_t commas =
            static_cast<std::size_t>(std::count(a.body.begin(), a.body.end(), ','));
        if (a.status == 200 && commas == rows) {  // rows - 1 between values, 1 after the sha
          ++batches;
        } else {
          ++batch_errors;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let the batches start
  const std::string health = "GET /health HTTP/1.1\r\nHost: bench\r\n\r\n";
  std::vector<double> latencies;
  long health_errors = 0;
  Client prober(port);
  Clock::time_point stop = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(seconds));
  for (int i = 0; Clock::now() < stop; ++i) {
    if (i % 10 == 0) prober.reset();  // some probes pay for a new connection, as a checker does
    Clock::time_point sent = Clock::now();
    Answer a = prober.exchange(health);
    latencies.push_back(ms_between(sent, Clock::now()));
    if (a.status != 200) ++health_errors;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  done = true;
  for (std::thread& t : posters) t.join();
  std::size_t probes = latencies.size();
  double p50 = percentile(latencies, 0.50);
  double p99 = percentile(latencies, 0.99);
  double max = latencies.empty() ? 0 : latencies.back();
  std::printf(
      "health under 4 x %.1f MiB CSV batches, %.0f s: %zu probes, p50 %.2f ms, p99 %.2f "
      "ms, max %.2f ms, %ld errors; %ld batches answered (%.1f rows/s), %ld failed\n",
      static_cast<double>(batch.size()) / (1 << 20), seconds, probes, p50, p99, max, health_errors,
      batches.load(), static_cast<double>(batches.load()) * static_cast<double>(rows) / seconds,
      batch_errors.load());
}

}  // namespace

int main(int argc, char** argv) {
  fs::path self = fs::canonical("/proc/self/exe");
  fs::path serve = self.parent_path() / "serve";
  fs::path source = PIPELINE_SOURCE_DIR;
  fs::path data = source / ".." / "shared" / "data" / "housing.csv";
  if (!fs::exists(data)) data = source / "data" / "raw.csv";
  double seconds = 5;
  int connections = 16;
  std::vector<std::string> serve_args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&] {
      if (i + 1 >= argc) throw std::runtime_error("serve_bench: " + a + " needs a value");
      return std::string(argv[++i]);
    };
    if (a == "--serve") {
      serve = value();
    } else if (a == "--data") {
      data = value();
    } else if (a == "--seconds") {
      seconds = std::stod(value());
    } else if (a == "--connections") {
      connections = std::stoi(value());
    } else if (a == "--") {
      serve_args.assign(argv + i + 1, argv + argc);
      break;
    } else {
      std::fprintf(stderr,
                   "usage: serve_bench [--serve PATH] [--data CSV] [--seconds S] "
                   "[--connections N] [-- SERVE_ARGS...]\n");
      return 64;
    }
  }
  ::signal(SIGPIPE, SIG_IGN);
  fs::path bin = serve.parent_path();
  fs::path work = fs::temp_directory_path() / ("serve_bench." + std::to_string(::getpid()));
  fs::create_directories(work);
  pid_t pid = -1;
  try {
    run({(bin / "clean").string(), "--input", fs::absolute(data).string(), "--output", "clean.csv"},
        work);
    run({(bin / "train").string(), "--input", "clean.csv", "--output", "trained.pkl", "--target",
         "median_house_value"},
        work);
    // The batch: the cleaned rows repeated until just under 8 MiB.
    std::string clean = read_file(work / "clean.csv");
    std::size_t header_end = clean.find('\n') + 1;
    std::string header = clean.substr(0, header_end);
    std::string body_rows = clean.substr(header_end);
    const std::size_t limit = (8u << 20) - 4096;
    std::string batch = header;
    std::size_t rows = 0;
    for (std::size_t at = 0; batch.size() < limit;) {
      std::size_t end = body_rows.find('\n', at);
      if (end == std::string::npos) {
        at = 0;
        continue;
      }
      if (batch.size() + (end + 1 - at) > limit) break;
      batch.append(body_rows, at, end + 1 - at);
      ++rows;
      at = end + 1;
    }
    // One row as JSON: the first data row under its column names.
    std::vector<std::string> names;
    std::vector<std::string> values;
    std::stringstream hs(header.substr(0, header.size() - 1));
    for (std::string f; std::getline(hs, f, ',');) names.push_back(f);
    std::stringstream rs(body_rows.substr(0, body_rows.find('\n')));
    for (std::string f; std::getline(rs, f, ',');) values.push_back(f);
    std::string row_json = "{";
    for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
      bool number =
          !values[i].empty() && values[i].find_first_not_of("-+.0123456789eE") == std::string::npos;
      row_json +=
          (i ? ",\"" : "\"") + names[i] + "\":" + (number ? values[i] : "\"" + values[i] + "\"");
    }
    row_json += "}";

    std::vector<std::string> argv_serve = {serve.string(), "--model", "trained.pkl", "--port", "0"};
    argv_serve.insert(argv_serve.end(), serve_args.begin(), serve_args.end());
    pid = spawn(argv_serve, work, work / "serve.err");
    int port = 0;
    for (int i = 0; i < 500 && port == 0; ++i) {
      std::string err = read_file(work / "serve.err");
      std::size_t at = err.find("listening on http://127.0.0.1:");
      if (at != std::string::npos) port = std::atoi(err.c_str() + at + 30);
      if (port == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (port == 0) throw std::runtime_error("serve did not start; see " + work.string());
    Answer check = Client(port).exchange(post("application/json", row_json));
    if (check.status != 200) throw std::runtime_error("a one-row request failed: " + check.body);

    unsigned cpus = std::thread::hardware_concurrency();
    double load = 0;
    std::ifstream("/proc/loadavg") >> load;
    std::string extra;
    for (const std::string& a : serve_args) extra += " " + a;
    std::printf("serve_bench: %u CPUs, load %.2f, model trained on %s, serve%s\n", cpus, load,
                data.filename().c_str(), extra.c_str());
    bench_single_row(port, row_json, connections, seconds);
    bench_health_under_batches(port, batch, rows, 2 * seconds);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "serve_bench: %s\n", e.what());
    if (pid > 0) ::kill(pid, SIGKILL), wait_exit(pid);
    return 1;
  }
  ::kill(pid, SIGTERM);
  wait_exit(pid);
  fs::remove_all(work);
  return 0;
}
