// Asio's OpenSSL layer, compiled once (separate compilation, as boost_impl.cpp does for the
// rest). A file of its own so that the fuzz targets, which build boost_impl.cpp, need no
// OpenSSL.
#include <boost/asio/ssl/impl/src.hpp>
