package settle

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Elicitor estimates a party's linear additive profile from its answers
// to comparisons "which of these two packages do you prefer?", for a
// party that cannot state weights. It keeps a sample of profiles (weights
// uniform on the simplex, option scores uniform in [0,1] a priori) weighted
// by how well each explains the answers, with a logistic answer model that
// tolerates the odd inconsistent answer; it picks each next question as
// the pair of packages whose answer the sample is most uncertain about
// (the largest expected information). It is not safe for concurrent use.
type Elicitor struct {
	d       *Domain
	r       *rand.Rand
	parts   []elicitParticle
	logw    []float64
	answers []elicitAnswer
	// Asked counts the answers given so far.
	Asked int
}

// elicitParticle is one candidate profile: contribution c[i][o] = w_i ·
// s_io, and the utility differences it gives the answered pairs.
type elicitParticle struct {
	w     []float64
	s     [][]float64
	delta []float64
}

type elicitAnswer struct {
	a, b Package
	y    float64 // +1 when a was preferred, −1 when b was
}

// Elicitation parameters: sample size, answer sharpness (a utility
// difference of 0.1 makes the preferred answer e^(elicitBeta·0.1) times
// likelier), rejuvenation moves per answer, candidate questions examined.
const (
	elicitParticles  = 1000
	elicitBeta       = 40.0
	elicitMoves      = 8
	elicitCandidates = 200
	elicitJudges     = 250 // profiles drawn to judge the candidate questions
	// MaxElicitOptions bounds the options of an issue the Elicitor scores
	// one by one.
	MaxElicitOptions = 64
)

// NewElicitor starts eliciting a profile over d.
func NewElicitor(d *Domain, seed uint64) (*Elicitor, error) {
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("settle: elicit: %w", err)
	}
	for _, is := range d.Issues {
		if is.Len() > MaxElicitOptions {
			return nil, fmt.Errorf("settle: elicit: issue %s has %d options, more than %d", is.Name, is.Len(), MaxElicitOptions)
		}
	}
	e := &Elicitor{d: d, r: rand.New(rand.NewPCG(seed, 0xe11c17))}
	for range elicitParticles {
		e.parts = append(e.parts, e.prior())
	}
	e.logw = make([]float64, elicitParticles)
	return e, nil
}

// prior draws a profile: weights uniform on the simplex, scores uniform.
func (e *Elicitor) prior() elicitParticle {
	n := len(e.d.Issues)
	p := elicitParticle{w: make([]float64, n), s: make([][]float64, n)}
	sum := 0.0
	for i := range n {
		p.w[i] = -math.Log(1 - e.r.Float64())
		sum += p.w[i]
		p.s[i] = make([]float64, e.d.Issues[i].Len())
		for o := range p.s[i] {
			p.s[i][o] = e.r.Float64()
		}
	}
	for i := range p.w {
		p.w[i] /= sum
	}
	return p
}

// diff is u(a) − u(b) under particle p.
func (p *elicitParticle) diff(a, b Package) float64 {
	d := 0.0
	for i := range a {
		if a[i] != b[i] {
			d += p.w[i] * (p.s[i][a[i]] - p.s[i][b[i]])
		}
	}
	return d
}

// logLik is the log-likelihood of the answers given the cached deltas.
func logLik(delta []float64, answers []elicitAnswer) float64 {
	ll := 0.0
	for k, a := range answers {
		ll -= math.Log1p(math.Exp(-elicitBeta * a.y * delta[k]))
	}
	return ll
}

// Answer records that the party prefers a to b (preferA) or b to a.
func (e *Elicitor) Answer(a, b Package, preferA bool) error {
	for _, pkg := range []Package{a, b} {
		if len(pkg) != len(e.d.Issues) {
			return fmt.Errorf("settle: elicit: package has %d issues, domain has %d", len(pkg), len(e.d.Issues))
		}
		for i, o := range pkg {
			if o < 0 || o >= e.d.Issues[i].Len() {
				return fmt.Errorf("settle: elicit: issue %s: option %d out of range", e.d.Issues[i].Name, o)
			}
		}
	}
	y := -1.0
	if preferA {
		y = 1
	}
	ans := elicitAnswer{a: slices.Clone(a), b: slices.Clone(b), y: y}
	e.answers = append(e.answers, ans)
	e.Asked++
	for k := range e.parts {
		p := &e.parts[k]
		d := p.diff(a, b)
		p.delta = append(p.delta, d)
		e.logw[k] -= math.Log1p(math.Exp(-elicitBeta * y * d))
	}
	if e.ess() < elicitParticles/2 {
		e.resample()
	}
	return nil
}

