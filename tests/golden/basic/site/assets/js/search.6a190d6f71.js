/*
 * The search page: loads the index file named by [data-search-results], runs the query of ?q= and of
 * the search box as you type, and shows the results.
 *
 * - Queries are built with lunr's API (index.query + term), never its query-string syntax, so text
 *   like `Рютте: переговори`, `+в` or `^~*` is just words (search-uk.md §1.4, §4.3).
 * - Every query word goes through the same Ukrainian pipeline as the index (uk-text.js); all words
 *   are required (AND), the last one as a prefix while it is being typed (not in a submitted query);
 *   if nothing has them all, any word will do (OR), and the page says so.
 * - Everything shown is put into the page as text nodes (createElement / textContent), never HTML.
 */
(function () {
  "use strict";

  var PAGE = 20;
  var box = document.querySelector("[data-search-results]");
  var input = document.querySelector("[data-search-input]");
  var status = document.querySelector("[data-search-status]");
  if (!box || !input || !status || typeof lunr === "undefined" || !self.sitegenText || !self.sitegenSearchIndex) return;

  var data = box.dataset;
  var categories = data.pluralCategories || "";
  var FORMS = { z: "resultsZero", o: "resultsOne", t: "resultsTwo", f: "resultsFew", m: "resultsMany", x: "resultsOther" };
  var state = { index: null, text: null, store: null, tags: null, shown: 0, results: [], words: [] };

  function countText(n) {
    var letter = categories.charAt(n < categories.length ? n : 100 + (n % 100)) || "x";
    var form = data[FORMS[letter]] || data.resultsOther || data.resultsMany || "{n}";
    return form.replace("{n}", String(n));
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* The query's terms: [{term, prefix}] from the pipeline; the last word is a prefix while typing. */
  function queryTerms(query, typing) {
    var words = state.text.tokenize(query);
    typing = typing && /[\p{L}\p{N}'\u2019\u02BC]$/u.test(query);
    var terms = [], seen = {};
    words.forEach(function (word, i) {
      var last = i === words.length - 1 && typing;
      if (state.text.isStopWord(word) && !(last && words.length === 1)) return;
      var term = state.text.stem(word);
      var key = term + (last ? "*" : "");
      if (term && !seen[key]) {
        seen[key] = true;
        terms.push({ term: term, prefix: last });
      }
    });
    return terms;
  }

  function run(terms, required) {
    return state.index.query(function (q) {
      terms.forEach(function (t) {
        q.term(t.term, {
          usePipeline: false,
          presence: required ? lunr.Query.presence.REQUIRED : lunr.Query.presence.OPTIONAL,
          wildcard: t.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE
        });
      });
    });
  }

  /* Ranked refs: by score, ties newest first (refs count from the newest article). */
  function search(query, typing) {
    var terms = queryTerms(query, typing);
    if (!terms.length) return { terms: terms, results: [], any: false };
    var results = run(terms, true), any = false;
    if (!results.length && terms.length > 1) {
      results = run(terms, false);
      any = results.length > 0;
    }
    results.sort(function (a, b) { return b.score - a.score || Number(a.ref) - Number(b.ref); });
    return { terms: terms, results: results, any: any };
  }

  /* `text` as nodes, with the words whose terms match the query wrapped in <mark>. */
  function highlighted(parent, text, terms) {
    var parts = text.split(/(\s+)/);
    parts.forEach(function (part) {
      if (!part) return;
      var core = part.match(/^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/u);
      var hit = core && core[2] && state.text.terms(core[2]).some(function (found) {
        return terms.some(function (t) {
          return t.prefix ? found.indexOf(t.term) === 0 : found === t.term;
        });
      });
      if (hit) {
        if (core[1]) parent.appendChild(document.createTextNode(core[1]));
        parent.appendChild(el("mark", null, core[2]));
        if (core[3]) parent.appendChild(document.createTextNode(core[3]));
      } else {
        parent.appendChild(document.createTextNode(part));
      }
    });
    return parent;
  }

  function resultItem(result, terms) {
    var doc = state.store[Number(result.ref)];
    var li = el("li", "teaser");
    var article = li.appendChild(el("article"));
    var h = article.appendChild(el("h2", "teaser-title"));
    var a = h.appendChild(el("a"));
    a.href = doc[1];
    highlighted(a, doc[0], terms);
    var meta = article.appendChild(el("p", "meta"));
    var time = meta.appendChild(el("time", null, doc[3]));
    time.dateTime = doc[2];
    if (doc[4]) highlighted(article.appendChild(el("p", "teaser-lead")), doc[4], terms);
    if (doc[5].length) {
      var ul = article.appendChild(el("ul", "tag-list"));
      ul.setAttribute("aria-label", data.tagsLabel || "");
      doc[5].forEach(function (id) {
        var tag = state.tags[id];
        var link = ul.appendChild(el("li")).appendChild(el("a"));
        link.href = tag[1];
        highlighted(link, tag[0], terms);
      });
    }
    return li;
  }

  function showMore(list, more) {
    var end = Math.min(state.shown + PAGE, state.results.length);
    for (var i = state.shown; i < end; i++) list.appendChild(resultItem(state.results[i], state.words));
    state.shown = end;
    more.hidden = end >= state.results.length;
  }

  function render(query, typing) {
    var found = search(query, typing);
    state.results = found.results;
    state.words = found.terms;
    state.shown = 0;
    box.replaceChildren();
    if (!found.terms.length) {
      status.textContent = "";
      return;
    }
    if (!found.results.length) {
      status.textContent = data.none || "";
      return;
    }
    status.textContent = countText(found.results.length) + (found.any ? ". " + data.anyWord : "");
    var list = box.appendChild(el("ol", "article-list search-list"));
    var more = el("button", "search-more", data.more);
    more.type = "button";
    more.addEventListener("click", function () { showMore(list, more); });
    box.appendChild(more);
    showMore(list, more);
  }

  function remember(query) {
    var url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    window.history.replaceState(null, "", url.toString());
  }

  var timer = null;
  function onInput() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      render(input.value, true);
      remember(input.value);
    }, 80);
  }

  function start(payload) {
    mark("sitegen-search-parsed");
    state.text = self.sitegenText.install(lunr, payload.pipeline);
    state.index = self.sitegenSearchIndex.load(lunr, payload.index);
    mark("sitegen-search-loaded");
    state.store = payload.store.docs;
    state.tags = payload.store.tags;
    input.addEventListener("input", onInput);
    input.form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      render(input.value, false);
      remember(input.value);
    });
    render(input.value, false);
    box.setAttribute("data-search-ready", "");
    mark("sitegen-search-shown");
  }

  /* Timing marks for benchmarks/search.py (performance.getEntriesByName). */
  function mark(name) {
    if (window.performance && performance.mark) performance.mark(name);
  }

  var initial = new URLSearchParams(window.location.search).get("q") || "";
  input.value = initial;
  if (initial) status.textContent = data.loading || "";
  fetch(data.indexUrl, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(start)
    .catch(function (error) {
      status.textContent = data.failed || "";
      box.setAttribute("data-search-error", String(error));
    });
})();
