package voice

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/neurokit/neurokit/events"
	"github.com/neurokit/neurokit/manager"
)

// Defaults of the Component.
const (
	// DefaultComponentName is the Component's name in its manager.
	DefaultComponentName = "voice"
	// DefaultReconnectMin and DefaultReconnectMax bound the wait before
	// the Component opens again a voice socket that failed or dropped
	// while the main connection is up; it doubles after each failure.
	DefaultReconnectMin = time.Second
	DefaultReconnectMax = 30 * time.Second
	// DefaultReconnectAttempts is how many times in a row it tries before
	// it gives up until the next main connection.
	DefaultReconnectAttempts = 5
)

type componentOptions struct {
	name               string
	retryMin, retryMax time.Duration
	retries            int
}

func defaultComponentOptions() componentOptions {
	return componentOptions{name: DefaultComponentName, retryMin: DefaultReconnectMin,
		retryMax: DefaultReconnectMax, retries: DefaultReconnectAttempts}
}

// WithComponentName sets the Component's name in its manager. Component
// only. Defaults to "voice".
func WithComponentName(name string) Option {
	return optionFunc(func(o *options) {
		if name != "" {
			o.comp.name = name
		}
	})
}

// WithReconnect sets how the Component re-opens a voice socket that
// failed or dropped while the main connection is up: after lo, doubling
// up to hi, at most attempts times in a row, then not before the next
// main connection. A server without voice chat (ErrUnavailable) is never
// retried before the next main connection. Values <= 0 keep the
// defaults (1s, 30s, 5). Component only.
func WithReconnect(lo, hi time.Duration, attempts int) Option {
	return optionFunc(func(o *options) {
		if lo > 0 {
			o.comp.retryMin = lo
		}
		if hi > 0 {
			o.comp.retryMax = hi
		}
		o.comp.retryMax = max(o.comp.retryMax, o.comp.retryMin)
		if attempts > 0 {
			o.comp.retries = attempts
		}
	})
}

// Component is the voice channel as a manager component, paired with the
// main connection: add it to the game's manager next to the Neuro
// component and it opens the voice socket once the main connection is up
// (events.Connected), closes it when that drops (events.Disconnected),
// and opens it again, registering the game's speakers again, on
// events.Reconnected. The voice URL comes from those events' URL (see
// URL). Open runs it without a main connection (voice-only).
//
// It raises the voice events of package events on its manager, in the
// order the server's messages came, each once its handlers returned (as
// the Neuro component does for its lifecycle events): VoiceReady,
// VoiceUnavailable, VoiceSpeaking, VoiceCancelled, VoiceEnded. Their
// handlers should return quickly (Neuro's voice is not read meanwhile).
// A server without voice chat yields one VoiceUnavailable and no retry
// before the next main connection: the game plays on without voice. A
// voice socket that fails while the main connection is up is re-opened
// with backoff (WithReconnect).
//
// Speakers are registered with Register whenever the game likes: they
// outlive sessions and are announced at every voice/ready. Send,
// NewStream and ReadAudio carry the audio as on the Client.
//
// The Component runs one goroutine while voice is wanted (the session
// loop, which runs the Client's Serve); Stop ends it and joins it. Every
// method is safe for concurrent use.
type Component struct {
	manager.Base

	client *Client
	o      *options
	log    *zap.Logger

	// hctx is given to the handlers of the events it raises; it carries
	// componentKey and is cancelled when Stop gives up waiting.
	hctx    context.Context
	hcancel context.CancelFunc
	// stopCtx is cancelled by Stop: it ends a running Serve and a backoff
	// wait.
	stopCtx    context.Context
	stopCancel context.CancelFunc

	wake     chan struct{} // capacity 1: what is wanted changed
	sawReady atomic.Bool   // the current Serve reached voice/ready

	mu        sync.Mutex
	stopped   bool
	mainURL   string // the main URL voice follows; "" while voice is not wanted
	gen       uint64 // counts Connected, Reconnected and Open
	running   bool   // the session loop exists
	loopDone  chan struct{}
	cancelRun context.CancelFunc // ends the Serve under way; nil when none
}

