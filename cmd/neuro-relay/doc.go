// Command neuro-relay lets several games share one Neuro connection.
// Games connect to it exactly as they would to Neuro (default
// ws://127.0.0.1:8001); it holds one connection to Neuro (-upstream,
// default $NEURO_SDK_WS_URL or ws://localhost:8000) and presents itself
// there as one game. Each game's actions are registered under a prefix
// derived from its name ("Tic-tac-toe" → tic_tac_toe__play), context and
// force queries are tagged with the game's name, forces go up one at a
// time in a fair queue, and either side may drop and come back. GET /state
// on the status address (default 127.0.0.1:8002) shows the games, their
// names upstream and the force queue. SIGINT or SIGTERM shuts it down
// cleanly (exit 0). docs/relay.md describes the rules.
//
// Usage:
//
//	neuro-relay [-upstream ws://localhost:8000] [-listen 127.0.0.1:8001]
//	            [-http-addr 127.0.0.1:8002] [-name "Neuro Relay"]
//	            [-prefix "Game Name=prefix"]... [-max-games 256]
//	            [-force-timeout 30s] [-log-level info]
package main
