package main

import (
	"flag"
	"fmt"
)

// about is the start of -h: what the demo does, then how to read its
// transcript. The symbols are the ones internal/tictactoe writes.
const about = `demo plays tic-tac-toe with Neuro over the Neuro API: Neuro plays O, a
computer plays X. With no -url and no $NEURO_SDK_WS_URL it starts an
embedded Neuro simulator on 127.0.0.1 and plays against it, so it needs
nothing else; otherwise it connects to that URL (the real Neuro, the
official mock, go run ./cmd/neuro-server). It prints each board, each move
and every message exchanged, one short line each, and exits 0 once the
match is over. A run with -seed N prints the same transcript every time,
apart from the simulator's port and timings.

Reading the transcript:
  ⇄ connected to URL       the websocket is open (⇄ reconnected: again)
  → startup                the game sends a message to Neuro: its command,
                           then a summary of its data
  ← actions/reregister_all Neuro sends a message to the game
  ← startup Neuro-sama     Neuro acknowledges the game's startup and says
                           which character is connected
  (silent)                 context Neuro remembers without replying to it
  play(cell ∈ 1,2,9)       an action registered: its parameters and the
                           values its schema allows
  "Your move…" [play]      a force: the question, then the actions Neuro
                           must choose from
  {"cell":5} #0e843ac5-1   an action's data (JSON text), then its id; ids
                           are chosen by Neuro (the simulator: a prefix
                           from the seed, then 1, 2, …)
  #0e843ac5-1 ✓            the result for that id: ✓ success, ✗ failure
                           with a message saying how to succeed (Neuro
                           then tries again)
  (no data) (malformed)    an action without data; data that is not JSON
  ← speech_finished …      Neuro speaks: (speaking…) she is talking (the
                           later updates of it are not shown), (final)
                           she has finished, (final, cancelled: "…") she
                           was cut off; before her turn the demo waits
                           (up to 15s) until she has finished
  → close 1000 "…"         the game closes with that code and reason
  (not sent: …)            the frame could not be written, and why
  ✗ connection lost: …     the connection dropped; the demo reconnects
  … text                   the game is waiting or asking again

A turn is: context (what changed), actions/register, actions/force,
Neuro's action, actions/unregister, then action/result: the action is
unregistered before the result so that she cannot use it twice.

Usage:
  demo [flags]

Flags:
`

// usage prints about, then the flags.
func usage(fs *flag.FlagSet) func() {
	return func() {
		fmt.Fprint(fs.Output(), about)
		fs.PrintDefaults()
	}
}
