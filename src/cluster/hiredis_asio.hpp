#pragma once

// hiredis's asynchronous context driven by Asio: hiredis says when it wants to read or write
// its socket (the ev.addRead/delRead/addWrite/delWrite hooks), and a wait on the socket with
// asio::posix::stream_descriptor calls it back when it can, on the given strand. hiredis owns
// the socket; the hooks' cleanup releases it without closing it.

#include <boost/asio/any_io_executor.hpp>

struct redisAsyncContext;

namespace moodring::cluster {

// Call right after redisAsyncConnect succeeded, on `strand`, which every later call on the
// context must use too.
void attach_to_asio(redisAsyncContext* context, boost::asio::any_io_executor strand);

}  // namespace moodring::cluster
