package wire

// The data of each Neuro → game command.

// serverData decodes the data of a Neuro → game command.
func (d *decoder) serverData(open bool) (Message, error) {
	var m Message
	switch d.cmd {
	case CmdAction:
		return d.action(open)
	case CmdStartup:
		return d.startupAck(open)
	case CmdShutdownGraceful:
		return d.shutdownGraceful(open)
	case CmdSpeechFinished:
		return d.speechFinished(open)
	case CmdReregisterAll:
		m = ReregisterAll{}
	case CmdShutdownImmediate:
		m = ShutdownImmediate{}
	default:
		return d.unknown(open)
	}
	return d.noData(open, m)
}

// action decodes an action's data. A bad member does not stop it: it reads
// on to find the id, for the DecodeError, unless the frame's syntax breaks.
func (d *decoder) action(open bool) (Message, error) {
	if !open {
		return nil, d.fail("data", errMissing)
	}
	var a ActionRequest
	var seenID, seenName, seenData, idSet, nameSet bool
	var first *DecodeError // the first bad member
	keep := func(err error) error {
		de, ok := err.(*DecodeError)
		if !ok || de.Field == "" {
			return err // the syntax broke: stop
		}
		if first == nil {
			first = de
		}
		return nil
	}
	err := d.object(func(k []byte) error {
		var err error
		switch string(k) {
		case "id":
			dup := seenID
			if a.ID, idSet, err = d.str("data.", "id", &seenID, true); dup {
				d.id = "" // which one would the server mean?
			} else if idSet && a.ID == "" {
				err = d.fail("data.id", errEmpty)
			} else if idSet {
				d.id = a.ID
			}
		case "name":
			if a.Name, nameSet, err = d.str("data.", "name", &seenName, false); nameSet && a.Name == "" {
				err = d.fail("data.name", errEmpty)
			}
		case "data":
			a.Data, a.HasData, err = d.str("data.", "data", &seenData, false)
		default:
			err = d.skip()
		}
		return keep(err)
	})
	switch {
	case err != nil:
		return nil, err
	case first != nil:
		first.ID = d.id
		return nil, first
	case !idSet:
		return nil, d.fail("data.id", errMissing)
	case !nameSet:
		return nil, d.fail("data.name", errMissing)
	}
	return a, nil
}

// startupAck decodes the server's startup acknowledgement.
func (d *decoder) startupAck(open bool) (Message, error) {
	var ack StartupAck
	if !open {
		return ack, nil
	}
	var seen bool
	err := d.object(func(k []byte) error {
		if string(k) != "session" {
			return d.skip()
		}
		if seen {
			return d.dup("data.", "session")
		}
		seen = true
		switch d.s.peek() {
		case 'n':
			return d.skip()
		case '{':
		default:
			return d.wrongType("data.", "session", errNotObject)
		}
		var seenSID, seenCID, seenName bool
		s := &ack.Session
		return d.object(func(k []byte) error {
			var err error
			switch string(k) {
			case "sessionId":
				s.SessionID, _, err = d.str("data.session.", "sessionId", &seenSID, false)
			case "characterId":
				s.CharacterID, _, err = d.str("data.session.", "characterId", &seenCID, false)
			case "displayName":
				s.DisplayName, _, err = d.str("data.session.", "displayName", &seenName, false)
			default:
				err = d.skip()
			}
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return ack, nil
}

// shutdownGraceful decodes a shutdown/graceful request.
func (d *decoder) shutdownGraceful(open bool) (Message, error) {
	var g ShutdownGraceful
	var seen, set bool
	if err := d.members(open, func(k []byte) error {
		if string(k) != "wants_shutdown" {
			return d.skip()
		}
		var err error
		g.WantsShutdown, set, err = d.boolean("data.", "wants_shutdown", &seen)
		return err
	}); err != nil {
		return nil, err
	}
	if !set {
		return nil, d.fail("data.wants_shutdown", errMissing)
	}
	return g, nil
}

// speechFinished decodes a speech_finished notice.
func (d *decoder) speechFinished(open bool) (Message, error) {
	var sf SpeechFinished
	var seenFinal, seenCancelled, seenReason, finalSet bool
	if err := d.members(open, func(k []byte) error {
		var err error
		switch string(k) {
		case "isFinal":
			sf.IsFinal, finalSet, err = d.boolean("data.", "isFinal", &seenFinal)
		case "cancelled":
			sf.Cancelled, _, err = d.boolean("data.", "cancelled", &seenCancelled)
		case "reason":
			sf.Reason, _, err = d.str("data.", "reason", &seenReason, false)
		default:
			err = d.skip()
		}
		return err
	}); err != nil {
		return nil, err
	}
	if !finalSet {
		return nil, d.fail("data.isFinal", errMissing)
	}
	return sf, nil
}
