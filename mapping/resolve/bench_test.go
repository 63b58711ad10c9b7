package resolve_test

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nayose/nayose/mapping/resolve"
	"github.com/nayose/nayose/mapping/resolve/eval"
)

// BenchmarkResolve resolves generated Japanese customer records all at
// once, at three sizes so the growth shows. It reports records/s and the
// peak heap in use while resolving. The 1M size takes about a minute and
// several GiB of generated input; run it with
//
//	go test ./mapping/resolve -run '^$' -bench 'Resolve/records=' -benchtime 1x
//
// Like `nayose resolve`, it runs under a soft memory limit (DefaultMemoryLimit)
// so the garbage collector works harder instead of letting the heap double.
func BenchmarkResolve(b *testing.B) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(resolve.DefaultMemoryLimit))
	for _, size := range []int{100, 300, 1000} { // thousands of records
		b.Run(fmt.Sprintf("records=%dk", size), func(b *testing.B) {
			// The generator gives about 2.07 records per person.
			recs := records(eval.Japanese(11, size*1000*100/207))
			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			peak := sampleHeap(b)
			b.ResetTimer()
			var res *resolve.Result
			for b.Loop() {
				var err error
				res, err = resolve.Resolve(resolve.Input{Records: recs}, resolve.Options{})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			heap := peak()
			b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(heap-base.HeapInuse)/(1<<20), "resolve-heap-MiB")
			b.ReportMetric(float64(res.Compared)/float64(len(recs)), "pairs/record")
			recs, res = nil, nil
			debug.FreeOSMemory()
		})
	}
}

// sampleHeap samples the heap in use every 20ms until the returned func is
// called, which returns the largest sample.
func sampleHeap(b *testing.B) func() uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		return peak.Load()
	}
}
