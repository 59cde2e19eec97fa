// Package neurotest tests games that talk to Neuro, in the spirit of
// net/http/httptest: NewServer starts a Neuro simulator (package
// neuro/server) on a free loopback port for the length of a test, and
// its helpers wait for what the game sends, act as Neuro, and check the
// protocol, failing the test with a clear message when something does
// not happen in time.
//
// A typical test starts the simulator, points the game at URL, then
// follows the game:
//
//	func TestMyGame(t *testing.T) {
//		s := neurotest.NewServer(t)
//		game := startMyGame(t, s.URL()) // stopped by its own t.Cleanup
//
//		s.WaitStartup()
//		s.WaitRegistered("play")
//		r := s.Act("play", `{"cell": 5}`)
//		if !r.Success {
//			t.Fatalf("play failed: %s", r.Message)
//		}
//		s.RequireNoWarnings()
//	}
//
// The simulator answers the game's forces by itself, under the real
// server's rules (after a short delay under neurotest, see
// DefaultForceDelay): WaitForForce, WaitForAction, WaitForResult and
// WaitForForceDone follow a force to its end. It does not send
// actions/reregister_all when a game connects, speak or act on its own,
// so that the messages of a test come in the same order on every run
// (see NewServer).
//
// # Speech, give-ups and advice
//
// Speak and FinishSpeaking make Neuro talk and stop (speech_finished
// updates, then one final message, cancelled or not); a force waits for
// her by its priority, as on the real server. GiveUpForce drops the
// pending force silently, and NewServer(t, FailThenSilent(n)) plays a
// Neuro who fails n uses of a force and then gives it up: the cases a
// game's re-force logic must survive. Advice, RequireNoAdvice and
// WaitForAdvice deal with best-practice advice, which RequireNoWarnings
// does not count.
//
// # Voice chat
//
// The simulator also serves the voice side channel (package neuro/voice),
// paired with the game by name. WaitVoice and WaitVoiceSpeakers wait for
// the game's voice session and its speakers, FeedVoice sends a player's
// voice-like test audio through a voice client or component,
// WaitVoiceReceived and RequireVoiceReceived check the seconds of audio
// the simulator counted per speaker, and WaitVoiceSpeaking follows
// Neuro's voice: Speak makes her talk in the game's voice chat too.
// RequireNoVoiceWarnings covers voice-only games, whose voice checks are
// not findings of any game.
//
// # Waiting without races
//
// Every WaitFor… helper looks at the simulator's whole event history and
// then at what comes next, and hands each message or event out once,
// oldest first. A test can therefore act and wait in any order: a
// message the game sent before the wait began is found, and two waits
// for the same command return two different messages. State helpers
// (WaitRegistered) re-check the state after every event. Each wait is
// bounded by DefaultTimeout; WithTimeout returns a view with another
// bound.
//
// # Cleanup and goroutines
//
// NewServer registers the simulator's shutdown with t.Cleanup: games
// still connected get a close handshake (1001), and every goroutine the
// simulator started has returned when the cleanup does, so the test
// passes goleak. Cleanups run last-registered first: register the
// game's stop after NewServer so that the game leaves first.
//
// The simulator logs every frame to the test log (zaptest), shown with
// go test -v or when the test fails. Anything the helpers do not cover is
// on Simulator, the underlying *server.Server.
package neurotest
