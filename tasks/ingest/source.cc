#include "tasks/ingest/source.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <exception>
#include <memory>
#include <vector>

#include "common/error.h"
#include "common/input_file.h"
#include "common/unique_fd.h"

namespace tasks {

namespace {

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

void fetch_file(const Source& source, const ByteSink& sink) {
  // A pipe is read once (a retry reads the same copy again).
  common::UniqueFd fd = common::open_input(source.path);
  constexpr std::size_t kBlock = 1 << 20;
  std::unique_ptr<char[]> buffer = std::make_unique_for_overwrite<char[]>(kBlock);  // not zeroed
  while (true) {
    ssize_t n = ::read(fd.get(), buffer.get(), kBlock);
    if (n < 0) {
      if (errno == EINTR) continue;
      common::throw_system_error("cannot read", source.path, errno, common::FileRole::kInput);
    }
    if (n == 0) return;
    sink(std::string_view(buffer.get(), static_cast<std::size_t>(n)));
  }
}

struct CurlState {
  const ByteSink* sink = nullptr;
  std::exception_ptr error;  // an exception thrown by the sink, rethrown after curl returns
  std::chrono::steady_clock::duration stall_timeout{};
  std::chrono::steady_clock::time_point last_byte = std::chrono::steady_clock::now();
  curl_off_t received = 0;
  bool stalled = false;
};

// The stall check. curl's own (LOW_SPEED_TIME) averages the speed over a window of several
// seconds, so a download that stops after data gave up only ~S + 6 s later; this callback,
// which curl calls at least once a second while the transfer waits, gives up S to S + 1 s
// after the last byte (or after the start, when none came).
int on_progress(void* user, curl_off_t, curl_off_t now_received, curl_off_t, curl_off_t) {
  auto* state = static_cast<CurlState*>(user);
  auto now = std::chrono::steady_clock::now();
  if (now_received != state->received) {
    state->received = now_received;
    state->last_byte = now;
    return 0;
  }
  if (now - state->last_byte < state->stall_timeout) return 0;
  state->stalled = true;
  return 1;  // makes curl stop with CURLE_ABORTED_BY_CALLBACK
}

std::size_t on_data(char* data, std::size_t size, std::size_t count, void* user) {
  auto* state = static_cast<CurlState*>(user);
  try {
    (*state->sink)(std::string_view(data, size * count));
  } catch (...) {
    state->error = std::current_exception();
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  return size * count;
}

bool transient_curl_error(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

void fetch_http(const Source& source, const FetchOptions& options, const ByteSink& sink) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised) throw common::InternalError("cannot initialise libcurl");
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw common::InternalError("cannot create a libcurl handle");
  CurlState state;
  state.sink = &sink;
  state.stall_timeout = options.stall_timeout;
  char error_text[CURL_ERROR_SIZE] = "";
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, source.uri.c_str());
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(options.total_timeout.count()));
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &state);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "pipeline-ingest/0.1");
  CURLcode code = curl_easy_perform(h);
  if (state.error) std::rethrow_exception(state.error);
  if (state.stalled) {
    throw common::TransientError(source.uri + ": stalled: no data for " +
                                 std::to_string(options.stall_timeout.count()) +
                                 " s (--stall-timeout)");
  }
  if (code != CURLE_OK) {
    std::string message =
        source.uri + ": " + (error_text[0] ? error_text : curl_easy_strerror(code));
    if (transient_curl_error(code)) throw common::TransientError(message);
    throw common::InputMissingError(message);
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return;
  std::string message = source.uri + ": HTTP status " + std::to_string(status);
  if (status == 404 || status == 410) throw common::InputMissingError(message);
  if (status == 408 || status == 429 || status >= 500) throw common::TransientError(message);
  throw common::DataError(message);
}

}  // namespace

Source parse_source(const std::string& uri) {
  Source source;
  source.uri = uri;
  if (uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0) {
    source.kind = Source::Kind::kHttp;
    return source;
  }
  if (uri.rfind("file://", 0) == 0) {
    std::string rest = uri.substr(7);
    if (rest.rfind("localhost/", 0) == 0) rest = rest.substr(9);
    if (rest.empty() || rest[0] != '/') {
      throw common::UsageError("unsupported file URI '" + uri +
                               "': expected file:///absolute/path");
    }
    source.path = percent_decode(rest);
    return source;
  }
  auto scheme = uri.find("://");
  if (scheme != std::string::npos) {
    throw common::UsageError("unsupported source '" + uri +
                             "': expected a path, file://, http:// or https://");
  }
  source.path = uri;
  return source;
}

void fetch(const Source& source, const FetchOptions& options, const ByteSink& sink) {
  if (source.kind == Source::Kind::kHttp) {
    fetch_http(source, options, sink);
  } else {
    fetch_file(source, sink);
  }
}

}  // namespace tasks
