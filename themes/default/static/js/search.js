/*
 * The search page: opens the index named by [data-search-results], runs the query of ?q= and of
 * the search box as you type, and shows the results.
 *
 * - Queries are built with lunr's API (index.query + term), never its query-string syntax, so text
 *   like `Рютте: переговори`, `+в` or `^~*` is just words (search-uk.md §1.4, §4.3).
 * - Every query word goes through the same Ukrainian pipeline as the index (uk-text.js); all words
 *   are required (AND), the last one as a prefix while it is being typed (not in a submitted query);
 *   if nothing has them all, any word will do (OR), and the page says so.
 * - Of the index, a query fetches the shards its terms are in (search-index.js); what results show
 *   of the articles comes from the document files, which load with the page. A newer query
 *   overtakes an older one still loading; if a file cannot be had, the page says so.
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
  var state = { files: null, text: null, shown: 0, results: [], words: [], run: 0 };

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

  function run(index, terms, required) {
    return index.query(function (q) {
      terms.forEach(function (t) {
        q.term(t.term, {
          usePipeline: false,
          presence: required ? lunr.Query.presence.REQUIRED : lunr.Query.presence.OPTIONAL,
          wildcard: t.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE
        });
      });
    });
  }

  /* Ranked refs: by score, ties newest first (refs count from the oldest article). */
  function search(index, terms) {
    var results = run(index, terms, true), any = false;
    if (!results.length && terms.length > 1) {
      results = run(index, terms, false);
      any = results.length > 0;
    }
    results.sort(function (a, b) { return b.score - a.score || Number(b.ref) - Number(a.ref); });
    return { results: results, any: any };
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

  function resultItem(doc, terms) {
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
      doc[5].forEach(function (tag) {
        var link = ul.appendChild(el("li")).appendChild(el("a"));
        link.href = tag[1];
        highlighted(link, tag[0], terms);
      });
    }
    return li;
  }

  /* Appends the next PAGE results (their store rows fetched first); a promise. */
  function showMore(list, more, run) {
    var end = Math.min(state.shown + PAGE, state.results.length);
    var refs = state.results.slice(state.shown, end).map(function (r) { return r.ref; });
    more.disabled = true;
    return state.files.documents(refs).then(function (docs) {
      if (run !== state.run) return;
      docs.forEach(function (doc) { list.appendChild(resultItem(doc, state.words)); });
      state.shown = end;
      more.disabled = false;
      more.hidden = end >= state.results.length;
    });
  }

  /* Shows the results of `query`; a promise, settled once they are in the page, overtaken, or failed. */
  function render(query, typing) {
    var run = ++state.run;
    mark("sitegen-search-query");
    var terms = queryTerms(query, typing);
    if (!terms.length) {
      box.replaceChildren();
      box.removeAttribute("data-search-error");
      status.textContent = "";
      return Promise.resolve();
    }
    return state.files.index(terms).then(function (index) {
      if (run !== state.run) return;
      mark("sitegen-search-loaded");
      var found = search(index, terms);
      state.results = found.results;
      state.words = terms;
      state.shown = 0;
      if (!found.results.length) {
        box.replaceChildren();
        box.removeAttribute("data-search-error");
        status.textContent = data.none || "";
        mark("sitegen-search-shown");
        return;
      }
      var list = el("ol", "article-list search-list");
      var more = el("button", "search-more", data.more);
      more.type = "button";
      more.hidden = true;
      more.addEventListener("click", function () { showMore(list, more, run).catch(failedFor(run)); });
      return showMore(list, more, run).then(function () {
        if (run !== state.run) return;
        status.textContent = countText(found.results.length) + (found.any ? ". " + data.anyWord : "");
        box.replaceChildren(list, more);
        box.removeAttribute("data-search-error");
        mark("sitegen-search-shown");
      });
    }).catch(failedFor(run));
  }

  function failed(error) {
    status.textContent = data.failed || "";
    box.setAttribute("data-search-error", String(error));
  }

  /* `failed`, unless a newer query has taken over since run `run` started. */
  function failedFor(run) {
    return function (error) {
      if (run === state.run) failed(error);
    };
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

  function start(manifest) {
    mark("sitegen-search-parsed");
    state.text = self.sitegenText.install(lunr, manifest.pipeline);
    state.files = self.sitegenSearchIndex.open(lunr, manifest, indexUrl, get);
    input.addEventListener("input", onInput);
    input.form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      render(input.value, false);
      remember(input.value);
    });
    return render(input.value, false).then(function () {
      box.setAttribute("data-search-ready", "");
      idle(function () { state.files.warm().catch(function () {}); }); /* a failure shows when a query needs it */
    });
  }

  /* Timing marks for benchmarks/search.py (performance.getEntriesByName): manifest parsed, then for
     each query: started, index ready, results shown. */
  function mark(name) {
    if (window.performance && performance.mark) performance.mark(name);
  }

  function idle(fn) {
    if (window.requestIdleCallback) window.requestIdleCallback(fn, { timeout: 1000 }); else setTimeout(fn, 50);
  }

  /* A promise of the Response for `url` (the mode of the page's preloads, so they are reused). */
  function get(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status + ": " + url);
      return response;
    });
  }

  var initial = new URLSearchParams(window.location.search).get("q") || "";
  input.value = initial;
  if (initial) status.textContent = data.loading || "";
  var indexUrl = new URL(data.indexUrl, window.location.href).toString();
  get(indexUrl).then(function (response) { return response.json(); }).then(start).catch(failed);
})();
