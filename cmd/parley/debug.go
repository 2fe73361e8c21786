package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The debug listener (serve --debug-addr) serves Go's profiles and the
// process's own figures on an address of its own, never on the public one:
// parley bench reads them to report the server's CPU, memory, goroutines
// and open files, and to profile it under load.

// procStats are the figures of one process at one moment.
type procStats struct {
	// CPUSeconds is the user and system CPU time used since start.
	CPUSeconds float64 `json:"cpu_seconds"`
	// RSSBytes is the resident set size, from /proc (0 where unknown).
	RSSBytes int64 `json:"rss_bytes"`
	// HeapBytes is the Go heap in use (live and not yet collected objects).
	HeapBytes uint64 `json:"heap_bytes"`
	// StackBytes is the memory of goroutine stacks.
	StackBytes uint64 `json:"stack_bytes"`
	// Goroutines is the number of goroutines.
	Goroutines int `json:"goroutines"`
	// OpenFiles counts open file descriptors, sockets included (-1 where
	// unknown).
	OpenFiles int `json:"open_files"`
}

// readProcStats reads the current process's figures. RSS and open files
// come from /proc on Linux; elsewhere they are 0 and -1.
func readProcStats() procStats {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	st := procStats{
		CPUSeconds: tvSeconds(ru.Utime) + tvSeconds(ru.Stime),
		HeapBytes:  ms.HeapInuse,
		StackBytes: ms.StackInuse,
		Goroutines: runtime.NumGoroutine(),
		OpenFiles:  -1,
	}
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 1 {
			pages, _ := strconv.ParseInt(f[1], 10, 64)
			st.RSSBytes = pages * int64(os.Getpagesize())
		}
	}
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		st.OpenFiles = len(fds) - 1 // the directory being read
	}
	return st
}

func tvSeconds(tv syscall.Timeval) float64 {
	return float64(tv.Sec) + float64(tv.Usec)/1e6
}

// debugPath is where the debug listener serves procStats as JSON.
const debugPath = "/debug/process"

// debugHandler serves /debug/pprof/ and /debug/process; /debug/process?gc=1
// first collects garbage and returns freed memory to the system, so that
// the heap and RSS it reports are what is live.
func debugHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc(debugPath, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("gc") == "1" {
			debug.FreeOSMemory() // collects first
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(readProcStats())
	})
	return mux
}

// startDebug listens on addr and serves the debug handler until ctx is
// done. It returns the address it listens on.
func startDebug(ctx context.Context, addr string) (net.Addr, error) {
	// The profiles show memory and goroutines with whatever they hold and
	// have no sign-in: they are served on this machine only.
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip, err := netip.ParseAddr(host); host != "localhost" && (err != nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%s is not a loopback address: the debug endpoints have no sign-in and serve only this machine (e.g. 127.0.0.1:6060)", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: debugHandler(), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	return ln.Addr(), nil
}
