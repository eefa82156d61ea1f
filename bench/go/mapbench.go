// mapbench.go — the Go 1.19 driver of the libmap benchmark: Go's built-in
// map (the classic runtime map that libmap follows) on the same keys, in the
// same order and with the same phases as the C harness (bench/c/main.c,
// driver.h), printing the same sample lines:
//
//	sample go KIND SIZE OP ROUND NS_PER_OP
//
// Key generation mirrors bench/c/keys.c exactly (see keys.h for the recipe).
// Timing mirrors bench/c/main.c and timer.h: the mean loop of a repetition,
// leaving out loops over 10 times the median (preempted); wall time for
// small maps, the process's CPU time (all threads, so Go's concurrent GC
// counts) for maps of at least -cpu-clock-min entries.
// Standard library only; bench/run.sh (via CMake) builds it with go build.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

const (
	seedU64 = 0x243f6a8885a308d3
	seedStr = 0x13198a2e03707344
	seedOrd = 0xa4093822299f31d0
	strMin  = 8
	strMax  = 16
	m48     = (uint64(1) << 48) - 1
	alpha   = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)

var phaseNames = [...]string{"insert", "hit", "miss", "iterate", "delete"}

const (
	phInsert = iota
	phHit
	phMiss
	phIterate
	phDelete
	phCount
)

// phaseTime holds the nanoseconds of each phase per loop: ns[phase][loop].
type phaseTime struct {
	ns [phCount][]int64
}

var (
	sink     uint64
	cpuClock bool // read the process CPU time instead of wall time
	wallBase = time.Now()
)

const clockProcessCPUTimeID = 2 // CLOCK_PROCESS_CPUTIME_ID

func nowNs() int64 {
	if cpuClock {
		var ts syscall.Timespec
		_, _, e := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockProcessCPUTimeID,
			uintptr(unsafe.Pointer(&ts)), 0)
		if e != 0 {
			check(false, "clock_gettime: %v", e)
		}
		return ts.Nano()
	}
	return int64(time.Since(wallBase))
}

// loopMean is the mean of v without the values over 10 times the median.
func loopMean(v []int64) float64 {
	sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
	n := len(v)
	med := float64(v[n/2])
	if n%2 == 0 {
		med = (float64(v[n/2-1]) + float64(v[n/2])) / 2
	}
	sum, kept := 0.0, 0
	for _, x := range v {
		if float64(x) > 10*med {
			break
		}
		sum += float64(x)
		kept++
	}
	return sum / float64(kept)
}

