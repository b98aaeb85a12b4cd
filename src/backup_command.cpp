#include <moodring/backup_command.hpp>
#include <moodring/core/config.hpp>
#include <moodring/core/install_layout.hpp>
#include <moodring/store/sqlite/backup.hpp>

#include <chrono>
#include <csignal>
#include <iomanip>
#include <iostream>

namespace moodring {
namespace {

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct parsed_backup {
    std::string target;
    std::vector<std::string> settings_args;  // handed to load_config
};

parsed_backup parse(const std::vector<std::string>& args) {
    parsed_backup parsed;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--to") {
            if (i + 1 >= args.size()) throw usage_error("--to needs a file");
            parsed.target = args[++i];
        } else if (args[i].starts_with("--to=")) {
            parsed.target = args[i].substr(5);
        } else {
            parsed.settings_args.push_back(args[i]);
        }
    }
    if (parsed.target.empty()) throw usage_error("where to? --to FILE");
    return parsed;
}

config settings_of(const parsed_backup& parsed) {
    try {
        return load_config(
                   {parsed.settings_args, process_environment()}, installed_share_dir().string()
        )
            .settings;
    } catch (const config_error& e) {
        throw usage_error(std::string("configuration error: ") + e.what());
    }
}

int run(const parsed_backup& parsed, std::ostream& out) {
    const auto settings = settings_of(parsed);
    // Copying a file that is not the database would report a backup that holds nothing.
    if (!settings.database.url.empty()) {
        throw usage_error(
            "database.url is set: back up Postgres with pg_dump; this command copies SQLite's file"
        );
    }
    // A file-size limit (ulimit -f) is a full disk to a backup: an error, not a kill.
    std::signal(SIGXFSZ, SIG_IGN);
    const auto started = std::chrono::steady_clock::now();
    const auto report = store::sqlite::back_up_database(
        settings.database.path,
        parsed.target,
        static_cast<int>(settings.database.busy_timeout.count())
    );
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    out << "backed up " << settings.database.path << " (schema version " << report.schema_version
        << ", " << report.pages << " pages, " << report.bytes << " bytes) to " << parsed.target
        << " in " << std::fixed << std::setprecision(2) << took.count()
        << " s; integrity_check ok\n";
    return 0;
}

}  // namespace

int run_backup_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    try {
        return run(parse(args), out);
    } catch (const usage_error& e) {
        err << "moodring backup: " << e.what()
            << "\nusage: moodring backup --to FILE [--config FILE] [--database.path PATH]\n";
        return 2;
    } catch (const std::exception& e) {
        err << "moodring backup: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace moodring
