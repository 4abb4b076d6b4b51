/*
 * sitegen's search index in the browser: the files a query needs, and lunr's ranking of them.
 *
 * The build (sitegen/render/search_files.py) cuts the index into term shards (runs of sorted
 * terms with their postings) and one fragment per article (what a result shows of it, and the
 * body text its excerpt comes from), named by a manifest. For a query, `load(terms)` fetches the
 * shards that can hold its terms (for a prefix, every shard with a term that starts with it);
 * `ranked(terms, required)` (or `rank`) scores and orders the matches; `row(ref)` is a result's row
 * (title, URL, date, tags) if a loaded shard carries it (a shard has the rows of its terms' best twenty articles) or its
 * fragment is in; `fragments(refs)` fetches the fragments of the results on screen (their excerpt
 * text, and the rows no shard had), and nothing else. Shards and fragments are packed (their JSON,
 * zlib-deflated: `unpack`); a file a host already inflated on the way is read as it is.
 *
 * The scores are lunr's (lunr.js `Index.query` with unfielded clauses, lunr.py's BM25 field
 * vectors): the query vector has, per indexed term, the number of clauses that match it (a prefix
 * clause matches every loaded term it starts); an article's score is the dot product of that vector
 * with its field vector (the shipped postings: each term's field scores summed, search_scores.py),
 * over the query vector's length. lunr.js computes the same number through a generic index, token
 * set and match data per result, which took most of a typed query's time at 5,000 articles
 * (benchmarks/RESULTS.md); tests/browser/test_search_parity.py checks `rank` against lunr.js's own
 * query of the same index and against lunr.py.
 */
