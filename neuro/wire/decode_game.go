package wire

// The data of each game → Neuro command.

import (
	"encoding/json"
	"strconv"
)

// gameData decodes the data of a game → Neuro command.
func (d *decoder) gameData(open bool) (Message, error) {
	var m Message
	switch d.cmd {
	case CmdResult:
		return d.result(open)
	case CmdContext:
		return d.context(open)
	case CmdRegister:
		return d.register(open)
	case CmdUnregister:
		return d.unregister(open)
	case CmdForce:
		return d.force(open)
	case CmdStartup:
		m = Startup{}
	case CmdShutdownReady:
		m = ShutdownReady{}
	default:
		return d.unknown(open)
	}
	return d.noData(open, m)
}

// result decodes an action/result. The id is kept byte for byte.
func (d *decoder) result(open bool) (Message, error) {
	var r ActionResult
	var seenID, seenSuccess, seenMessage, idSet, successSet bool
	if err := d.members(open, func(k []byte) error {
		var err error
		switch string(k) {
		case "id":
			r.ID, idSet, err = d.str("data.", "id", &seenID, true)
		case "success":
			r.Success, successSet, err = d.boolean("data.", "success", &seenSuccess)
		case "message":
			r.Message, _, err = d.str("data.", "message", &seenMessage, false)
		default:
			err = d.skip()
		}
		return err
	}); err != nil {
		return nil, err
	}
	switch {
	case !idSet:
		return nil, d.fail("data.id", errMissing)
	case !successSet:
		return nil, d.fail("data.success", errMissing)
	}
	return r, nil
}

// context decodes a context message.
func (d *decoder) context(open bool) (Message, error) {
	var c ContextMessage
	var seenMessage, seenSilent, messageSet bool
	if err := d.members(open, func(k []byte) error {
		var err error
		switch string(k) {
		case "message":
			c.Message, messageSet, err = d.str("data.", "message", &seenMessage, false)
		case "silent":
			c.Silent, _, err = d.boolean("data.", "silent", &seenSilent)
		default:
			err = d.skip()
		}
		return err
	}); err != nil {
		return nil, err
	}
	if !messageSet {
		return nil, d.fail("data.message", errMissing)
	}
	return c, nil
}

// unregister decodes an actions/unregister.
func (d *decoder) unregister(open bool) (Message, error) {
	var u UnregisterActions
	var seen, set bool
	if err := d.members(open, func(k []byte) error {
		if string(k) != "action_names" {
			return d.skip()
		}
		var err error
		u.ActionNames, set, err = d.strings("data.", "action_names", &seen)
		return err
	}); err != nil {
		return nil, err
	}
	if !set {
		return nil, d.fail("data.action_names", errMissing)
	}
	return u, nil
}

// force decodes an actions/force. The priority is not checked here (see
// CheckForce): a server may want to warn about it rather than refuse.
func (d *decoder) force(open bool) (Message, error) {
	var f ForceActions
	var seenState, seenQuery, seenEphemeral, seenPriority, seenNames, querySet, namesSet bool
	if err := d.members(open, func(k []byte) error {
		var err error
		switch string(k) {
		case "state":
			f.State, _, err = d.str("data.", "state", &seenState, false)
		case "query":
			f.Query, querySet, err = d.str("data.", "query", &seenQuery, false)
		case "ephemeral_context":
			f.EphemeralContext, _, err = d.boolean("data.", "ephemeral_context", &seenEphemeral)
		case "priority":
			var p string
			p, _, err = d.str("data.", "priority", &seenPriority, false)
			f.Priority = Priority(p)
		case "action_names":
			f.ActionNames, namesSet, err = d.strings("data.", "action_names", &seenNames)
		default:
			err = d.skip()
		}
		return err
	}); err != nil {
		return nil, err
	}
	switch {
	case !querySet:
		return nil, d.fail("data.query", errMissing)
	case !namesSet:
		return nil, d.fail("data.action_names", errMissing)
	}
	return f, nil
}

