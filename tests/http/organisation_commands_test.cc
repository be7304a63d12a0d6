#include "tests/http/served.h"
