/* Choosing a view of a page (a month, a filter, a team) navigates to the view's address, in the browser: the page's
 * controls become the address query, and the pages router then renders the page for it, so a page view is one
 * request to the server. The query is built exactly as the server builds the address of the view it shows (the
 * page's "shown" store): the query parts are described in dashboard/components/navigation.py. When the router
 * inserts a page, Dash fires this with the controls as drawn; the view chosen is then the view shown, and nothing
 * happens (navigating again would render the page twice). */
(function () {
  "use strict";

  var MONTH = /^([0-9]{4})-(0[1-9]|1[0-2])$/;

  // As Python's urllib.parse.urlencode: UTF-8, letters, digits and _.-~ kept, a space as "+", the rest %XX.
  function formEncode(text) {
    return encodeURIComponent(text)
      .replace(/[!'()*]/g, function (c) { return "%" + c.charCodeAt(0).toString(16).toUpperCase(); })
      .replace(/%20/g, "+");
  }

  function chosenOf(part, value) {
    return part.choices.filter(function (choice) { return Array.isArray(value) && value.indexOf(choice) !== -1; });
  }

  // Each kind of part returns the text the address gives it, or null when the value leaves it out.
  var PARTS = {
    month: function (part, value) {
      if (typeof value !== "string") { return null; }
      var match = MONTH.exec(value.trim());
      var year = match ? Number(match[1]) : 0;
      return match && year >= part.years[0] && year <= part.years[1] ? value : null;
    },
    choices: function (part, value) {
      var chosen = chosenOf(part, value);
      if (part.default !== undefined) {
        if (chosen.join(",") === part.default.join(",")) { return null; }
        return chosen.length ? chosen.join(",") : part.none;
      }
      return chosen.length ? chosen.join(",") : null;
    },
    number: function (part, value) {
      var text = typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
      if (typeof text !== "string" || !new RegExp("^(?:" + part.pattern + ")$").test(text)) { return null; }
      return text.replace(/^0+(?=[0-9])/, "");
    },
    text: function (part, value) {
      if (typeof value !== "string" || part.leave_out.indexOf(value) !== -1) { return null; }
      if ((part.blank_if_spaces ? value.trim() : value) === "") { return null; }
      return part.max_length ? Array.from(value).slice(0, part.max_length).join("") : value;
    },
    flag: function (part, value) {
      return Array.isArray(value) && value.indexOf(part.choice) !== -1 ? part.value : null;
    }
  };

  /* The address query of the view the controls choose ('?period=2023-01&show=worse', '' for none): `values` in the
   * order of `spec.parts`. Null when a required part is not valid (nothing to navigate to). */
  function viewQuery(spec, values) {
    var pairs = [];
    for (var i = 0; i < spec.parts.length; i++) {
      var part = spec.parts[i];
      var text = PARTS[part.kind](part, values[i]);
      if (text === null) {
        if (part.required) { return null; }
        continue;
      }
      try {
        pairs.push(spec.encoded ? formEncode(part.name) + "=" + formEncode(text) : part.name + "=" + text);
      } catch (unencodable) {  // a lone surrogate: left out, as nothing a picker offers
        if (part.required) { return null; }
      }
    }
    return pairs.length ? "?" + pairs.join("&") : "";
  }

  /* The clientside callback of every page's view controls: `args` are the controls' values in the order of
   * `spec.parts`, then the query of the view shown. Returns the query to navigate to, or no_update. */
  function chooseView(spec, args) {
    var search = viewQuery(spec, Array.prototype.slice.call(args, 0, spec.parts.length));
    var shown = args[spec.parts.length];
    return search === null || search === shown ? window.dash_clientside.no_update : search;
  }

  /* Choosing a view draws the whole page again, controls included, so the control used would be gone and the
   * keyboard focus lost to the top of the page. `noteControlUsed` notes, for this tab under `storageKey`, the control
   * in focus when a choice is made (and which of its checkboxes, or its button); `restoreFocus` then returns the
   * focus to the same place in the control drawn again, when the view's shown store is new. */
  function noteControlUsed(storageKey) {
    var triggered = window.dash_clientside.callback_context.triggered;
    if (!triggered.length) { return window.dash_clientside.no_update; }
    var controlId = triggered[0].prop_id.split(".")[0];
    var control = document.getElementById(controlId);
    var active = document.activeElement;
    // A checkbox keeps its place; a drop-down has closed by now, and its button takes the focus back.
    var inside = control && active && active.tagName === "INPUT" && control.contains(active);
    var used = { control: controlId, value: inside ? active.value : null, at: Date.now() };
    window.sessionStorage.setItem(storageKey, JSON.stringify(used));
    return window.dash_clientside.no_update;
  }

  function restoreFocus(storageKey) {
    var kept = window.sessionStorage.getItem(storageKey);
    if (!kept) { return window.dash_clientside.no_update; }
    window.sessionStorage.removeItem(storageKey);
    var used = JSON.parse(kept);
    if (Date.now() - used.at > 30000) { return window.dash_clientside.no_update; }
    var tries = 0;
    function restore() {
      var control = document.getElementById(used.control);
      var target = null;
      if (control) {
        if (used.value !== null) {
          target = Array.prototype.find.call(control.querySelectorAll("input"), function (input) {
            return input.value === used.value;
          });
        } else {
          target = control.tagName === "BUTTON" ? control : control.querySelector("button");
        }
      }
      if (target) {
        target.focus({ preventScroll: true });
        if (document.activeElement === target) { return; }
      }
      if (tries++ < 40) { window.setTimeout(restore, 25); }
    }
    restore();
    return window.dash_clientside.no_update;
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.navigation = {
    viewQuery: viewQuery,
    chooseView: chooseView,
    noteControlUsed: noteControlUsed,
    restoreFocus: restoreFocus
  };
})();