func splitmix64(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	z := *state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func mix48(x uint64) uint64 {
	x &= m48
	x = (x * 0x9e3779b97f4b) & m48
	x ^= x >> 24
	x = (x * 0xbf58476d1ce5) & m48
	x ^= x >> 21
	return x
}

// keySet holds 2n keys of each wanted kind ([0,n) hits, [n,2n) misses) and
// the probe order: probe*[i] is a copy of key order[i], for lookup hits and
// deletes (see bench/c/keys.h).
type keySet struct {
	u        []uint64
	s        []string
	order    []uint32
	probeU64 []uint64
	probeStr []string
}

func makeKeys(n int, wantU64, wantStr bool) *keySet {
	var u []uint64
	var s []string
	order := make([]uint32, n)
	for i := range order {
		order[i] = uint32(i)
	}
	so := uint64(seedOrd)
	for i := n - 1; i >= 1; i-- {
		j := splitmix64(&so) % uint64(i+1)
		order[i], order[j] = order[j], order[i]
	}
	ks := &keySet{order: order}
	if wantU64 {
		u = make([]uint64, 2*n)
		st := uint64(seedU64)
		for j := range u {
			u[j] = splitmix64(&st)
		}
	}
	if wantStr {
		s = make([]string, 2*n)
		st := uint64(seedStr)
		buf := make([]byte, 0, strMax)
		for j := range s {
			id, r := mix48(uint64(j)), splitmix64(&st)
			l := strMin + int(r%(strMax-strMin+1))
			buf = buf[:0]
			for c := 0; c < 8; c++ {
				buf = append(buf, alpha[(id>>(6*c))&63])
			}
			for c := 0; c < l-8; c++ {
				buf = append(buf, alpha[(r>>(8+6*c))&63])
			}
			s[j] = string(buf)
		}
	}
	ks.u, ks.s = u, s
	if wantU64 {
		ks.probeU64 = make([]uint64, n)
		for i, o := range order {
			ks.probeU64[i] = u[o]
		}
	}
	if wantStr {
		ks.probeStr = make([]string, n)
		for i, o := range order {
			ks.probeStr[i] = strings.Clone(s[o]) // its own copy, as in C
		}
	}
	return ks
}

func check(ok bool, format string, args ...interface{}) {
	if !ok {
		fmt.Fprintf(os.Stderr, "bench-go: check failed: "+format+"\n", args...)
		os.Exit(3)
	}
}

// runU64 and runStr are the same code for the two key types (Go 1.19 has
// generics, but a generic map access would not be the code users write).
func runU64(keys, probe []uint64, n, loops int, t *phaseTime) {
	for l := 0; l < loops; l++ {
		m := make(map[uint64]uint64)
		t0 := nowNs()
		for i := 0; i < n; i++ {
			m[keys[i]] = uint64(i + 1)
		}
		t1 := nowNs()
		var sum, found uint64
		for i := 0; i < n; i++ {
			v, ok := m[probe[i]]
			if ok {
				found++
			}
			sum += v
		}
		t2 := nowNs()
		for i := n; i < 2*n; i++ {
			if _, ok := m[keys[i]]; ok {
				found++
			}
		}
		t3 := nowNs()
		var cnt uint64
		for _, v := range m {
			sum += v
			cnt++
		}
		t4 := nowNs()
		inserted := len(m)
		for i := 0; i < n; i++ {
			delete(m, probe[i])
		}
		t5 := nowNs()
		check(inserted == n && found == uint64(n) && cnt == uint64(n) && len(m) == 0 &&
			sum == uint64(n)*uint64(n+1), "u64 n=%d inserted=%d found=%d cnt=%d", n, inserted, found, cnt)
		t.ns[phInsert][l] = t1 - t0
		t.ns[phHit][l] = t2 - t1
		t.ns[phMiss][l] = t3 - t2
		t.ns[phIterate][l] = t4 - t3
		t.ns[phDelete][l] = t5 - t4
		sink += sum
	}
}

func runStr(keys, probe []string, n, loops int, t *phaseTime) {
	for l := 0; l < loops; l++ {
		m := make(map[string]uint64)
		t0 := nowNs()
		for i := 0; i < n; i++ {
			m[keys[i]] = uint64(i + 1)
		}
		t1 := nowNs()
		var sum, found uint64
		for i := 0; i < n; i++ {
			v, ok := m[probe[i]]
			if ok {
				found++
			}
			sum += v
		}
		t2 := nowNs()
		for i := n; i < 2*n; i++ {
			if _, ok := m[keys[i]]; ok {
				found++
			}
		}
		t3 := nowNs()
		var cnt uint64
		for _, v := range m {
			sum += v
			cnt++
		}
		t4 := nowNs()
		inserted := len(m)
		for i := 0; i < n; i++ {
			delete(m, probe[i])
		}
		t5 := nowNs()
		check(inserted == n && found == uint64(n) && cnt == uint64(n) && len(m) == 0 &&
			sum == uint64(n)*uint64(n+1), "str n=%d inserted=%d found=%d cnt=%d", n, inserted, found, cnt)
		t.ns[phInsert][l] = t1 - t0
		t.ns[phHit][l] = t2 - t1
		t.ns[phMiss][l] = t3 - t2
		t.ns[phIterate][l] = t4 - t3
		t.ns[phDelete][l] = t5 - t4
		sink += sum
	}
}

func main() {
	sizes := flag.String("sizes", "1000,1000000", "entries per map, comma-separated")
	kinds := flag.String("kinds", "u64,str", "key kinds")
	reps := flag.Int("reps", 1, "measured repetitions")
	warmup := flag.Int("warmup", 1, "unmeasured repetitions first")
	minOps := flag.Int("min-ops", 2000000, "repeat small maps until each phase has this many ops")
	round := flag.String("round", "0", "label printed in the sample lines")
	cpuMin := flag.Int("cpu-clock-min", 100000, "time maps of at least this many entries with process CPU time")
	dump := flag.Int("dump-keys", 0, "print the 2N keys of each kind and exit")
	flag.Parse()

	if *dump > 0 {
		ks := makeKeys(*dump, true, true)
		for j := range ks.u {
			fmt.Printf("%016x %s\n", ks.u[j], ks.s[j])
		}
		for i, o := range ks.order {
			fmt.Printf("probe %d %016x %s\n", o, ks.probeU64[i], ks.probeStr[i])
		}
		return
	}

	wantU64 := strings.Contains(*kinds, "u64")
	wantStr := strings.Contains(*kinds, "str")
	for _, tok := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 {
			fmt.Fprintf(os.Stderr, "bench-go: bad size %q\n", tok)
			os.Exit(2)
		}
		if n == 0 {
			continue
		}
		loops := (*minOps + n - 1) / n
		if loops < 1 {
			loops = 1
		}
		cpuClock = n >= *cpuMin
		ks := makeKeys(n, wantU64, wantStr)
		for _, kind := range []string{"u64", "str"} {
			if (kind == "u64" && !wantU64) || (kind == "str" && !wantStr) {
				continue
			}
			runOne := func() phaseTime {
				var t phaseTime
				for p := range t.ns {
					t.ns[p] = make([]int64, loops)
				}
				runtime.GC() // start every repetition from the same heap state
				if kind == "u64" {
					runU64(ks.u, ks.probeU64, n, loops, &t)
				} else {
					runStr(ks.s, ks.probeStr, n, loops, &t)
				}
				return t
			}
			for w := 0; w < *warmup; w++ {
				runOne()
			}
			for r := 0; r < *reps; r++ {
				t := runOne()
				for p := 0; p < phCount; p++ {
					fmt.Printf("sample go %s %d %s %s.%d %.3f\n", kind, n, phaseNames[p], *round, r,
						loopMean(t.ns[p])/float64(n))
				}
			}
		}
	}
	if sink == 42 {
		fmt.Fprintln(os.Stderr, "")
	}
}
