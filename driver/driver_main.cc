#include "driver/commands.h"

// The driver program; everything but this line lives in driver_lib, which the tests link.
int main(int argc, char** argv) { return driver::driver_main(argc, argv); }
