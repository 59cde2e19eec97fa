package transport

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestCloseErrorMessage(t *testing.T) {
	tests := []struct {
		err  *CloseError
		want string
	}{
		{&CloseError{Code: 1000}, "transport: connection closed by peer (code 1000)"},
		{&CloseError{Code: 4000, Reason: "bye"}, `transport: connection closed by peer (code 4000, reason "bye")`},
		{&CloseError{Code: 1006, Err: io.ErrUnexpectedEOF}, "transport: connection closed by peer (code 1006): unexpected EOF"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestCloseErrorUnwrap(t *testing.T) {
	err := fmt.Errorf("read: %w", &CloseError{Code: 1006, Err: io.ErrUnexpectedEOF})
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatal("errors.Is does not reach the cause")
	}
	var ce *CloseError
	if !errors.As(err, &ce) || ce.Code != 1006 {
		t.Fatalf("errors.As = %v", ce)
	}
}

func TestCloseCode(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantCode   int
		wantReason string
		wantOK     bool
	}{
		{"peer close", &CloseError{Code: 4000, Reason: "bye"}, 4000, "bye", true},
		{"wrapped peer close", fmt.Errorf("x: %w", &CloseError{Code: 1009}), 1009, "", true},
		{"local close", ErrClosed, CloseNormal, "", true},
		{"wrapped local close", fmt.Errorf("x: %w", ErrClosed), CloseNormal, "", true},
		{"other", io.EOF, 0, "", false},
		{"nil", nil, 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, reason, ok := CloseCode(tt.err)
			if code != tt.wantCode || reason != tt.wantReason || ok != tt.wantOK {
				t.Fatalf("CloseCode = %d %q %v, want %d %q %v", code, reason, ok, tt.wantCode, tt.wantReason, tt.wantOK)
			}
		})
	}
}
