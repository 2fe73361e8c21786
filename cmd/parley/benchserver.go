package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"parley"
	"parley/internal/fixture"
	"parley/talks"
)

// The HTTP bench's server: a parley serve subprocess on a fresh data
// directory (or a running server given by --url), and the talks the bench
// sets up in it over the API.

// selfCommand returns a command that runs this binary with args. Tests of
// package main re-execute the test binary, whose TestMain runs Main when
// PARLEY_AS_MAIN is set.
func selfCommand(args ...string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "PARLEY_AS_MAIN=1")
	return cmd, nil
}

// localServer is a parley serve subprocess.
type localServer struct {
	cmd      *exec.Cmd
	url      string
	debugURL string
	// logs holds what the server wrote to stderr.
	logs fixture.Buffer
	done chan error
	once sync.Once
}

// startServer runs parley serve with args on 127.0.0.1:0 with a debug
// listener, and returns once it listens.
func startServer(ctx context.Context, args ...string) (*localServer, error) {
	cmd, err := selfCommand(append([]string{"serve", "--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0"}, args...)...)
	if err != nil {
		return nil, err
	}
	s := &localServer{cmd: cmd, done: make(chan error, 1)}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = &s.logs
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if v, ok := strings.CutPrefix(line, "parley debug endpoints on "); ok {
				s.debugURL = strings.TrimSuffix(v, "/debug/")
			}
			if _, v, ok := strings.Cut(line, "parley listening on "); ok {
				s.url, _, _ = strings.Cut(v, " ")
				close(ready)
			}
		}
		io.Copy(io.Discard, out)
	}()
	go func() { s.done <- cmd.Wait() }()
	select {
	case <-ready:
		return s, nil
	case err := <-s.done:
		return nil, fmt.Errorf("server did not start (%v): %s", err, s.logs.String())
	case <-ctx.Done():
		cmd.Process.Kill()
		return nil, ctx.Err()
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		return nil, fmt.Errorf("server did not start within a minute: %s", s.logs.String())
	}
}

// stop ends the server cleanly (SIGTERM), or kills it after 10 s.
func (s *localServer) stop() {
	s.once.Do(func() {
		s.cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
		}
	})
}

// errorLines returns the lines the server logged at level ERROR.
func (s *localServer) errorLines() []string {
	var out []string
	for _, l := range strings.Split(s.logs.String(), "\n") {
		if strings.Contains(l, "level=ERROR") {
			out = append(out, l)
		}
	}
	return out
}

// adminToken creates an administrator in the deployment d (a fresh one)
// and returns a bearer token for it, before the server starts.
func adminToken(ctx context.Context, d *deployment) (string, error) {
	a, err := d.open(ctx, "parley.bench/ledger", true)
	if err != nil {
		return "", err
	}
	defer a.Close()
	op, err := a.talks.CreateUser(ctx, nil, talks.NewUser{Name: "bench-operator", Password: randomSecret(), Admin: true})
	if err != nil {
		return "", err
	}
	tok, _, err := a.auth.IssueToken(ctx, op, "bench")
	return tok, err
}

func randomSecret() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// apiClient calls the JSON API of one server.
type apiClient struct {
	base string
	hc   *http.Client
}

