# Part of `cmake --install` and of cpack (see cmake/install.cmake), where CMAKE_INSTALL_PREFIX
# is the prefix installed to and DESTDIR, if set, the directory it is staged in. Installs the
# page and writes the files that name the prefix: the configuration and the systemd unit.

set(share "${CMAKE_INSTALL_PREFIX}/share/moodring")
# Where GNU installation directories put configuration: /etc for the prefix /usr.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(confdir "/etc/moodring")
else()
    set(confdir "${CMAKE_INSTALL_PREFIX}/etc/moodring")
endif()

set(page "${MOODRING_SOURCE_DIR}/web/dist")
if(NOT EXISTS "${page}/index.html")
    message(FATAL_ERROR "${page}/index.html is missing: build the page first (cd web && npm ci && npm run build)")
endif()
file(INSTALL DESTINATION "${share}/web" TYPE DIRECTORY FILES "${page}/")

# Writes `text` to `path` under DESTDIR and records it in the install manifest.
function(moodring_write_installed path text)
    message(STATUS "Installing: $ENV{DESTDIR}${path}")
    file(WRITE "$ENV{DESTDIR}${path}" "${text}")
    set(CMAKE_INSTALL_MANIFEST_FILES ${CMAKE_INSTALL_MANIFEST_FILES} "$ENV{DESTDIR}${path}"
        PARENT_SCOPE)
endfunction()

# The repository's config/moodring.json with its paths replaced: the installed page and
# prompts, and the database in the state directory the unit gives the service.
file(READ "${MOODRING_SOURCE_DIR}/config/moodring.json" config)
foreach(pair "web_root=${share}/web" "system_prompt_file=${share}/prompts/system.txt"
             "prompt_file=${share}/prompts/theme.txt" "path=/var/lib/moodring/moodring.db")
    string(REGEX MATCH "^[^=]*" key "${pair}")
    string(REGEX REPLACE "^[^=]*=" "" value "${pair}")
    string(REGEX MATCHALL "\"${key}\": \"[^\"]*\"" found "${config}")
    list(LENGTH found count)
    if(NOT count EQUAL 1)
        message(FATAL_ERROR "config/moodring.json: expected one \"${key}\" setting, found ${count}")
    endif()
    string(REPLACE "${found}" "\"${key}\": \"${value}\"" config "${config}")
endforeach()
moodring_write_installed("${share}/moodring.json" "${config}")

# An administrator's edits of an installed configuration survive installing again (dpkg keeps
# the package's copy apart: it is a conffile).
if(EXISTS "$ENV{DESTDIR}${confdir}/moodring.json")
    message(STATUS "Keeping: $ENV{DESTDIR}${confdir}/moodring.json")
else()
    moodring_write_installed("${confdir}/moodring.json" "${config}")
endif()

# The unit, with the installed binary and configuration. Configured in memory (what
# configure_file does, without a file in the build tree that two installs would share).
set(MOODRING_BIN "${CMAKE_INSTALL_PREFIX}/bin/moodring")
set(MOODRING_CONFIG "${confdir}/moodring.json")
file(READ "${MOODRING_SOURCE_DIR}/deploy/systemd/moodring.service.in" unit)
string(CONFIGURE "${unit}" unit @ONLY)
moodring_write_installed("${CMAKE_INSTALL_PREFIX}/lib/systemd/system/moodring.service" "${unit}")
