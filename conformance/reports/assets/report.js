(function () {
  // "#hide=pass,skip" in the address hides those labels: filtered views can be linked to.
  var match = /^#hide=([a-z,]*)$/.exec(window.location.hash);
  var hidden = new Set(match ? match[1].split(',').filter(Boolean) : []);
  function remember() {
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, '', hidden.size ? '#hide=' + Array.from(hidden).join(',') : '#');
    }
  }
  function apply() {
    document.querySelectorAll('[data-label]').forEach(function (el) {
      var off = hidden.has(el.getAttribute('data-label'));
      if (el.classList.contains('cell')) { el.classList.toggle('dim', off); } else { el.classList.toggle('hidden', off); }
    });
    document.querySelectorAll('table.matrix tbody tr').forEach(function (row) {
      var shown = Array.prototype.some.call(row.querySelectorAll('td.cell[data-label]'), function (c) {
        return !hidden.has(c.getAttribute('data-label'));
      });
      row.classList.toggle('hidden', !shown);
    });
    document.querySelectorAll('.chip[data-filter]').forEach(function (chip) {
      chip.setAttribute('aria-pressed', hidden.has(chip.getAttribute('data-filter')) ? 'false' : 'true');
    });
  }
  document.querySelectorAll('.chip[data-filter]').forEach(function (chip) {
    chip.addEventListener('click', function () {
      var label = chip.getAttribute('data-filter');
      if (hidden.has(label)) { hidden.delete(label); } else { hidden.add(label); }
      apply(); remember();
    });
  });
  var all = document.getElementById('show-all');
  if (all) { all.addEventListener('click', function () { hidden.clear(); apply(); remember(); }); }
  var problems = document.getElementById('only-problems');
  if (problems) { problems.addEventListener('click', function () {
    hidden = new Set(['pass', 'skip', 'disabled']); apply(); remember(); }); }
  document.querySelectorAll('button.copy').forEach(function (button) {
    button.addEventListener('click', function () {
      var text = button.parentElement.querySelector('pre').textContent;
      if (navigator.clipboard) { navigator.clipboard.writeText(text).then(function () { button.textContent = 'Copied'; }); }
    });
  });
  document.querySelectorAll('td.cell a').forEach(function (link) {
    link.addEventListener('click', function () {
      var target = document.querySelector(link.getAttribute('href'));
      if (target && target.tagName === 'DETAILS') { target.open = true; }
    });
  });
  apply();
})();
