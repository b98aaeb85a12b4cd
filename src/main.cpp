#include <moodring/app.hpp>
#include <moodring/backup_command.hpp>
#include <moodring/core/config.hpp>
#include <moodring/core/descriptor_limit.hpp>
#include <moodring/core/install_layout.hpp>
#include <moodring/core/logging.hpp>
#include <moodring/core/version.hpp>
#include <moodring/user_command.hpp>

#include <spdlog/spdlog.h>

#include <cstdio>
#include <exception>
#include <iostream>
#include <string_view>

int main(int argc, char** argv) {
    if (argc > 1 && std::string_view(argv[1]) == "user") {
        return moodring::run_user_command(
            std::vector<std::string>(argv + 2, argv + argc), std::cin, std::cout, std::cerr
        );
    }
    if (argc > 1 && std::string_view(argv[1]) == "backup") {
        return moodring::run_backup_command(
            std::vector<std::string>(argv + 2, argv + argc), std::cout, std::cerr
        );
    }
    moodring::config_load_result loaded;
    try {
        loaded = moodring::load_config(
            {std::vector<std::string>(argv + 1, argv + argc), moodring::process_environment()},
            moodring::installed_share_dir().string()
        );
    } catch (const moodring::config_error& e) {
        std::fprintf(stderr, "moodring: configuration error: %s\n", e.what());
        return 2;
    }
    if (loaded.help_requested) {
        std::printf("%s", loaded.help_text.c_str());
        return 0;
    }
    if (loaded.version_requested) {
        std::printf(
            "%s\n", moodring::version_line(MOODRING_VERSION, moodring::build_commit).c_str()
        );
        return 0;
    }
    if (loaded.print_requested) {
        std::printf(
            "%s\n",
            moodring::config_to_json(loaded.settings, moodring::url_passwords::hidden).c_str()
        );
        return 0;
    }
    moodring::init_logging(loaded.settings.log.level);
    moodring::raise_descriptor_limit();
    try {
        moodring::check_configured_files(loaded.settings);
        moodring::app server(loaded.settings);
        server.stop_on_signals();
        server.start();
        server.wait();
    } catch (const moodring::config_error& e) {
        // A setting that only proves unusable at start (a missing prompt, a certificate that
        // cannot be read).
        spdlog::critical("cannot start: {}", e.what());
        std::fprintf(stderr, "moodring: configuration error: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        spdlog::critical("cannot start: {}", e.what());
        std::fprintf(stderr, "moodring: cannot start: %s\n", e.what());
        return 1;
    }
    spdlog::info("stopped");
    return 0;
}
