// VList is a virtualised list: only the rows in view (and a few around)
// exist in the DOM, so a list of 100,000 rows scrolls like one of 50.
// Rows have one fixed height.
export class VList {
  constructor(container, rowHeight, renderRow) {
    this.el = container;
    this.rowHeight = rowHeight;
    this.renderRow = renderRow;
    this.items = [];
    this.follow = true; // stick to the bottom while the user is there
    this.spacer = document.createElement('div');
    this.spacer.className = 'vlist-spacer';
    this.el.replaceChildren(this.spacer);
    this.pending = false;
    this.el.addEventListener('scroll', () => {
      const atBottom = this.el.scrollTop + this.el.clientHeight >= this.el.scrollHeight - this.rowHeight;
      this.follow = atBottom;
      this.schedule();
    });
    new ResizeObserver(() => this.schedule()).observe(this.el);
  }

  setItems(items) {
    this.items = items;
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

  scrollToBottom() {
    this.follow = true;
    this.schedule();
  }

  render() {
    const n = this.items.length;
    this.spacer.style.height = n * this.rowHeight + 'px';
    if (this.follow) this.el.scrollTop = this.el.scrollHeight;
    const view = this.el.clientHeight || 400;
    const first = Math.max(0, Math.floor(this.el.scrollTop / this.rowHeight) - 10);
    const last = Math.min(n, Math.ceil((this.el.scrollTop + view) / this.rowHeight) + 10);
    const rows = [];
    for (let i = first; i < last; i++) {
      const row = this.renderRow(this.items[i], i);
      row.classList.add('vrow');
      row.style.top = i * this.rowHeight + 'px';
      row.style.height = this.rowHeight + 'px';
      rows.push(row);
    }
    this.spacer.replaceChildren(...rows);
  }
}
