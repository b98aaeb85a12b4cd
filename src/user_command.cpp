#include <moodring/auth/account_rules.hpp>
#include <moodring/auth/password_hasher.hpp>
#include <moodring/core/config.hpp>
#include <moodring/core/install_layout.hpp>
#include <moodring/core/run_to_end.hpp>
#include <moodring/store/account_store.hpp>
#include <moodring/store/database_options_from_config.hpp>
#include <moodring/store/make_store.hpp>
#include <moodring/user_command.hpp>

#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <optional>

namespace moodring {
namespace {

namespace asio = boost::asio;

// Not a failure of the command's own: usage, configuration (exit 2).
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// A refusal the person can mend: a rule broken, no such user (exit 1).
struct refusal : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct parsed_command {
    std::string verb;
    std::string name;
    bool admin = false;
    std::vector<std::string> settings_args;  // handed to load_config
};

parsed_command parse(const std::vector<std::string>& args) {
    if (args.empty()) throw usage_error("which command? add, list, passwd or delete");
    parsed_command command;
    command.verb = args[0];
    const bool named =
        command.verb == "add" || command.verb == "passwd" || command.verb == "delete";
    if (!named && command.verb != "list") throw usage_error("unknown command \"" + args[0] + "\"");
    std::size_t next = 1;
    if (named) {
        if (args.size() < 2 || args[1].starts_with("--")) {
            throw usage_error(command.verb + " needs a user name");
        }
        command.name = args[1];
        next = 2;
    }
    for (; next < args.size(); ++next) {
        if (args[next] == "--admin" && command.verb == "add") {
            command.admin = true;
        } else {
            command.settings_args.push_back(args[next]);
        }
    }
    return command;
}

// One line, without its end; a terminal does not echo it.
std::string read_secret_line(std::istream& in, bool terminal) {
    termios saved{};
    if (terminal) {
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    const bool got = static_cast<bool>(std::getline(in, line));
    if (terminal) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    if (!got) throw refusal("no password on standard input");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

std::string read_password(std::istream& in, std::ostream& err, std::size_t min_chars) {
    const bool terminal = &in == &std::cin && isatty(STDIN_FILENO);
    if (terminal) err << "Password: " << std::flush;
    auto password = read_secret_line(in, terminal);
    if (terminal) {
        err << "\nThe same again: " << std::flush;
        const auto again = read_secret_line(in, terminal);
        err << "\n";
        if (again != password) throw refusal("the two passwords differ");
    }
    if (auto problem = auth::password_problem(password, min_chars)) throw refusal(*problem);
    return password;
}

}  // namespace

namespace {

auth::user find_user(store::account_store& accounts, const std::string& name) {
    auto found = run_to_end(accounts.find_user_by_name(name));
    if (!found) throw refusal("no user named \"" + name + "\"");
    return found->user;
}

void add_user(
    store::account_store& accounts,
    const parsed_command& command,
    const std::string& hash,
    std::ostream& out
) {
    const bool first = run_to_end(accounts.user_count()) == 0;
    if (first && !command.admin) throw refusal("the first user must be an admin: add --admin");
    auto made =
        first
            ? run_to_end(accounts.create_first_admin(command.name, hash))
            : run_to_end(accounts.create_user(
                  command.name, hash, command.admin ? auth::user_role::admin : auth::user_role::user
              ));
    if (!made) throw refusal("the name \"" + command.name + "\" is taken");
    out << "added " << made->username << " (" << auth::to_string(made->role) << ")\n";
}

void list_users(store::account_store& accounts, std::ostream& out) {
    for (const auto& user : run_to_end(accounts.list_users())) {
        out << user.id << '\t' << user.username << '\t' << auth::to_string(user.role) << '\t'
            << user.created_at << '\n';
    }
}

void change_password(
    store::account_store& accounts,
    const std::string& name,
    const std::string& hash,
    std::ostream& out
) {
    const auto user = find_user(accounts, name);
    if (!run_to_end(accounts.update_user(user.id, hash, std::nullopt))) {
        throw refusal("no user named \"" + name + "\"");
    }
    const auto revoked = run_to_end(accounts.delete_sessions_of(user.id, std::nullopt));
    out << "password of " << user.username << " changed; " << revoked.size()
        << " sessions signed out\n";
}

void delete_user(store::account_store& accounts, const std::string& name, std::ostream& out) {
    const auto user = find_user(accounts, name);
    auto removed = run_to_end(accounts.delete_user(user.id));
    if (!removed) throw refusal("\"" + name + "\" is the last admin and cannot be deleted");
    out << "deleted " << user.username << " with their conversations, sessions and keys\n";
}

int run(const parsed_command& command, std::istream& in, std::ostream& out, std::ostream& err) {
    config settings;
    try {
        settings =
            load_config(
                {command.settings_args, process_environment()}, installed_share_dir().string()
            )
                .settings;
    } catch (const config_error& e) {
        throw usage_error(std::string("configuration error: ") + e.what());
    }
    if (command.verb == "add" || command.verb == "passwd") {
        if (command.verb == "add") {
            if (auto problem = auth::username_problem(command.name)) throw refusal(*problem);
        }
        const auto password = read_password(in, err, settings.auth.min_password_length);
        const auto hash = auth::password_hasher::hash_now(password);
        auto stores = store::make_store(
            store::database_options_from(settings), nullptr, store::opened_by::tool
        );
        if (command.verb == "add")
            add_user(*stores.accounts, command, hash, out);
        else
            change_password(*stores.accounts, command.name, hash, out);
        stores.conversations->stop();
        return 0;
    }
    auto stores =
        store::make_store(store::database_options_from(settings), nullptr, store::opened_by::tool);
    if (command.verb == "list")
        list_users(*stores.accounts, out);
    else
        delete_user(*stores.accounts, command.name, out);
    stores.conversations->stop();
    return 0;
}

}  // namespace

int run_user_command(
    const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err
) {
    try {
        return run(parse(args), in, out, err);
    } catch (const usage_error& e) {
        err << "moodring user: " << e.what()
            << "\nusage: moodring user add NAME [--admin] | list | passwd NAME | delete NAME "
               "[--config FILE] [--db PATH]\n";
        return 2;
    } catch (const refusal& e) {
        err << "moodring user: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        err << "moodring user: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace moodring
