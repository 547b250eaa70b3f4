/* 站内搜索 — citizen search over the static index in search/idx/ (generator/search_index.py).
 *
 * A page is found when it contains every word of the query. Words are matched
 * on a normalised form (NFKC, lower case, punctuation and spaces dropped), so
 * 阜应急罚字〔2023〕40号 also finds 阜应急罚字[2023]40号. Candidates come from the
 * character-bigram index (a page containing a word contains all of its
 * bigrams, so nothing is missed); words of three or more characters are then
 * checked against the page text, which is also what the snippet is cut from.
 * Whole numbers inside a word (#40, #40号 for 〔2023〕40号) narrow the
 * candidates further, since digits have few bigrams.
 * normalise(), queryTokens(), numberTokens() and fnv1a() mirror the Python
 * side exactly (tests/test_search_browser.py checks it).
 */
(function () {
  'use strict';

  var PAGE_SIZE = 20;
  var MAX_TOKENS = 32; // bigrams looked up per query at most
  var CHECK_ALL = 300; // candidates checked eagerly for an exact count
  var SNIPPET_BEFORE = 28;
  var SNIPPET_AFTER = 72;

  // ---- normalisation (mirror of search_index.normalize) --------------------------------
  var KEEP = /[\p{L}\p{N}\p{M}]/u;
  var normCache = new Map();

  function normChar(ch) {
    var v = normCache.get(ch);
    if (v !== undefined) return v;
    v = '';
    for (var c of ch.normalize('NFKC').toLowerCase()) {
      if (KEEP.test(c)) v += c;
    }
    normCache.set(ch, v);
    return v;
  }

  function normalise(text) {
    var out = '';
    for (var ch of text) out += normChar(ch);
    return out;
  }

  /* Normalised text plus, for each normalised code point, the index of the
   * source code point it came from (to highlight the original text). */
  function normaliseMapped(text) {
    var src = Array.from(text);
    var norm = [];
    var map = [];
    for (var i = 0; i < src.length; i++) {
      var n = normChar(src[i]);
      for (var c of n) {
        norm.push(c);
        map.push(i);
      }
    }
    return { src: src, norm: norm, map: map, str: norm.join('') };
  }

  function rawWords(q) {
    return (q || '').split(/\s+/).filter(function (w) { return normalise(w); });
  }

  function queryWords(q) {
    var seen = new Set();
    var words = [];
    rawWords(q).forEach(function (w) {
      var n = normalise(w);
      if (!seen.has(n)) {
        seen.add(n);
        words.push(n);
      }
    });
    // A word inside another word adds nothing.
    return words.filter(function (w) {
      return !words.some(function (o) { return o !== w && o.indexOf(w) >= 0; });
    });
  }

  /* Whole numbers of a raw query word (mirror of search_index.query_number_tokens). */
  function numberTokens(rawWord) {
    var sp = '';
    for (var ch of rawWord) sp += normChar(ch) || ' ';
    var out = [], re = /[0-9]+/g, m;
    while ((m = re.exec(sp))) {
      var end = m.index + m[0].length;
      if (m.index > 0 && end < sp.length) {
        var next = String.fromCodePoint(sp.codePointAt(end));
        ['#' + m[0], next !== ' ' ? '#' + m[0] + next : ''].forEach(function (t) {
          if (t && out.indexOf(t) < 0) out.push(t);
        });
      }
    }
    return out;
  }

  function queryTokens(word) {
    var cs = Array.from(word);
    var n = cs.length;
    if (n <= 2) return n ? [word] : [];
    var picks = [];
    for (var i = 0; i < n - 1; i += 2) picks.push(i);
    if (picks[picks.length - 1] !== n - 2) picks.push(n - 2);
    return picks.map(function (i) { return cs[i] + cs[i + 1]; });
  }

  var encoder = new TextEncoder();

  function fnv1a(token) {
    var h = 0x811c9dc5;
    var bytes = encoder.encode(token);
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  // ---- gzip -----------------------------------------------------------------------------
  var LBASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
  var LEXT = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  var DBASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
  var DEXT = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
  var CLORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

  /* Small DEFLATE decoder (after zlib's puff.c), for browsers without DecompressionStream. */
  function inflateRaw(data) {
    var pos = 0, bitBuf = 0, bitCnt = 0;
    var out = new Uint8Array(Math.max(1024, data.length * 4)), outLen = 0;

    function ensure(n) {
      if (outLen + n <= out.length) return;
      var grown = new Uint8Array(Math.max(out.length * 2, outLen + n));
      grown.set(out.subarray(0, outLen));
      out = grown;
    }
    function bits(n) {
      while (bitCnt < n) {
        if (pos >= data.length) throw new Error('gzip: unexpected end');
        bitBuf |= data[pos++] << bitCnt;
        bitCnt += 8;
      }
      var v = bitBuf & ((1 << n) - 1);
      bitBuf >>>= n;
      bitCnt -= n;
      return v;
    }
    function huffman(lengths) {
      var counts = new Uint16Array(16), offs = new Uint16Array(16), i;
      for (i = 0; i < lengths.length; i++) counts[lengths[i]]++;
      counts[0] = 0;
      for (i = 1; i < 16; i++) offs[i] = offs[i - 1] + counts[i - 1];
      var symbols = new Uint16Array(lengths.length);
      for (i = 0; i < lengths.length; i++) if (lengths[i]) symbols[offs[lengths[i]]++] = i;
      return { counts: counts, symbols: symbols };
    }
    function decode(h) {
      var code = 0, first = 0, index = 0;
      for (var len = 1; len < 16; len++) {
        code |= bits(1);
        var count = h.counts[len];
        if (code - count < first) return h.symbols[index + (code - first)];
        index += count;
        first = (first + count) << 1;
        code <<= 1;
      }
      throw new Error('gzip: bad code');
    }
    var fixedLit = null, fixedDist = null;
    var last;
    do {
      last = bits(1);
      var type = bits(2), lit, dist, i;
      if (type === 0) {
        bitBuf = 0;
        bitCnt = 0;
        var len = data[pos] | (data[pos + 1] << 8);
        pos += 4;
        ensure(len);
        out.set(data.subarray(pos, pos + len), outLen);
        outLen += len;
        pos += len;
        continue;
      }
      if (type === 1) {
        if (!fixedLit) {
          var l = new Uint8Array(288);
          for (i = 0; i < 144; i++) l[i] = 8;
          for (; i < 256; i++) l[i] = 9;
          for (; i < 280; i++) l[i] = 7;
          for (; i < 288; i++) l[i] = 8;
          fixedLit = huffman(l);
          fixedDist = huffman(new Uint8Array(30).fill(5));
        }
        lit = fixedLit;
        dist = fixedDist;
      } else if (type === 2) {
        var nlen = bits(5) + 257, ndist = bits(5) + 1, ncode = bits(4) + 4;
        var cl = new Uint8Array(19);
        for (i = 0; i < ncode; i++) cl[CLORDER[i]] = bits(3);
        var clh = huffman(cl);
        var lens = new Uint8Array(nlen + ndist);
        i = 0;
        while (i < nlen + ndist) {
          var sym = decode(clh);
          if (sym < 16) { lens[i++] = sym; continue; }
          var val = 0, rep;
          if (sym === 16) { val = lens[i - 1]; rep = 3 + bits(2); }
          else if (sym === 17) rep = 3 + bits(3);
          else rep = 11 + bits(7);
          while (rep--) lens[i++] = val;
        }
        lit = huffman(lens.subarray(0, nlen));
        dist = huffman(lens.subarray(nlen));
      } else {
        throw new Error('gzip: bad block');
      }
      for (;;) {
        var s = decode(lit);
        if (s < 256) { ensure(1); out[outLen++] = s; continue; }
        if (s === 256) break;
        s -= 257;
        var length = LBASE[s] + bits(LEXT[s]);
        var d = decode(dist);
        var back = DBASE[d] + bits(DEXT[d]);
        ensure(length);
        for (var k = 0; k < length; k++, outLen++) out[outLen] = out[outLen - back];
      }
    } while (!last);
    return out.subarray(0, outLen);
  }

  function gunzipFallback(bytes) {
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b || bytes[2] !== 8) throw new Error('gzip: bad header');
    var flags = bytes[3], p = 10;
    if (flags & 4) p += 2 + (bytes[p] | (bytes[p + 1] << 8));
    if (flags & 8) { while (bytes[p++]); }
    if (flags & 16) { while (bytes[p++]); }
    if (flags & 2) p += 2;
    return inflateRaw(bytes.subarray(p));
  }

  function gunzip(buffer) {
    var bytes = new Uint8Array(buffer);
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return Promise.resolve(bytes); // served decoded
    if (typeof DecompressionStream === 'function') {
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
      return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
    }
    return Promise.resolve(gunzipFallback(bytes));
  }

  // ---- the index ------------------------------------------------------------------------
  var decoder = new TextDecoder('utf-8');

  function Index(base) {
    this.base = base;
    this.files = new Map();
    this.normText = new Map();
    this.manifest = null;
  }

  Index.prototype.load = function () {
    var self = this;
    if (!this.ready) {
      this.ready = fetch(this.base + 'manifest.json', { cache: 'no-cache' })
        .then(function (r) {
          if (!r.ok) throw new Error('manifest ' + r.status);
          return r.json();
        })
        .then(function (m) { self.manifest = m; return m; });
    }
    return this.ready;
  };

  Index.prototype.file = function (name) {
    var self = this;
    var p = this.files.get(name);
    if (!p) {
      p = fetch(this.base + name + '?v=' + this.manifest.v)
        .then(function (r) {
          if (!r.ok) throw new Error(name + ' ' + r.status);
          return r.arrayBuffer();
        })
        .then(gunzip)
        .then(function (bytes) { return JSON.parse(decoder.decode(bytes)); });
      p.catch(function () { self.files.delete(name); });
      this.files.set(name, p);
    }
    return p;
  };

  Index.prototype.postings = function (token) {
    var b = fnv1a(token) & (this.manifest.buckets - 1);
    var name = 't/' + ('00' + b.toString(16)).slice(-3) + '.json.gz';
    return this.file(name).then(function (table) {
      var deltas = table[token];
      if (!deltas) return new Int32Array(0);
      var ids = new Int32Array(deltas.length), n = 0;
      for (var i = 0; i < deltas.length; i++) ids[i] = n += deltas[i];
      return ids;
    });
  };

  Index.prototype.doc = function (id) {
    var self = this;
    var k = this.manifest.chunk;
    return this.file('d/' + Math.floor(id / k) + '.json.gz').then(function (rows) {
      var r = rows[id % k];
      return { id: id, url: r[0], title: r[1], type: r[2], date: r[3], status: r[4], text: r[5] };
    });
  };

  Index.prototype.norm = function (doc) {
    var n = this.normText.get(doc.id);
    if (n === undefined) {
      n = normalise(doc.text);
      this.normText.set(doc.id, n);
    }
    return n;
  };

  function intersect(lists) {
    lists.sort(function (a, b) { return a.length - b.length; });
    var acc = lists[0];
    for (var l = 1; l < lists.length && acc.length; l++) {
      var other = lists[l], out = [], i = 0, j = 0;
      while (i < acc.length && j < other.length) {
        if (acc[i] === other[j]) { out.push(acc[i]); i++; j++; }
        else if (acc[i] < other[j]) i++;
        else j++;
      }
      acc = out;
    }
    return Array.from(acc);
  }

  /* Candidates for a query: ids (newest first) of pages holding every token and matching the filters. */
  Index.prototype.candidates = function (words, filters, raw) {
    var self = this;
    var m = this.manifest;
    var tokens = [];
    (raw || []).forEach(function (w) {
      numberTokens(w).forEach(function (t) { if (tokens.indexOf(t) < 0) tokens.push(t); });
    });
    words.forEach(function (w) {
      queryTokens(w).forEach(function (t) { if (tokens.indexOf(t) < 0) tokens.push(t); });
    });
    if (tokens.length > MAX_TOKENS) {
      // A pasted paragraph: a spread of its bigrams finds the same pages (each is checked on its text).
      var step = tokens.length / MAX_TOKENS;
      tokens = Array.from({ length: MAX_TOKENS }, function (_, i) { return tokens[Math.floor(i * step)]; });
    }
    if (!m.docs) return Promise.resolve([]);
    var idsP = tokens.length
      ? Promise.all(tokens.map(function (t) { return self.postings(t); })).then(intersect)
      : Promise.resolve(Array.from({ length: m.docs }, function (_, i) { return i; }));
    var active = filters && (filters.type || filters.year || filters.status);
    if (!active) return idsP;
    return Promise.all([idsP, this.file('f.json.gz')]).then(function (res) {
      var ids = res[0], facets = res[1];
      var t = filters.type ? m.types.indexOf(filters.type) : null;
      var y = filters.year ? parseInt(filters.year, 10) : null;
      var s = filters.status ? m.statuses.indexOf(filters.status) : null;
      var ok = facets.combos.map(function (c) {
        return (t === null || c[0] === t) && (y === null || c[1] === y) && (s === null || c[2].indexOf(s) >= 0);
      });
      return ids.filter(function (id) { return ok[facets.doc[id]]; });
    });
  };

  /* A search: candidates, then pages checked in order as far as a page of results needs. */
  function Search(index, q, filters) {
    this.index = index;
    this.q = q;
    this.words = queryWords(q);
    this.filters = filters;
    this.exactTokens = this.words.every(function (w) { return Array.from(w).length <= 2; });
    this.matches = [];
    this.pos = 0;
  }

  Search.prototype.start = function () {
    var self = this;
    var raw = rawWords(this.q);
    var numbers = raw.some(function (w) { return numberTokens(w).length; });
    return this.index.candidates(this.words, this.filters, raw).then(function (ids) {
      // Nothing with the query's whole numbers: the numbers may be run together
      // (阜应急罚字202340号 for 〔2023〕40号); try again with the bigrams alone.
      if (!ids.length && numbers) return self.index.candidates(self.words, self.filters, null);
      return ids;
    }).then(function (ids) {
      self.ids = ids;
      return self;
    });
  };

  Object.defineProperty(Search.prototype, 'done', {
    get: function () { return this.exactTokens || this.pos >= this.ids.length; }
  });

  /* Total when known; otherwise an upper bound (see `done`). */
  Object.defineProperty(Search.prototype, 'total', {
    get: function () {
      if (this.exactTokens) return this.ids.length;
      return this.matches.length + (this.ids.length - this.pos);
    }
  });

  /* Resolve the first n matching documents (or all of them: n = Infinity); calls run one at a time. */
  Search.prototype.fill = function (n) {
    var self = this;
    this.queue = (this.queue || Promise.resolve()).catch(function () {}).then(function () { return self.fillNow(n); });
    return this.queue;
  };

  Search.prototype.fillNow = function (n) {
    var self = this;
    if (this.exactTokens) {
      var want = Math.min(n, this.ids.length);
      return this.docs(this.ids.slice(this.matches.length, want)).then(function (docs) {
        self.matches = self.matches.concat(docs);
        return self.matches.slice(0, n);
      });
    }
    function step() {
      if (self.matches.length >= n || self.pos >= self.ids.length) return Promise.resolve(self.matches.slice(0, n));
      var batch = self.ids.slice(self.pos, self.pos + Math.max(PAGE_SIZE, Math.min(n - self.matches.length, 200)));
      self.pos += batch.length;
      return self.docs(batch).then(function (docs) {
        docs.forEach(function (doc) {
          var norm = self.index.norm(doc);
          if (self.words.every(function (w) { return norm.indexOf(w) >= 0; })) self.matches.push(doc);
        });
        return step();
      });
    }
    return step();
  };

  Search.prototype.docs = function (ids) {
    var index = this.index;
    return Promise.all(ids.map(function (id) { return index.doc(id); }));
  };

  /* The documents of result page p (1-based). */
  Search.prototype.page = function (p) {
    var from = (p - 1) * PAGE_SIZE;
    if (this.exactTokens) return this.docs(this.ids.slice(from, from + PAGE_SIZE));
    return this.fill(p * PAGE_SIZE).then(function (docs) { return docs.slice(from); });
  };

  // ---- snippets -------------------------------------------------------------------------
  /* Source ranges [start, end) of every occurrence of every word in a mapped text. */
  function occurrences(mapped, words) {
    var ranges = [];
    words.forEach(function (w) {
      var wl = Array.from(w).length;
      var from = 0, at;
      // positions are in code points: search on the array-joined string by code point index
      var str = mapped.str;
      var cpIndex = codePointIndex(str);
      while ((at = str.indexOf(w, from)) >= 0) {
        var cp = cpIndex(at);
        ranges.push([mapped.map[cp], mapped.map[cp + wl - 1] + 1]);
        from = at + w.length;
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var lastR = merged[merged.length - 1];
      if (lastR && r[0] <= lastR[1]) lastR[1] = Math.max(lastR[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged;
  }

  function codePointIndex(str) {
    // maps a UTF-16 offset of str to a code point offset (str is mostly BMP: fast path)
    var astral = /[\uD800-\uDBFF]/.test(str);
    if (!astral) return function (i) { return i; };
    return function (i) { return Array.from(str.slice(0, i)).length; };
  }

  function highlighted(parent, srcChars, start, end, ranges) {
    var cursor = start;
    ranges.forEach(function (r) {
      var a = Math.max(r[0], start), b = Math.min(r[1], end);
      if (b <= a) return;
      if (a > cursor) parent.appendChild(document.createTextNode(srcChars.slice(cursor, a).join('')));
      var mk = document.createElement('mark');
      mk.textContent = srcChars.slice(a, b).join('');
      parent.appendChild(mk);
      cursor = b;
    });
    if (cursor < end) parent.appendChild(document.createTextNode(srcChars.slice(cursor, end).join('')));
  }

  function snippet(doc, words) {
    var p = document.createElement('p');
    p.className = 'snippet';
    var mapped = normaliseMapped(doc.text);
    var ranges = occurrences(mapped, words);
    var skipTitle = Array.from(doc.title || '').length;
    var body = ranges.filter(function (r) { return r[0] >= skipTitle; });
    var first = body.length ? body[0] : null;
    var start, end;
    if (first) {
      start = Math.max(skipTitle, first[0] - SNIPPET_BEFORE);
      end = Math.min(mapped.src.length, first[1] + SNIPPET_AFTER);
    } else {
      start = Math.min(skipTitle, mapped.src.length);
      end = Math.min(mapped.src.length, start + SNIPPET_BEFORE + SNIPPET_AFTER);
    }
    while (start < end && /\s/.test(mapped.src[start])) start++;
    if (start > 0) p.appendChild(document.createTextNode('…'));
    highlighted(p, mapped.src, start, end, ranges);
    if (end < mapped.src.length) p.appendChild(document.createTextNode('…'));
    return p;
  }

  // ---- the page -------------------------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function readParams() {
    var p = new URLSearchParams(location.search);
    return {
      q: p.get('q') || '',
      type: p.get('type') || '',
      year: p.get('year') || '',
      status: p.get('status') || '',
      page: Math.max(1, parseInt(p.get('page') || '1', 10) || 1)
    };
  }

  function writeParams(s, push) {
    var p = new URLSearchParams();
    if (s.q) p.set('q', s.q);
    ['type', 'year', 'status'].forEach(function (k) { if (s[k]) p.set(k, s[k]); });
    if (s.page > 1) p.set('page', String(s.page));
    var url = location.pathname + (p.toString() ? '?' + p.toString() : '');
    history[push ? 'pushState' : 'replaceState'](s, '', url);
  }

  function fillSelect(select, values, label) {
    if (!select) return;
    var keep = select.value;
    while (select.options.length > 1) select.remove(1);
    values.forEach(function (v) {
      var o = document.createElement('option');
      o.value = String(v);
      o.textContent = label ? label(v) : String(v);
      select.appendChild(o);
    });
    select.value = keep;
  }

  function init() {
    var box = document.getElementById('search');
    var form = document.getElementById('search-form');
    if (!box || !form) return;
    var index = new Index(box.getAttribute('data-index') || 'idx/');
    var input = form.querySelector('input[name=q]');
    var selects = {
      type: form.querySelector('select[name=type]'),
      year: form.querySelector('select[name=year]'),
      status: form.querySelector('select[name=status]')
    };
    var statusEl = document.getElementById('search-status');
    var list = document.getElementById('search-results');
    var pager = document.getElementById('search-pager');
    var headerInput = document.querySelector('.site-header input[name=q]');
    var root = box.getAttribute('data-root') || '../';
    var current = null;
    var runId = 0;

    function setState(state) { box.setAttribute('data-state', state); }

    // Timings for the benchmark (bench/bench_search.py): gongshi:start -> gongshi:done.
    function mark(name) {
      if (window.performance && performance.mark) performance.mark('gongshi:' + name);
    }

    function renderCount(search, page) {
      var total = search.total;
      var pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
      box.setAttribute('data-total', String(total));
      box.setAttribute('data-page', String(page));
      box.setAttribute('data-exact', search.done ? 'true' : 'false');
      var what = search.q ? '“' + search.q + '”' : '所选条件';
      var f = search.filters || {};
      var chosen = [f.type, f.year ? f.year + '年' : '', f.status].filter(Boolean);
      if (search.q && chosen.length) what += '（筛选：' + chosen.join('、') + '）';
      else if (!search.q) what = '筛选条件“' + chosen.join('、') + '”';
      if (!total) {
        statusEl.textContent = '没有找到与' + what + '相符的公示信息。请检查用字，或减少搜索词、放宽筛选条件后再试。';
      } else {
        var count = search.done ? '共找到 ' + total + ' 条' : '找到约 ' + total + ' 条';
        statusEl.textContent = count + '与' + what + '相符的公示信息' +
          (pages > 1 ? '，第 ' + page + ' / ' + pages + ' 页。' : '。');
      }
      pager.textContent = '';
      if (pages > 1) {
        var prev = el('button', 'prev', '上一页');
        prev.type = 'button';
        prev.disabled = page <= 1;
        prev.addEventListener('click', function () { go(page - 1); });
        var next = el('button', 'next', '下一页');
        next.type = 'button';
        next.disabled = page >= pages;
        next.addEventListener('click', function () { go(page + 1); });
        pager.appendChild(prev);
        pager.appendChild(el('span', '', '第 ' + page + ' / ' + pages + ' 页'));
        pager.appendChild(next);
      }
    }

    function render(search, page, focusResults) {
      var my = runId;
      return search.page(page).then(function (shown) {
        if (my !== runId) return;
        var total = search.total;
        var pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
        if (!shown.length && page > 1) return render(search, Math.min(page - 1, pages), focusResults);
        list.textContent = '';
        shown.forEach(function (doc) {
          var li = el('li');
          var h = el('h3', 'result-title');
          var a = el('a');
          a.href = root + doc.url;
          var tm = normaliseMapped(doc.title);
          highlighted(a, tm.src, 0, tm.src.length, occurrences(tm, search.words));
          h.appendChild(a);
          li.appendChild(h);
          var meta = el('p', 'meta');
          meta.appendChild(el('span', 'result-type', doc.type));
          if (doc.date) {
            meta.appendChild(document.createTextNode(' · '));
            var t = el('time', '', doc.date);
            t.setAttribute('datetime', doc.date);
            meta.appendChild(t);
          }
          if (doc.status) {
            meta.appendChild(document.createTextNode(' '));
            meta.appendChild(el('span', 'status ' + (/^(公示中|即将)/.test(doc.status) ? 'status-ok' : 'status-info'), doc.status));
          }
          li.appendChild(meta);
          li.appendChild(snippet(doc, search.words));
          list.appendChild(li);
        });
        renderCount(search, page);
        if (!search.done && search.ids.length - search.pos <= CHECK_ALL) {
          // Few candidates left: check them all so the count becomes exact.
          search.fill(Infinity).then(function () {
            if (my === runId && search === current) renderCount(search, page);
          }).catch(fail);
        }
        setState('done');
        mark('done');
        if (focusResults) statusEl.focus();
      });
    }

    function go(page) {
      var s = readParams();
      s.page = page;
      writeParams(s, true);
      setState('loading');
      render(current, page, true).catch(fail);
    }

    function fail(err) {
      setState('error');
      statusEl.textContent = '搜索暂时无法使用，请稍后再试，或通过栏目导航和开放数据查找信息。';
      if (window.console) console.error(err);
    }

    function run(params) {
      runId++;
      var my = runId;
      input.value = params.q;
      if (headerInput) headerInput.value = params.q;
      Object.keys(selects).forEach(function (k) { if (selects[k]) selects[k].value = params[k]; });
      var filters = { type: params.type, year: params.year, status: params.status };
      list.textContent = '';
      pager.textContent = '';
      if (!queryWords(params.q).length && !filters.type && !filters.year && !filters.status) {
        setState('idle');
        box.setAttribute('data-total', '0');
        statusEl.textContent = params.q ? '请输入汉字、字母或数字进行搜索。' : '请输入要搜索的内容，例如企业名称、文书编号或法律名称。';
        return Promise.resolve();
      }
      setState('loading');
      mark('start');
      statusEl.textContent = '正在搜索…';
      return index.load().then(function () {
        if (my !== runId) return;
        current = new Search(index, params.q, filters);
        return current.start().then(function () {
          if (my !== runId) return;
          return render(current, params.page, false);
        });
      }).catch(fail);
    }

    index.load().then(function (m) {
      fillSelect(selects.type, m.types);
      fillSelect(selects.year, m.years, function (y) { return y + '年'; });
      fillSelect(selects.status, m.statuses);
      var p = readParams();
      Object.keys(selects).forEach(function (k) { if (selects[k]) selects[k].value = p[k]; });
    }).catch(fail);

    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var s = {
        q: input.value.trim(),
        type: selects.type ? selects.type.value : '',
        year: selects.year ? selects.year.value : '',
        status: selects.status ? selects.status.value : '',
        page: 1
      };
      writeParams(s, true);
      run(s);
    });
    Object.keys(selects).forEach(function (k) {
      if (!selects[k]) return;
      selects[k].addEventListener('change', function () {
        var s = readParams();
        s[k] = selects[k].value;
        s.q = input.value.trim();
        s.page = 1;
        writeParams(s, true);
        run(s);
      });
    });
    window.addEventListener('popstate', function () { run(readParams()); });

    // The box in the page header submits here with ?q=...; so does a bookmarked search.
    var start = readParams();
    writeParams(start, false);
    run(start);

    // For tests and the benchmark: every match of a query, in order.
    window.gongshiSearch = {
      all: function (q, filters) {
        return index.load().then(function () {
          var s = new Search(index, q, filters || {});
          return s.start().then(function () { return s.fill(Infinity); });
        }).then(function (docs) { return docs.map(function (d) { return d.url; }); });
      },
      normalise: normalise,
      queryTokens: queryTokens,
      numberTokens: numberTokens,
      fnv1a: fnv1a,
      gunzipFallback: gunzipFallback
    };
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
