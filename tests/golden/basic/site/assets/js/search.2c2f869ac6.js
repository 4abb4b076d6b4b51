/*
 * The search page: opens the index named by [data-search-results], runs the query of ?q= and of
 * the search box as you type, shows the results twenty at a time with an excerpt of each, and
 * offers `window.sitegenSearch(query)` to theme authors (README, "Search").
 *
 * - Query text is only words: every word goes through the same Ukrainian pipeline as the index
 *   (uk-text.js), so `Рютте: переговори`, `+в` or `^~*` (lunr's query syntax) is just words
 *   (search-uk.md §1.4, §4.3); all words are required (AND), the last one as a prefix while it is
 *   being typed (not in a submitted query); if nothing has them all, any word will do (OR), and the
 *   page says so.
 * - Ranking: lunr's score (search-index.js), the newer article first on ties; `&sort=date` (the
 *   "by date" button) orders the same results newest first.
 * - Of the index, a query fetches the shards its terms are in, then the fragments of the results
 *   it shows (search-index.js). The results are shown as soon as their rows are in (title, date,
 *   tags: a shard carries those of its terms' best twenty articles, so a one-word query shows its
 *   first page from its shard alone); each excerpt follows as its fragment arrives (the list is
 *   `aria-busy` until then). An excerpt is the ~30 words of the body with the most of the query's
 *   words; the words that match are marked. A newer query overtakes an older one still loading; if
 *   a file cannot be had, the page says so.
 * - Everything shown is put into the page as text nodes (createElement / textContent), never HTML.
 */
