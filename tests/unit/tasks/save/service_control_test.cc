#include "tasks/save/service_control.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "common/process_status.h"
#include "tasks/save/health_probe.h"
#include "tasks/save/save.h"
#include "tests/support/test_util.h"

TEST_CASE("the service marker names the URL and the model", "[save][service]") {
  CHECK(tasks::service_marker("http://127.0.0.1:8765", "abc") ==
        "status: serving\nurl: http://127.0.0.1:8765\nmodel_sha256: abc\n");
}

TEST_CASE("a service address gives its URL", "[save][service]") {
  tasks::ServiceAddress address;
  CHECK(address.url() == "http://127.0.0.1:8765");
  address.port = 9000;
  CHECK(address.url() == "http://127.0.0.1:9000");
}

TEST_CASE("no pid file means no service", "[save][service]") {
  test_util::TempDir dir;
  tasks::ServiceControl control(dir / "deploy", dir / "serve");
  CHECK_FALSE(control.running().has_value());
}

TEST_CASE("a pid file naming a process that is not our serve is ignored", "[save][service]") {
  test_util::TempDir dir;
  tasks::ServiceControl control(dir.path(), dir / "serve");
  test_util::write_text(control.pid_file(),
                        std::to_string(::getpid()) + "\n");  // alive, but a test binary
  test_util::write_text(control.state_file(),
                        R"({"version":1,"pid":1,"host":"127.0.0.1","port":1})");
  CHECK_FALSE(control.running().has_value());
  test_util::write_text(control.pid_file(), "999999999\n");  // no such process
  CHECK_FALSE(control.running().has_value());
}

TEST_CASE("this process is alive and a made-up pid is not", "[save][service]") {
  CHECK(common::process_alive(::getpid()));
  CHECK_FALSE(common::process_alive(999999999));
  CHECK_FALSE(common::process_alive(0));
}

TEST_CASE("starting a service whose binary is missing names it", "[save][service]") {
  test_util::TempDir dir;
  tasks::ServiceControl control(dir / "deploy", dir / "nowhere" / "serve");
  CHECK_THROWS_WITH(control.start({}, dir / "logs", "run"),
                    "cannot run the prediction service " + (dir / "nowhere" / "serve").string() +
                        ": not found beside save (build the serve target)");
}

TEST_CASE("a health probe of a closed port reports the problem instead of throwing",
          "[save][service]") {
  int port = test_util::free_port();
  tasks::HealthAnswer answer = tasks::probe_health("http://127.0.0.1:" + std::to_string(port),
                                                   std::chrono::milliseconds(500));
  CHECK_FALSE(answer.ok);
  CHECK(answer.model_sha256.empty());
  CHECK(answer.problem ==
        "cannot reach http://127.0.0.1:" + std::to_string(port) + "/health: Connection refused");
}

TEST_CASE("a health probe of a service that never answers gives up at its timeout",
          "[save][service]") {
  // A socket that listens but never accepts: the connection completes in the kernel's
  // backlog and the request is never answered.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0);
  REQUIRE(::listen(fd, 4) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
  std::string url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  tasks::HealthAnswer answer = tasks::probe_health(url, std::chrono::milliseconds(200));
  ::close(fd);
  CHECK_FALSE(answer.ok);
  CHECK(answer.problem == "no answer from " + url + "/health within 200 ms");
}

TEST_CASE("a health probe of a malformed address says so", "[save][service]") {
  tasks::HealthAnswer answer = tasks::probe_health("127.0.0.1", std::chrono::milliseconds(200));
  CHECK_FALSE(answer.ok);
  CHECK(answer.problem == "not an http://HOST:PORT address: 127.0.0.1");
}
