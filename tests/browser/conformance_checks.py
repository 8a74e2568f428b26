"""What axe-core does not check, measured in the page (tests/browser/test_conformance.py): each
function returns what it found wrong, as short strings naming the element, so a failing test
says where. The criteria are WCAG's; how each is measured is said where it is."""

# Each interactive element the checks look at: visible, not disabled.
_TARGETS = """
const targets = () => [...document.querySelectorAll(
  'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])'
)].filter((e) => {
  // checkVisibility: not inside a closed <details> (content-visibility: hidden) or hidden.
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && !e.disabled &&
    e.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true});
});
const named = (e) => {
  const id = e.id ? '#' + e.id : '';
  const text = (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 30);
  return `${e.tagName.toLowerCase()}${id} "${text}"`;
};
"""

# 1.4.10 Reflow / 1.4.4 Resize text: the page itself never scrolls sideways (a data table
# may, inside its own frame: two-dimensional content is excepted).
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"

# 1.4.12 Text spacing: WCAG's values, set on everything as its bookmarklet does; through the
# CSSOM, element by element (the pages' Content-Security-Policy takes no inline <style>).
TEXT_SPACING = """() => {
  for (const e of document.querySelectorAll('body, body *')) {
    const size = parseFloat(getComputedStyle(e).fontSize);
    e.style.setProperty('line-height', `${1.5 * size}px`, 'important');
    e.style.setProperty('letter-spacing', '0.12em', 'important');
    e.style.setProperty('word-spacing', '0.16em', 'important');
    if (e.tagName === 'P') e.style.setProperty('margin-bottom', `${2 * size}px`, 'important');
  }
}"""

# ... and then no text is cut off: no element that clips what overflows it (overflow hidden
# or clip) holds more text than it shows. Visually hidden text (a 1-pixel box) is meant so.
CLIPPED = """() => {
  const found = [];
  for (const e of document.querySelectorAll('body *')) {
    const s = getComputedStyle(e);
    const clips = [s.overflowX, s.overflowY].some((o) => o === 'hidden' || o === 'clip');
    const text = (e.innerText || '').trim();
    if (!clips || e.clientWidth <= 1 || e.clientHeight <= 1 || !text) continue;
    if (e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1) {
      found.push(`${e.tagName.toLowerCase()}.${[...e.classList].join('.')} ` +
        `"${text.slice(0, 30)}" ${e.scrollWidth}x${e.scrollHeight} in ` +
        `${e.clientWidth}x${e.clientHeight}`);
    }
  }
  return found;
}"""

# 4.1.2 Name, role, value and 2.5.3 Label in name: every control has a name, and a name
# given in place of its text (aria-label) holds the text a person sees and would speak.
NAMES = (
    "() => {"
    + _TARGETS
    + """
  const found = [];
  for (const e of targets()) {
    const visible = (e.innerText || '').replace(/\\s+/g, ' ').trim().toLowerCase();
    const label = (e.getAttribute('aria-label') || '').replace(/\\s+/g, ' ').trim().toLowerCase();
    const labelledby = (e.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
      .map((id) => (document.getElementById(id) || {}).innerText || '').join(' ').trim();
    const field = ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName);
    const labels = field && e.labels ? [...e.labels].map((l) => l.textContent).join(' ').trim() : '';
    const title = (e.getAttribute('title') || '').trim();
    const placeholder = (e.getAttribute('placeholder') || '').trim();
    const value = e.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(e.type) ? e.value : '';
    const alt = [...e.querySelectorAll('img[alt], svg[aria-label]')]
      .map((i) => i.getAttribute('alt') || i.getAttribute('aria-label')).join(' ').trim();
    if (!(visible || label || labelledby || labels || title || value || alt || placeholder)) {
      found.push(`no name: ${named(e)}`);
    } else if (label && visible && e.matches('a, button, summary, [role=button]') &&
               !label.includes(visible)) {
      found.push(`"${label}" does not hold its text "${visible}": ${named(e)}`);
    }
  }
  return found;
}"""
)

# 2.5.8 Target size (minimum), WCAG 2.2: a target is at least 24 by 24 CSS pixels, or a
# 24-pixel circle on its centre meets no other target's; a link in a sentence is excepted, and
# so is a control shown only when it has focus (a skip link, the meeting's "read the share").
TARGET_SIZE = (
    "() => {"
    + _TARGETS
    + """
  const all = targets();
  const boxes = all.map((e) => e.getBoundingClientRect());
  const inline = (e) => e.tagName === 'A' && getComputedStyle(e).display === 'inline' &&
    e.parentElement && (e.parentElement.innerText || '').trim().length > (e.innerText || '').trim().length;
  const found = [];
  all.forEach((e, i) => {
    const r = boxes[i];
    // A control hidden to the eye until it has focus (one pixel) is no pointer's target.
    if ((r.width >= 23.5 && r.height >= 23.5) || inline(e) || r.width <= 1 || r.height <= 1) return;
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const near = boxes.some((o, j) => j !== i && !all[j].contains(e) && !e.contains(all[j]) &&
      Math.max(o.left - cx, 0, cx - o.right) ** 2 + Math.max(o.top - cy, 0, cy - o.bottom) ** 2 < 144);
    if (near) found.push(`${Math.round(r.width)}x${Math.round(r.height)} ${named(e)}`);
  });
  return found;
}"""
)

