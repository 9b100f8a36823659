#include "driver/process_runner.h"

#include <signal.h>
#include <sys/wait.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <cerrno>
#include <cstdlib>
#include <string_view>

#include "driver/subprocess.h"

namespace asio = boost::asio;

namespace driver {

namespace {

// How often groups that outlived their leader are checked, and how long a SIGKILLed
// group may take to disappear before the runner stops waiting for it.
constexpr std::chrono::milliseconds kLingeringPoll{20};
constexpr std::chrono::milliseconds kAfterKill{500};

}  // namespace

ExitWatch default_exit_watch() {
#ifdef PIPELINE_DRIVER_NO_PIDFD
  return ExitWatch::kSigchld;
#else
  const char* watch = std::getenv("PIPELINE_DRIVER_EXIT_WATCH");
  return watch != nullptr && std::string_view(watch) == "sigchld" ? ExitWatch::kSigchld
                                                                  : ExitWatch::kPidfd;
#endif
}

struct ProcessRunner::Running {
  Running(asio::io_context& io, const Command& c) : command(c), timeout(io), grace(io) {}

  Command command;
  std::unique_ptr<Subprocess> process;
  std::optional<asio::posix::stream_descriptor> pidfd;
  asio::steady_timer timeout;
  asio::steady_timer grace;
  std::optional<Clock::time_point> kill_at;  // when SIGKILL follows the first signal
  bool timed_out = false;
  bool stopped = false;
};

ProcessRunner::ProcessRunner(ExitWatch watch)
    : watch_(watch),
      interrupt_signals_(io_, SIGINT, SIGTERM, SIGHUP),
      deadline_timer_(io_),
      lingering_timer_(io_) {
  if (watch_ == ExitWatch::kSigchld) use_sigchld();
  arm_interrupt();
}

ProcessRunner::~ProcessRunner() {
  try {
    finish();
  } catch (...) {
    // Destructors must not throw; the Subprocess destructors still kill and reap.
  }
}

void ProcessRunner::start(const Command& command) {
  auto failed = [&](std::string error, bool stopped) {
    CommandResult result;
    result.task = command.task;
    result.attempt = command.attempt;
    result.how = Termination::kSpawnFailed;
    result.error = std::move(error);
    result.stopped = stopped;
    finished_.push_back(std::move(result));
  };
  if (interrupts_ > 0) return failed("not started: interrupted", true);
  auto running = std::make_unique<Running>(io_, command);
  try {
    running->process = Subprocess::start(io_, command);
  } catch (const std::exception& e) {
    return failed(e.what(), false);
  }
  std::uint64_t id = next_id_++;
  Running& r = *running;
  running_.emplace(id, std::move(running));
  report_groups();
  if (command.timeout.count() > 0) {
    r.timeout.expires_after(command.timeout);
    r.timeout.async_wait([this, id](const boost::system::error_code& ec) {
      auto it = running_.find(id);
      if (ec || it == running_.end()) return;
      it->second->timed_out = true;
      signal_running(id, SIGTERM);
    });
  }
  watch_exit(id);
}

void ProcessRunner::watch_exit(std::uint64_t id) {
  Running& r = *running_.at(id);
  if (watch_ == ExitWatch::kPidfd) {
    int fd = open_pidfd(r.process->pid());
    if (fd >= 0) {
      r.pidfd.emplace(io_, fd);
      r.pidfd->async_wait(asio::posix::descriptor_base::wait_read,
                          [this, id](const boost::system::error_code& ec) {
                            auto it = running_.find(id);
                            if (ec || it == running_.end()) return;
                            if (it->second->process->try_reap()) {
                              reap(id);
                            } else {
                              watch_exit(id);  // spurious wake-up: wait again
                            }
                          });
      return;
    }
    // No pidfd (ENOSYS before Linux 5.3, or out of descriptors): SIGCHLD from now on.
    use_sigchld();
    return;
  }
  if (r.process->try_reap()) reap(id);
}

void ProcessRunner::use_sigchld() {
  watch_ = ExitWatch::kSigchld;
  if (!child_signals_) {
    child_signals_.emplace(io_, SIGCHLD);
    child_signals_->async_wait([this](const boost::system::error_code& ec, int) {
      if (!ec) on_sigchld();
    });
  }
  // Children that exited before the handler was installed sent their SIGCHLD to nobody.
  std::vector<std::uint64_t> exited;
  for (auto& [id, r] : running_) {
    if (r->process->try_reap()) exited.push_back(id);
  }
  for (std::uint64_t id : exited) reap(id);
}

void ProcessRunner::on_sigchld() {
  // One SIGCHLD may stand for several children: check them all.
  std::vector<std::uint64_t> exited;
  for (auto& [id, r] : running_) {
    if (r->process->try_reap()) exited.push_back(id);
  }
  for (std::uint64_t id : exited) reap(id);
  child_signals_->async_wait([this](const boost::system::error_code& ec, int) {
    if (!ec) on_sigchld();
  });
}

void ProcessRunner::arm_interrupt() {
  interrupt_signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    on_interrupt(signal);
    arm_interrupt();
  });
}

