package gorilla

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/neurokit/neurokit/transport"
)

// pingServer starts a raw gorilla server that pings the client once (with
// payload "hi") and reports each pong's payload on pongs: a pong proves
// that a Read of the client is in the socket, since only Read answers
// pings. It then reads until the connection ends and reports how on ended.
// With lateFrame, it answers the client's close frame with a data frame
// first, then its own close frame.
func pingServer(t *testing.T, lateFrame bool) (url string, pongs <-chan string, ended <-chan error) {
	t.Helper()
	pc := make(chan string, 1)
	ec := make(chan error, 1)
	url = rawServer(t, func(ws *websocket.Conn) {
		ws.SetPongHandler(func(data string) error {
			pc <- data
			return nil
		})
		if lateFrame {
			ws.SetCloseHandler(func(code int, _ string) error {
				deadline := time.Now().Add(testTimeout)
				_ = ws.WriteMessage(websocket.TextMessage, []byte("late"))
				return ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), deadline)
			})
		}
		if err := ws.WriteControl(websocket.PingMessage, []byte("hi"), time.Now().Add(testTimeout)); err != nil {
			ec <- err
			return
		}
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				ec <- err
				return
			}
		}
	})
	return url, pc, ec
}

// readAsync runs one Read in a goroutine and delivers its outcome.
func readAsync(ctx context.Context, c transport.Conn) <-chan readResult {
	ch := make(chan readResult, 1)
	go func() {
		f, err := c.Read(ctx)
		ch <- readResult{f, err}
	}()
	return ch
}

type readResult struct {
	frame []byte
	err   error
}

// TestPingAnsweredWhileReading: the peer's ping is answered, with its
// payload, by the Read in progress.
func TestPingAnsweredWhileReading(t *testing.T) {
	url, pongs, _ := pingServer(t, false)
	c := dialT(t, url, WithPingInterval(0))
	read := readAsync(context.Background(), c)
	if got := recv(t, pongs); got != "hi" {
		t.Fatalf("pong payload %q, want %q", got, "hi")
	}
	if err := c.CloseNow(); err != nil {
		t.Fatalf("CloseNow: %v", err)
	}
	if r := recv(t, read); !errors.Is(r.err, transport.ErrClosed) {
		t.Fatalf("Read = %q, %v; want ErrClosed", r.frame, r.err)
	}
}

// TestReadCancelledWhileReading: a ctx that ends while Read is in the
// socket closes the connection without a handshake: Read returns ctx.Err(),
// the peer sees 1006, later calls return ErrClosed and Close is quiet.
func TestReadCancelledWhileReading(t *testing.T) {
	url, pongs, ended := pingServer(t, false)
	c := dialT(t, url, WithPingInterval(0))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	read := readAsync(ctx, c)
	recv(t, pongs) // the Read is in the socket
	cancel()
	if r := recv(t, read); !errors.Is(r.err, context.Canceled) {
		t.Fatalf("Read = %q, %v; want context.Canceled", r.frame, r.err)
	}
	var wce *websocket.CloseError
	if err := recv(t, ended); !errors.As(err, &wce) || wce.Code != websocket.CloseAbnormalClosure {
		t.Fatalf("the peer saw %v, want an abnormal closure (1006)", err)
	}
	ctx = testCtx(t)
	if _, err := c.Read(ctx); !errors.Is(err, transport.ErrClosed) {
		t.Fatalf("Read after cancel = %v, want ErrClosed", err)
	}
	if err := c.Write(ctx, []byte("x")); !errors.Is(err, transport.ErrClosed) {
		t.Fatalf("Write after cancel = %v, want ErrClosed", err)
	}
	if err := c.Close(transport.CloseNormal, ""); err != nil {
		t.Fatalf("Close after cancel = %v, want nil", err)
	}
}

