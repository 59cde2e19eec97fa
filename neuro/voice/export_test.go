package voice

// LoopDone returns a channel closed once the Component's session loop
// (the latest one started) has returned; nil before any started.
func (c *Component) LoopDone() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loopDone
}
