package http

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"parley/talks"
)

// The plots are SVG drawn by the templates from the geometry computed
// here, in a fixed 400 × 300 viewBox that scales to the page's width; the
// words on them (axis names, legends) are in the templates.
const (
	plotW, plotH           = 400.0, 300.0
	plotLeft, plotRight    = 46.0, 12.0
	plotTop, plotBottom    = 12.0, 40.0
	plotInnerW, plotInnerH = plotW - plotLeft - plotRight, plotH - plotTop - plotBottom
)

// plot is one chart's geometry.
type plot struct {
	// XName and YName name the axes' parties (utility plots) or are empty.
	XName, YName string
	XTicks       []tick
	YTicks       []tick
	// Frontier is an SVG polyline's points, "" for none.
	Frontier string
	Marks    []mark
	Paths    []polyline
}

// tick is an axis tick at a position along its axis.
type tick struct {
	Pos   float64
	Label string
	// Anchor is the label's text-anchor: start, middle or end.
	Anchor string
}

// mark is a labelled point.
type mark struct {
	X, Y  float64
	Label string
	Class string
	Title string
}

// polyline is a path with a mark at each vertex.
type polyline struct {
	Points string
	Class  string
	Name   string
	Marks  []mark
}

// Geometry the templates use.
func (plot) Width() float64  { return plotW }
func (plot) Height() float64 { return plotH }
func (plot) Left() float64   { return plotLeft }
func (plot) Right() float64  { return plotW - plotRight }
func (plot) Top() float64    { return plotTop }
func (plot) Bottom() float64 { return plotH - plotBottom }

func px(u float64) float64 { return plotLeft + u*plotInnerW }
func py(u float64) float64 { return plotTop + (1-u)*plotInnerH }

func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// utilityTicks are the ticks of a 0–1 utility axis.
func utilityTicks(pos func(float64) float64) []tick {
	var out []tick
	for _, u := range []float64{0, 0.25, 0.5, 0.75, 1} {
		out = append(out, tick{Pos: pos(u), Label: strconv.FormatFloat(u, 'f', -1, 64), Anchor: "middle"})
	}
	return out
}

// utilityPlot draws the utility space of two parties x and y: the
// frontier, the named solutions and each series of moves as a path.
func utilityPlot(x, y talks.PartyRef, frontier []talks.Point, solutions []mark, series []talks.DanceSeries) *plot {
	p := &plot{XName: x.Name, YName: y.Name, XTicks: utilityTicks(px), YTicks: utilityTicks(py)}
	pts := make([][2]float64, 0, len(frontier))
	for _, f := range frontier {
		pts = append(pts, [2]float64{f.Utilities[x.ID], f.Utilities[y.ID]})
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i][0] < pts[j][0] })
	var b strings.Builder
	for i, pt := range pts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(num(px(pt[0])) + "," + num(py(pt[1])))
	}
	p.Frontier = b.String()
	for _, s := range solutions {
		s.X, s.Y = px(s.X), py(s.Y)
		p.Marks = append(p.Marks, s)
	}
	for i, s := range series {
		pa := polyline{Class: "series" + strconv.Itoa(i%4), Name: s.Party.Name}
		var pb strings.Builder
		for k, mv := range s.Moves {
			mx, my := px(mv.Utilities[x.ID]), py(mv.Utilities[y.ID])
			if k > 0 {
				pb.WriteByte(' ')
			}
			pb.WriteString(num(mx) + "," + num(my))
			pa.Marks = append(pa.Marks, mark{X: mx, Y: my, Label: strconv.Itoa(k + 1), Title: s.Party.Name + " " + strconv.Itoa(k+1)})
		}
		pa.Points = pb.String()
		p.Paths = append(p.Paths, pa)
	}
	return p
}

// timePlot draws the utilities of one party's moves over time, one path
// per scoring party.
func timePlot(s talks.DanceSeries, scored []talks.PartyRef) *plot {
	p := &plot{YTicks: utilityTicks(py)}
	if len(s.Moves) == 0 {
		return p
	}
	t0, t1 := s.Moves[0].CreatedAt, s.Moves[len(s.Moves)-1].CreatedAt
	span := t1.Sub(t0)
	tx := func(t time.Time) float64 {
		if span <= 0 {
			return px(0.5)
		}
		return px(float64(t.Sub(t0)) / float64(span))
	}
	if span > 0 {
		p.XTicks = append(p.XTicks, tick{Pos: tx(t0), Label: t0.UTC().Format("2 Jan"), Anchor: "start"}, tick{Pos: tx(t1), Label: t1.UTC().Format("2 Jan"), Anchor: "end"})
	} else {
		p.XTicks = append(p.XTicks, tick{Pos: tx(t0), Label: t0.UTC().Format("2 Jan"), Anchor: "middle"})
	}
	for i, party := range scored {
		pa := polyline{Class: "series" + strconv.Itoa(i%4), Name: party.Name}
		var pb strings.Builder
		for k, mv := range s.Moves {
			mx, my := tx(mv.CreatedAt), py(mv.Utilities[party.ID])
			if k > 0 {
				pb.WriteByte(' ')
			}
			pb.WriteString(num(mx) + "," + num(my))
			pa.Marks = append(pa.Marks, mark{X: mx, Y: my, Label: strconv.Itoa(k + 1), Title: party.Name + " " + strconv.FormatFloat(mv.Utilities[party.ID], 'f', 2, 64)})
		}
		pa.Points = pb.String()
		p.Paths = append(p.Paths, pa)
	}
	return p
}