// TestReadCancelledBeforeSocket: a Read whose ctx ended before it reached
// the socket (already ended, or ending while it waits behind another Read)
// returns ctx.Err() and leaves the connection as it was.
func TestReadCancelledBeforeSocket(t *testing.T) {
	url := acceptServer(t, echo)
	c := dialT(t, url)
	cc := c.(*conn)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		busy bool // another Read holds the socket
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"ended before", false, func() (context.Context, context.CancelFunc) { return cancelled, func() {} }, context.Canceled},
		{"ended before, behind another Read", true, func() (context.Context, context.CancelFunc) { return cancelled, func() {} }, context.Canceled},
		{"deadline while behind another Read", true, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}, context.DeadlineExceeded},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.busy {
				cc.rsem <- struct{}{} // stands for a Read in progress
			}
			ctx, cancel := tt.ctx()
			defer cancel()
			_, err := c.Read(ctx)
			if tt.busy {
				<-cc.rsem
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Read = %v, want %v", err, tt.want)
			}
			msg := fmt.Sprint("after ", i)
			if err := c.Write(testCtx(t), []byte(msg)); err != nil {
				t.Fatalf("write: %v", err)
			}
			if f, err := c.Read(testCtx(t)); err != nil || string(f) != msg {
				t.Fatalf("read = %q, %v; want %q", f, err, msg)
			}
		})
	}
}

// TestCloseWhileReading: Close completes the handshake through the Read in
// progress, which drops a data frame that arrives meanwhile and returns
// ErrClosed; the peer sees the code and reason.
func TestCloseWhileReading(t *testing.T) {
	for _, late := range []bool{false, true} {
		t.Run(fmt.Sprintf("data frame before the answer %v", late), func(t *testing.T) {
			url, pongs, ended := pingServer(t, late)
			c := dialT(t, url, WithPingInterval(0), WithWriteTimeout(testTimeout))
			read := readAsync(context.Background(), c)
			recv(t, pongs) // the Read is in the socket
			if err := c.Close(4001, "bye"); err != nil {
				t.Fatalf("Close = %v, want a completed handshake", err)
			}
			if r := recv(t, read); !errors.Is(r.err, transport.ErrClosed) {
				t.Fatalf("Read = %q, %v; want ErrClosed", r.frame, r.err)
			}
			var wce *websocket.CloseError
			if err := recv(t, ended); !errors.As(err, &wce) || wce.Code != 4001 || wce.Text != "bye" {
				t.Fatalf("the peer saw %v, want 4001 bye", err)
			}
		})
	}
}

// TestCloseWakesWaitingReads: Close and CloseNow end the Read in the
// socket and the Read waiting behind it alike.
func TestCloseWakesWaitingReads(t *testing.T) {
	for _, now := range []bool{false, true} {
		t.Run(fmt.Sprintf("CloseNow %v", now), func(t *testing.T) {
			url := acceptServer(t, echo)
			c := dialT(t, url, WithWriteTimeout(testTimeout))
			first, second := readAsync(context.Background(), c), readAsync(context.Background(), c)
			var err error
			if now {
				err = c.CloseNow()
			} else {
				err = c.Close(transport.CloseNormal, "")
			}
			if err != nil {
				t.Fatalf("close: %v", err)
			}
			for _, read := range []<-chan readResult{first, second} {
				if r := recv(t, read); !errors.Is(r.err, transport.ErrClosed) {
					t.Fatalf("Read = %q, %v; want ErrClosed", r.frame, r.err)
				}
			}
		})
	}
}

