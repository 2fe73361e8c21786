package main

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// histogram counts durations in logarithmic buckets of microseconds, 64 to
// each power of two, so that a percentile read from it is within 1.6 % of
// the true value, whatever the number of samples. Adding is lock-free and
// safe from many goroutines.
type histogram struct {
	counts [histBuckets]atomic.Uint64
}

const (
	histSubBits = 6
	histBuckets = 58 << histSubBits // up to 2^63 µs
)

// bucketOf returns the bucket of v microseconds.
func bucketOf(v uint64) int {
	if v < 1<<histSubBits {
		return int(v)
	}
	s := bits.Len64(v) - histSubBits - 1
	return s<<histSubBits + int(v>>s)
}

// bucketMid returns the middle of bucket i, in microseconds.
func bucketMid(i int) float64 {
	if i < 1<<histSubBits {
		return float64(i)
	}
	s := i>>histSubBits - 1
	low := uint64(i-s<<histSubBits) << s
	return float64(low) + float64(uint64(1)<<s)/2
}

// add counts one duration.
func (h *histogram) add(d time.Duration) {
	us := d.Microseconds()
	if us < 0 {
		us = 0
	}
	h.counts[min(bucketOf(uint64(us)), histBuckets-1)].Add(1)
}

// snapshot returns a copy of the counts so far.
func (h *histogram) snapshot() *histSnapshot {
	var s histSnapshot
	for i := range h.counts {
		s.counts[i] = h.counts[i].Load()
	}
	return &s
}

// histSnapshot is a histogram's counts at one moment.
type histSnapshot struct {
	counts [histBuckets]uint64
}

// since returns the counts added after old was taken.
func (s *histSnapshot) since(old *histSnapshot) *histSnapshot {
	var d histSnapshot
	for i := range s.counts {
		d.counts[i] = s.counts[i]
		if old != nil {
			d.counts[i] -= old.counts[i]
		}
	}
	return &d
}

// total returns the number of samples.
func (s *histSnapshot) total() uint64 {
	var n uint64
	for _, c := range s.counts {
		n += c
	}
	return n
}

// quantile returns the q-quantile (0 < q ≤ 1) in milliseconds, 0 without
// samples.
func (s *histSnapshot) quantile(q float64) float64 {
	n := s.total()
	if n == 0 {
		return 0
	}
	rank := uint64(q*float64(n) + 0.5)
	rank = max(rank, 1)
	var seen uint64
	for i, c := range s.counts {
		seen += c
		if seen >= rank {
			return bucketMid(i) / 1000
		}
	}
	return bucketMid(histBuckets-1) / 1000
}
