// sitegen serve: live reload and the build error overlay. Served as /__sitegen/reload.js (same
// origin, so the page's Content-Security-Policy `script-src 'self'` allows it); never in a build.
// Protocol (sitegen/serve/reload.py): long-poll /__sitegen/poll?epoch=E&site=S; the answer says
// whether to reload, swap stylesheets or do nothing, and carries the current build error.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var server = script.dataset.server;
  var site = Number(script.dataset.siteEpoch);
  var epoch = 0; // 0: ask at once, to learn the current error
  var OVERLAY_ID = "sitegen-error-overlay";

  function el(tag, text, style) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    // Styles through the CSSOM, which `style-src 'self'` allows (a style attribute would be blocked).
    if (style) Object.assign(node.style, style);
    return node;
  }

  function showError(error) {
    var old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
    if (!error) return;
    var box = el("div", null, {
      position: "fixed", inset: "0", zIndex: "2147483647", overflow: "auto", padding: "2rem",
      background: "rgba(20, 20, 20, 0.94)", color: "#f4f4f4",
      font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
    });
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.appendChild(el("h2", error.title, { color: "#ff7b72", font: "bold 18px/1.4 sans-serif", margin: "0 0 1rem" }));
    error.problems.forEach(function (p) {
      var item = el("section", null, { margin: "0 0 1.5rem" });
      item.appendChild(el("div", p.location, { color: "#79c0ff", fontWeight: "bold" }));
      item.appendChild(el("div", p.message, { whiteSpace: "pre-wrap", margin: "0.25rem 0" }));
      if (p.hint) item.appendChild(el("div", p.hint, { color: "#d2a8ff" }));
      if (p.lines && p.lines.length) {
        var pre = el("pre", null, { margin: "0.5rem 0 0", padding: "0.5rem", background: "#0d1117", overflow: "auto" });
        p.lines.forEach(function (line) {
          var row = el("div", String(line.n).padStart(5) + " | " + line.text,
            line.current ? { background: "#5a1e1e", color: "#ffdcd7" } : null);
          pre.appendChild(row);
        });
        item.appendChild(pre);
      }
      box.appendChild(item);
    });
    if (error.lang) box.lang = error.lang; // the overlay speaks the site's language (theme strings)
    box.appendChild(el("p", error.fix, { color: "#8b949e", margin: "1rem 0 0" }));
    document.body.appendChild(box);
  }

  function swapStylesheets(next) {
    return fetch(location.href, { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      var now = document.querySelectorAll('link[rel="stylesheet"]');
      var want = fresh.querySelectorAll('link[rel="stylesheet"]');
      if (now.length !== want.length) { location.reload(); return; }
      now.forEach(function (link, i) {
        var href = want[i].getAttribute("href");
        if (link.getAttribute("href") === href) return;
        var replacement = link.cloneNode();
        replacement.setAttribute("href", href);
        replacement.addEventListener("load", function () { link.remove(); });
        link.after(replacement);
      });
      site = next;
    });
  }

  // A script that runs: no type, a JavaScript type or a module (JSON-LD and other data blocks don't).
  function runsCode(node) {
    var type = (node.getAttribute("type") || "").toLowerCase();
    return !type || type === "module" || type.indexOf("javascript") >= 0;
  }

  function onlyReloadScript(doc) {
    return Array.prototype.every.call(doc.querySelectorAll("script"), function (node) {
      return !runsCode(node) || (node.getAttribute("src") || "").indexOf("/__sitegen/reload.js") === 0;
    });
  }

  function stylesheets(doc) {
    return Array.prototype.map.call(doc.querySelectorAll('link[rel="stylesheet"]'), function (link) {
      return link.getAttribute("href");
    }).join("\n");
  }

  // A changed page is swapped in place (as Eleventy's dev server does with morphdom): fetch it, then
  // replace the body and the title. Much faster than a full reload, since no stylesheet, font or
  // script is loaded or evaluated again. A page with scripts of its own (the search page) or other
  // stylesheets gets a full reload instead, as does a page that is now missing. The head's
  // invisible metadata (description, Open Graph, JSON-LD) is left as it was until the next reload.
  // Resolves true when swapped; false when a full reload was started instead.
  function swapPage(next, error) {
    if (!onlyReloadScript(document)) { location.reload(); return Promise.resolve(false); }
    return fetch(location.href, { cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error("page " + r.status);
      return r.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      if (!onlyReloadScript(fresh) || stylesheets(fresh) !== stylesheets(document)) {
        location.reload();
        return false;
      }
      // Parsed scripts never run when moved into this document; remove them all the same.
      fresh.querySelectorAll("body script").forEach(function (node) { node.remove(); });
      document.title = fresh.title;
      document.documentElement.lang = fresh.documentElement.lang;
      document.body.replaceWith(document.adoptNode(fresh.body));
      site = next;
      showError(error);
      return true;
    });
  }

  function poll() {
    var query = "epoch=" + epoch + "&site=" + site + "&path=" + encodeURIComponent(location.pathname);
    fetch("/__sitegen/poll?" + query, { cache: "no-store" })
      .then(function (r) {
        if (!r.ok) throw new Error("poll " + r.status);
        return r.json();
      })
      .then(function (msg) {
        if (msg.server !== server) { location.reload(); return; } // a restarted server
        epoch = msg.epoch;
        showError(msg.error);
        if (msg.action === "reload") {
          swapPage(msg.site_epoch, msg.error).then(function (swapped) { if (swapped) poll(); },
            function () { location.reload(); });
          return;
        }
        if (msg.action === "none") site = msg.site_epoch; // other pages changed, not this one
        var next = msg.action === "css" ? swapStylesheets(msg.site_epoch) : Promise.resolve();
        next.then(poll, function () { location.reload(); });
      })
      .catch(function () { setTimeout(poll, 500); }); // server down or restarting: keep asking
  }

  poll();
})();