(function (root) {
  "use strict";

  var FORMAT = 6;
  var REF_SLOTS = 2097152; /* 2^21: refs below it pack with a sum below MAX_SUM into an exact double */
  var MAX_SUM = 4294967296; /* 2^32 */

  /* Where `term` sorts among the shards' first terms: the last shard whose first term is <= it, or -1. */
  function shardOf(firsts, term) {
    var lo = 0, hi = firsts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (firsts[mid] <= term) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  /* A promise of the JSON value of a packed file's `response` (or of anything with `json()` alone). */
  function unpack(response) {
    if (typeof response.arrayBuffer !== "function") return response.json();
    return response.arrayBuffer().then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      if (bytes[0] !== 0x78) return JSON.parse(new TextDecoder().decode(bytes)); /* (zlib's first byte; JSON's is never "x") */
      var inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
      return new Response(inflated).json();
    });
  }

  /*
   * `manifest`: the parsed manifest; `baseUrl`: the URL its file names are relative to;
   * `get(url)`: a promise of the file's Response (or anything with `json()`: unpacked), rejected on failure.
   */
  function open(manifest, baseUrl, get) {
    if (manifest.format !== FORMAT) throw new Error("search index format " + manifest.format + ", expected " + FORMAT);
    var firsts = manifest.shards.map(function (s) { return s[0]; });
    var docs = manifest.documents;
    var shardLoads = Object.create(null); /* shard number -> promise of its being added */
    var lists = Object.create(null); /* term -> its posting list [ref delta, score × 1000, ...] */
    var terms = []; /* every loaded term, sorted once more arrived */
    var rows = new Map(); /* ref (number) -> [title, url, date, dateText, [[tag, tagUrl], ...]] */
    var sorted = true;

    function url(name) {
      return new URL(name, baseUrl).toString();
    }

    function addShard(shard) {
      for (var i = 0; i < shard.terms.length; i++) {
        lists[shard.terms[i]] = shard.postings[i]; /* a term is in one shard, and each shard is added once */
        terms.push(shard.terms[i]);
      }
      var shown = shard.rows || {};
      Object.keys(shown).forEach(function (ref) { rows.set(Number(ref), shown[ref]); });
      sorted = false;
    }

    /* The shard numbers that can hold `t` ({term, prefix}). */
    function shardsFor(t) {
      var first = shardOf(firsts, t.term);
      if (!t.prefix) return first < 0 ? [] : [first];
      var found = [];
      for (var i = Math.max(first, 0); i < firsts.length; i++) {
        if (i > first && firsts[i].lastIndexOf(t.term, 0) !== 0) break; /* past every term with the prefix */
        found.push(i);
      }
      return found;
    }

    function loadShard(i) {
      if (!shardLoads[i]) {
        shardLoads[i] = get(url(manifest.shards[i][1]))
          .then(unpack)
          .then(addShard)
          .catch(function (error) {
            delete shardLoads[i]; /* the next query tries again */
            throw error;
          });
      }
      return shardLoads[i];
    }

    /* A promise, settled once every shard `queryTerms` ([{term, prefix}]) can match in is loaded. */
    function load(queryTerms) {
      var wanted = [];
      queryTerms.forEach(function (t) { wanted.push.apply(wanted, shardsFor(t)); });
      return Promise.all(wanted.map(loadShard));
    }

    /* The loaded terms clause `t` matches: the term itself, or every term it is a prefix of. */
    function expand(t) {
      if (!t.prefix) return lists[t.term] ? [t.term] : [];
      if (!sorted) { terms.sort(); sorted = true; }
      var found = [];
      for (var i = shardOf(terms, t.term) < 0 ? 0 : shardOf(terms, t.term); i < terms.length; i++) {
        if (terms[i].lastIndexOf(t.term, 0) === 0) found.push(terms[i]);
        else if (terms[i] > t.term) break;
      }
      return found;
    }

    /*
     * The articles that match `queryTerms` (after `load`): with `required`, those with every clause; else
     * those with any. {refs: their refs (an Int32Array) in rank order, the higher score first, then the
     * newer article (the larger ref); score(ref): the score of one}. Scores as lunr's (see above).
     *
     * Everything is in typed arrays indexed by ref, and no object is made per match: at 5,000 matches
     * that was most of the ranking's time on a page that has not run it before (benchmarks/RESULTS.md).
     * An article's sum of weight × posting is an integer (the postings are scores × 1000) and its score
     * is that sum over one magnitude, so ordering by (sum, ref), packed into one exact double, orders as
     * (score, ref) does, and the packed numbers sort natively.
     */
    function ranked(queryTerms, required) {
      var weights = Object.create(null), count = docs.count;
      var sums = new Float64Array(count), clauses = new Int32Array(count), last = new Int32Array(count).fill(-1);
      var matched = 0;
      queryTerms.forEach(function (t, c) {
        expand(t).forEach(function (term) {
          weights[term] = (weights[term] || 0) + 1;
          var list = lists[term], ref = 0;
          for (var k = 0; k < list.length; k += 2) {
            ref += list[k];
            if (last[ref] !== c) { /* the clauses each article matches, each counted once */
              last[ref] = c;
              if (clauses[ref]++ === 0) matched++;
            }
          }
        });
      });
      var magnitude = 0;
      Object.keys(weights).forEach(function (term) {
        var weight = weights[term], list = lists[term], ref = 0;
        magnitude += weight * weight;
        for (var k = 0; k < list.length; k += 2) {
          ref += list[k];
          sums[ref] += weight * list[k + 1];
        }
      });
      magnitude = Math.sqrt(magnitude) * 1000; /* (the postings are scores × 1000) */
      var want = required ? queryTerms.length : 1, keys = new Float64Array(matched), n = 0, packable = count <= REF_SLOTS;
      for (var ref = 0; ref < count; ref++) {
        if (clauses[ref] >= want) {
          keys[n++] = sums[ref] * REF_SLOTS + ref;
          if (sums[ref] >= MAX_SUM) packable = false;
        }
      }
      var refs = new Int32Array(n);
      if (packable) {
        keys = keys.subarray(0, n).sort();
        for (var i = 0; i < n; i++) refs[i] = keys[n - 1 - i] % REF_SLOTS;
      } else { /* (sums too large to pack: a comparison sort) */
        var order = [];
        for (var at = 0; at < count; at++) if (clauses[at] >= want) order.push(at);
        order.sort(function (a, b) { return sums[b] - sums[a] || b - a; });
        refs.set(order);
      }
      return { refs: refs, score: function (r) { return sums[r] / magnitude; } };
    }

    /* `ranked`, as [{ref, n: ref as a number, score}] in rank order. */
    function rank(queryTerms, required) {
      var found = ranked(queryTerms, required);
      return Array.from(found.refs, function (ref) { return { ref: String(ref), n: ref, score: found.score(ref) }; });
    }

    var fragmentLoads = Object.create(null); /* ref -> promise of its fragment */

    /* A promise of the fragment of `ref`: [title, url, date, dateText, [[tag, tagUrl], ...], summary, body]. */
    function fragment(ref) {
      var n = Number(ref);
      if (!fragmentLoads[n]) {
        var group = docs.groups[Math.floor(n / docs.per_group)]; /* the hash of its group: the URL changes with it */
        fragmentLoads[n] = get(url("docs/" + n + ".jz?v=" + group))
          .then(unpack)
          .then(function (f) {
            if (!rows.has(n)) rows.set(n, f.slice(0, 5));
            return f;
          })
          .catch(function (error) {
            delete fragmentLoads[n]; /* the next query asks again */
            throw error;
          });
      }
      return fragmentLoads[n];
    }

    /* A promise of the fragments of `refs`, in that order. */
    function fragments(refs) {
      return Promise.all(refs.map(fragment));
    }

    /* The row of `ref` if a loaded shard or fragment had it, else undefined. */
    function row(ref) {
      return rows.get(Number(ref));
    }

    return { load: load, ranked: ranked, rank: rank, row: row, fragments: fragments };
  }

  root.sitegenSearchIndex = { open: open };
})(typeof self !== "undefined" ? self : this);
