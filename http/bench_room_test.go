package http_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"parley"
	parleyhttp "parley/http"
	"parley/internal/fixture"
	"parley/scenario"
)

// BenchmarkRoomPage is the page read most: the mediators' view of a
// party's caucus in the seed talks (session, scope, the newest page of
// messages, relays, unread state, the template).
func BenchmarkRoomPage(b *testing.B) {
	c, base := seedServer(b, "al-thani")
	benchPage(b, c, base+"/rooms/caucus:hamas", `id="messages"`)
}

// BenchmarkPostAPI is the command path over HTTP in one process, without
// a network: bearer token, decoding, the service's post (scope, ledger
// append, commit with fsync, publication) and the JSON answer.
// writers=N posts from N goroutines at once, sharing commits.
func BenchmarkPostAPI(b *testing.B) {
	for _, writers := range []int{1, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			ctx := context.Background()
			env := fixture.Open(b)
			f, err := scenario.Parse(scenario.Seed)
			if err != nil {
				b.Fatal(err)
			}
			res, err := scenario.Load(ctx, env.Talks, f, fixture.Password)
			if err != nil {
				b.Fatal(err)
			}
			var u *parley.User
			env.Store.View(ctx, func(tx parley.Tx) error {
				u, err = tx.UserByName(ctx, "netanyahu")
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			tok, _, err := env.Auth.IssueToken(ctx, u, "bench")
			if err != nil {
				b.Fatal(err)
			}
			h := parleyhttp.NewServer(env.Talks, env.Auth)
			h.ScaleLimits(100000) // one account posting flat out
			path := "/api/v1/talks/" + res.TalksID + "/rooms/caucus:israel/messages"
			body := []byte(`{"text":"` + strings.Repeat("w", 200) + `"}`)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						req := httptest.NewRequest("POST", path, bytes.NewReader(body))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("Authorization", "Bearer "+tok)
						w := httptest.NewRecorder()
						h.ServeHTTP(w, req)
						if w.Code != http.StatusCreated {
							b.Errorf("%d %s", w.Code, w.Body)
							return
						}
						io.Copy(io.Discard, w.Result().Body)
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
		})
	}
}
