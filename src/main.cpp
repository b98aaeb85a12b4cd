#include <cstdio>

int main() {
    std::puts("moodring " MOODRING_VERSION);
    return 0;
}
