// Package relay lets several games share one Neuro connection. Games
// connect to the relay exactly as they would to Neuro; the relay holds one
// connection to Neuro ("upstream") and presents itself there as one game
// (WithName, default "Neuro Relay").
//
// # Names
//
// Each game gets a prefix when its first frame tells its name: the one
// given by WithPrefixes, else DerivePrefix(name) — ASCII letters
// lowercased, digits kept, every other run of characters one '_', at most
// MaxPrefixLen bytes, "game" when nothing is left. A second connected
// game with the same prefix gets prefix-2, then prefix-3, and so on. Its
// action "play" is registered upstream as prefix + Separator + "play":
// "Tic-tac-toe" → "tic_tac_toe__play". A prefix never contains
// Separator, so names of different games never collide, and the result
// is a valid action name (an invalid action name from a game has each
// offending byte replaced by '_', ASCII capitals lowercased). When Neuro
// acts, the game receives its own name back. Descriptions are tagged with
// the game name: "[Tic-tac-toe] Put your O in a free cell." A game that
// leaves frees its prefix: when it comes back under the same name it gets
// the same prefix again.
//
// A game's startup clears only that game's actions: the relay
// unregisters them upstream (Neuro's own startup would clear every
// game's). Registering a name the game has already registered is ignored,
// as the real server does.
//
// # Context
//
// Context goes upstream tagged with the game's name, "[Tic-tac-toe] You
// won!", or "[Tic-tac-toe]" on its own line before a message of several
// lines or one that starts with a markdown heading. Silent stays silent.
// While upstream is down context is held (at most 256 messages, the
// oldest dropped and counted) and sent after the reconnect.
//
// # Forces
//
// One force is upstream at a time. Games whose force waits are queued
// first come first served, one place per game: a game that forces again
// while its force waits replaces it in its place. Its query is tagged
// with the game's name; state, priority and ephemeral_context pass
// unchanged. The force upstream ends on a successful result for one of
// its actions; when none of its actions is registered or waiting for a
// result (a one-shot action unregistered before its successful result
// keeps the force until that result); when its game sends startup or
// leaves; or after WithForceTimeout without an action, a result or a
// speech_finished for it (the real Neuro gives up a force silently).
// Then the next game's force goes. A force naming none of the game's
// registered actions is refused (logged, counted). A game that leaves
// loses its waiting force. Actions and retries reach the force's game by
// name, like any action.
//
// # Actions and results
//
// An action from Neuro goes to the game that registered it; an action no
// connected game has is answered at once with a failed result. A game's
// result goes upstream only for an action that game has pending on the
// current upstream connection; any other (late, after an upstream
// reconnect, or another game's id) is dropped and counted. A game that
// leaves or sends startup with actions pending gets them answered
// upstream with a failed result, after its actions are unregistered:
// Neuro is never left waiting.
//
// An action and a result in the shape the encoders write are not
// decoded: only the name changes (the action's, the game's), so the
// relay splices it into the frame and passes the other members' bytes
// as they came. Any other frame is decoded in full. Either way the game
// and Neuro decode the same messages.
//
// # Downstream
//
// Each game's startup is answered with upstream's acknowledgement (the
// session of the relay's own startup) when upstream sent one; a game
// that started before it arrived gets it when it does, and every game
// gets it again when the character changes. actions/reregister_all
// makes the relay register every game's actions again and is passed to
// every game (their repeated registrations are absorbed).
// shutdown/graceful and shutdown/immediate are passed to every game;
// upstream hears shutdown/ready once every game asked has said it (or
// left). speech_finished and commands this package does not know are
// passed to every game unchanged.
//
// # Reconnects
//
// When upstream drops, games stay connected. Serve dials again with
// exponential backoff (WithReconnect) and, on the new connection, sends
// startup, every game's actions (one frame per game, in connection
// order), the held context, then the force in flight again (the old
// connection took it along) or the next waiting one. Actions pending on
// the old connection are dead: their late results are dropped. A game
// that drops and returns sends startup and registers again; its actions
// reappear upstream under the same prefix.
//
// # Limits and safety
//
// Frames are read up to WithReadLimit (1 MiB); at most WithMaxGames
// games (256); 512 actions per game; 4096 actions pending; 1024 frames
// queued per connection (a peer that does not read is disconnected).
// Nothing a game sends ends its connection. The status page
// (StatusHandler, GET /state) answers loopback Host names only and
// refuses cross-origin requests; Run serves it with read, write and idle
// timeouts.
//
// # Goroutines
//
// Serve blocks and owns the upstream reader, its writer and the force
// timer; ServeConn blocks and owns the game's reader (its caller) and
// writer; Run owns its HTTP servers. Every decision is taken under one
// mutex by a state value that does no I/O: it puts frames on bounded
// per-connection queues, so the order of frames on every connection is
// the order of decisions and no socket is written with the lock held.
// A frame for a connection with nothing queued and nothing being
// written is written by the reader that produced it, once it released
// the lock (write-through: no goroutine hand-off on the path of an
// action and its result); any other goes through the queue and the
// connection's writer. A reader writes a game's frame itself only while
// the game has proved, by answering actions, that it read all but a few
// KiB of what it was sent, so a game that stops reading cannot stall
// the reader (its frames wait in its own queue); upstream's frames are
// always written through (when upstream stops reading, nothing can go
// anywhere, and the write gives up after the transport's write
// timeout). Close and Shutdown wait for all of them.
package relay
