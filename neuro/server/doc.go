// Package server is a Neuro simulator: the server side of the Neuro API,
// for games to connect to in development and in tests. It plays the real
// Neuro as documented, or the official mock server ("Randy"), and checks
// what games send the way a strict server would.
//
// # Connections
//
// Each connection is one game, with its own action registry, context log,
// pending actions, force queue and speech. ServeConn runs a connection
// over any transport.Conn (tests use transport.Pipe); Handler is the
// websocket endpoint (gorilla.Accept + ServeConn); Start listens on two
// addresses like the official mock (websocket, and the HTTP side of
// HTTPHandler). Close ends every connection at once, Shutdown with a close
// handshake; both wait for every goroutine the server started.
//
// A startup clears the game's registry and force queue and is answered
// with the acknowledgement (StartupAck, session of WithSession; see
// WithStartupAck). Registering a name already registered is ignored, like
// the real server.
//
// # Profiles
//
// WithProfile sets a whole group of behaviours, each also an option of
// its own (later options override): ProfileNeuro is the real server as
// documented, ProfileRandy the official mock exactly. Without a profile
// New keeps ProfileNeuro's rules without its timing (no speech or action
// of her own, a fixed 500ms think time) and, like the mock, sends
// actions/reregister_all on connect: programs that embed the simulator,
// and their tests, stay fast and repeatable.
//
// # Forces
//
// One force is served at a time. A force that arrives while another is
// pending replaces it (WithForceWhilePending: ForceReplace, like the real
// server) or waits behind it (ForceQueue, like the mock), with a finding
// either way. Once Neuro is free to answer (see Speech) and has thought
// (WithThinkTime, seeded), the Policy chooses an action among the listed
// ones that are registered (default: RandomPolicy, a random one with data
// from GenerateData) and the server sends it. A successful result ends
// the force and the next queued one is served; a failed result, or none
// within the result timeout (30s, like the real server; a late result is
// discarded), retries the force, up to WithRetries times (3; the mock
// retries without limit), after which the force is given up silently,
// like the real server: nothing is sent, the event log and GameState say
// so. The policy is asked again on each attempt (or the same action is
// sent again: WithStickyRetries). WithErrorRate makes the server send
// deliberately bad data now and then, so that games' failed-result and
// retry paths show. Actions sent outside forces (SendAction, Act,
// SendRaw, POST /, her own with WithActEvery) are never retried.
// GiveUpForce gives a force up by hand.
//
// The record of a pending action is created before its frame is written,
// so a game fast enough to answer before the write returns is never told
// its id is unknown. Context sent while a result is pending is held and
// delivered after it (WithHeldContext; GameState.HeldContext).
//
// # Speech
//
// With WithSpeech, context that is not silent and a successful force make
// her talk for a seeded duration: speech_finished with isFinal false now
// and then (WithSpeechUpdates), exactly one with isFinal true at the end.
// A force waits for her by its priority: low until she finished, medium
// halves what is left, high cuts her short (cancelled, "cut short"),
// critical interrupts her at once (cancelled, "interrupted"). Speak and
// FinishSpeaking drive her by hand; GameState.Speech and EventSpeech show
// her speech.
//
// # Voice chat
//
// The websocket port also serves the optional voice side channel on
// /game/<name>/voice (package voicesim), paired by name with the game's
// connection; a voice-only socket is served too. voice/start is answered
// voice/ready (48000 Hz, mono), or voice/unavailable with WithVoice(false)
// or SetVoice(false). What the voice checks find becomes a FindingVoice
// of the connected game of that name (VoiceWarnings lists them all); the
// audio each speaker sent shows in GameState.Voice and State.Voice (GET
// /state). While she speaks to a game (above), her voice goes to its
// voice socket: voice/speaking true, voice-like PCM at real-time pace,
// voice/speaking false at the end, or voice/cancelled when a critical
// force (or FinishSpeaking cancelled) interrupts her.
//
// # Protocol checks: findings
//
// Nothing a game sends ends its connection. Each problem becomes a
// Finding (see the Finding… kinds), logged at warn level and recorded per
// game: a message before startup, a changed game name, an invalid action
// name, a discouraged schema keyword (schema.Warnings), a
// schema that is not an object (the action is registered without it),
// "schema": null (accepted as no schema: the Python SDK sends it), a
// duplicate registration, too many actions, a force naming unregistered
// actions, a force while one is pending, too many queued forces, a result
// for an unknown or timed-out id, a failed result without a message, a
// binary frame, an unknown command, a malformed frame, a game that does
// not read what it is sent. One frame lists at most 10 findings of a
// kind and counts the rest.
//
// # Advice
//
// Apart from the protocol findings, and never mixed with them, the server
// gives the best-practice advice (Finding with Level LevelAdvice, the
// Advice… kinds, logged at info level): a context message or force state
// that starts with a "# " heading, a description longer than two
// sentences or 300 characters, registration churn, a bulky state re-sent
// without ephemeral_context, a force naming an action just unregistered,
// context spam. Thresholds are WithAdviceLimits; WithAdvice(false) turns
// it off. Each advice says what to do instead.
//
// # Go API and observation
//
// Send, SendRaw, SendAction, Act, AwaitResult, ReregisterAll,
// ShutdownGraceful, ShutdownImmediate and Broadcast send any server
// message; Speak, FinishSpeaking and GiveUpForce play Neuro by hand;
// Games, Game, Registry, ContextLog, Findings, Advice, Results and State
// inspect. A game is named by "" (the latest connected game), its
// connection id ("#1") or its game name.
//
// Everything that happens is an Event with a sequence number, kept in a
// bounded history. WaitFor finds the first event, past or future, that
// matches; Watch returns a Watcher that reads events from now on, each
// once, without missing any: take the watcher, act, then wait on it. No
// callback is ever called with a lock held.
//
// # Security
//
// The simulator is meant for a developer's machine, listening on
// loopback ("127.0.0.1:8000"), and is safe to leave running there while
// browsing: both ports refuse requests whose Host names another site (DNS
// rebinding), the HTTP API refuses cross-origin requests and POST bodies
// that are not JSON (CSRF), and a game websocket is refused to web pages
// other than local ones. WithAllowedHosts and WithAllowedOrigins open it
// up for a LAN or a hosted web build of a game.
//
// Nothing one game sends makes memory grow without bound: frames over
// 64 KiB are stored cut (Event.FrameLen keeps their length), the event
// history is bounded by count and bytes (WithEventHistory,
// WithEventHistoryBytes), each game's logs by count and bytes, its
// registry by WithMaxActions, its force queue to 64; a game that left
// keeps a summary only. GET /state is streamed one game at a time. Data
// generated for forces has a budget (MaxGeneratedBytes, MaxGenerateDepth),
// so a schema asking for a million arrays of a million items fails
// quickly with a finding. HTTP requests have read, header and idle
// timeouts (WithHTTPReadTimeout). Each game has a bounded send queue, so a
// game that does not read never holds up the others or POST /.
//
// # Design notes
//
//   - Files by job: game.go (a game's state and frame handling), checks.go
//     (protocol checks), advice.go and advice_rules.go (advice),
//     forces.go (the force loop), speech.go (the speaking model),
//     brain.go (what happens on time), contextflow.go (held context),
//     pending.go (pending actions and their results), history.go (bounded
//     logs, result history), snapshot.go, outbox.go (sending), crew.go
//     (a game's goroutines, started on demand), codec.go
//     (the only calls into package wire's codec and checks and package
//     schema), env.go (what a game gets from its server), options.go,
//     behaviour.go and profile.go (options), serve.go (a connection's
//     lifetime), api.go and api_neuro.go (the Go API), http.go, guard.go,
//     websocket.go, listen.go, eventlog.go, generate*.go, policy.go,
//     fault.go.
//   - Goroutines: ServeConn reads on its caller's goroutine (Handler's
//     is one of the server's own, so that net/http lets go of the request
//     once it is upgraded) and owns up to three more per game, each
//     running only while it has work (crew.go): the writer while frames
//     are queued, the force loop while forces are, the brain (speech
//     updates and ends, her own actions, expiry while context is held)
//     while something is due. It joins them before returning; an idle
//     game has no goroutine but its reader. Timers are plain time.Timers
//     inside those goroutines or inside the caller of Act/AwaitResult;
//     nothing runs detached.
//   - Her speech changes under the game's lock only, and its frames are
//     queued there too, so that they go out in the order of the changes
//     and before the action of a force that waited for her.
//   - A pending action is resolved exactly once, by its result or by its
//     timeout, whichever takes the game's lock first. Actions nobody waits
//     on expire lazily, when the game sends its next frame or is inspected
//     (or on time, by the brain, while context is held for them).
//   - A force ends, for the queue, the moment its successful (or last
//     failed) result is read, not when the force loop wakes up: a game that
//     sends its next force right after the result is not warned.
//   - A force's end is recorded once (ForceDone), by whoever ends it: its
//     result, a replacing force, GiveUpForce, a startup (ForceCancelled,
//     along with its registry; context survives) or the game leaving.
//   - Disconnected games stay inspectable (the oldest are dropped past
//     100); per-game logs keep their last 1000 entries (50 once the game
//     left).
package server
