package dashboard_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/neurokit/neurokit/neuro/server"
	"github.com/neurokit/neurokit/neuro/server/dashboard"
)

// The dashboard next to the simulator's own HTTP API, as
// cmd/neuro-server serves them: GET / is the page, the rest of the
// simulator's routes are unchanged.
func Example() {
	s := server.New()
	defer s.Close()
	d, err := dashboard.New(s)
	if err != nil {
		panic(err)
	}
	defer d.Close() // before the listener: it ends the live streams

	mux := http.NewServeMux()
	mux.Handle("GET /{$}", d.Handler())
	mux.Handle(dashboard.PathPrefix, d.Handler())
	mux.Handle("/", s.HTTPHandler())
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
	// Output: 200 text/html; charset=utf-8
}

// An operator answers forces from the page; forces nobody answers within
// a minute go to the random policy.
func ExampleOperator() {
	op := dashboard.NewOperator(server.NewRandomPolicy(1), dashboard.OperatorTimeout(time.Minute))
	s := server.New(server.WithPolicy(op))
	defer s.Close()
	d, err := dashboard.New(s, dashboard.WithOperator(op))
	if err != nil {
		panic(err)
	}
	defer d.Close()

	// The page's switch calls SetEnabled; its answers call Answer.
	op.SetEnabled(false)
	fmt.Println("operator on:", op.Enabled(), "waiting:", len(op.Waiting()))
	// Output: operator on: false waiting: 0
}
