#include "moodring_cluster.hpp"

namespace moodring::test {

moodring_cluster::moodring_cluster(options opts) : options_(std::move(opts)) {
    std::vector<unsigned short> ports;
    for (std::size_t i = 0; i < options_.instances; ++i) {
        server_process::options instance;
        if (options_.back_to_back) instance = back_to_back_turns(options_.llm_url);
        instance.llm_url = options_.llm_url;
        const auto args = instance_args();
        instance.extra_args.insert(instance.extra_args.end(), args.begin(), args.end());
        instances_.push_back(std::make_unique<server_process>(std::move(instance)));
        ports.push_back(instances_.back()->port());
    }
    balancer_ = std::make_unique<haproxy_process>(ports);
}

std::vector<std::string> moodring_cluster::instance_args() const {
    std::vector<std::string> args{
        "--database.url",
        options_.database_url,
        "--cluster.redis_url",
        options_.redis_url,
        "--cluster.lease_ms",
        std::to_string(options_.lease.count()),
        "--cluster.reconnect_max_ms",
        "500",
    };
    args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
    return args;
}

}  // namespace moodring::test
