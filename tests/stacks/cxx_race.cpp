// cxx_race.cpp — the C++ racing program of the differential stack test
// (tests/stacks): two std::thread workers run lambdas that call a member
// function template of shop::Inventory, which writes one libmap map
// without a lock until libmap aborts. Frames to name right: the lambda,
// std::thread::_State_impl<...>::_M_run, the template member function
// (mangled _ZN4shop9Inventory...), demangled as gdb and addr2line -C do.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <thread>

#include <libmap/map.h>

namespace shop {

class Inventory {
public:
    explicit Inventory(libmap *m) : map_(m) {}

    template <typename Qty>
    void restock(uint64_t item, Qty qty)
    {
        uint64_t v = static_cast<uint64_t>(qty);
        libmap_assign_u64(map_, item, &v);
        if (item % 3 == 0)
            libmap_delete_u64(map_, item / 3);
    }

private:
    libmap *map_;
};

} // namespace shop

int main()
{
    libmap_config cfg = {};
    cfg.key_kind = LIBMAP_KEY_U64;
    cfg.value_size = sizeof(uint64_t);
    cfg.hint = 8192; // every key fits: no growth during the race (see inline_race.c)
    libmap *m;
    if (libmap_new(&cfg, &m) != 0)
        return 1;
    shop::Inventory inv(m);
    // both workers are running before either writes (none still in clone3)
    std::atomic<int> ready{0};
    auto wait_both = [&ready] {
        ready.fetch_add(1);
        while (ready.load() < 2) {
        }
    };
    std::thread a([&inv, &wait_both] {
        wait_both();
        for (uint64_t i = 0;; i++)
            inv.restock<unsigned>(i & 0xfff, static_cast<unsigned>(i));
    });
    std::thread b([&inv, &wait_both] {
        wait_both();
        for (uint64_t i = 0;; i++)
            inv.restock<int>((i * 7) & 0xfff, static_cast<int>(i));
    });
    std::printf("started\n");
    std::fflush(stdout);
    a.join();
    b.join();
    return 0;
}
