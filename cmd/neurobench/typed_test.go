package main

import (
	"context"
	"errors"
	"testing"

	"github.com/neurokit/neurokit/internal/memconn"
	"github.com/neurokit/neurokit/manager"
	"github.com/neurokit/neurokit/neuro"
	"github.com/neurokit/neurokit/neuro/wire"
	"github.com/neurokit/neurokit/transport"
)

// TestTypedActionChecksTheValue shows that c2's round trip succeeds only
// when the typed handler got placeData decoded: data the schema accepts
// but that decodes to another move, and data the schema refuses, are
// answered with a failed result, which c2's trip counts as an error.
func TestTypedActionChecksTheValue(t *testing.T) {
	ctx := testCtx(t)
	conn := memconn.New()
	c, err := neuro.NewComponent("Typed Test", neuro.WithDialer(func(context.Context, string) (transport.Conn, error) {
		return conn, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := manager.New("game").Add(c); err != nil {
		t.Fatal(err)
	}
	if err := handleTypedPlace(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := c.Connect(ctx, "ws://memconn"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := stopGame(c); err != nil {
			t.Error(err)
		}
	})
	for i, tc := range []struct {
		data string
		want error
	}{
		{placeData, nil},
		{`{"cell":4,"mark":"X","say":"The centre is the strongest cell."}`, memconn.ErrFailedResult},
		{`{"cell":5,"mark":"X"}`, memconn.ErrFailedResult},
		{`{"cell":10,"mark":"X","say":"Off the grid."}`, memconn.ErrFailedResult},
		{`{"cell":5,"mark":"x","say":"Lower case."}`, memconn.ErrFailedResult},
	} {
		frame, err := wire.EncodeServer(wire.ActionRequest{ID: actionID('t', i), Name: typedActionName, Data: tc.data, HasData: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := conn.RoundTrip(ctx, frame); !errors.Is(err, tc.want) {
			t.Errorf("data %s: round trip error %v, want %v", tc.data, err, tc.want)
		}
	}
}
