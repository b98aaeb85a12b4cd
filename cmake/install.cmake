# What `cmake --install BUILD --prefix P` puts under P (cpack packs the same with P = /usr):
#   bin/moodring
#   share/moodring/web             the built page (web/dist: build it first)
#   share/moodring/prompts         the prompts
#   share/moodring/moodring.json   the default configuration, read when no --config is given
#   lib/systemd/system/moodring.service
#   etc/moodring/moodring.json     (/etc/moodring for P = /usr) the configuration the unit reads
# The last three name P, which only the install step knows (`--prefix`): the install script
# cmake/install_configured.cmake writes them. Tests, the mock Ollama and the benchmarks are
# not installed.

# Installing, and cpack, take what is built and build nothing: cpack runs the "preinstall"
# target, which otherwise builds everything (tests included) first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

install(TARGETS moodring RUNTIME DESTINATION bin)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/prompts/" DESTINATION share/moodring/prompts)
install(CODE "set(MOODRING_SOURCE_DIR \"${PROJECT_SOURCE_DIR}\")")
install(SCRIPT "${PROJECT_SOURCE_DIR}/cmake/install_configured.cmake")
