#pragma once

// One connection to Redis over hiredis's asynchronous API, on a strand of its own: commands
// from any thread (binary-safe arguments), replies in order, pub/sub messages to a handler,
// and reconnection with backoff whenever it is lost. Nothing blocks: the host is resolved by
// Asio and hiredis only ever reads or writes a ready socket.

#include <moodring/cluster/backoff.hpp>
#include <moodring/cluster/redis_reply.hpp>
#include <moodring/cluster/redis_settings.hpp>
#include <moodring/cluster/redis_url.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct redisAsyncContext;

namespace moodring::cluster {

class redis_connection : public std::enable_shared_from_this<redis_connection> {
public:
    // nullopt: the connection is down or was lost before the reply came.
    using reply_handler = std::function<void(std::optional<redis_reply>)>;

    redis_connection(
        boost::asio::any_io_executor executor,
        redis_endpoint where,
        const redis_settings& settings,
        std::string name
    );
    ~redis_connection();
    redis_connection(const redis_connection&) = delete;
    redis_connection& operator=(const redis_connection&) = delete;

    // Handlers run on the connection's strand; set them before start().
    void on_connected(std::function<void()> handler) { on_connected_ = std::move(handler); }
    void on_message(std::function<void(const redis_reply&)> handler) {
        on_message_ = std::move(handler);
    }

    // Connects, and connects again whenever the connection is lost, until stop().
    void start();
    void stop();

    bool connected() const { return connected_.load(); }

    // Sent in the order of the calls (from one thread, or one strand); `done` runs on the
    // connection's strand.
    void send(std::vector<std::string> args, reply_handler done = {});
    // The reply, resumed on the caller's executor.
    boost::asio::awaitable<std::optional<redis_reply>> command(std::vector<std::string> args);
    // Pub/sub: the messages of these channels go to the on_message handler, and so do the
    // confirmations (["subscribe", channel, count]). Subscriptions end with the connection.
    void subscribe(std::vector<std::string> channels);
    void unsubscribe(std::vector<std::string> channels);

    const boost::asio::strand<boost::asio::any_io_executor>& strand() const { return strand_; }

private:
    static void connected_callback(const redisAsyncContext* c, int status);
    static void disconnected_callback(const redisAsyncContext* c, int status);
    static void reply_callback(redisAsyncContext* c, void* reply, void* data);
    static void message_callback(redisAsyncContext* c, void* reply, void* data);

    void connect();
    void open(const std::string& address);
    void authenticate();
    void ready();
    void lost(const char* why);
    void retry_later();
    void write(const std::vector<std::string>& args, reply_handler done);
    void change_subscriptions(const char* verb, std::vector<std::string> channels);
    bool issue(
        const std::vector<std::string>& args,
        void (*callback)(redisAsyncContext*, void*, void*),
        void* data
    );

    boost::asio::strand<boost::asio::any_io_executor> strand_;
    redis_endpoint where_;
    std::chrono::milliseconds connect_timeout_;
    std::string name_;
    backoff backoff_;
    boost::asio::ip::tcp::resolver resolver_;
    boost::asio::steady_timer timer_;
    redisAsyncContext* context_ = nullptr;
    bool stopping_ = false;
    bool down_logged_ = false;
    bool authenticating_ = false;  // AUTH goes out before connected_ lets anything else
    std::atomic<bool> connected_{false};
    std::function<void()> on_connected_;
    std::function<void(const redis_reply&)> on_message_;
};

}  // namespace moodring::cluster