// weights returns the normalised particle weights.
func (e *Elicitor) weights() []float64 {
	top := slices.Max(e.logw)
	w := make([]float64, len(e.logw))
	sum := 0.0
	for k, l := range e.logw {
		w[k] = math.Exp(l - top)
		sum += w[k]
	}
	for k := range w {
		w[k] /= sum
	}
	return w
}

// ess is the effective sample size.
func (e *Elicitor) ess() float64 {
	sq := 0.0
	for _, w := range e.weights() {
		sq += w * w
	}
	return 1 / sq
}

// resample draws particles in proportion to their weights (systematic
// resampling), then moves each by Metropolis steps that keep the
// posterior, so that the sample does not collapse onto a few profiles.
func (e *Elicitor) resample() {
	w := e.weights()
	n := len(e.parts)
	next := make([]elicitParticle, n)
	u := e.r.Float64() / float64(n)
	acc, k := w[0], 0
	for j := range n {
		for u > acc && k < n-1 {
			k++
			acc += w[k]
		}
		next[j] = e.parts[k].clone()
		u += 1 / float64(n)
	}
	e.parts = next
	clear(e.logw)
	for j := range e.parts {
		for range elicitMoves {
			e.move(&e.parts[j])
		}
	}
}

func (p *elicitParticle) clone() elicitParticle {
	c := elicitParticle{w: slices.Clone(p.w), s: make([][]float64, len(p.s)), delta: slices.Clone(p.delta)}
	for i := range p.s {
		c.s[i] = slices.Clone(p.s[i])
	}
	return c
}

// move is one Metropolis step: either some weight moves between two
// issues, or one option's score moves; the prior is uniform, so the
// acceptance ratio is the likelihood ratio.
func (e *Elicitor) move(p *elicitParticle) {
	n := len(p.w)
	old := logLik(p.delta, e.answers)
	nd := make([]float64, len(p.delta))
	if n > 1 && e.r.IntN(2) == 0 {
		i, j := e.r.IntN(n), e.r.IntN(n-1)
		if j >= i {
			j++
		}
		eps := e.r.NormFloat64() * 0.05
		wi, wj := p.w[i]+eps, p.w[j]-eps
		if wi < 0 || wj < 0 {
			return
		}
		for k, a := range e.answers {
			nd[k] = p.delta[k] + eps*(p.s[i][a.a[i]]-p.s[i][a.b[i]]) - eps*(p.s[j][a.a[j]]-p.s[j][a.b[j]])
		}
		if math.Log(e.r.Float64()) < logLik(nd, e.answers)-old {
			p.w[i], p.w[j] = wi, wj
			copy(p.delta, nd)
		}
		return
	}
	i := e.r.IntN(n)
	o := e.r.IntN(len(p.s[i]))
	v := p.s[i][o] + e.r.NormFloat64()*0.15
	if v < 0 || v > 1 {
		return
	}
	dv := v - p.s[i][o]
	for k, a := range e.answers {
		nd[k] = p.delta[k]
		if a.a[i] == o {
			nd[k] += p.w[i] * dv
		}
		if a.b[i] == o {
			nd[k] -= p.w[i] * dv
		}
	}
	if math.Log(e.r.Float64()) < logLik(nd, e.answers)-old {
		p.s[i][o] = v
		copy(p.delta, nd)
	}
}

// Next returns the next question: of a pool of random pairs of packages
// (half of them differing on two issues only, the classic trade-off
// question), the one whose answer is expected to tell the most about the
// profile.
func (e *Elicitor) Next() (a, b Package) {
	// Judge the candidates on a weighted subsample of the profiles.
	w := e.weights()
	var sub []*elicitParticle
	u := e.r.Float64() / elicitJudges
	acc, k := w[0], 0
	for range elicitJudges {
		for u > acc && k < len(w)-1 {
			k++
			acc += w[k]
		}
		sub = append(sub, &e.parts[k])
		u += 1.0 / elicitJudges
	}
	best := -1.0
	n := len(e.d.Issues)
	for c := range elicitCandidates {
		x := e.randomPackage()
		y := slices.Clone(x)
		if c%2 == 0 || n < 2 {
			y = e.randomPackage()
		} else {
			for _, i := range e.r.Perm(n)[:2] {
				if k := e.d.Issues[i].Len(); k > 1 {
					y[i] = (x[i] + 1 + e.r.IntN(k-1)) % k
				}
			}
		}
		if slices.Equal(x, y) {
			continue
		}
		// Mutual information between the answer and the profile.
		pm, hc := 0.0, 0.0
		for _, p := range sub {
			q := 1 / (1 + math.Exp(-elicitBeta*p.diff(x, y)))
			pm += q / elicitJudges
			hc += entropy2(q) / elicitJudges
		}
		if mi := entropy2(pm) - hc; mi > best {
			best, a, b = mi, x, y
		}
	}
	if a == nil {
		a, b = e.randomPackage(), e.randomPackage()
	}
	return a, b
}

