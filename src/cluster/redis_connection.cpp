#include "hiredis_asio.hpp"
#include <moodring/cluster/redis_connection.hpp>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

namespace moodring::cluster {

namespace asio = boost::asio;

namespace {

redis_reply copy_reply(const redisReply& r) {
    redis_reply out;
    switch (r.type) {
        case REDIS_REPLY_STRING:
            out.type = redis_reply::kind::string;
            break;
        case REDIS_REPLY_STATUS:
            out.type = redis_reply::kind::status;
            break;
        case REDIS_REPLY_ERROR:
            out.type = redis_reply::kind::error;
            break;
        case REDIS_REPLY_INTEGER:
            out.type = redis_reply::kind::integer;
            break;
        case REDIS_REPLY_ARRAY:
            out.type = redis_reply::kind::array;
            break;
        default:
            out.type = redis_reply::kind::nil;
            break;
    }
    if (r.str) out.text.assign(r.str, r.len);
    out.integer = r.integer;
    out.elements.reserve(r.elements);
    for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(copy_reply(*r.element[i]));
    return out;
}

redis_connection* owner_of(const redisAsyncContext* c) {
    return static_cast<redis_connection*>(c->data);
}

}  // namespace

redis_connection::redis_connection(
    asio::any_io_executor executor,
    redis_endpoint where,
    const redis_settings& settings,
    std::string name
)
    : strand_(asio::make_strand(std::move(executor))),
      where_(std::move(where)),
      connect_timeout_(settings.connect_timeout),
      name_(std::move(name)),
      backoff_(settings.reconnect_min, settings.reconnect_max),
      resolver_(strand_),
      timer_(strand_) {}

redis_connection::~redis_connection() {
    if (context_) {
        context_->data = nullptr;
        redisAsyncFree(context_);
    }
}

void redis_connection::start() {
    asio::post(strand_, [self = shared_from_this()] { self->connect(); });
}

void redis_connection::stop() {
    asio::post(strand_, [self = shared_from_this()] {
        self->stopping_ = true;
        self->timer_.cancel();
        self->resolver_.cancel();
        self->connected_ = false;
        if (auto* c = std::exchange(self->context_, nullptr)) {
            c->data = nullptr;
            redisAsyncFree(c);
        }
    });
}

// On the strand: resolve without blocking, then let hiredis connect to the address.
void redis_connection::connect() {
    if (stopping_) return;
    resolver_.async_resolve(
        where_.host,
        std::to_string(where_.port),
        [self = shared_from_this(
         )](boost::system::error_code ec, asio::ip::tcp::resolver::results_type results) {
            if (self->stopping_) return;
            if (ec || results.empty()) {
                self->lost(ec ? "the host does not resolve" : "the host has no address");
                return;
            }
            self->open(results.begin()->endpoint().address().to_string());
        }
    );
}

void redis_connection::open(const std::string& address) {
    auto* c = redisAsyncConnect(address.c_str(), where_.port);
    if (!c || c->err) {
        if (c) redisAsyncFree(c);
        lost("the connection could not be opened");
        return;
    }
    context_ = c;
    c->data = this;
    attach_to_asio(c, strand_);
    redisAsyncSetConnectCallback(c, &redis_connection::connected_callback);
    redisAsyncSetDisconnectCallback(c, &redis_connection::disconnected_callback);
    // hiredis 0.14 has no connection timeout of its own.
    timer_.expires_after(connect_timeout_);
    timer_.async_wait([self = shared_from_this(), c](boost::system::error_code ec) {
        if (ec || self->context_ != c || self->connected_) return;
        self->context_ = nullptr;
        c->data = nullptr;
        redisAsyncFree(c);
        self->lost("the connection timed out");
    });
}

void redis_connection::connected_callback(const redisAsyncContext* c, int status) {
    auto* self = owner_of(c);
    if (!self) return;
    if (status != REDIS_OK) {
        // hiredis frees the context after this returns.
        self->context_ = nullptr;
        self->lost(c->errstr);
        return;
    }
    self->timer_.cancel();
    if (self->where_.password.empty()) {
        self->ready();
    } else {
        self->authenticate();
    }
}

// On the strand: AUTH first; nothing else is sent on a connection Redis has not accepted.
void redis_connection::authenticate() {
    std::vector<std::string> auth{"AUTH"};
    if (!where_.user.empty()) auth.push_back(where_.user);
    auth.push_back(where_.password);
    authenticating_ = true;
    write(auth, [self = shared_from_this()](std::optional<redis_reply> reply) {
        self->authenticating_ = false;
        if (reply && !reply->is_error()) {
            self->ready();
            return;
        }
        if (!self->down_logged_) {
            spdlog::error(
                "redis {} at {}: AUTH refused ({}); check the password in cluster.redis_url",
                self->name_,
                self->where_.where(),
                reply ? reply->text : "no answer"
            );
            self->down_logged_ = true;
        }
        // The disconnect callback then retries with backoff.
        if (self->context_) redisAsyncDisconnect(self->context_);
    });
}

void redis_connection::ready() {
    connected_ = true;
    backoff_.reset();
    if (down_logged_) spdlog::info("redis {}: connected again", name_);
    down_logged_ = false;
    if (where_.db != 0) write({"SELECT", std::to_string(where_.db)}, {});
    if (on_connected_) on_connected_();
}

void redis_connection::disconnected_callback(const redisAsyncContext* c, int) {
    auto* self = owner_of(c);
    if (!self) return;
    self->context_ = nullptr;  // hiredis frees it after this returns
    self->connected_ = false;
    self->lost(c->errstr[0] ? c->errstr : "closed");
}

void redis_connection::lost(const char* why) {
    connected_ = false;
    if (stopping_) return;
    if (!down_logged_) {
        spdlog::warn("redis {} at {}: {}; reconnecting", name_, where_.where(), why);
        down_logged_ = true;
    }
    retry_later();
}

void redis_connection::retry_later() {
    timer_.expires_after(backoff_.next());
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec && !self->stopping_ && !self->context_) self->connect();
    });
}

