# `cpack -G DEB` in the build directory: the moodring package, installed under /usr with its
# configuration in /etc/moodring (see cmake/install.cmake), run time dependencies found by
# dpkg-shlibdeps, and maintainer scripts in deploy/debian/ that create the moodring system
# user and neither enable nor start the service.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME moodring)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "moodring maintainers <moodring@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "chat server for local language models with mood-coloured themes")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "moodring streams replies of a local model (Ollama or an OpenAI-compatible server) to a\n"
    "browser page over WebSocket and colours the page by the conversation's mood.")
# Installed into a staging DESTDIR with the real prefix, so that the install script sees /usr
# and puts the configuration in /etc; with DESTDIR, CPACK_INSTALL_PREFIX is that prefix.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Besides the libraries: adduser for the postinst.
set(CPACK_DEBIAN_PACKAGE_DEPENDS adduser)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/deploy/debian/conffiles"
    "${PROJECT_SOURCE_DIR}/deploy/debian/postinst"
    "${PROJECT_SOURCE_DIR}/deploy/debian/prerm"
    "${PROJECT_SOURCE_DIR}/deploy/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The package goes to the build directory's packages/ (cpack -B overrides it).
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/packages")
include(CPack)
