// Package tictactoe is the game behind cmd/demo: tic-tac-toe where Neuro
// plays O against a computer X, over the Neuro API.
//
// The pieces, from the bottom up:
//
//   - Board: the rules (cells 1-9 laid out like a phone keypad, win and
//     draw detection, the free cells) and two renderings, an ASCII grid for
//     people and markdown for Neuro's force state.
//   - Computer: the X player. It wins when it can, blocks Neuro's win when
//     it must, and plays a random free cell otherwise; a seed makes it
//     repeatable.
//   - TraceDialer: a transport.DialFunc decorator that writes every frame
//     exchanged with Neuro as one short line of the transcript
//     ("→ actions/force "Your move…" [play]", "← action play {"cell":5} #3",
//     "← speech_finished (final)").
//   - Run: a whole session. It connects a neuro.Component (reconnect on),
//     waits briefly for Neuro's startup acknowledgement (so that its line
//     has a fixed place in the transcript), sends the rules as context, and
//     plays the games: each Neuro turn waits (bounded) until she finished
//     talking about her last move (neuro.Component.WaitSpeechFinished;
//     at once when she is not speaking), then is one neuro.TypedWindow of
//     Move (context, register play with the free cells in its schema
//     through neuro.Among, force at priority low with the board as state,
//     wait, unregister before the successful result), each X move is
//     played at once, and each outcome goes out as context. Then it stops
//     the component cleanly.
//
// A dropped connection does not end a match: the component reconnects,
// sends startup and the registry again, and the Window in progress forces
// again on the new connection.
package tictactoe
