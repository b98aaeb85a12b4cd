#include "hiredis_asio.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>

#include <hiredis/async.h>

#include <memory>

namespace moodring::cluster {
namespace {

namespace asio = boost::asio;

// One context's socket waits. hiredis wants to hear "readable" until it calls delRead (and
// the same for writing), so each wait is armed again after hiredis handled it.
struct socket_watch : std::enable_shared_from_this<socket_watch> {
    socket_watch(redisAsyncContext* c, asio::any_io_executor strand)
        : context(c), socket(std::move(strand), c->c.fd) {}

    redisAsyncContext* context;
    asio::posix::stream_descriptor socket;
    bool want_read = false;
    bool want_write = false;
    bool reading = false;  // a wait is pending
    bool writing = false;

    void arm_read() {
        if (reading || !context || !want_read) return;
        reading = true;
        socket.async_wait(
            asio::posix::stream_descriptor::wait_read,
            [self = shared_from_this()](boost::system::error_code ec) {
                self->reading = false;
                if (ec || !self->context || !self->want_read) return;
                redisAsyncHandleRead(self->context);  // may free the context (cleanup below)
                self->arm_read();
            }
        );
    }

    void arm_write() {
        if (writing || !context || !want_write) return;
        writing = true;
        socket.async_wait(
            asio::posix::stream_descriptor::wait_write,
            [self = shared_from_this()](boost::system::error_code ec) {
                self->writing = false;
                if (ec || !self->context || !self->want_write) return;
                redisAsyncHandleWrite(self->context);
                self->arm_write();
            }
        );
    }

    void release() {
        context = nullptr;
        want_read = want_write = false;
        boost::system::error_code ignored;
        socket.cancel(ignored);
        socket.release();
    }
};

using watch_ptr = std::shared_ptr<socket_watch>;

socket_watch& watch_of(void* data) { return **static_cast<watch_ptr*>(data); }

void add_read(void* data) {
    watch_of(data).want_read = true;
    watch_of(data).arm_read();
}
void del_read(void* data) { watch_of(data).want_read = false; }
void add_write(void* data) {
    watch_of(data).want_write = true;
    watch_of(data).arm_write();
}
void del_write(void* data) { watch_of(data).want_write = false; }
void cleanup(void* data) {
    auto* holder = static_cast<watch_ptr*>(data);
    (*holder)->release();
    delete holder;
}

}  // namespace

void attach_to_asio(redisAsyncContext* context, asio::any_io_executor strand) {
    auto* holder = new watch_ptr(std::make_shared<socket_watch>(context, std::move(strand)));
    context->ev.data = holder;
    context->ev.addRead = add_read;
    context->ev.delRead = del_read;
    context->ev.addWrite = add_write;
    context->ev.delWrite = del_write;
    context->ev.cleanup = cleanup;
}

}  // namespace moodring::cluster
