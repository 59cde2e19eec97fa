package dashboard

import "github.com/neurokit/neurokit/neuro/server"

// advice says, for each protocol check, what the game should do about it.
var advice = map[server.FindingKind]string{
	server.FindingBeforeStartup:     "Send startup first, before any other message, each time the game (re)connects.",
	server.FindingGameRenamed:       "Use one game name for the whole connection: it must match the name of the first message.",
	server.FindingInvalidActionName: "Name actions with lowercase letters, digits, '_' and '-' only.",
	server.FindingSchemaKeyword:     "Drop the keyword from the schema, or check that constraint in the game itself: Neuro may ignore it.",
	server.FindingSchemaNotObject:   "Make the schema a JSON object with \"type\": \"object\" (or leave it out when the action takes no data).",
	server.FindingNullSchema:        "Leave \"schema\" out instead of sending null when the action takes no data.",
	server.FindingDuplicateAction:   "Unregister the action before registering it again; a second registration is ignored, its new schema too.",
	server.FindingForceUnregistered: "Register every action a force names before sending the force.",
	server.FindingForceWhilePending: "Wait until the current force ends (a successful action result) before forcing again.",
	server.FindingUnknownResult:     "Answer only ids the server sent, exactly once each.",
	server.FindingLateResult:        "Answer actions sooner: send action/result right after validating, then do the slow work.",
	server.FindingFailedNoMessage:   "Give a failed result a message that says what to do instead: Neuro reads it to try again.",
	server.FindingBinaryFrame:       "Send text websocket frames; the Neuro API is JSON text.",
	server.FindingUnknownCommand:    "Check the command's spelling against the API: the server ignores commands it does not know.",
	server.FindingMalformed:         "Send one JSON object per frame, with \"command\", \"game\" and a \"data\" object as the API describes.",
	server.FindingResultTimeout:     "Send action/result for every action, even when the game cannot perform it (success false, with a message).",
	server.FindingPolicyFailed:      "The simulator could not choose an action: check the schemas of the forced actions (their data could not be generated).",
}

// Advice returns what a game should do about a warning of kind k: a
// sentence for each kind the simulator reports, a general hint for others.
func Advice(k server.FindingKind) string {
	if a, ok := advice[k]; ok {
		return a
	}
	return "See the Neuro API documentation for what the server expects here."
}
