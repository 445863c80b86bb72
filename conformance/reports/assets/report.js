(function () {
  // Without this script the page shows everything; with it the filters work and evidence unpacks.
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var SYMBOL = {};
  document.querySelectorAll('.legend .sym').forEach(function (el) {
    SYMBOL[el.className.replace(/.*\bl-(\w+).*/, '$1')] = el.textContent;
  });
  var SEVERITY = {MUST: 4, SHOULD: 2, MAY: 1};
  // What is hidden: labels ("pass"), suites ("suite:property"), severities ("sev:MAY"); plus the check text.
  var hidden = new Set();
  var checkText = '';

  // The address keeps the filters: "#hide=pass,skip,suite:replay,sev:MAY&check=stream" (linkable).
  function decode(text) { try { return decodeURIComponent(text); } catch (e) { return text; } }
  function readAddress() {
    window.location.hash.replace(/^#/, '').split('&').forEach(function (part) {
      var pair = part.split('=');
      var value = pair.slice(1).join('=');
      if (pair[0] === 'hide') {
        value.split(',').filter(Boolean).forEach(function (k) { hidden.add(decode(k)); });
      }
      if (pair[0] === 'check') { checkText = decode(value); }
    });
  }
  function remember() {
    if (!(window.history && window.history.replaceState)) { return; }
    function encode(text) { return encodeURIComponent(text).replace(/%3A/g, ':'); }
    var parts = [];
    if (hidden.size) { parts.push('hide=' + Array.from(hidden).map(encode).join(',')); }
    if (checkText) { parts.push('check=' + encode(checkText)); }
    window.history.replaceState(null, '', '#' + parts.join('&'));
  }

  function severitiesShown() {
    var bits = 0;
    Object.keys(SEVERITY).forEach(function (s) { if (!hidden.has('sev:' + s)) { bits |= SEVERITY[s]; } });
    return bits;
  }
  function checkMatches(column) {
    return !checkText || column.toLowerCase().indexOf(checkText.toLowerCase()) !== -1;
  }
  function shownCases() {
    var bits = severitiesShown();
    return data.cases.map(function (c) {
      return !hidden.has(data.labels[c[0]]) && !hidden.has('suite:' + data.suites[c[1]]) &&
        checkMatches(data.columns[c[2]]) && (c[3] === 0 || (c[3] & bits) !== 0);
    });
  }

  // Each judged cell of the matrix -> its cases (every case has a row and a column of the matrix).
  var cellCases = new Map();
  var matrixRows = document.querySelectorAll('table.matrix tbody tr');
  data.cases.forEach(function (c, i) {
    var cell = matrixRows[c[4]] && matrixRows[c[4]].children[c[2] + 1];
    if (!cell) { return; }
    if (!cellCases.has(cell)) { cellCases.set(cell, []); }
    cellCases.get(cell).push(i);
  });
  function describe(cell, indexes, label) {
    var row = cell.parentElement.querySelector('th').textContent;
    var column = data.columns[data.cases[indexes[0]][2]];
    return column + ' on ' + row + ': ' + data.describe[label] +
      (indexes.length > 1 ? ' (' + indexes.length + ' cases)' : '');
  }
  // A cell shows the worst label of its shown cases (labels are listed worst first), dimmed when none is shown.
  function paintCell(cell, shown) {
    var indexes = cellCases.get(cell);
    var visible = indexes.filter(function (i) { return shown[i]; });
    var pool = visible.length ? visible : indexes;
    var worst = pool.reduce(function (a, b) { return data.cases[b][0] < data.cases[a][0] ? b : a; });
    var label = data.labels[data.cases[worst][0]];
    cell.className = 'l-' + label + (visible.length ? '' : ' dim');
    var symbol = SYMBOL[label] || label;
    if (document.getElementById('case-' + worst)) {
      cell.innerHTML = '<a href="#case-' + worst + '"></a>';
      cell.firstChild.textContent = symbol;
    } else {
      cell.textContent = symbol;
    }
    cell.title = describe(cell, pool, label);
    return visible.length > 0;
  }

  function apply() {
    var shown = shownCases();
    var table = document.querySelector('table.matrix');
    if (table) {
      var heads = table.querySelectorAll('thead th.col');
      var columnShown = Array.prototype.map.call(heads, function () { return false; });
      table.querySelectorAll('tbody tr').forEach(function (row) {
        var any = false;
        Array.prototype.forEach.call(row.querySelectorAll('td'), function (cell, j) {
          if (cellCases.has(cell) && paintCell(cell, shown)) { any = true; columnShown[j] = true; }
        });
        row.classList.toggle('hidden', !any);
      });
      heads.forEach(function (th, j) { th.classList.toggle('hidden', !columnShown[j]); });
      table.querySelectorAll('tbody tr').forEach(function (row) {
        Array.prototype.forEach.call(row.querySelectorAll('td'), function (cell, j) {
          cell.classList.toggle('hidden', !columnShown[j]);
        });
      });
    }
    var bits = severitiesShown();
    document.querySelectorAll('details.case[data-i]').forEach(function (el) {
      el.classList.toggle('hidden', !shown[Number(el.getAttribute('data-i'))]);
    });
    document.querySelectorAll('.finding[data-sev]').forEach(function (el) {
      el.classList.toggle('hidden', (Number(el.getAttribute('data-sev')) & bits) === 0);
    });
    document.querySelectorAll('section.group').forEach(function (group) {
      group.classList.toggle('hidden', !group.querySelector('details.case:not(.hidden)'));
    });
    document.querySelectorAll('.chip[data-filter]').forEach(function (chip) {
      chip.setAttribute('aria-pressed', hidden.has(chip.getAttribute('data-filter')) ? 'false' : 'true');
    });
    var box = document.getElementById('check-filter');
    if (box && box.value !== checkText) { box.value = checkText; }
  }

  readAddress();
  document.querySelectorAll('.chip[data-filter]').forEach(function (chip) {
    chip.addEventListener('click', function () {
      var key = chip.getAttribute('data-filter');
      if (hidden.has(key)) { hidden.delete(key); } else { hidden.add(key); }
      apply(); remember();
    });
  });
  var box = document.getElementById('check-filter');
  if (box) { box.addEventListener('input', function () { checkText = box.value.trim(); apply(); remember(); }); }
  var all = document.getElementById('show-all');
  if (all) { all.addEventListener('click', function () { hidden.clear(); checkText = ''; apply(); remember(); }); }
  var problems = document.getElementById('only-problems');
  if (problems) { problems.addEventListener('click', function () {
    ['pass', 'skip', 'disabled'].forEach(function (k) { hidden.add(k); }); apply(); remember(); }); }

  // Evidence is packed once for the page (gzip, base64, a JSON list of HTML) and unpacked on first need.
  var evidence = null;
  function unpack() {
    if (evidence === null) {
      var blob = document.getElementById('evidence');
      if (typeof DecompressionStream === 'undefined') {
        evidence = Promise.reject(new Error('this browser cannot unpack it (no DecompressionStream); ' +
          'report.json holds the same evidence'));
      } else {
        var raw = atob(blob.textContent.trim());
        var bytes = new Uint8Array(raw.length);
        for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
        evidence = new Response(stream).text().then(JSON.parse);
      }
    }
    return evidence;
  }
  function fill(details) {
    var body = details.querySelector('.ev-body');
    if (!body || body.getAttribute('data-filled')) { return Promise.resolve(); }
    return unpack().then(function (entries) {
      body.innerHTML = entries[Number(details.getAttribute('data-ev'))];  // escaped when the page was written
      body.setAttribute('data-filled', '1');
    }, function (error) {
      body.textContent = 'Evidence not shown: ' + error.message;
    });
  }
  // "toggle" does not bubble: listen while it goes down.
  document.addEventListener('toggle', function (event) {
    var el = event.target;
    if (el.matches && el.matches('details.evidence') && el.open) { fill(el); }
  }, true);
  window.conformanceReport = {
    // For tests and the console: unpack every evidence section (resolves when done).
    unpackAll: function () {
      return Promise.all(Array.prototype.map.call(document.querySelectorAll('details.evidence'), fill));
    }
  };

  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('button.copy') : null;
    if (button) {
      var text = button.parentElement.querySelector('pre').textContent;
      if (navigator.clipboard) { navigator.clipboard.writeText(text).then(function () { button.textContent = 'Copied'; }); }
      return;
    }
    var link = event.target.closest ? event.target.closest('td a') : null;
    if (link) {
      var target = document.querySelector(link.getAttribute('href'));
      if (target && target.tagName === 'DETAILS') { target.open = true; }
    }
  });
  apply();
})();
