// The phone scripts' strings in the reader's language. Each string is written in Chinese inside t("…"), which
// `pybabel extract` collects (babel.cfg); the server renders the page with the translations of those strings as JSON
// in <script type="application/json" id="script-strings"> (inspection/script_strings.py), so they travel with the
// page and work offline from its cached copy. A string without a translation is shown as written.

let strings = null;

function translations() {
  if (strings === null) {
    const element = document.getElementById('script-strings');
    strings = element ? JSON.parse(element.textContent) : {};
  }
  return strings;
}

/**
 * Return `message` in the reader's language, its %(name)s placeholders filled from `values` (and %% read as %, as
 * in the catalogue's python-format strings).
 * @param {string} message the Chinese text, as written (the msgid)
 * @param {Record<string, string | number>} [values]
 */
export function t(message, values = {}) {
  const text = translations()[message] ?? message;
  return text.replace(/%\((\w+)\)s|%%/g, (placeholder, name) => {
    if (!name) return '%';
    return name in values ? String(values[name]) : placeholder;
  });
}
