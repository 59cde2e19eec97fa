// Package porting holds the Go code of docs/porting-from-python.md and of
// the README's "Handling events" section, compiled and run by go test.
//
// The package has no API: every example is in a _test.go file, next to the
// test that runs it against the simulator of package neuro/neurotest, and
// TestDocsMatchCode checks that each Go block the documents mark with a
// "compiled:" comment is the code of the file it names, so that the
// documents cannot drift from code that works.
package porting
