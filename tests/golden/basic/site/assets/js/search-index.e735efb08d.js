/*
 * sitegen's search index in the browser: the files a query needs, made into a lunr.js Index.
 *
 * The build (sitegen/render/search_files.py) cuts the index into term shards (runs of sorted
 * terms with their postings) and one fragment per article (what a result shows of it, and the
 * body text its excerpt comes from), named by a manifest. For a query, `index(terms)` fetches the
 * shards that can hold its terms (for a prefix, every shard with a term that starts with it) and
 * returns a lunr.Index of all terms loaded so far: their postings ({_index, field: {ref: {}}},
 * lunr's shape) and field vectors that hold those terms only, in one field whose scores are the
 * indexed fields' summed (search_scores.py says why that changes no score). lunr scores by the dot
 * product with the query vector over the query vector's length, so the scores are those of the
 * whole index; the query is lunr's own code. `fragments(refs)` fetches the fragments of the
 * results on screen, and nothing else.
 * tests/browser/test_search_parity.py checks that the answers equal lunr.py's.
 */
(function (root) {
  "use strict";

  var FORMAT = 3;
  var NO_METADATA = Object.freeze({}); /* lunr copies a posting's metadata keys; the index has none */

  /* Where `term` sorts among the shards' first terms: the last shard whose first term is <= it, or -1. */
  function shardOf(firsts, term) {
    var lo = 0, hi = firsts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (firsts[mid] <= term) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  /*
   * `manifest`: the parsed manifest; `baseUrl`: the URL its file names are relative to;
   * `get(url)`: a promise of the file's Response (or anything with `json()` and `text()`), rejected
   * on failure.
   */
  function open(lunr, manifest, baseUrl, get) {
    if (manifest.format !== FORMAT) throw new Error("search index format " + manifest.format + ", expected " + FORMAT);
    var field = manifest.lunr.fields[0]; /* one: the indexed fields' scores summed */
    var pipeline = lunr.Pipeline.load(manifest.lunr.pipeline);
    var firsts = manifest.shards.map(function (s) { return s[0]; });
    var docs = manifest.documents;
    var shardLoads = Object.create(null); /* shard number -> promise of its being added */
    var postings = Object.create(null);
    var vectors = Object.create(null);
    var terms = [];
    var nextIndex = 0;
    var current = null; /* the lunr.Index of the terms loaded so far, or null once more arrived */

    function url(name) {
      return new URL(name, baseUrl).toString();
    }

    function addShard(shard) {
      for (var i = 0; i < shard.terms.length; i++) {
        var term = shard.terms[i]; /* in no other shard, and each shard is added once */
        var termIndex = nextIndex++, list = shard.postings[i], refs = Object.create(null), ref = 0;
        for (var k = 0; k < list.length; k += 2) {
          ref += list[k];
          refs[ref] = NO_METADATA;
          var fieldRef = field + "/" + ref;
          var vector = vectors[fieldRef] || (vectors[fieldRef] = new lunr.Vector([]));
          vector.elements.push(termIndex, list[k + 1] / 1000); /* indices grow: stays sorted */
        }
        var posting = { _index: termIndex };
        posting[field] = refs;
        postings[term] = posting;
        terms.push(term);
      }
      current = null;
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
          .then(function (response) { return response.json(); })
          .then(addShard)
          .catch(function (error) {
            delete shardLoads[i]; /* the next query tries again */
            throw error;
          });
      }
      return shardLoads[i];
    }

    function makeIndex() {
      if (current === null) {
        terms.sort();
        current = new lunr.Index({
          invertedIndex: postings,
          fieldVectors: vectors,
          tokenSet: lunr.TokenSet.fromArray(terms),
          fields: [field],
          pipeline: pipeline
        });
      }
      return current;
    }

    /* A promise of a lunr.Index that holds every indexed term `queryTerms` ([{term, prefix}]) can match. */
    function index(queryTerms) {
      var wanted = [];
      queryTerms.forEach(function (t) { wanted.push.apply(wanted, shardsFor(t)); });
      return Promise.all(wanted.map(loadShard)).then(makeIndex);
    }

    var fragmentLoads = Object.create(null); /* ref -> promise of its fragment */

    /* A promise of the fragment of `ref`: [title, url, date, dateText, [[tag, tagUrl], ...], summary, body]. */
    function fragment(ref) {
      var n = Number(ref);
      if (!fragmentLoads[n]) {
        var folder = docs.folders[Math.floor(n / docs.per_folder)];
        fragmentLoads[n] = get(url(folder + "/" + n + ".json"))
          .then(function (response) { return response.json(); })
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

    return { index: index, fragments: fragments };
  }

  root.sitegenSearchIndex = { open: open };
})(typeof self !== "undefined" ? self : this);
