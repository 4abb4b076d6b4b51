/*
 * Loads sitegen's search index into a lunr.js Index, lazily.
 *
 * The build (sitegen/render/search.py) writes lunr's serialized index without its inverted index:
 * the postings can be rebuilt from the field vectors, and parsing them as JSON objects was the
 * largest cost of opening /search/ (benchmarks/RESULTS.md). Here the Index gets the field vectors
 * and a token set as lunr.Index.load makes them, and an inverted index that builds a term's posting
 * ({_index, field: {ref: {}}}, lunr's shape) the first time a query asks for it. Query code is
 * lunr's own; tests/browser/test_search_parity.py checks the answers equal lunr.py's.
 */
(function (root) {
  "use strict";

  function load(lunr, data) {
    var fields = data.fields, terms = data.terms, vectors = data.fieldVectors;
    var fieldVectors = Object.create(null);
    for (var i = 0; i < vectors.length; i++) fieldVectors[vectors[i][0]] = new lunr.Vector(vectors[i][1]);

    var builder = new lunr.TokenSet.Builder();
    terms.slice().sort().forEach(function (term) { builder.insert(term); });
    builder.finish();

    var termIndex = Object.create(null);
    for (var t = 0; t < terms.length; t++) termIndex[terms[t]] = t;
    var postings = null; /* by term index: [field, ref, field, ref, ...] */

    function scan() {
      postings = new Array(terms.length);
      for (var i = 0; i < vectors.length; i++) {
        var fieldRef = vectors[i][0], cut = fieldRef.indexOf(lunr.FieldRef.joiner);
        var field = fieldRef.slice(0, cut), ref = fieldRef.slice(cut + 1), elements = vectors[i][1];
        for (var j = 0; j < elements.length; j += 2) {
          var list = postings[elements[j]] || (postings[elements[j]] = []);
          list.push(field, ref);
        }
      }
    }

    function posting(term) {
      var index = termIndex[term];
      if (index === undefined) return undefined;
      if (postings === null) scan();
      var result = { _index: index };
      fields.forEach(function (field) { result[field] = {}; });
      var list = postings[index] || [];
      for (var k = 0; k < list.length; k += 2) result[list[k]][list[k + 1]] = {};
      return result;
    }

    var built = Object.create(null);
    var invertedIndex = new Proxy(built, {
      get: function (target, term) {
        if (typeof term !== "string") return undefined;
        if (!(term in target)) target[term] = posting(term);
        return target[term];
      }
    });
    return new lunr.Index({
      invertedIndex: invertedIndex,
      fieldVectors: fieldVectors,
      tokenSet: builder.root,
      fields: fields,
      pipeline: lunr.Pipeline.load(data.pipeline)
    });
  }

  root.sitegenSearchIndex = { load: load };
})(typeof self !== "undefined" ? self : this);