// strings reads an array of strings; set is false for null. A decoded
// array is never nil.
func (d *decoder) strings(prefix, name string, seen *bool) (v []string, set bool, err error) {
	if *seen {
		return nil, false, d.dup(prefix, name)
	}
	*seen = true
	switch d.s.peek() {
	case '[':
	case 'n':
		return nil, false, d.skip()
	default:
		return nil, false, d.wrongType(prefix, name, errNotArray)
	}
	d.s.i++
	v = []string{}
	for first := true; ; first = false {
		done, err := d.s.element(first)
		if err != nil {
			return nil, false, d.fail("", err)
		}
		if done {
			return v, true, nil
		}
		if d.s.peek() != '"' {
			return nil, false, d.wrongType(prefix, name+"["+strconv.Itoa(len(v))+"]", errNotString)
		}
		raw, flags, err := d.s.stringToken()
		if err != nil {
			return nil, false, d.fail("", err)
		}
		v = append(v, unquote(raw, flags, false))
	}
}

// register decodes an actions/register.
func (d *decoder) register(open bool) (Message, error) {
	var r RegisterActions
	var seen, set bool
	if err := d.members(open, func(k []byte) error {
		if string(k) != "actions" {
			return d.skip()
		}
		if seen {
			return d.dup("data.", "actions")
		}
		seen = true
		switch d.s.peek() {
		case '[':
		case 'n':
			return d.skip()
		default:
			return d.wrongType("data.", "actions", errNotArray)
		}
		set = true
		d.s.i++
		r.Actions = []Action{}
		for first := true; ; first = false {
			done, err := d.s.element(first)
			if err != nil {
				return d.fail("", err)
			}
			if done {
				return nil
			}
			if err := d.registeredAction(&r); err != nil {
				return err
			}
		}
	}); err != nil {
		return nil, err
	}
	if !set {
		return nil, d.fail("data.actions", errMissing)
	}
	return r, nil
}

// registeredAction decodes the next action of an actions/register and
// appends it to r, noting a schema that is null or not an object.
func (d *decoder) registeredAction(r *RegisterActions) error {
	i := len(r.Actions)
	at := "data.actions[" + strconv.Itoa(i) + "]"
	if d.s.peek() != '{' {
		return d.wrongType(at, "", errNotObject) // null too: an action is needed
	}
	prefix := at + "."
	var a Action
	var seenName, seenDesc, seenSchema, nameSet bool
	err := d.object(func(k []byte) error {
		var err error
		switch string(k) {
		case "name":
			a.Name, nameSet, err = d.str(prefix, "name", &seenName, false)
		case "description":
			a.Description, _, err = d.str(prefix, "description", &seenDesc, false)
		case "schema":
			if seenSchema {
				return d.dup(prefix, "schema")
			}
			seenSchema = true
			return d.schema(prefix, &a, r)
		default:
			err = d.skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	if !nameSet {
		return d.fail(prefix+"name", errMissing)
	}
	r.Actions = append(r.Actions, a)
	return nil
}

// schema reads an action's schema into a, or notes in r that it was null
// or not an object.
func (d *decoder) schema(prefix string, a *Action, r *RegisterActions) error {
	c := d.s.peek()
	start := d.s.i
	if err := d.skip(); err != nil {
		return err
	}
	switch c {
	case '{':
		// The syntax is checked: only a number beyond float64 can fail.
		if err := json.Unmarshal(d.s.b[start:d.s.i], &a.Schema); err != nil {
			return d.fail(prefix+"schema", err)
		}
	case 'n':
		r.SchemaNotes = append(r.SchemaNotes, SchemaNote{Index: len(r.Actions), Null: true})
	default:
		r.SchemaNotes = append(r.SchemaNotes, SchemaNote{Index: len(r.Actions)})
	}
	return nil
}
