#pragma once

#include <string>
#include <vector>

namespace moodring::cluster {

// A Redis reply, copied out of hiredis's so that it can travel to another strand.
struct redis_reply {
    enum class kind { nil, string, integer, array, status, error };
    kind type = kind::nil;
    std::string text;  // a string's, a status's or an error's
    long long integer = 0;
    std::vector<redis_reply> elements;

    bool is_error() const { return type == kind::error; }
    bool is_nil() const { return type == kind::nil; }
};

}  // namespace moodring::cluster
