// safe_bench_absl.cc — the absl::flat_hash_map peer of safe_bench.c (issue
// 14): the map under a std::shared_mutex, the same keys (splitmix64 from
// the same seed), mixes and output line (impl=absl-shared-mutex).
#include <absl/container/flat_hash_map.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

int main(int argc, char **argv)
{
    unsigned threads = 2;
    uint64_t nkeys = 1000000;
    double seconds = 2;
    std::string mix = "lookup";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--threads"))
            threads = (unsigned)strtoul(argv[i + 1], nullptr, 10);
        else if (!strcmp(argv[i], "--mix"))
            mix = argv[i + 1];
        else if (!strcmp(argv[i], "--keys"))
            nkeys = strtoull(argv[i + 1], nullptr, 10);
        else if (!strcmp(argv[i], "--seconds"))
            seconds = strtod(argv[i + 1], nullptr);
        else if (strcmp(argv[i], "--impl") != 0) {
            fprintf(stderr, "safe_bench_absl: bad arguments\n");
            return 1;
        }
    }
    unsigned write_pct = mix == "lookup" ? 0 : mix == "90-10" ? 10 : mix == "50-50" ? 50 : 101;
    if (write_pct > 100 || threads < 1 || nkeys < 1) {
        fprintf(stderr, "safe_bench_absl: bad arguments\n");
        return 1;
    }
    std::vector<uint64_t> keys(nkeys);
    uint64_t s = UINT64_C(0x243f6a8885a308d3);
    for (auto &k : keys)
        k = splitmix(&s);
    absl::flat_hash_map<uint64_t, uint64_t> map;
    for (auto k : keys)
        map[k] = k;
    std::shared_mutex mu;
    std::atomic<int> go{0}, stop{0};
    std::vector<uint64_t> ops(threads), sinks(threads);
    std::vector<std::thread> th;
    for (unsigned t = 0; t < threads; t++) {
        th.emplace_back([&, t] {
            uint64_t st = UINT64_C(0x9e3779b97f4a7c15) * (t + 1), n = 0, sink = 0;
            while (!go.load())
                ;
            while (!stop.load(std::memory_order_relaxed)) {
                for (int j = 0; j < 256; j++) {
                    uint64_t r = splitmix(&st), k = keys[r % nkeys];
                    if ((r >> 48) % 100 < write_pct) {
                        std::unique_lock<std::shared_mutex> l(mu);
                        map[k] = r;
                    } else {
                        std::shared_lock<std::shared_mutex> l(mu);
                        auto it = map.find(k);
                        if (it != map.end())
                            sink += it->second;
                    }
                }
                n += 256;
            }
            ops[t] = n;
            sinks[t] = sink;
        });
    }
    auto t0 = std::chrono::steady_clock::now();
    go.store(1);
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop.store(1);
    for (auto &x : th)
        x.join();
    double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    uint64_t total = 0;
    for (auto n : ops)
        total += n;
    printf("safe impl=absl-shared-mutex lock=- threads=%u mix=%s keys=%" PRIu64
           " seconds=%.3f ops=%" PRIu64 " mops=%.3f ns_per_op=%.1f\n",
           threads, mix.c_str(), nkeys, el, total, total / el / 1e6,
           el * 1e9 * threads / (double)total);
    if (sinks[0] == 42)
        putchar(' ');
    return 0;
}
