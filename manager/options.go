package manager

import "go.uber.org/zap"

// options holds every default of New in one place.
type options struct {
	logger *zap.Logger // defaults to zap.NewNop()
	scope  *Scope      // defaults to nil: the waiting form
}

func defaultOptions() options {
	return options{logger: zap.NewNop()}
}

// Option configures a Manager in New.
type Option interface {
	apply(*options)
}

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

// WithLogger sets the logger; the manager logs through l.Named(name) at
// debug level only (adds, removes). Defaults to zap.NewNop(); nil keeps
// the default.
func WithLogger(l *zap.Logger) Option {
	return optionFunc(func(o *options) {
		if l != nil {
			o.logger = l
		}
	})
}

// WithScope makes the manager supervised (the "external raise" form):
// Raise starts every handler in s and returns at once, and handler errors
// reach s.Wait. The caller owns s: it waits on it and closes it. Child
// managers without a scope of their own use s too. Defaults to nil, the
// waiting form.
func WithScope(s *Scope) Option {
	return optionFunc(func(o *options) { o.scope = s })
}
