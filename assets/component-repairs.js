/* Repairs to Dash 4.4 components that axe-core flags, re-applied whenever the page changes.
 * Dash 4.4's dcc.Dropdown makes a hidden proxy <input aria-hidden="true" tabindex="0"> the tab stop and forwards
 * focus to the real button (tabindex="-1"): axe-core reports a focusable element hidden from screen readers, and
 * the button is not named by its <label for>. This makes the button the tab stop and names it by its label too.
 * dcc.Checklist and dcc.RadioItems render native checkboxes or radios inside a role="listbox" of role="option"
 * labels (axe: nested-interactive, unnamed listbox): the roles are removed, leaving the native, labelled inputs.
 * dcc.Upload's file input has no label: it is named by its drop zone's text. Re-applied whenever the page changes.
 * Re-check when Dash is upgraded: the components may render correctly by then. */
(function () {
  "use strict";
  function repair() {
    document.querySelectorAll("input.dash-dropdown-focus-target").forEach(function (proxy) {
      var button = proxy.nextElementSibling;
      if (proxy.tabIndex !== -1) { proxy.tabIndex = -1; }
      if (!button || button.tagName !== "BUTTON") { return; }
      if (!button.disabled && button.tabIndex !== 0) { button.tabIndex = 0; }
      var label = button.id ? document.querySelector('label[for="' + CSS.escape(button.id) + '"]') : null;
      if (label) {
        if (!label.id) { label.id = button.id + "-label"; }
        var names = (button.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
        if (names[0] !== label.id) {
          names = [label.id].concat(names.filter(function (name) { return name !== label.id; }));
          button.setAttribute("aria-labelledby", names.join(" "));
        }
      }
    });
    document.querySelectorAll(".dash-checklist, .dash-radioitems").forEach(function (list) {
      list.removeAttribute("role");
      list.querySelectorAll("[role], [aria-selected]").forEach(function (option) {
        option.removeAttribute("role");
        option.removeAttribute("aria-selected");
      });
    });
    document.querySelectorAll('input[type="file"]').forEach(function (input) {
      if ((input.labels && input.labels.length) || input.hasAttribute("aria-label")) { return; }
      var text = input.parentElement ? input.parentElement.textContent.replace(/\s+/g, " ").trim() : "";
      if (text) { input.setAttribute("aria-label", text); }
    });
  }
  new MutationObserver(repair).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true,
    attributeFilter: ["tabindex", "aria-labelledby", "role", "aria-selected"]
  });
  repair();
})();
