// The letter routes (http/letter_routes.cc), registered by http/routes.cc.
#pragma once

#include "http/internal/call.h"

namespace shugo::http::internal {

Response ListLettersRoute(Call& call);
Response GetLetter(Call& call);
Response LetterHistory(Call& call);
Response ApplyLetterRoute(Call& call);
// approve, reapply, return, withdraw, secede, terminate on /api/letters/{id}/…
Response LetterCommand(Call& call, std::string_view action);
Response BulkApprove(Call& call);

}  // namespace shugo::http::internal
