"""Layout checks run in the page by the browser tests: no horizontal scroll, no label broken inside a word."""

# Labels: the texts a person reads as one name (menu entries, buttons, badges, column heads, field labels, tabs).
LABELS = (
    "nav a, .nav-link, .navbar-brand, .btn, .badge, th, label, legend, .dropdown-item, .page-link, .list-group-item, "
    "dt, .form-label, .small, small, time"
)

# A label longer than this is a sentence (a hint, a question), which may wrap like any text.
MAX_LABEL_CHARS = 16

_BROKEN_LABELS = """
([selector, maxChars]) => {
  const found = [];
  const CLOSING = "：，、。；！？）」』】》", OPENING = "（「『【《";
  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.visibility === "hidden" || s.display === "none") return false;
    const r = el.getBoundingClientRect();
    // visually-hidden text (1px clipped boxes) is read out, not seen: it cannot wrap where a person sees it
    return r.width > 2 && r.height > 2;
  };
  for (const el of document.querySelectorAll(selector)) {
    const text = el.textContent.replace(/\\s+/g, " ").trim();
    if (!text || text.length > maxChars || !visible(el)) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let node, broken = null;
    while (!broken && (node = walker.nextNode())) {
      if (!visible(node.parentElement)) continue;
      const range = document.createRange();
      let prev = null;  // the last character's box, when it was not white space
      for (let i = 0; i < node.data.length; i++) {
        const ch = node.data[i];
        if (/\\s/.test(ch)) { prev = null; continue; }
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;
        // the next character starts below the previous one's middle: the line broke between two characters of a word
        // (after a closing punctuation mark or before an opening one is where Chinese text may break)
        const atPunctuation = CLOSING.includes(node.data[i - 1]) || OPENING.includes(ch);
        if (prev && box.top >= prev.top + prev.height / 2 && !atPunctuation) {
          broken = node.data.slice(0, i) + "|" + node.data.slice(i);
          break;
        }
        prev = box;
      }
    }
    if (broken) {
      const id = el.dataset.testid || el.dataset.nav || el.dataset.action || el.id || "";
      found.push(`${el.tagName.toLowerCase()}${id ? "[" + id + "]" : ""}: ${broken.trim()}`);
    }
  }
  return found;
}
"""

_OVERFLOW = """
() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  if (root.scrollWidth <= width) return [];
  // name the widest elements that stick out, to say where the scroll comes from
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0) {
      let inside = false;  // inside a box that scrolls on its own (a wide table in .table-responsive) is fine
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (s.overflowX === "auto" || s.overflowX === "scroll" || s.overflowX === "hidden") { inside = true; break; }
      }
      if (!inside) out.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")} ` +
                           `right=${Math.round(r.right)}`);
    }
  }
  return [`page is ${root.scrollWidth}px wide in a ${width}px window`, ...out.slice(0, 5)];
}
"""


def broken_labels(page, selector: str = LABELS) -> list[str]:
    """The visible labels whose text is broken across lines between two characters of a word, as ``tag[id]: be|fore``
    (a break at a space, between words, is fine)."""
    return page.evaluate(_BROKEN_LABELS, [selector, MAX_LABEL_CHARS])


def horizontal_overflow(page) -> list[str]:
    """Empty when the page does not scroll sideways; else the page's width and the elements that stick out."""
    return page.evaluate(_OVERFLOW)


def resize(page, width: int, height: int = 900) -> None:
    """Set the window's size and wait until the page has answered it (scripts redraw charts on ``resize``, which
    fires before the next frame is painted)."""
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def layout_problems(page) -> list[str]:
    return horizontal_overflow(page) + broken_labels(page)
