#include <gtest/gtest.h>

#include "tests/http/served.h"