// RandomPair returns two packages drawn uniformly, from the Elicitor's own
// random source.
func (e *Elicitor) RandomPair() (a, b Package) { return e.randomPackage(), e.randomPackage() }

func entropy2(p float64) float64 {
	if p <= 0 || p >= 1 {
		return 0
	}
	return -p*math.Log(p) - (1-p)*math.Log(1-p)
}

func (e *Elicitor) randomPackage() Package {
	pkg := make(Package, len(e.d.Issues))
	for i := range pkg {
		pkg[i] = e.r.IntN(e.d.Issues[i].Len())
	}
	return pkg
}

// WeightEstimate is the estimate of one issue's weight.
type WeightEstimate struct {
	// Issue names the issue.
	Issue string
	// Mean is the posterior mean weight.
	Mean float64
	// StdDev is the posterior standard deviation: the confidence in the
	// weight (smaller is surer).
	StdDev float64
	// Low and High bound the central 90% of the posterior.
	Low, High float64
}

// Elicitation is the current estimate of the party's profile.
type Elicitation struct {
	// Profile is the posterior mean profile: weights sum to 1, each
	// issue's scores are the mean of scores rescaled to run from 0 (worst
	// option) to 1 (best). Its reservation value is 0; set it apart.
	Profile *Profile
	// Weights gives each issue's weight with its uncertainty, in domain
	// order.
	Weights []WeightEstimate
	// Questions counts the answers the estimate rests on.
	Questions int
}

// canonical rescales a particle's contributions to weights summing to 1
// and scores from 0 to 1 per issue; preferences are unchanged.
func (p *elicitParticle) canonical() (w []float64, s [][]float64) {
	w = make([]float64, len(p.w))
	s = make([][]float64, len(p.s))
	sum := 0.0
	for i := range p.w {
		lo, hi := slices.Min(p.s[i]), slices.Max(p.s[i])
		w[i] = p.w[i] * (hi - lo)
		sum += w[i]
		s[i] = make([]float64, len(p.s[i]))
		for o, v := range p.s[i] {
			if hi > lo {
				s[i][o] = (v - lo) / (hi - lo)
			}
		}
	}
	for i := range w {
		if sum > 0 {
			w[i] /= sum
		} else {
			w[i] = 1 / float64(len(w))
		}
	}
	return w, s
}

// Estimate returns the current estimate.
func (e *Elicitor) Estimate() *Elicitation {
	pw := e.weights()
	n := len(e.d.Issues)
	ws := make([][]float64, len(e.parts))
	meanW := make([]float64, n)
	meanS := make([][]float64, n)
	for i := range n {
		meanS[i] = make([]float64, e.d.Issues[i].Len())
	}
	for k := range e.parts {
		w, s := e.parts[k].canonical()
		ws[k] = w
		for i := range n {
			meanW[i] += pw[k] * w[i]
			for o := range s[i] {
				meanS[i][o] += pw[k] * s[i][o]
			}
		}
	}
	el := &Elicitation{Questions: e.Asked, Profile: &Profile{Name: "elicited", Weights: map[string]float64{}, Scores: map[string]Scoring{}}}
	sum := 0.0
	for i := range n {
		sum += meanW[i]
	}
	for i, is := range e.d.Issues {
		v := 0.0
		type wq struct{ x, p float64 }
		q := make([]wq, len(e.parts))
		for k := range e.parts {
			dx := ws[k][i] - meanW[i]
			v += pw[k] * dx * dx
			q[k] = wq{ws[k][i], pw[k]}
		}
		slices.SortFunc(q, func(a, b wq) int {
			switch {
			case a.x < b.x:
				return -1
			case a.x > b.x:
				return 1
			}
			return 0
		})
		quantile := func(f float64) float64 {
			c := 0.0
			for _, x := range q {
				if c += x.p; c >= f {
					return x.x
				}
			}
			return q[len(q)-1].x
		}
		el.Weights = append(el.Weights, WeightEstimate{Issue: is.Name, Mean: meanW[i] / sum, StdDev: math.Sqrt(v), Low: quantile(0.05), High: quantile(0.95)})
		el.Profile.Weights[is.Name] = meanW[i] / sum
		sc := map[string]float64{}
		for o, v := range meanS[i] {
			sc[is.Label(o)] = min(max(v, 0), 1)
		}
		el.Profile.Scores[is.Name] = Scoring{Options: sc}
	}
	return el
}
