package manager

// SetScopeErrorHook makes s call fn (under its lock) each time it records
// an error, so tests can wait for a failure without polling.
func SetScopeErrorHook(s *Scope, fn func(error)) { s.onError = fn }
