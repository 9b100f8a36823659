#pragma once

namespace serve {

// The whole `serve` program: parses the flags (serve --help), runs the Server until a stop
// signal, and maps errors to "serve: <message>" on stderr and the exit codes of SPEC
// section 2 (docs/serve.md). Returns the exit code; never throws.
int serve_main(int argc, char** argv);

}  // namespace serve