(function () {
  "use strict";

  var PAGE = 20;
  var EXCERPT_WORDS = 30;
  var BEFORE_MATCH = 8; /* words of context shown before the first match of an excerpt */
  var box = document.querySelector("[data-search-results]");
  var input = document.querySelector("[data-search-input]");
  var status = document.querySelector("[data-search-status]");
  var sortBar = document.querySelector("[data-search-sort]");
  if (!box || !input || !status || !self.sitegenText || !self.sitegenSearchIndex) return;

  var data = box.dataset;
  var categories = data.pluralCategories || "";
  var FORMS = { z: "resultsZero", o: "resultsOne", t: "resultsTwo", f: "resultsFew", m: "resultsMany", x: "resultsOther" };
  var params = new URLSearchParams(window.location.search);
  var state = { files: null, text: null, found: null, sort: params.get("sort") === "date" ? "date" : "", run: 0 };
  var ready = null; /* a promise, settled once the manifest is read */
  var wordTerms = new Map(); /* a word of a text shown -> its terms (bodies repeat words) */

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

  /* A promise of {terms, results: the refs (an Int32Array) by rank (ties: newest first), any: OR fallback used}. */
  function find(query, typing) {
    var terms = queryTerms(query, typing);
    if (!terms.length) return Promise.resolve({ terms: terms, results: new Int32Array(0), any: false });
    return state.files.load(terms).then(function () {
      mark("sitegen-search-loaded");
      var results = state.files.ranked(terms, true).refs, any = false;
      if (!results.length && terms.length > 1) {
        results = state.files.ranked(terms, false).refs;
        any = results.length > 0;
      }
      return { terms: terms, results: results, any: any };
    });
  }

  /* The results in the order asked for: by rank, or by date (refs count from the oldest article). */
  function ordered(results, sort) {
    if (sort !== "date") return results;
    return Int32Array.from(results).sort().reverse();
  }

  /* Which query terms (indices) a word of a shown text matches; null for none. */
  function matches(word, terms) {
    var found = wordTerms.get(word);
    if (found === undefined) {
      found = state.text.terms(word);
      wordTerms.set(word, found);
    }
    var hit = null;
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i];
      for (var k = 0; k < found.length; k++) {
        if (t.prefix ? found[k].lastIndexOf(t.term, 0) === 0 : found[k] === t.term) {
          (hit || (hit = [])).push(i);
          break;
        }
      }
    }
    return hit;
  }

  /* `words` [start, end) as {text, highlights: [[from, to], ...]} (the letters of matching words). */
  function marked(words, hits, start, end) {
    var text = start > 0 ? "… " : "", highlights = [];
    for (var i = start; i < end; i++) {
      if (i > start) text += " ";
      var word = words[i];
      if (hits[i]) {
        var core = /^([^\p{L}\p{N}]*)(.*?)[^\p{L}\p{N}]*$/u.exec(word);
        var from = text.length + core[1].length;
        highlights.push([from, from + core[2].length]);
      }
      text += word;
    }
    if (end < words.length) text += " …";
    return { text: text, highlights: highlights };
  }

  /* The excerpt of `body` for `terms`: EXCERPT_WORDS words from a little before the first match of
     the run of EXCERPT_WORDS words with the most distinct query words (then the most matches, then
     the earliest); the start of the summary, or of the body, when the body has no match. */
  function excerpt(body, summary, terms) {
    var words = body.split(/\s+/).filter(Boolean);
    var hits = words.map(function (w) { return matches(w, terms); });
    var best = -1, bestKey = null, counts = terms.map(function () { return 0; }), distinct = 0, total = 0;
    for (var i = 0; i < words.length; i++) {
      (hits[i] || []).forEach(function (t) { if (counts[t]++ === 0) distinct++; total++; });
      var out = i - EXCERPT_WORDS;
      if (out >= 0) (hits[out] || []).forEach(function (t) { if (--counts[t] === 0) distinct--; total--; });
      if (distinct > 0 && (bestKey === null || distinct > bestKey[0] || (distinct === bestKey[0] && total > bestKey[1]))) {
        best = Math.max(0, i - EXCERPT_WORDS + 1);
        bestKey = [distinct, total];
      }
    }
    if (best < 0) {
      var lead = (summary || body).split(/\s+/).filter(Boolean);
      return marked(lead, lead.map(function (w) { return matches(w, terms); }), 0, Math.min(lead.length, EXCERPT_WORDS));
    }
    var first = best;
    while (!hits[first]) first++;
    var start = Math.max(0, Math.min(first - BEFORE_MATCH, words.length - EXCERPT_WORDS));
    return marked(words, hits, start, Math.min(words.length, start + EXCERPT_WORDS));
  }

  /* A promise of what `results` [start, end) show, excerpts included: [{ref, url, title, date, dateText, tags, excerpt}]. */
  function entries(found, results, start, end) {
    var refs = Array.from(results.subarray(start, end), String);
    return state.files.fragments(refs).then(function (fragments) {
      return fragments.map(function (f, i) {
        var entry = entryOf(refs[i], f);
        entry.excerpt = excerpt(f[6], f[5], found.terms);
        return entry;
      });
    });
  }

  /* A result as shown before its excerpt is in: its row ([title, url, date, dateText, tags], or the fragment). */
  function entryOf(ref, row) {
    return { ref: ref, title: row[0], url: row[1], date: row[2], dateText: row[3], tags: row[4] };
  }

  /* A promise of the rows of `refs`: from the loaded shards, else from the fragments of those no shard had. */
  function rowsOf(refs) {
    var missing = refs.filter(function (ref) { return !state.files.row(ref); });
    return state.files.fragments(missing).then(function () {
      return refs.map(function (ref) { return state.files.row(ref); });
    });
  }

  /* `text` as nodes, with the words whose terms match the query wrapped in <mark>. */
  function highlighted(parent, text, terms) {
    var words = text.split(/(\s+)/);
    words.forEach(function (part) {
      if (!part) return;
      var core = /^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/u.exec(part);
      if (core[2] && matches(core[2], terms)) {
        if (core[1]) parent.appendChild(document.createTextNode(core[1]));
        parent.appendChild(el("mark", null, core[2]));
        if (core[3]) parent.appendChild(document.createTextNode(core[3]));
      } else {
        parent.appendChild(document.createTextNode(part));
      }
    });
    return parent;
  }

  /* An excerpt ({text, highlights}) as text nodes and <mark> elements. */
  function excerptNodes(parent, ex) {
    var at = 0;
    ex.highlights.forEach(function (h) {
      if (h[0] > at) parent.appendChild(document.createTextNode(ex.text.slice(at, h[0])));
      parent.appendChild(el("mark", null, ex.text.slice(h[0], h[1])));
      at = h[1];
    });
    if (at < ex.text.length) parent.appendChild(document.createTextNode(ex.text.slice(at)));
    return parent;
  }

  function resultItem(entry, terms) {
    var li = el("li", "teaser");
    var article = li.appendChild(el("article"));
    var h = article.appendChild(el("h2", "teaser-title"));
    var a = h.appendChild(el("a"));
    a.href = entry.url;
    highlighted(a, entry.title, terms);
    var meta = article.appendChild(el("p", "meta"));
    var time = meta.appendChild(el("time", null, entry.dateText));
    time.dateTime = entry.date;
    var lead = article.appendChild(el("p", "teaser-lead search-excerpt"));
    if (entry.excerpt) excerptNodes(lead, entry.excerpt);
    if (entry.tags.length) {
      var ul = article.appendChild(el("ul", "tag-list"));
      ul.setAttribute("aria-label", data.tagsLabel || "");
      entry.tags.forEach(function (tag) {
        var link = ul.appendChild(el("li")).appendChild(el("a"));
        link.href = tag[1];
        highlighted(link, tag[0], terms);
      });
    }
    return li;
  }

  /* Appends the next PAGE results of the current order as soon as their rows are in (title, date, tags:
     from the query's shards, which carry the rows of each term's best results). A promise of {fill: a
     function that fetches their fragments and puts each excerpt in as it arrives, returning a promise
     settled once every excerpt is in}, or of null if a newer query took over. The caller shows the list
     first and fills after: asking for twenty fragments takes the page a few milliseconds per request
     (benchmarks/RESULTS.md), time the reader would otherwise wait for the titles. */
  function showMore(view, runId) {
    var end = Math.min(view.shown + PAGE, view.results.length);
    var refs = Array.from(view.results.subarray(view.shown, end), String);
    var terms = state.found.terms;
    view.more.disabled = true;
    return rowsOf(refs).then(function (rows) {
      if (runId !== state.run) return null;
      var items = refs.map(function (ref, i) {
        return view.list.appendChild(resultItem(entryOf(ref, rows[i]), terms));
      });
      view.shown = end;
      view.more.disabled = false;
      view.more.hidden = end >= view.results.length;
      return { fill: function () { return fill(items, refs, terms, runId); } };
    });
  }

  /* Puts the excerpt of each result `items[i]` (of `refs[i]`) in as its fragment arrives; a promise. */
  function fill(items, refs, terms, runId) {
    box.setAttribute("aria-busy", "true");
    return Promise.all(refs.map(function (ref, i) {
      return state.files.fragments([ref]).then(function (f) {
        if (runId !== state.run) return;
        excerptNodes(items[i].querySelector(".search-excerpt"), excerpt(f[0][6], f[0][5], terms));
      });
    })).then(function () {
      if (runId !== state.run) return;
      box.removeAttribute("aria-busy");
      mark("sitegen-search-excerpts");
    });
  }

  /* Shows the first page of the current results in the current order; a promise, settled once their
     excerpts are in too. */
  function show(runId) {
    var found = state.found;
    var view = { results: ordered(found.results, state.sort), shown: 0, list: el("ol", "article-list search-list") };
    view.more = el("button", "search-more", data.more);
    view.more.type = "button";
    view.more.hidden = true;
    view.more.addEventListener("click", function () {
      showMore(view, runId).then(function (shown) { return shown && shown.fill(); }).catch(failedFor(runId));
    });
    return showMore(view, runId).then(function (shown) {
      if (!shown || runId !== state.run) return;
      status.textContent = countText(found.results.length) + (found.any ? ". " + data.anyWord : "");
      box.replaceChildren(view.list, view.more);
      box.removeAttribute("data-search-error");
      if (sortBar) sortBar.hidden = found.results.length < 2;
      mark("sitegen-search-shown");
      settled();
      return shown.fill();
    });
  }

  function clear(text) {
    box.replaceChildren();
    box.removeAttribute("data-search-error");
    box.removeAttribute("aria-busy");
    status.textContent = text;
    if (sortBar) sortBar.hidden = true;
  }

  /* Shows the results of `query`; a promise, settled once they are in the page, overtaken, or failed. */
  function render(query, typing) {
    var runId = ++state.run;
    mark("sitegen-search-query");
    return find(query, typing).then(function (found) {
      if (runId !== state.run) return;
      state.found = found;
      if (!found.terms.length) {
        clear("");
        settled();
        return;
      }
      if (!found.results.length) {
        clear(data.none || "");
        mark("sitegen-search-shown");
        settled();
        mark("sitegen-search-excerpts");
        return;
      }
      return show(runId);
    }).catch(failedFor(runId));
  }

  function failed(error) {
    settled();
    box.removeAttribute("aria-busy");
    status.textContent = data.failed || "";
    box.setAttribute("data-search-error", String(error));
  }

  /* `failed`, unless a newer query has taken over since run `runId` started. */
  function failedFor(runId) {
    return function (error) {
      if (runId === state.run) failed(error);
    };
  }

  function remember() {
    var url = new URL(window.location.href);
    if (input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
    if (state.sort) url.searchParams.set("sort", state.sort); else url.searchParams.delete("sort");
    window.history.replaceState(null, "", url.toString());
  }

  function pressed() {
    if (!sortBar) return;
    sortBar.querySelectorAll("[data-sort]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-sort") === state.sort));
    });
  }

  /* The address is brought up to date once the query's results are shown (`settled`), not when it is
     asked: `history.replaceState` takes the page's main thread for milliseconds that the query's own
     work would wait for (benchmarks/RESULTS.md). */
  var addressStale = false;
  function settled() {
    if (!addressStale) return;
    addressStale = false;
    remember();
  }

  var timer = null;
  function onInput() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      addressStale = true;
      render(input.value, true);
    }, 80);
  }

  function start(manifest) {
    mark("sitegen-search-parsed");
    state.text = self.sitegenText.make(manifest.pipeline);
    state.files = self.sitegenSearchIndex.open(manifest, indexUrl, get);
    input.addEventListener("input", onInput);
    input.form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      addressStale = true;
      render(input.value, false);
    });
    if (sortBar) {
      pressed();
      sortBar.addEventListener("click", function (event) {
        var button = event.target.closest("[data-sort]");
        if (!button || button.getAttribute("data-sort") === state.sort) return;
        state.sort = button.getAttribute("data-sort");
        pressed();
        remember();
        if (state.found && state.found.results.length) show(++state.run).catch(failedFor(state.run));
      });
    }
    return render(input.value, false).then(function () {
      box.setAttribute("data-search-ready", "");
    });
  }

  /* Timing marks for benchmarks/search.py (performance.getEntriesByName): manifest parsed, then for
     each query: started, index ready, results shown (titles, dates, tags), excerpts in. */
  function mark(name) {
    if (window.performance && performance.mark) performance.mark(name);
  }

  /* A promise of the Response for `url` (the mode of the page's preload, so it is reused). */
  function get(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status + ": " + url);
      return response;
    });
  }

  /*
   * The public API (README, "Search"): a promise of every match of `query` in rank order (or by date
   * with {sort: "date"}), each {url, title, date, excerpt, highlights}: `date` ISO (yyyy-mm-dd),
   * `excerpt` plain text, `highlights` [[from, to], ...] the ranges of `excerpt` that match. One
   * fragment is fetched per match: ask for {offset, limit} to take a page of a long list.
   */
  window.sitegenSearch = function (query, options) {
    options = options || {};
    return ready.then(function () { return find(String(query), false); }).then(function (found) {
      var results = ordered(found.results, options.sort === "date" ? "date" : "");
      var offset = Math.max(0, Number(options.offset) || 0);
      var limit = options.limit === undefined ? results.length : Math.max(0, Number(options.limit) || 0);
      return entries(found, results, offset, Math.min(results.length, offset + limit));
    }).then(function (list) {
      return list.map(function (e) {
        return { url: e.url, title: e.title, date: e.date, excerpt: e.excerpt.text, highlights: e.excerpt.highlights };
      });
    });
  };

  var initial = params.get("q") || "";
  input.value = initial;
  if (initial) status.textContent = data.loading || "";
  var indexUrl = new URL(data.indexUrl, window.location.href).toString();
  ready = get(indexUrl).then(function (response) { return response.json(); });
  ready.then(start).catch(failed);
})();
