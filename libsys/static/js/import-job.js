// The import job's page follows the job: progress and counts every second until it ends.
(function () {
  var box = document.getElementById('import-job');
  var waiting = ['queued', 'running'];
  if (!box || waiting.indexOf(box.dataset.state) < 0) return;
  var labels = document.getElementById('state-labels').dataset;
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: 'same-origin'}).then(function (r) { return r.json(); }).then(function (s) {
      var bar = document.getElementById('import-progress');
      bar.max = s.total || 1; bar.value = s.read;
      ['read', 'created', 'matched', 'rejected', 'items_created', 'items_skipped'].forEach(function (k) {
        var el = box.querySelector('[data-count="' + k + '"]'); if (el) el.textContent = s[k];
      });
      document.getElementById('import-state').textContent = labels[s.state] || s.state;
      if (waiting.indexOf(s.state) >= 0) { setTimeout(poll, 1000); } else { window.location.reload(); }
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
