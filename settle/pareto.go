package settle

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"strings"
)

// ReadParetoFile reads the points of an ANAC 2014 pareto.xml file as
// Genius does: every line holding a comma is "u1, u2"; other lines are
// ignored. Errors name the file and the line.
func ReadParetoFile(name string, data []byte) ([][]float64, error) {
	var pts [][]float64
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		t := sc.Text()
		if !strings.Contains(t, ",") {
			continue
		}
		parts := strings.Split(t, ",")
		if len(parts) != 2 {
			return nil, fmt.Errorf("settle: pareto %s: line %d: want two utilities separated by a comma", name, line)
		}
		var pt []float64
		for _, p := range parts {
			v, ok := javaDouble(p)
			if !ok {
				return nil, fmt.Errorf("settle: pareto %s: line %d: %q is not a number", name, line, strings.TrimSpace(p))
			}
			pt = append(pt, v)
		}
		pts = append(pts, pt)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("settle: pareto %s: %w", name, err)
	}
	if len(pts) == 0 {
		return nil, fmt.Errorf("settle: pareto %s: no points", name)
	}
	return pts, nil
}

// ParetoComparison compares a published frontier with an exact one.
type ParetoComparison struct {
	// Published counts the published points.
	Published int
	// OnFrontier counts the published points equal (within the tolerance)
	// to an exact frontier point.
	OnFrontier int
	// Dominated counts the published points some exact frontier point
	// beats by more than the tolerance for one party and equals or beats
	// for the others.
	Dominated int
	// Beyond counts published points no package reaches (none should).
	Beyond int
	// Missing counts the exact frontier points absent from the published
	// list.
	Missing int
	// Exact is the number of points on the exact frontier.
	Exact int
}

// Compare classifies published points against f, comparing utilities
// within tol (published files round to about 8 digits).
func (f *Frontier) Compare(published [][]float64, tol float64) ParetoComparison {
	c := ParetoComparison{Published: len(published), Exact: f.Len()}
	found := make([]bool, f.Len())
	for _, q := range published {
		on, dom := false, false
		for k, pt := range f.Points {
			if len(pt.Utilities) != len(q) {
				continue
			}
			eq, ge, gt := true, true, false
			for i, u := range pt.Utilities {
				d := u - q[i]
				eq = eq && math.Abs(d) <= tol
				ge = ge && d >= -tol
				gt = gt || d > tol
			}
			if eq {
				on, found[k] = true, true
			} else if ge && gt {
				dom = true
			}
		}
		switch {
		case on:
			c.OnFrontier++
		case dom:
			c.Dominated++
		default:
			c.Beyond++
		}
	}
	for _, ok := range found {
		if !ok {
			c.Missing++
		}
	}
	return c
}

// String renders the comparison in a sentence.
func (c ParetoComparison) String() string {
	return fmt.Sprintf("%d published points: %d on the exact frontier, %d strictly dominated by it, %d unreachable; the exact frontier has %d points, %d of them not published",
		c.Published, c.OnFrontier, c.Dominated, c.Beyond, c.Exact, c.Missing)
}