void ProcessRunner::on_interrupt(int signal) {
  ++interrupts_;
  pending_interrupts_.push_back(signal);
  for (auto& [id, r] : running_) {
    r->stopped = true;
    if (interrupts_ == 1) {
      signal_running(id, signal);  // forward what the user sent, with the grace period
    } else {
      r->process->signal_group(SIGKILL);  // asked twice: no more patience
    }
  }
  if (interrupts_ > 1) {
    for (const Lingering& l : lingering_) ::kill(-l.pgid, SIGKILL);
  }
}

void ProcessRunner::stop_all() {
  for (auto& [id, r] : running_) {
    if (r->stopped) continue;
    r->stopped = true;
    signal_running(id, SIGTERM);
  }
}

void ProcessRunner::signal_running(std::uint64_t id, int signal) {
  Running& r = *running_.at(id);
  r.process->signal_group(signal);
  if (signal == SIGKILL || r.kill_at) return;
  r.kill_at = Clock::now() + r.command.kill_grace;
  r.grace.expires_at(*r.kill_at);
  r.grace.async_wait([this, id](const boost::system::error_code& ec) {
    auto it = running_.find(id);
    if (ec || it == running_.end()) return;
    it->second->process->signal_group(SIGKILL);
  });
}

void ProcessRunner::reap(std::uint64_t id) {
  auto it = running_.find(id);
  if (it == running_.end()) return;
  Running& r = *it->second;
  CommandResult result;
  result.task = r.command.task;
  result.attempt = r.command.attempt;
  result.duration_s = r.process->elapsed_s();
  result.cpu_s = r.process->cpu_s();
  result.max_rss_kb = r.process->max_rss_kb();
  result.stopped = r.stopped;
  int status = r.process->wait_status();
  if (WIFSIGNALED(status)) {
    result.how = Termination::kSignaled;
    result.signal = WTERMSIG(status);
  } else {
    result.how = Termination::kExited;
    result.exit_code = WEXITSTATUS(status);
  }
  if (r.timed_out) result.how = Termination::kTimedOut;
  // Whatever the task left behind in its group goes too, however it ended: after a
  // timeout or a stop the forwarded signal may not have reached it (a shell's background
  // jobs ignore SIGINT), and a task that succeeded has no business leaving `sleep 100 &`
  // running. SIGTERM now and SIGKILL when the grace runs out (finish() waits for that). A
  // service a task starts on purpose lives in a session of its own (setsid), out of reach.
  if (r.process->group_alive()) {
    r.process->signal_group(SIGTERM);
    lingering_.push_back(
        Lingering{r.process->pid(), r.kill_at.value_or(Clock::now() + r.command.kill_grace)});
    arm_lingering_poll();
  }
  finished_.push_back(std::move(result));
  running_.erase(it);
  report_groups();
}

std::vector<pid_t> ProcessRunner::groups() const {
  std::vector<pid_t> out;
  for (const auto& [id, r] : running_) out.push_back(r->process->pid());
  for (const Lingering& l : lingering_) out.push_back(l.pgid);
  return out;
}

void ProcessRunner::report_groups() {
  if (groups_changed_) groups_changed_(groups());
}

void ProcessRunner::arm_lingering_poll() {
  if (lingering_armed_ || lingering_.empty()) return;
  lingering_armed_ = true;
  lingering_timer_.expires_after(kLingeringPoll);
  lingering_timer_.async_wait([this](const boost::system::error_code& ec) {
    lingering_armed_ = false;
    if (ec) return;
    Clock::time_point now = Clock::now();
    std::vector<Lingering> still;
    for (Lingering& l : lingering_) {
      if (!process_group_alive(l.pgid)) continue;   // gone
      if (now >= l.kill_at + kAfterKill) continue;  // SIGKILLed long ago: give up
      if (now >= l.kill_at) ::kill(-l.pgid, SIGKILL);
      still.push_back(l);
    }
    bool changed = still.size() != lingering_.size();
    lingering_ = std::move(still);
    if (changed) report_groups();
    arm_lingering_poll();
  });
}

RunnerEvent ProcessRunner::wait(std::optional<Clock::time_point> deadline) {
  ++deadline_generation_;
  deadline_hit_ = false;
  if (deadline) {
    deadline_timer_.expires_at(*deadline);
    deadline_timer_.async_wait(
        [this, generation = deadline_generation_](const boost::system::error_code& ec) {
          if (!ec && generation == deadline_generation_) deadline_hit_ = true;
        });
  }
  for (;;) {
    RunnerEvent event;
    if (!pending_interrupts_.empty()) {
      event.kind = RunnerEvent::Kind::kInterrupted;
      event.signal = pending_interrupts_.front();
      pending_interrupts_.erase(pending_interrupts_.begin());
      return event;
    }
    if (!finished_.empty()) {
      event.kind = RunnerEvent::Kind::kFinished;
      event.result = std::move(finished_.front());
      finished_.pop_front();
      return event;
    }
    if (deadline_hit_ || (!deadline && running_.empty())) return event;  // kDeadline
    if (io_.stopped()) io_.restart();
    io_.run_one();
  }
}

bool ProcessRunner::interrupt_pending() {
  if (io_.stopped()) io_.restart();
  io_.poll();
  return !pending_interrupts_.empty();
}

void ProcessRunner::finish() {
  for (auto& [id, r] : running_) {
    r->process->signal_group(SIGKILL);
    r->stopped = true;
  }
  running_.clear();  // each Subprocess reaps its killed child
  while (!lingering_.empty()) {
    if (io_.stopped()) io_.restart();
    io_.run_one();
  }
}

}  // namespace driver