void redis_connection::reply_callback(redisAsyncContext*, void* reply, void* data) {
    std::unique_ptr<reply_handler> done(static_cast<reply_handler*>(data));
    if (!*done) return;
    if (!reply) {
        (*done)(std::nullopt);
        return;
    }
    (*done)(copy_reply(*static_cast<redisReply*>(reply)));
}

void redis_connection::message_callback(redisAsyncContext* c, void* reply, void*) {
    auto* self = owner_of(c);
    if (!self || !reply || !self->on_message_) return;
    self->on_message_(copy_reply(*static_cast<redisReply*>(reply)));
}

// On the strand: hands one command to hiredis, which calls `callback` with `data`.
bool redis_connection::issue(
    const std::vector<std::string>& args,
    void (*callback)(redisAsyncContext*, void*, void*),
    void* data
) {
    if (!context_ || !(connected_ || authenticating_)) return false;
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const auto& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    const int argc = static_cast<int>(args.size());
    return redisAsyncCommandArgv(context_, callback, data, argc, argv.data(), lengths.data()) ==
           REDIS_OK;
}

// On the strand.
void redis_connection::write(const std::vector<std::string>& args, reply_handler done) {
    auto* data = new reply_handler(std::move(done));
    if (issue(args, &redis_connection::reply_callback, data)) return;
    std::unique_ptr<reply_handler> failed(data);
    if (*failed) (*failed)(std::nullopt);
}

void redis_connection::send(std::vector<std::string> args, reply_handler done) {
    asio::dispatch(
        strand_,
        [self = shared_from_this(), args = std::move(args), done = std::move(done)]() mutable {
            self->write(args, std::move(done));
        }
    );
}

asio::awaitable<std::optional<redis_reply>> redis_connection::command(std::vector<std::string> args
) {
    auto initiate = [this](auto handler, std::vector<std::string> a) {
        auto executor = asio::get_associated_executor(handler, strand_);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        send(std::move(a), [executor, shared](std::optional<redis_reply> reply) {
            asio::post(executor, [shared, reply = std::move(reply)]() mutable {
                (*shared)(std::move(reply));
            });
        });
    };
    co_return co_await asio::
        async_initiate<decltype(asio::use_awaitable), void(std::optional<redis_reply>)>(
            initiate, asio::use_awaitable, std::move(args)
        );
}

void redis_connection::subscribe(std::vector<std::string> channels) {
    change_subscriptions("SUBSCRIBE", std::move(channels));
}

void redis_connection::unsubscribe(std::vector<std::string> channels) {
    change_subscriptions("UNSUBSCRIBE", std::move(channels));
}

void redis_connection::change_subscriptions(const char* verb, std::vector<std::string> channels) {
    if (channels.empty()) return;
    channels.insert(channels.begin(), verb);
    asio::dispatch(strand_, [self = shared_from_this(), args = std::move(channels)] {
        self->issue(args, &redis_connection::message_callback, nullptr);
    });
}

}  // namespace moodring::cluster
