// VList is a virtualised list: only the rows in view (and a few around)
// exist in the DOM, so a list of 100,000 rows scrolls like one of 50.
// Rows have one fixed height. A row's element is kept while its item is
// the same (same(old, new)), so a click is never lost to a re-render.
export class VList {
  constructor(container, rowHeight, renderRow, same = (a, b) => a === b) {
    this.el = container;
    this.rowHeight = rowHeight;
    this.renderRow = renderRow;
    this.same = same;
    this.items = [];
    this.rows = new Map(); // index → {item, el}
    this.follow = true; // stick to the bottom while the user is there
    this.spacer = document.createElement('div');
    this.spacer.className = 'vlist-spacer';
    this.el.replaceChildren(this.spacer);
    this.pending = false;
    this.stale = false;
    this.lastTop = 0; // scrollTop after the last render
    this.el.addEventListener('scroll', () => {
      this.follow = this.atBottom();
      this.schedule();
    });
    new ResizeObserver(() => this.schedule()).observe(this.el);
  }

  setItems(items) {
    this.items = items;
    this.schedule();
  }

  // invalidate renders every row again (their look changed).
  invalidate() {
    this.stale = true;
    this.schedule();
  }

  // schedule renders on the next frame, once however often it is called.
  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  atBottom() {
    return this.el.scrollTop + this.el.clientHeight >= this.el.scrollHeight - this.rowHeight;
  }

  render() {
    const n = this.items.length;
    // Moved since the last render, before its scroll event came: the
    // user's position wins over following the tail.
    if (this.el.scrollTop !== this.lastTop) this.follow = this.atBottom();
    this.spacer.style.height = n * this.rowHeight + 'px';
    if (this.follow) this.el.scrollTop = this.el.scrollHeight;
    const view = this.el.clientHeight || 400;
    const first = Math.max(0, Math.floor(this.el.scrollTop / this.rowHeight) - 10);
    const last = Math.min(n, Math.ceil((this.el.scrollTop + view) / this.rowHeight) + 10);
    const next = new Map();
    for (let i = first; i < last; i++) {
      const item = this.items[i];
      const old = this.rows.get(i);
      if (old && !this.stale && this.same(old.item, item)) {
        next.set(i, old);
        continue;
      }
      const el = this.renderRow(item, i);
      el.classList.add('vrow');
      el.style.top = i * this.rowHeight + 'px';
      el.style.height = this.rowHeight + 'px';
      next.set(i, { item, el });
    }
    for (const [i, r] of this.rows) if (next.get(i) !== r) r.el.remove();
    for (const r of next.values()) if (r.el.parentNode !== this.spacer) this.spacer.append(r.el);
    this.rows = next;
    this.stale = false;
    this.lastTop = this.el.scrollTop;
  }
}
