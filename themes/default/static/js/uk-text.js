/*
 * The Ukrainian text pipeline in the browser: a mechanical mirror of sitegen/text/__init__.py.
 * Its data (sitegen/text/uk.json) arrives inside the search index file, so code and data always
 * come from one build. Python and this file must give identical output: tests/browser/
 * test_search_parity.py checks it on thousands of word forms. Only explicit character ranges
 * are used in regexes (engines disagree on \w and Unicode classes).
 */
(function (root) {
  "use strict";

  function escapeChar(c) {
    return "\\u{" + c.codePointAt(0).toString(16) + "}";
  }

  /* The pipeline's functions, built from the JSON data. */
  function make(spec) {
    var deleteClass = Object.keys(spec["delete"]).map(function (code) {
      return "\\u{" + code.slice(2) + "}";
    }).join("");
    var deleteRe = new RegExp("[" + deleteClass + "]", "gu");
    var folds = spec.folds;
    var foldRe = new RegExp("[" + Object.keys(folds).map(escapeChar).join("") + "]", "gu");
    var nonWord = new RegExp("[^" + spec.word_chars + "]+", "u");
    var hasCyrillic = new RegExp("[" + spec.cyrillic_chars + "]", "u");
    var onlyCyrillic = new RegExp("^[" + spec.cyrillic_chars + "]+$", "u");
    var onlyLatin = new RegExp("^[" + spec.latin_chars + "]+$", "u");
    var homoglyphs = spec.homoglyphs;
    var homoglyphRe = new RegExp("[" + Object.keys(homoglyphs).map(escapeChar).join("") + "]", "gu");
    var stopWords = new Set(spec.stop_words);
    var st = spec.stemmer;
    var english = st.english;

    function normalize(text) {
      var decomposed = text.toLowerCase().normalize("NFD").replace(deleteRe, "");
      return decomposed.normalize("NFC").replace(foldRe, function (c) { return folds[c]; });
    }

    function fixToken(token) {
      if (!hasCyrillic.test(token)) return token;
      return token.replace(homoglyphRe, function (c) { return homoglyphs[c]; });
    }

    function tokenize(text) {
      return normalize(text).split(nonWord).filter(function (piece) {
        return piece !== "";
      }).map(fixToken);
    }

    function isStopWord(token) {
      return stopWords.has(token);
    }

    function stripVowels(word) {
      while (word.length > 3 && st.vowels.indexOf(word[word.length - 1]) >= 0) word = word.slice(0, -1);
      return word;
    }

    /* uk-light 2: the steps of uk.json's stemmer.comment, as sitegen/text/__init__.py takes them. */
    function stemUk(word) {
      if (word.length < st.min_length) return word;
      var i, rest;
      for (i = 0; i < st.reflexive.endings.length; i++) {
        var r = st.reflexive.endings[i];
        if (word.endsWith(r) && word.length - r.length >= st.reflexive.keep) { word = word.slice(0, -r.length); break; }
      }
      for (i = 0; i < st.endings.length; i++) {
        var ending = st.endings[i][0], keep = st.endings[i][1], after = st.endings[i][2];
        rest = word.length - ending.length;
        if (rest >= keep && word.endsWith(ending) && (!after || after.indexOf(word[rest - 1]) >= 0)) {
          word = word.slice(0, rest);
          break;
        }
      }
      if (word.length > 3 && word[word.length - 1] === st.soft_sign) word = word.slice(0, -1);
      word = stripVowels(word);
      for (var round = 0; round < st.rounds; round++) {
        var n = word.length;
        if (n > 4 && word[n - 1] === "л" && st.labials.indexOf(word[n - 2]) >= 0) word = word.slice(0, -1);
        n = word.length;
        if (n > 4 && st.drop_after_vowel.indexOf(word[n - 1]) >= 0 && st.vowels.indexOf(word[n - 2]) >= 0) {
          word = stripVowels(word.slice(0, -1));
        }
      }
      var last = word.length - 1;
      if (word.length > 3 && word[last] === word[last - 1] && st.vowels.indexOf(word[last]) < 0) word = word.slice(0, -1);
      if (word.length > 4) {
        for (i = 0; i < st.alternations.length; i++) {
          var old = st.alternations[i][0];
          if (word.endsWith(old)) return word.slice(0, word.length - old.length) + st.alternations[i][1];
        }
      }
      return word;
    }

    function stemEn(word) {
      if (word.length <= english.longer_than) return word;
      for (var r = 0; r < english.rules.length; r++) {
        var suffix = english.rules[r][0], replacement = english.rules[r][1], unless = english.rules[r][2];
        if (word.endsWith(suffix) && !unless.some(function (u) { return word.endsWith(u); })) {
          return word.slice(0, word.length - suffix.length) + replacement;
        }
      }
      return word;
    }

    function stem(token) {
      if (onlyCyrillic.test(token)) return stemUk(token);
      if (onlyLatin.test(token)) return stemEn(token);
      return token;
    }

    function terms(text) {
      return tokenize(text).filter(function (t) { return !stopWords.has(t); }).map(stem);
    }

    return { normalize: normalize, tokenize: tokenize, isStopWord: isStopWord, stem: stem, terms: terms };
  }

  /* Registers uk-normalize, uk-stopwords and uk-stemmer with lunr.js (before lunr.Index.load). */
  function install(lunr, spec) {
    var text = make(spec);
    function ukNormalize(token) {
      return text.tokenize(token.toString()).map(function (piece) {
        return token.clone(function () { return piece; });
      });
    }
    function ukStopwords(token) {
      return text.isStopWord(token.toString()) ? undefined : token;
    }
    function ukStemmer(token) {
      return token.update(function (s) { return text.stem(s); });
    }
    lunr.Pipeline.registerFunction(ukNormalize, "uk-normalize");
    lunr.Pipeline.registerFunction(ukStopwords, "uk-stopwords");
    lunr.Pipeline.registerFunction(ukStemmer, "uk-stemmer");
    return text;
  }

  root.sitegenText = { make: make, install: install };
})(typeof self !== "undefined" ? self : this);