// componentKey marks the contexts the Component gives to handlers.
type componentKey struct{}

// NewComponent returns a voice Component for the game called game (the
// display name the Neuro component uses: the server pairs the two by
// it). opts are the Client's (WithLogger, WithBuffer, WithHandlers,
// WithDialer, timeouts...) and the Component's (WithComponentName,
// WithReconnect). Handlers set with WithHandlers run before the
// matching event is raised, on the same goroutine.
func NewComponent(game string, opts ...Option) (*Component, error) {
	if game == "" {
		return nil, errors.New("voice: empty game name")
	}
	client := newClient(game, opts)
	c := &Component{
		Base:   manager.NewBase(client.o.comp.name),
		client: client,
		o:      client.o,
		log:    client.o.logger.Named("voice"),
		wake:   make(chan struct{}, 1),
	}
	client.o.handlers = c.handlers(client.o.handlers)
	c.hctx, c.hcancel = context.WithCancel(context.WithValue(context.Background(), componentKey{}, c))
	c.stopCtx, c.stopCancel = context.WithCancel(context.Background())
	return c, nil
}

// BindHandlers registers the Component's handlers for events.Connected,
// events.Reconnected and events.Disconnected; the manager calls it on
// Add.
func (c *Component) BindHandlers() error {
	_, err := c.RegisterHandlers(map[string]manager.Handler{
		events.Connected:    c.onConnected,
		events.Reconnected:  c.onReconnected,
		events.Disconnected: c.onDisconnected,
	})
	return err
}

func (c *Component) onConnected(_ context.Context, ev manager.Event) error {
	d, err := manager.Payload[events.ConnectedData](ev)
	if err != nil {
		return err
	}
	c.want(d.URL)
	return nil
}

func (c *Component) onReconnected(_ context.Context, ev manager.Event) error {
	d, err := manager.Payload[events.ReconnectedData](ev)
	if err != nil {
		return err
	}
	c.want(d.URL)
	return nil
}

func (c *Component) onDisconnected(context.Context, manager.Event) error {
	c.Hangup()
	return nil
}

// Open starts voice for the main URL mainURL now, without waiting for a
// main connection: for a voice-only game, or to use voice before the
// Neuro component connects. It returns at once; the events tell what
// happened. It returns an error for a URL the voice URL cannot be
// derived from, and ErrClosed after Stop. A later Connected or
// Reconnected takes over with its own URL.
func (c *Component) Open(mainURL string) error {
	if _, err := URL(mainURL, c.client.game); err != nil {
		return err
	}
	c.mu.Lock()
	stopped := c.stopped
	c.mu.Unlock()
	if stopped {
		return ErrClosed
	}
	c.want(mainURL)
	return nil
}

// Hangup ends the voice session (VoiceEnded follows if it was ready) and
// opens none until the next Open, Connected or Reconnected. The
// Component does it itself on events.Disconnected.
func (c *Component) Hangup() {
	c.mu.Lock()
	c.mainURL = ""
	if c.cancelRun != nil {
		c.cancelRun()
	}
	c.signal()
	c.mu.Unlock()
}

// Stop ends voice for good: the session ends, the session loop is joined
// and the speakers' methods return ErrClosed. If ctx ends first, it
// cancels the context of the voice events' handlers and returns
// ctx.Err(). Called with the context a handler of a voice event got (or
// one derived from it), it only signals and returns, since waiting would
// wait for that handler. It is idempotent.
func (c *Component) Stop(ctx context.Context) error {
	c.mu.Lock()
	c.stopped, c.mainURL = true, ""
	done := c.loopDone
	c.signal()
	c.mu.Unlock()
	c.stopCancel()
	_ = c.client.Close()
	if done == nil {
		c.hcancel()
		return nil
	}
	if ctx.Value(componentKey{}) == c {
		return nil
	}
	select {
	case <-done:
		c.hcancel()
		return nil
	case <-ctx.Done():
		c.hcancel()
		return ctx.Err()
	}
}