// call sends a JSON request with a bearer token (or a cookie header) and
// decodes a 2xx answer into out.
func (c *apiClient) call(ctx context.Context, auth, method, path string, in, out any) (*http.Response, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	for {
		req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
		if err != nil {
			return nil, err
		}
		if in != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if strings.HasPrefix(auth, "Cookie ") {
			req.Header.Set("Cookie", strings.TrimPrefix(auth, "Cookie "))
		} else if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		resp, err := c.hc.Do(req)
		if err != nil {
			return nil, err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests && in != nil {
			// Sign-in limits: wait as told and send again.
			wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			select {
			case <-time.After(time.Duration(max(wait, 1)) * time.Second):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			b, _ := json.Marshal(in)
			body = bytes.NewReader(b)
			continue
		}
		if resp.StatusCode/100 != 2 {
			return nil, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(b))
		}
		if out != nil {
			if err := json.Unmarshal(b, out); err != nil {
				return nil, fmt.Errorf("%s %s: %w", method, path, err)
			}
		}
		return resp, nil
	}
}

// benchTalks is what the bench set up: talks with a mediator and N
// parties, and a bearer token for each of their users.
type benchTalks struct {
	ID string
	// Mediator is the mediator's token; Parties[i] the token of the head
	// of party i, whose caucus is Rooms[i].
	Mediator string
	Parties  []string
	Rooms    []string
}

// setupTalks creates, through the API with an administrator's token,
// accounts for a mediator and n party heads, talks with their delegations,
// and a bearer token for each account (signing each in once).
func setupTalks(ctx context.Context, c *apiClient, admin string, n int) (*benchTalks, error) {
	run := randomSecret()[:6]
	var t struct{ ID string }
	if _, err := c.call(ctx, admin, "POST", "/api/v1/talks", map[string]string{"title": "Bench " + run}, &t); err != nil {
		return nil, err
	}
	bt := &benchTalks{ID: t.ID}
	type account struct{ name, slug, password string }
	med := account{"bench-" + run + "-med", "med", randomSecret()}
	var parties []account
	for i := range n {
		parties = append(parties, account{fmt.Sprintf("bench-%s-p%d", run, i), fmt.Sprintf("party-%d", i), randomSecret()})
	}
	talksPath := "/api/v1/talks/" + t.ID
	for _, a := range append([]account{med}, parties...) {
		kind := parley.KindParty
		if a == med {
			kind = parley.KindMediator
		}
		if _, err := c.call(ctx, admin, "POST", "/api/v1/users", talks.NewUser{Name: a.name, DisplayName: a.name, Password: a.password}, nil); err != nil {
			return nil, err
		}
		if _, err := c.call(ctx, admin, "POST", talksPath+"/delegations", talks.NewDelegation{Name: a.slug, Slug: a.slug, Kind: kind}, nil); err != nil {
			return nil, err
		}
	}
	token := func(a account) (string, error) {
		resp, err := c.call(ctx, "", "POST", "/api/v1/login", map[string]string{"name": a.name, "password": a.password}, nil)
		if err != nil {
			return "", err
		}
		var cookies []string
		for _, ck := range resp.Cookies() {
			cookies = append(cookies, ck.Name+"="+ck.Value)
		}
		var tc struct{ Token string }
		if _, err := c.call(ctx, "Cookie "+strings.Join(cookies, "; "), "POST", "/api/v1/tokens", map[string]string{"name": "bench"}, &tc); err != nil {
			return "", err
		}
		return tc.Token, nil
	}
	// The operator seats the mediator, who seats the head of each party.
	if _, err := c.call(ctx, admin, "POST", talksPath+"/delegations/med/members", talks.NewMember{User: med.name, Role: parley.RoleHead}, nil); err != nil {
		return nil, err
	}
	var err error
	if bt.Mediator, err = token(med); err != nil {
		return nil, err
	}
	for _, p := range parties {
		if _, err := c.call(ctx, bt.Mediator, "POST", talksPath+"/delegations/"+p.slug+"/members", talks.NewMember{User: p.name, Role: parley.RoleHead}, nil); err != nil {
			return nil, err
		}
		tok, err := token(p)
		if err != nil {
			return nil, err
		}
		bt.Parties = append(bt.Parties, tok)
		bt.Rooms = append(bt.Rooms, parley.CaucusRoom(p.slug))
	}
	return bt, nil
}

// debugClient reads a server's debug listener.
type debugClient struct {
	base string
	hc   *http.Client
}

// stats reads the server's process figures; gc forces a collection first
// and returns freed memory to the system, so that the heap and RSS reflect
// what is live.
func (d *debugClient) stats(ctx context.Context, gc bool) (procStats, error) {
	var st procStats
	if d == nil {
		return st, errors.New("no debug listener")
	}
	path := debugPath
	if gc {
		path += "?gc=1"
	}
	var b bytes.Buffer
	if err := d.fetch(ctx, path, &b); err != nil {
		return st, err
	}
	return st, json.Unmarshal(b.Bytes(), &st)
}

// fetch copies a debug resource to w.
func (d *debugClient) fetch(ctx context.Context, path string, w io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, "GET", d.base+path, nil)
	if err != nil {
		return err
	}
	resp, err := d.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	_, err = io.Copy(w, resp.Body)
	return err
}

// profile saves the server's CPU profile over dur and then its heap and
// goroutine profiles and an execution trace over half of dur in dir.
func (d *debugClient) profile(ctx context.Context, dir string, dur time.Duration) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	save := func(name, path string) error {
		var b bytes.Buffer
		if err := d.fetch(ctx, path, &b); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644)
	}
	if err := save("cpu.pprof", fmt.Sprintf("/debug/pprof/profile?seconds=%d", max(int(dur.Seconds()), 1))); err != nil {
		return err
	}
	if err := save("heap.pprof", "/debug/pprof/heap"); err != nil {
		return err
	}
	if err := save("goroutine.pprof", "/debug/pprof/goroutine"); err != nil {
		return err
	}
	// An execution trace shows the time off the CPU: waiting for the disk
	// (go tool trace -pprof=syscall), for a CPU (-pprof=sched), for locks
	// and channels (-pprof=sync).
	return save("trace.out", fmt.Sprintf("/debug/pprof/trace?seconds=%d", max(int(dur.Seconds())/2, 1)))
}

// loadAverage returns the 1-minute load average, or -1 where unknown.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}

// onceErr keeps the first error reported.
type onceErr struct {
	mu  sync.Mutex
	err error
}

func (o *onceErr) set(err error) {
	o.mu.Lock()
	if o.err == nil {
		o.err = err
	}
	o.mu.Unlock()
}

func (o *onceErr) get() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err
}
