// safebench.go — the Go peers of bench/safe/safe_bench.c (issue 14): a map
// under a sync.RWMutex, and sync.Map, shared by N goroutines (GOMAXPROCS is
// left at the number of CPUs) doing the same mixes on the same preloaded
// keys (splitmix64 from the same seed, keys.c's recipe is not needed here):
//
//	lookup   100% lookups of present keys
//	90-10    90% lookups, 10% assigns (overwrites of present keys)
//	50-50    50% lookups, 50% assigns
//
// Prints the same line as safe_bench:
//
//	safe impl=I lock=- threads=N mix=M keys=K seconds=S ops=TOTAL mops=M ns_per_op=NS
//
// Standard library only; bench/CMakeLists.txt builds it with go build.
package main

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func splitmix(s *uint64) uint64 {
	*s += 0x9e3779b97f4a7c15
	z := *s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

type rwMap struct {
	mu sync.RWMutex
	m  map[uint64]uint64
}

func main() {
	impl := flag.String("impl", "go-rwmutex", "go-rwmutex or go-syncmap")
	threads := flag.Int("threads", 2, "goroutines")
	mix := flag.String("mix", "lookup", "lookup, 90-10 or 50-50")
	nkeys := flag.Uint64("keys", 1000000, "preloaded keys")
	seconds := flag.Float64("seconds", 2, "duration")
	flag.Parse()
	writePct := map[string]uint64{"lookup": 0, "90-10": 10, "50-50": 50}
	wp, ok := writePct[*mix]
	if !ok || *threads < 1 || *nkeys < 1 || (*impl != "go-rwmutex" && *impl != "go-syncmap") {
		fmt.Fprintln(os.Stderr, "safebench: bad arguments")
		os.Exit(1)
	}
	keys := make([]uint64, *nkeys)
	s := uint64(0x243f6a8885a308d3)
	for i := range keys {
		keys[i] = splitmix(&s)
	}
	rw := &rwMap{m: make(map[uint64]uint64)}
	var sm sync.Map
	for _, k := range keys {
		if *impl == "go-rwmutex" {
			rw.m[k] = k
		} else {
			sm.Store(k, k)
		}
	}
	var stop int32
	var start, done sync.WaitGroup
	start.Add(1)
	ops := make([]uint64, *threads)
	sinks := make([]uint64, *threads)
	for t := 0; t < *threads; t++ {
		done.Add(1)
		go func(t int) {
			defer done.Done()
			st := 0x9e3779b97f4a7c15 * uint64(t+1)
			var n, sink uint64
			start.Wait()
			for atomic.LoadInt32(&stop) == 0 {
				for j := 0; j < 256; j++ {
					r := splitmix(&st)
					k := keys[r%*nkeys]
					write := (r>>48)%100 < wp
					if *impl == "go-rwmutex" {
						if write {
							rw.mu.Lock()
							rw.m[k] = r
							rw.mu.Unlock()
						} else {
							rw.mu.RLock()
							v, ok := rw.m[k]
							rw.mu.RUnlock()
							if ok {
								sink += v
							}
						}
					} else {
						if write {
							sm.Store(k, r)
						} else if v, ok := sm.Load(k); ok {
							sink += v.(uint64)
						}
					}
				}
				n += 256
			}
			ops[t] = n
			sinks[t] = sink
		}(t)
	}
	t0 := time.Now()
	start.Done()
	time.Sleep(time.Duration(*seconds * float64(time.Second)))
	atomic.StoreInt32(&stop, 1)
	done.Wait()
	el := time.Since(t0).Seconds()
	var total uint64
	for _, n := range ops {
		total += n
	}
	fmt.Printf("safe impl=%s lock=- threads=%d mix=%s keys=%d seconds=%.3f ops=%d mops=%.3f ns_per_op=%.1f\n",
		*impl, *threads, *mix, *nkeys, el, total, float64(total)/el/1e6,
		el*1e9*float64(*threads)/float64(total))
	if sinks[0] == 42 {
		fmt.Print(" ")
	}
}
