// hipp — Hip for C++. The one header users include.
#pragma once

#include "core/errors.hpp"
#include "core/message/headers.hpp"
#include "core/message/method.hpp"
#include "core/message/status.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "core/url/url.hpp"
