#include "common/run_main.h"

#include <boost/program_options/errors.hpp>
#include <csignal>
#include <iostream>
#include <new>

#include "common/error.h"
#include "common/message.h"

namespace common {

int run_main(const std::string& program, const std::function<int()>& body) {
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    return body();
  } catch (const Error& e) {
    std::cerr << program << ": " << bound_message(e.what()) << '\n';
    return static_cast<int>(e.exit_code());
  } catch (const boost::program_options::error& e) {
    std::cerr << program << ": " << bound_message(e.what()) << " (see " << program << " --help)\n";
    return static_cast<int>(ExitCode::kUsage);
  } catch (const std::bad_alloc&) {
    std::cerr << program << ": out of memory\n";
    return static_cast<int>(ExitCode::kSoftware);
  } catch (const std::exception& e) {
    std::cerr << program << ": internal error: " << bound_message(e.what()) << '\n';
    return static_cast<int>(ExitCode::kSoftware);
  } catch (...) {
    std::cerr << program << ": internal error: unknown exception\n";
    return static_cast<int>(ExitCode::kSoftware);
  }
}

}  // namespace common
