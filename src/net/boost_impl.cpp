// The one translation unit that compiles Asio and Beast (separate compilation): every other
// file sees only their declarations, which keeps a clean build short on a 2-core machine.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
