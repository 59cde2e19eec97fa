// Package test holds neurokit's end-to-end tests: whole programs and
// packages together, over real sockets on loopback.
package test

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// tempDir holds what the tests build (binaries); TestMain removes it.
var tempDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "neurokit-e2e-")
	if err != nil {
		panic(err)
	}
	tempDir = dir
	goleak.VerifyTestMain(runThenRemove{m, dir})
}

// runThenRemove runs the tests, then removes dir, before goleak checks.
type runThenRemove struct {
	m   *testing.M
	dir string
}

func (r runThenRemove) Run() int {
	code := r.m.Run()
	_ = os.RemoveAll(r.dir)
	return code
}