# 2.4.11 Focus not obscured (minimum), WCAG 2.2: the element with focus is never wholly hidden
# behind something of the page's own (the sticky header): its centre or a corner shows.
FOCUS_HIDDEN = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const r = e.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return null;
  const points = [[r.left + r.width / 2, r.top + r.height / 2], [r.left + 1, r.top + 1],
    [r.right - 1, r.top + 1], [r.left + 1, r.bottom - 1], [r.right - 1, r.bottom - 1]];
  const seen = points.some(([x, y]) => {
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return false;
    const top = document.elementFromPoint(x, y);
    return top && (top === e || e.contains(top) || top.contains(e));
  });
  return seen ? null : `${e.tagName.toLowerCase()} "${(e.innerText || e.value || '').trim().slice(0, 30)}"`;
}"""

# 1.4.11 Non-text contrast: WCAG's contrast ratio of two colours (sRGB, relative luminance),
# and the colour behind an element (the first ancestor with a background that shows).
_CONTRAST = """
const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
const lum = ([r, g, b]) => {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
};
const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const behind = (e) => {
  for (let n = e.parentElement; n; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
  }
  return [255, 255, 255];
};
"""

# ... a form field's edge (its border or outline, or its own background) is at least 3:1
# against what is behind it.
FIELD_EDGES = (
    "() => {"
    + _CONTRAST
    + """
  const found = [];
  for (const e of document.querySelectorAll('input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea')) {
    const r = e.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1 || !e.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true})) continue;
    const s = getComputedStyle(e), back = behind(e);
    // A checkbox or radio the browser draws itself (appearance auto) is excepted: its look is
    // the user agent's, not the page's.
    if (['checkbox', 'radio'].includes(e.type) && s.appearance !== 'none') continue;
    // Its edge: a border, or an outline where the system draws the box with one (a checkbox).
    const border = parseFloat(s.borderTopWidth) > 0 ? ratio(rgb(s.borderTopColor).slice(0, 3), back) : 0;
    const line = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
      ? ratio(rgb(s.outlineColor).slice(0, 3), back) : 0;
    const fill = rgb(s.backgroundColor);
    const own = fill.length === 3 || fill[3] > 0 ? ratio(fill.slice(0, 3), back) : 0;
    if (Math.max(border, line, own) < 3) {
      found.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} edge ${Math.max(border, line, own).toFixed(2)}:1`);
    }
  }
  return found;
}"""
)

# ... and the focus indicator of the element with focus (its outline, else its box shadow;
# or its field's: Designsystemet rings a radio with its label) is at least 3:1 against what
# is behind it. None at all is a failure too (2.4.7).
FOCUS_RING = (
    "() => {"
    + _CONTRAST
    + """
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const name = `${e.tagName.toLowerCase()} "${(e.innerText || e.value || '').trim().slice(0, 30)}"`;
  let best = 0;
  for (const ringed of [e, e.closest('.ds-field')].filter(Boolean)) {
    const s = getComputedStyle(ringed), back = behind(ringed);
    if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) {
      best = Math.max(best, ratio(rgb(s.outlineColor).slice(0, 3), back));
    }
    for (const m of (s.boxShadow === 'none' ? '' : s.boxShadow).matchAll(/rgba?\\([^)]*\\)/g)) {
      const c = rgb(m[0]);
      if (c.length === 3 || c[3] > 0) best = Math.max(best, ratio(c.slice(0, 3), back));
    }
  }
  return best >= 3 ? null : `${name} focus ${best.toFixed(2)}:1`;
}"""
)

# 1.4.13 Content on hover or focus: pointing at a control shows nothing new. The elements
# shown, counted before and after the pointer rests on each of the first targets (a
# browser's own tooltip, from a title, is the browser's and not counted).
SHOWN = """() => [...document.querySelectorAll('body *')].filter((e) =>
  e.checkVisibility({contentVisibilityAuto: true, opacityProperty: true, visibilityProperty: true})).length"""
HOVER_TARGETS = (
    "(n) => {"
    + _TARGETS
    + """
  return targets().filter((e) => { const r = e.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && r.top >= 0 && r.bottom <= innerHeight; })
    .slice(0, n).map((e) => { const r = e.getBoundingClientRect();
      return {x: r.left + r.width / 2, y: r.top + r.height / 2, name: named(e)}; });
}"""
)
