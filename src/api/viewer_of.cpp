#include <moodring/api/viewer_of.hpp>

namespace moodring::api {

store::viewer viewer_of(const http_request& request) {
    if (!request.principal) return store::viewer::anyone();
    return store::viewer::user(request.principal->who.id);
}

}  // namespace moodring::api
