// serve: the prediction HTTP service that `save` deploys (docs/serve.md).
#include "serve/serve_cli.h"

int main(int argc, char** argv) { return serve::serve_main(argc, argv); }
