// Package neuro lets a game talk to Neuro through the Neuro API.
//
// It provides the wire format (one Go type per command, in both
// directions), validation of what the game sends and of what Neuro sends
// back, a Client that speaks the protocol over a transport.Conn, and a
// Component that plugs the client into a manager.Manager.
//
// # Client and Component
//
// A Client is the protocol for one game over one connection at a time:
// every game→Neuro command, the registry of registered actions, the
// actions waiting for a result and the force in flight. Attach binds a
// connection and sends startup, the registry and the context buffered
// while disconnected; Serve reads until the connection ends, answering
// actions/reregister_all and the actions it refuses itself, and passing
// the rest to its Receiver. A Client has no goroutine of its own (besides
// the timers of WithHandlerTimeout, which Serve joins) and does not
// import the manager; games without a manager can use it alone (see
// ExampleClient).
//
// A Component owns a Client and its connection inside a manager, and is
// its Client's Receiver: the one seam between the two is the public
// Receiver interface and the events.Action every incoming action arrives
// as, which carries its one result (Reply) and whether it was answered
// (Answered). Add the component to a manager, then raise events.Connect
// with the URL (conventionally read from the NEURO_SDK_WS_URL environment
// variable, default ws://localhost:8000), or call Connect, or call Serve
// (the blocking form of the connection run, for a supervisor or a
// supervised manager's scope; in a supervised manager the events.Connect
// handler is that run). The component dials with the gorilla transport
// unless WithDialer says otherwise, and on every connection sends
// startup, then every registered action, then the buffered context, and
// only then raises events.Connected (the first time) or
// events.Reconnected. It raises events.ConnectFailed,
// events.Disconnected (with the close code and reason),
// events.StartupAcknowledged (and keeps the Session),
// events.ShutdownGraceful and events.ShutdownImmediate (answered with
// shutdown/ready by the component itself when no handler is subscribed)
// and events.UnknownCommand. These lifecycle events are delivered one at
// a time, in order, from one queue per component; action events are
// concurrent. Stop closes the connection and joins every goroutine the
// component started.
//
// # Actions
//
// Each incoming action is validated before anything else sees it: its
// name must be registered (else a failed result lists the available
// actions), its id must not be waiting for a result already, and its data
// must match the action's schema, compiled at registration (else a failed
// result says what is wrong in words a language model can act on). Bad
// frames are logged and reading goes on; nothing Neuro sends stops the
// game. At most WithMaxActions actions (128 by default) wait for their
// result at once; one more is answered at once with a failed result
// saying the game is busy.
//
// A valid action raises events.ActionEvent(name) ("neuro_<name>") with an
// events.Action payload on the goroutine that read it, once that
// goroutine handed reading to another (leader/follower: no goroutine
// hand-off sits between the frame and its handler, and a slow handler
// never blocks reading). Every action gets exactly one result; the Client's ledger
// (ledger.go) is the one place that sends results and decides every
// failed result sent on the game's behalf:
//
//   - HandleAction registers an action with an ActionFunc whose Result is
//     sent automatically; HandleTemporaryAction and HandleTemporaryGroup
//     register one-shot actions, unregistered (on the server and in the
//     manager) after their first success and before that success's result
//     is sent.
//   - A game component may subscribe to the event itself and call
//     events.Action.Reply. Only the first Reply is sent; later ones return
//     ErrAlreadyAnswered. A handler must reply before it returns (it may
//     block until the game decided): the component waits for the
//     handlers (with manager's RaiseAndWait, in a supervised manager too),
//     and when every handler returned nil without replying it answers a
//     failed result ("the game did not answer") and logs a warning; when a
//     handler returned an error or panicked, it answers a failed "internal
//     error" result and logs the error.
//   - An action nobody handles is answered with a failed result saying the
//     game does not handle it right now.
//   - WithHandlerTimeout answers a failed result when an action waits too
//     long for its result. Neuro waits about 20 seconds for a result.
//   - A result for an action received on a connection that has ended is
//     dropped with a log: the server forgot that action.
//
// # Forces and action windows
//
// At most one force is in flight per Client or Component. Force returns
// ErrForceInFlight while one is; ForceQueued waits its turn. A force ends
// when a successful result is sent for one of its actions, when none of
// its actions is registered or waiting for a result any more, when its
// connection ends, or when Neuro has gone quiet on it: no action for it
// within WithReforceAfter (30 s by default), counted from the force, her
// last action or failed result for it, or her last speech_finished,
// whichever is latest. The real Neuro retries a force only a few times
// and then drops it silently; without that timeout a force would be in
// flight for ever. A force given up is logged; Force does not send it
// again.
//
// Window opens an action window: context, registration, force, and a
// wait for one successful use, with the races of the official API README
// handled (an action before the force, two uses back to back, a retry
// after a failure, a reconnect in between). When Neuro goes quiet on its
// force, Window sends it again (WindowSpec.ReforceAfter, at most
// WindowSpec.MaxReforces times, each with a log line and an
// events.ForceRepeated event) and then fails with ErrForceIgnored: a
// window ends with a success, when its ctx ends, or with an error, never
// by hanging.
//
// # Speech
//
// Neuro sends speech_finished while she speaks: messages with isFinal
// false while she is still talking, then one with isFinal true (also when
// she was cut off: Cancelled and Reason say so). Each raises
// events.SpeechFinished. Speaking reports whether she is mid-utterance:
// it starts with a message that is not final and ends with a final one,
// or with the connection; nothing else starts it, as the game cannot know
// she started talking before her first message. WaitSpeechFinished
// returns at once when she is not speaking, and otherwise at her final
// message (nil), when the connection drops (ErrConnectionLost) or when
// its ctx ends.
//
// A force at priority low waits until she stops talking, so a turn-based
// game lets her finish commenting on a turn before it asks for the next
// one: it sends the turn's result (the action's result, then the outcome
// as context), waits with WaitSpeechFinished under a bounded ctx (a
// server that never speaks costs nothing: she is not speaking, so it
// returns at once), then opens the next window at priority low (see
// ExampleComponent_WaitSpeechFinished):
//
//	res, err := n.Window(ctx, turn)                 // her move, answered
//	_ = n.SendContext(ctx, "The computer played 3.", false)
//	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
//	err = n.WaitSpeechFinished(wctx)                // she comments on it
//	cancel()
//	res, err = n.Window(ctx, nextTurn)              // Priority "" is low
//
// # Reconnecting and sends while disconnected
//
// WithReconnect makes a Component dial again after a drop, with
// exponential backoff and jitter; Stop wakes it from a wait at once.
// While there is no connection:
//
//   - RegisterActions and UnregisterActions update the registry and return
//     nil: the registry is what every new connection sends after startup;
//   - SendContext buffers the message (32 by default), sent after the
//     registry on the next connection; when the buffer is full the oldest
//     message is dropped and SendContext returns an error wrapping
//     ErrContextDropped that names it (the new message is kept);
//   - Force, SendResult and SendShutdownReady return ErrNotConnected.
//
// # Options
//
// NewClient takes ClientOptions (WithLogger, WithContextBuffer,
// WithMaxActions, WithHandlerTimeout, WithReforceAfter); NewComponent
// takes Options: every
// ClientOption, and WithDialer, WithName and WithReconnect, which concern
// the connection only a Component manages. A component-only option given
// to NewClient does not compile, so no option is ever silently ignored.
//
// # Concurrency and logging
//
// Every exported method is safe for concurrent use. Sends are serialised
// so that the wire order matches the order in which calls took effect.
// Everything logs through the *zap.Logger given with WithLogger (a no-op
// logger by default), named "neuro"; nothing prints to stdout.
package neuro
