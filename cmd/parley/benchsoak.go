package main

import (
	"fmt"
	"io"
)

// soakResult compares the last interval of a long run with the first and
// with the second (the first after warm-up): growth in memory, goroutines
// or open files after warm-up is a leak; latency that grows is a queue.
type soakResult struct {
	// First and Last are the first and last interval rows.
	First intervalRow `json:"first"`
	Last  intervalRow `json:"last"`
	// Warm is the row the growth is measured from: the second one.
	Warm          intervalRow `json:"after_warm_up"`
	RSSGrowth     int64       `json:"rss_growth_bytes"`
	HeapGrowth    int64       `json:"heap_growth_bytes"`
	RoutineGrowth int         `json:"goroutine_growth"`
	FileGrowth    int         `json:"open_file_growth"`
}

// soak compares the rows of a run of three intervals or more (nil
// otherwise).
func soak(rows []intervalRow) *soakResult {
	if len(rows) < 3 {
		return nil
	}
	first, warm, last := rows[0], rows[1], rows[len(rows)-1]
	return &soakResult{First: first, Last: last, Warm: warm,
		RSSGrowth: last.RSSBytes - warm.RSSBytes, HeapGrowth: int64(last.HeapBytes) - int64(warm.HeapBytes),
		RoutineGrowth: last.Goroutines - warm.Goroutines, FileGrowth: last.OpenFiles - warm.OpenFiles}
}

// printSoak prints the comparison for people.
func printSoak(w io.Writer, s *soakResult) {
	f, l := s.First, s.Last
	fmt.Fprintf(w, "\n%-22s first interval → last: acked %.0f → %.0f /s; post p50 %.1f → %.1f ms, p99 %.1f → %.1f ms, p99.9 %.1f → %.1f ms; delivery p50 %.1f → %.1f ms, p99 %.1f → %.1f ms\n",
		"soak", f.Acked, l.Acked, f.PostP50, l.PostP50, f.PostP99, l.PostP99, f.PostP999, l.PostP999, f.DeliveryP50, l.DeliveryP50, f.DeliveryP99, l.DeliveryP99)
	fmt.Fprintf(w, "%-22s since the end of the second interval (after warm-up): RSS %+.1f MiB, Go heap %+.1f MiB, goroutines %+d, open files %+d\n",
		"", float64(s.RSSGrowth)/(1<<20), float64(s.HeapGrowth)/(1<<20), s.RoutineGrowth, s.FileGrowth)
}