// TestConcurrentReads: two goroutines reading at once get every frame
// exactly once between them.
func TestConcurrentReads(t *testing.T) {
	const n = 200
	url := acceptServer(t, echo)
	c := dialT(t, url)
	frames := make(chan string, n)
	done := make(chan error, 2)
	for range 2 {
		go func() {
			for {
				f, err := c.Read(context.Background())
				if err != nil {
					done <- err
					return
				}
				frames <- string(f)
			}
		}()
	}
	ctx := testCtx(t)
	var want []string
	for i := range n {
		want = append(want, fmt.Sprint(i))
		if err := c.Write(ctx, []byte(want[i])); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	var got []string
	for range n {
		got = append(got, recv(t, frames))
	}
	if err := c.CloseNow(); err != nil {
		t.Fatalf("CloseNow: %v", err)
	}
	for range 2 {
		if err := recv(t, done); !errors.Is(err, transport.ErrClosed) {
			t.Fatalf("reader ended with %v, want ErrClosed", err)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("frames read %v, want each of %v once", got, want)
	}
}

// TestKeepAlive: a peer that answers pings keeps a connection with a Read
// in progress open for several pong timeouts (generous ones: a loaded
// machine must not see a false dead peer).
func TestKeepAlive(t *testing.T) {
	url := acceptServer(t, echo, WithPingInterval(0))
	c := dialT(t, url, WithPingInterval(50*time.Millisecond), WithPongTimeout(800*time.Millisecond))
	read := readAsync(context.Background(), c)
	select {
	case r := <-read:
		t.Fatalf("idle Read = %q, %v; want it still waiting", r.frame, r.err)
	case <-time.After(3 * time.Second): // the idle stretch under test, not a synchronisation
	}
	if err := c.Write(testCtx(t), []byte("still here")); err != nil {
		t.Fatalf("write: %v", err)
	}
	if r := recv(t, read); r.err != nil || string(r.frame) != "still here" {
		t.Fatalf("read = %q, %v", r.frame, r.err)
	}
}

// TestKeepAliveOutsideRead: time spent outside Read is not held against
// the peer, whose pongs nobody reads meanwhile: a Read after a long pause
// gets the frame waiting for it rather than a dead-peer error.
func TestKeepAliveOutsideRead(t *testing.T) {
	const pongTimeout = 300 * time.Millisecond
	url := acceptServer(t, echo, WithPingInterval(0))
	c := dialT(t, url, WithPingInterval(20*time.Millisecond), WithPongTimeout(pongTimeout))
	if err := c.Write(testCtx(t), []byte("later")); err != nil {
		t.Fatalf("write: %v", err)
	}
	<-time.After(4 * pongTimeout) // the pause under test, not a synchronisation
	if f, err := c.Read(testCtx(t)); err != nil || string(f) != "later" {
		t.Fatalf("read after a pause = %q, %v", f, err)
	}
}

// TestReadCtxOfEarlierRead: the end of a ctx that an earlier Read used
// closes nothing, whether it ends between Reads or while a Read with
// another ctx is in the socket; the ctx of the Read in the socket still
// aborts it. (ctxEnded is called directly: it stands for the function
// context.AfterFunc runs, whose timing a test cannot control, and for the
// case where stopping the registration came too late.)
func TestReadCtxOfEarlierRead(t *testing.T) {
	url, pongs, ended := pingServer(t, false)
	c := dialT(t, url, WithPingInterval(0))
	cc := c.(*conn)

	first, cancelFirst := context.WithCancel(context.Background())
	defer cancelFirst()
	cc.rsem <- struct{}{} // a Read with first that got its frame
	gen, err := cc.enterSocket(first)
	if err != nil || gen == 0 {
		t.Fatalf("enterSocket = %d, %v", gen, err)
	}
	if !cc.leaveSocket(gen) {
		t.Fatalf("left the socket aborted")
	}
	<-cc.rsem
	cc.ctxEnded(gen) // first ends between Reads

	second, cancelSecond := context.WithCancel(context.Background())
	defer cancelSecond()
	read := readAsync(second, c)
	recv(t, pongs)   // the Read with second is in the socket
	cc.ctxEnded(gen) // first ends while it is there
	cancelFirst()
	if err := c.Write(testCtx(t), []byte("x")); err != nil {
		t.Fatalf("write after the first ctx ended: %v", err)
	}
	cancelSecond()
	if r := recv(t, read); !errors.Is(r.err, context.Canceled) {
		t.Fatalf("Read = %q, %v; want context.Canceled", r.frame, r.err)
	}
	recv(t, ended)
}

// ownCtx is a context of a type package context does not know, whose end
// context.AfterFunc watches with a goroutine: a watch that Close failed to
// release would leak it, and goleak would fail the package.
type ownCtx struct {
	context.Context
	done chan struct{}
}

func (c ownCtx) Done() <-chan struct{} { return c.done }

// TestCloseReleasesReadCtx: a ctx that outlives the connection is not
// watched any more once the connection is closed.
func TestCloseReleasesReadCtx(t *testing.T) {
	url := acceptServer(t, echo)
	for _, now := range []bool{false, true} {
		c := dialT(t, url)
		ctx := ownCtx{Context: context.Background(), done: make(chan struct{})} // never ends
		for i := range 3 {
			if err := c.Write(ctx, []byte(fmt.Sprint(i))); err != nil {
				t.Fatalf("write: %v", err)
			}
			if f, err := c.Read(ctx); err != nil || string(f) != fmt.Sprint(i) {
				t.Fatalf("read = %q, %v", f, err)
			}
		}
		if c.(*conn).watch.Load() == nil {
			t.Fatalf("no watch registered for the Read's ctx")
		}
		if now {
			_ = c.CloseNow()
		} else if err := c.Close(transport.CloseNormal, ""); err != nil {
			t.Fatalf("close: %v", err)
		}
		if c.(*conn).watch.Load() != nil {
			t.Fatalf("the watch outlived the connection")
		}
	}
}