// handlers wraps the game's own handlers: each runs, then the event is
// raised.
func (c *Component) handlers(user Handlers) Handlers {
	return Handlers{
		Ready: func(d events.VoiceReadyData) {
			c.sawReady.Store(true)
			c.raise(events.VoiceReady, d, func() { callIf(user.Ready, d) })
		},
		Unavailable: func(d events.VoiceUnavailableData) {
			c.raise(events.VoiceUnavailable, d, func() { callIf(user.Unavailable, d) })
		},
		Speaking: func(d events.VoiceSpeakingData) {
			c.raise(events.VoiceSpeaking, d, func() { callIf(user.Speaking, d) })
		},
		Cancelled: func(d events.VoiceCancelledData) {
			c.raise(events.VoiceCancelled, d, func() { callIf(user.Cancelled, d) })
		},
		Ended: func(d events.VoiceEndedData) {
			c.raise(events.VoiceEnded, d, func() { callIf(user.Ended, d) })
		},
	}
}

func callIf[T any](h func(T), d T) {
	if h != nil {
		h(d)
	}
}

// raise runs the game's own handler (a panic in it is recovered and
// logged), then raises the event and waits for its handlers; their
// errors are logged.
func (c *Component) raise(name string, data any, user func()) {
	c.client.call(name, user)
	err := c.RaiseAndWait(c.hctx, manager.NewEvent(name, data))
	switch {
	case errors.Is(err, manager.ErrUnbound):
		c.log.Debug("voice event not raised: component not in a manager", zap.String("event", name))
	case err != nil:
		c.log.Error("voice event handler failed", zap.String("event", name), zap.Error(err))
	}
}

// ---- the Client's methods, for the game ----

// Register registers speaker id under name, or renames it; see
// Client.Register. Speakers outlive sessions and reconnects.
func (c *Component) Register(ctx context.Context, id uint16, name string) error {
	return c.client.Register(ctx, id, name)
}

// Unregister removes speakers; see Client.Unregister.
func (c *Component) Unregister(ctx context.Context, ids ...uint16) error {
	return c.client.Unregister(ctx, ids...)
}

// Speakers returns the registered speakers, sorted by id.
func (c *Component) Speakers() []Speaker { return c.client.Speakers() }

// Send sends one frame of a speaker's voice; see Client.Send. Without a
// ready session it returns ErrNotReady.
func (c *Component) Send(ctx context.Context, id uint16, samples []float32) error {
	return c.client.Send(ctx, id, samples)
}

// NewStream returns a Stream that converts a speaker's PCM and sends it;
// see Client.NewStream. It follows the sessions and their sample rate.
func (c *Component) NewStream(id uint16, in Format) (*Stream, error) {
	return c.client.NewStream(id, in)
}

// ReadAudio moves up to len(dst) samples of Neuro's voice into dst; see
// Client.ReadAudio.
func (c *Component) ReadAudio(dst []float32) int { return c.client.ReadAudio(dst) }

// Buffered returns how many samples of Neuro's voice ReadAudio can take.
func (c *Component) Buffered() int { return c.client.Buffered() }

// Speaking reports whether Neuro is speaking into the game's voice chat.
func (c *Component) Speaking() bool { return c.client.Speaking() }

// SampleRate returns the server's sample rate while a session is ready, 0
// otherwise.
func (c *Component) SampleRate() int { return c.client.SampleRate() }

// Ready reports whether a voice session is ready now.
func (c *Component) Ready() bool { return c.client.SampleRate() > 0 }

// URL returns the voice socket's URL, "" before the first main URL.
func (c *Component) URL() string { return c.client.URL() }

// Stats returns the client's counters, over every session.
func (c *Component) Stats() Stats { return c.client.Stats() }
